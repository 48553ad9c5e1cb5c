#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest (it cannot be built here, without the GNOME runtime) agrees with the
build: valid JSON, the .Devel application id and the GUI binary, this source tree built with
-Dprofile=development, a module for every dependency the GNOME runtime lacks, sources pinned by
checksum or commit, and only the permissions the app needs (the keyring through the Secret
portal, so no org.freedesktop.secrets).

  test-flatpak.py MANIFEST SOURCE_ROOT BASE_APP_ID GUI_BINARY

Prints TAP.
"""
import json
import pathlib
import re
import sys

from checks import Checks

manifest_path, top, base_id, gui = sys.argv[1:5]
manifest_path, top = pathlib.Path(manifest_path), pathlib.Path(top).resolve()
checks = Checks()
# What org.gnome.Platform provides (pkg-config names), so needs no module of its own.
IN_RUNTIME = {"glib-2.0", "gio-2.0", "libsoup-3.0", "json-glib-1.0", "sqlite3", "gtk4",
              "libadwaita-1", "libsecret-1", "gstreamer-1.0", "gstreamer-app-1.0",
              "gstreamer-audio-1.0"}
NEEDED = {"--share=network", "--socket=pulseaudio", "--socket=wayland", "--socket=fallback-x11"}
REFUSED = re.compile(r"^--(talk-name=org\.freedesktop\.secrets|filesystem=(host|home)|"
                     r"socket=session-bus|socket=system-bus|device=all)")

try:
    manifest = json.loads(manifest_path.read_text())
except ValueError as error:
    checks.check("the manifest is valid JSON", [str(error)])
    checks.finish()
checks.check("the manifest is valid JSON", [])

app_id = manifest.get("id") or manifest.get("app-id")
checks.check("the application id is the development one, and it runs the GUI", [
    app_id != base_id + ".Devel" and f"id {app_id}",
    manifest.get("command") != gui and f"command {manifest.get('command')}",
    manifest.get("runtime") != "org.gnome.Platform" and f"runtime {manifest.get('runtime')}",
    manifest.get("sdk") != "org.gnome.Sdk" and f"sdk {manifest.get('sdk')}",
])

modules = manifest.get("modules", [])
app = modules[-1] if modules else {}
sources = app.get("sources", [])
checks.check("the last module builds this tree with meson as a development build", [
    app.get("buildsystem") != "meson" and f"buildsystem {app.get('buildsystem')}",
    "-Dprofile=development" not in app.get("config-opts", []) and "no -Dprofile=development",
    not any(s.get("type") == "dir" and
            (manifest_path.parent / s.get("path", "")).resolve() == top for s in sources) and
    "no dir source pointing at the source tree",
])

meson_build = (top / "meson.build").read_text()
dependencies = set(re.findall(r"dependency\('([\w.+-]+)'", meson_build))
names = {module.get("name") for module in modules}
checks.check("every dependency the GNOME runtime lacks is built by a module", [
    f"{dep} is neither in the runtime nor a module" for dep in sorted(dependencies - IN_RUNTIME)
    if dep not in names])

unpinned = []
for module in modules:
    for source in module.get("sources", []):
        kind = source.get("type")
        if kind in ("archive", "file") and not re.fullmatch(r"[0-9a-f]{64}",
                                                            source.get("sha256", "")):
            unpinned.append(f"{module.get('name')}: {source.get('url')} has no sha256")
        if kind == "git" and not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
            unpinned.append(f"{module.get('name')}: {source.get('url')} has no commit")
checks.check("every downloaded source is pinned", unpinned)

args = manifest.get("finish-args", [])
checks.check("permissions: network and sound, no keyring hole or home access", [
    f"missing {arg}" for arg in sorted(NEEDED - set(args))] + [
    f"{arg} is not needed" for arg in args if REFUSED.match(arg)])
checks.finish()
