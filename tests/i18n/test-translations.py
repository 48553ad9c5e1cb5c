#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every language in po/LINGUAS is complete for the sources as they are now.

Extracts a fresh template from the files in po/POTFILES.in (the same xgettext arguments as
meson's "glib" preset, into a temporary directory: the checked-in tree is not touched), then
for each language:
  - its .po compiles with `msgfmt --check` (placeholders the same as in the English, plural
    forms header present, one mnemonic underscore where the English has one),
  - it has no fuzzy and no untranslated message,
  - merged with the fresh template it still has none: a string added to the sources without
    its translation fails here, naming the string.
The template must also extract cleanly: a marked string glued to a format macro such as
G_GSIZE_FORMAT is cut by xgettext at the macro and would never be translated at run time.

Usage: test-translations.py SOURCE_ROOT. Prints TAP.
"""

import pathlib
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import taplib  # noqa: E402  (tests/taplib.py)

# meson's i18n "glib" preset (mesonbuild/modules/i18n.py), which po/meson.build uses.
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")

top = pathlib.Path(sys.argv[1]).resolve()
po_dir = top / "po"
results = []


def check(name, problems):
    results.append((name, problems))


def run(*args):
    return subprocess.run(args, capture_output=True, text=True)


def statistics(stderr):
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in STATISTICS.findall(stderr):
        counts[kind] = int(number)
    return counts


def msgids(po_file, *attrib_args):
    """The msgids msgattrib selects from po_file (a plural by its singular), header left out."""
    out = run("msgattrib", "--no-wrap", "--no-location", *attrib_args, str(po_file)).stdout
    found = []
    current = None  # the msgid being read, while its continuation lines may follow
    for line in out.splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid "):]]
            found.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
    texts = ("".join(part[1:-1] for part in parts) for parts in found)
    return [text for text in texts if text]


def completeness(po_file, label):
    """Problems that make po_file incomplete or invalid; label names it in the messages."""
    result = run("msgfmt", "--check", "--check-accelerators=_", "--statistics",
                 "-o", "/dev/null", str(po_file))
    if result.returncode != 0:
        return [f"{label}: msgfmt --check fails:"] + result.stderr.splitlines()
    counts = statistics(result.stderr)
    problems = []
    for kind, selector in (("fuzzy", "--only-fuzzy"), ("untranslated", "--untranslated")):
        if counts[kind]:
            problems.append(f"{label}: {counts[kind]} {kind} message(s):")
            problems += [f"  {msgid}" for msgid in msgids(po_file, selector)]
    if counts["translated"] == 0:
        problems.append(f"{label}: no translated messages at all")
    return problems


with tempfile.TemporaryDirectory(prefix="test-translations-") as tmp:
    tmp = pathlib.Path(tmp)
    pot = tmp / "template.pot"
    extract = run("xgettext", *XGETTEXT_ARGS, f"--directory={top}",
                  f"--files-from={po_dir / 'POTFILES.in'}", f"--output={pot}")
    problems = [] if extract.returncode == 0 else [f"xgettext failed ({extract.returncode})"]
    problems += [line for line in extract.stderr.splitlines() if "warning" in line]
    # A msgid that ends in a lone "%" was cut at a macro after the "%".
    problems += [f"msgid cut short (a format macro in a marked string?): “{msgid}”"
                 for msgid in msgids(pot) if re.search(r"(?<!%)%$", msgid)]
    check("the template extracts without warnings", problems)

    languages = [line.strip() for line in (po_dir / "LINGUAS").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
    check("po/LINGUAS names at least one language", [] if languages else ["it is empty"])

    for language in languages:
        po_file = po_dir / f"{language}.po"
        if not po_file.exists():
            check(f"{language}: po/{language}.po exists", [f"no {po_file}"])
            continue
        check(f"{language}: po/{language}.po compiles and is complete",
              completeness(po_file, f"po/{language}.po"))

        merged = tmp / f"{language}.po"
        merge = run("msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file", str(merged),
                    str(po_file), str(pot))
        if merge.returncode != 0:
            check(f"{language}: translates every string of the current sources",
                  ["msgmerge failed:"] + merge.stderr.splitlines())
            continue
        check(f"{language}: translates every string of the current sources",
              completeness(merged, f"po/{language}.po merged with the current sources"))

sys.exit(taplib.report(results, advice="Run: meson compile -C BUILDDIR convai-playtest-update-po, "
                                      "then translate the empty and fuzzy messages in "
                                      "po/LANG.po"))
