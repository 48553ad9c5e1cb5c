#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The man pages render without a warning and describe everything the programs' --help lists:
every command of convai-playtest-cli, every option of each command (in that command's part of
the page), every option of convai-playtest. A command or option added to a program and not to
its page fails here.

  test-man.py CLI CLI_PAGE CLI_SOURCE APP APP_PAGE APP_SOURCE

Prints TAP.
"""
import os
import re
import shutil
import subprocess
import sys

from checks import Checks

cli, cli_page, cli_source, app, app_page, app_source = sys.argv[1:7]
env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="", MANWIDTH="80")
checks = Checks()
OPTION = re.compile(r"^\s+(?:-\w, )?(--[\w-]+)", re.MULTILINE)


def help_text(*command):
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


def rendering_problems(page):
    problems = []
    for command in (["man", "--warnings", "-l", page], ["groff", "-k", "-ww", "-z", "-man", page]):
        if shutil.which(command[0]) is None:
            problems.append(f"{command[0]} is missing (man-db, groff-base)")
            continue
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0 or done.stderr.strip():
            problems.append(f"{' '.join(command)}: {done.returncode}\n{done.stderr.strip()}")
    return problems


def subsections(source):
    """The page's "## name" parts, by name; text before the first is under ""."""
    parts, name = {"": []}, ""
    for line in open(source, encoding="utf-8"):
        if line.startswith("## "):
            name = line[3:].strip()
            parts[name] = []
        else:
            parts[name].append(line)
    return {key: "".join(lines) for key, lines in parts.items()}


def missing_options(help_output, described, where, skip=()):
    return [f"{option} ({where}) is not described" for option in OPTION.findall(help_output)
            if option not in skip and f"*{option}*" not in described]


for page in (cli_page, app_page):
    checks.check(f"{os.path.basename(page)} renders without warnings", rendering_problems(page))

top_help = help_text(cli, "--help")
commands = re.findall(r"^  ([a-z][\w-]*)  ", top_help.split("Commands:", 1)[-1], re.MULTILINE)
parts = subsections(cli_source)
checks.check("convai-playtest-cli(1) has a part for every command --help lists", [
    not commands and "no commands found in --help"] + [
    f"command {command} has no “## {command}” part" for command in commands
    if command not in parts])
checks.check("convai-playtest-cli(1) describes the program's own options",
             missing_options(top_help.split("Commands:", 1)[0], parts[""], "convai-playtest-cli"))
for command in commands:
    checks.check(f"convai-playtest-cli(1) describes every option of “{command}”",
                 missing_options(help_text(cli, command, "--help"), parts.get(command, ""),
                                 command))

app_help = help_text(app, "--help")
with open(app_source, encoding="utf-8") as source:
    checks.check("convai-playtest(1) describes every option --help lists",
                 missing_options(app_help, source.read(), "convai-playtest",
                                 skip=("--help-gapplication",)))
checks.finish()
