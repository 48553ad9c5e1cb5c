#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` of this build into a temporary DESTDIR puts everything where GNOME looks, with
no path to the source or build tree compiled in, and what it installed works: the CLI answers
--version, `man` finds both pages, and the GUI started from its desktop entry's Exec line finds
its settings schema through XDG_DATA_DIRS (not the build tree) and opens its window.

  test-install.py BUILD_DIR SOURCE_ROOT PREFIX APP_ID SCHEMA_ID VERSION

Needs the D-Bus session and X display build-aux/test.sh provides. Prints TAP.
"""
import configparser
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from checks import Checks

build, top, prefix, app_id, schema_id, version = sys.argv[1:7]
TIMEOUT = 60  # seconds; only there so that a broken run ends
checks = Checks()
work = pathlib.Path(tempfile.mkdtemp(prefix="playtest-install-"))
destdir = work / "destdir"
root = destdir / prefix.lstrip("/")
share = root / "share"


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)


def installed_files():
    return [path for path in destdir.rglob("*") if path.is_file()]


def tree_paths_in(path):
    """The source or build tree's absolute paths in a file, debug sections left out."""
    data = path.read_bytes()
    if data.startswith(b"\x7fELF"):
        stripped = work / "stripped"
        run(["objcopy", "--strip-debug", str(path), str(stripped)], check=True)
        data = stripped.read_bytes()
    return [tree for tree in (top, build) if tree.encode() in data]


def start_gui(exec_line, env):
    """Starts the GUI as a desktop would; returns the process once its window is exported."""
    process = subprocess.Popen(shlex.split(exec_line), env=env, stdout=subprocess.DEVNULL,
                               stderr=open(work / "gui.log", "w"))
    window_path = "/" + app_id.replace(".", "/").replace("-", "_") + "/window/1"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        # An object that is not there introspects as an empty node: look for the window's actions.
        done = run(["gdbus", "introspect", "--session", "--dest", app_id, "--object-path",
                    window_path], env=env)
        if done.returncode == 0 and "org.gtk.Actions" in done.stdout:
            return process, None
        time.sleep(0.2)
    problem = f"no window at {window_path}; exit status {process.poll()}"
    return process, problem + "\n" + (work / "gui.log").read_text()


try:
    done = run(["meson", "install", "-C", build, "--destdir", str(destdir), "--no-rebuild",
                "--quiet"])
    checks.check("meson install into a DESTDIR succeeds",
                 [done.returncode != 0 and done.stdout + done.stderr])

    linguas = (pathlib.Path(top) / "po" / "LINGUAS").read_text().split()
    expected = [
        "bin/convai-playtest", "bin/convai-playtest-cli",
        f"share/applications/{app_id}.desktop", f"share/metainfo/{app_id}.metainfo.xml",
        f"share/icons/hicolor/scalable/apps/{app_id}.svg",
        f"share/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg",
        f"share/glib-2.0/schemas/{schema_id}.gschema.xml",
        "share/man/man1/convai-playtest.1", "share/man/man1/convai-playtest-cli.1",
        "share/convai-playtest/playtest-script.schema.json",
    ] + [f"share/locale/{lang}/LC_MESSAGES/convai-playtest.mo" for lang in linguas
         if not lang.startswith("#")]
    checks.check("everything is where GNOME looks for it",
                 [f"{path} is not installed" for path in expected if not (root / path).is_file()])

    checks.check("no installed file holds a path to the source or build tree", [
        f"{path.relative_to(destdir)}: {', '.join(trees)}"
        for path in installed_files() for trees in [tree_paths_in(path)] if trees])

    locale_dir = f"{prefix}/share/locale".encode()
    checks.check("the binaries look for translations in the prefix", [
        f"{name} has no {locale_dir.decode()}"
        for name in ("convai-playtest", "convai-playtest-cli")
        if locale_dir not in (root / "bin" / name).read_bytes()])

    env = {key: value for key, value in os.environ.items() if key != "GSETTINGS_SCHEMA_DIR"}
    env.update(PATH=f"{root / 'bin'}:{os.environ['PATH']}", LC_ALL="C.UTF-8",
               XDG_DATA_DIRS=f"{share}:/usr/share", HOME=str(work / "home"),
               XDG_DATA_HOME=str(work / "data"), XDG_CONFIG_HOME=str(work / "config"))
    done = run(["convai-playtest-cli", "--version"], env=env)
    checks.check("the installed CLI runs", [
        done.stdout.strip() != f"convai-playtest-cli {version}" and
        f"--version said {done.stdout!r} {done.stderr!r}"])

    checks.check("man finds both installed pages", [
        run(["man", "--manpath", str(share / "man"), "-w", page], env=env).returncode != 0 and
        f"man -w {page} failed" for page in ("convai-playtest", "convai-playtest-cli")])

    # What the post-install script does on a real install (it skips DESTDIR installs).
    run(["glib-compile-schemas", str(share / "glib-2.0" / "schemas")], check=True)
    entry = configparser.RawConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(share / "applications" / f"{app_id}.desktop", encoding="utf-8")
    gui, problem = start_gui(entry["Desktop Entry"]["Exec"], env)
    quit_problems = []
    if problem is None:
        run(["gapplication", "action", app_id, "quit"], env=env)
        try:
            status = gui.wait(timeout=TIMEOUT)
            quit_problems.append(status != 0 and f"the app quit with status {status}")
        except subprocess.TimeoutExpired:
            quit_problems.append("the app did not quit")
    if gui.poll() is None:
        gui.kill()
        gui.wait()
    checks.check("the installed GUI starts from its desktop entry and opens its window",
                 [problem])
    checks.check("the installed GUI quits cleanly", quit_problems)
finally:
    shutil.rmtree(work, ignore_errors=True)
checks.finish()
