#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop entry and the AppStream metainfo as built: both validators pass, and they agree
with the build (application id, icon, version, binaries, screenshots in the repository).

  test-desktop-metainfo.py DESKTOP METAINFO APP_ID VERSION SOURCE_ROOT BINARY...

Prints TAP.
"""
import configparser
import pathlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from checks import Checks

desktop, metainfo, app_id, version, top = sys.argv[1:6]
binaries = sorted(sys.argv[6:])
top = pathlib.Path(top)
checks = Checks()
check = checks.check

def run_validator(command, package):
    if shutil.which(command[0]) is None:
        return [f"{command[0]} is missing: install {package} (build-aux/setup.sh --tests does)"]
    done = subprocess.run(command, capture_output=True, text=True)
    output = (done.stdout + done.stderr).strip()
    problems = []
    if done.returncode != 0:
        problems.append(f"{' '.join(command)} exited with {done.returncode}")
    # desktop-file-validate exits 0 on warnings and hints; they are defects here too.
    if command[0] == "desktop-file-validate" and output:
        problems.append("it says something")
    return problems + ([output] if problems else [])


check("desktop-file-validate passes without a hint",
      run_validator(["desktop-file-validate", desktop], "desktop-file-utils"))
check("appstreamcli validate --no-net passes",
      run_validator(["appstreamcli", "validate", "--no-net", "--explain", metainfo], "appstream"))

entry = configparser.RawConfigParser(interpolation=None, strict=True)
entry.optionxform = str
entry.read(desktop, encoding="utf-8")
group = entry["Desktop Entry"]
check("the desktop file is named after the application id and uses its icon", [
    pathlib.Path(desktop).name != f"{app_id}.desktop" and f"named {pathlib.Path(desktop).name}",
    group.get("Icon") != app_id and f"Icon={group.get('Icon')}",
])
check("the desktop entry starts the GUI binary", [
    group.get("Exec", "").split()[0:1] != ["convai-playtest"] and f"Exec={group.get('Exec')}",
    "convai-playtest" not in binaries and "the GUI binary is not built",
])

root = ET.parse(metainfo).getroot()
provided = sorted(b.text for b in root.findall("provides/binary"))
release = root.find("releases/release")
check("the metainfo names this build: id, launchable, binaries, newest release", [
    root.findtext("id") != app_id and f"id {root.findtext('id')}",
    root.findtext("launchable") != f"{app_id}.desktop" and
    f"launchable {root.findtext('launchable')}",
    provided != binaries and f"provides {provided}, the build installs {binaries}",
    release is None and "no release" or release.get("version") != version and
    f"newest release {release.get('version')}, project version {version}",
    release is not None and release.find("description") is None and "no release notes",
])

# Translations merged in: the app grid and software centres show the user's language.
languages = [lang for lang in (top / "po" / "LINGUAS").read_text().split()
             if not lang.startswith("#")]
summaries = {s.get("{http://www.w3.org/XML/1998/namespace}lang") for s in root.findall("summary")}
check("every language in po/LINGUAS is merged into both", [
    f"Comment[{lang}] missing from the desktop entry" for lang in languages
    if f"Comment[{lang}]" not in group] + [
    f"no summary xml:lang=\"{lang}\" in the metainfo" for lang in languages
    if lang not in summaries])

prefix = "https://raw.githubusercontent.com/convai-playtest/playtest/main/"
images = [image.text for image in root.findall("screenshots/screenshot/image")]
check("every screenshot is a file in the repository", [
    not images and "no screenshots"] + [
    f"{url} is not under {prefix}" if not url.startswith(prefix) else
    not (top / url[len(prefix):]).is_file() and f"{url[len(prefix):]} does not exist"
    for url in images
])

checks.finish()
