#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""convai-playtest-cli in German: its help, every command's help and its usage errors.

Runs the CLI built against the build tree's catalogues (cli-in-build-tree) with LANGUAGE=de
and with LANGUAGE unset, under the tests' C.UTF-8 locale. The commands come from the English
`--help`, so a new command is checked without changing this test. For each of them, --help
must succeed in German and no option line of the English help may be left as it is.

Usage: test-cli-de.py CLI. Prints TAP.
"""

import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import taplib  # noqa: E402  (tests/taplib.py)

cli = sys.argv[1]
OPTION_LINE = re.compile(r"^\s+(-\w, )?--[\w-]+(=\S+)?\s{2,}\S")


def run(language, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE=language)
    return subprocess.run([cli, *args], capture_output=True, text=True, env=env, timeout=60)


def commands(english_help):
    """The command names listed under "Commands:" in the English --help."""
    names, listing = [], False
    for line in english_help.splitlines():
        if line.strip() == "Commands:":
            listing = True
        elif listing and re.match(r"^  [a-z][\w-]*\s", line):
            names.append(line.split()[0])
        elif listing and not line.strip():
            break
    return names


def left_in_english(english, german):
    """Option lines (option and description) of the English help found as they are in the
    German help."""
    def words(line):  # the column of the descriptions depends on the longest option
        return " ".join(line.split())

    german_lines = {words(line) for line in german.splitlines()}
    return [words(line) for line in english.splitlines()
            if OPTION_LINE.match(line) and words(line) in german_lines]


def help_problems(*args):
    english, german = run("", *args, "--help"), run("de", *args, "--help")
    name = " ".join(("convai-playtest-cli",) + args + ("--help",))
    if english.returncode != 0 or german.returncode != 0:
        return [f"{name} exits {english.returncode} in English, {german.returncode} in German",
                *german.stderr.splitlines()]
    problems = [f"{name} still reads: {line}" for line in left_in_english(english.stdout,
                                                                          german.stdout)]
    if "Aufruf:" not in german.stdout:  # GLib's own "Usage:" in German
        problems.append(f"{name} has no “Aufruf:” line:")
        problems += german.stdout.splitlines()[:5]
    return problems


checks = []
main_english = run("", "--help").stdout
names = commands(main_english)
checks.append(("the English --help lists the commands", [] if names else main_english.splitlines()))

german = run("de", "--help").stdout
checks.append(("--help in German lists the commands under “Befehle:”",
               [] if "Befehle:" in german and "Commands:" not in german
               else german.splitlines()))
checks.append(("--help in German has every option in German", help_problems()))
for name in names:
    checks.append((f"{name} --help in German has every option in German", help_problems(name)))

unknown = run("de", "no-such-command")
checks.append(("a usage error is in German, with exit status 2",
               [] if unknown.returncode == 2 and "Unbekannter Befehl »no-such-command«"
               in unknown.stderr else [f"exit {unknown.returncode}", *unknown.stderr.splitlines()]))

sys.exit(taplib.report(checks))
