#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in lists exactly the source files whose strings are marked for translation.

A file missing from it would ship untranslated; a file listed that no longer exists breaks
the translation template. Prints TAP.
"""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import taplib  # noqa: E402  (tests/taplib.py)

# _("…"), N_, C_, NC_, ngettext, and the GLib calls that take a domain first:
# g_dngettext (GETTEXT_PACKAGE, "…", …), g_dpgettext2 (NULL, "context", "…").
MARKED = re.compile(r'(?<![A-Za-z0-9_])(?:(?:N?_|C_|NC_|ngettext)\s*\(\s*"'
                    r'|g_d[a-z]*gettext2?\s*\(\s*[A-Za-z_][A-Za-z0-9_]*\s*,\s*")')
SOURCES = ("*.c", "*.h", "*.ui", "*.gschema.xml")
# Desktop entries and AppStream metainfo always hold translatable text (Name, summary, …);
# they are configured with the application id (.in.in) before their translations are merged.
ALWAYS = ("*.desktop.in", "*.desktop.in.in", "*.metainfo.xml.in", "*.metainfo.xml.in.in")

top = pathlib.Path(sys.argv[1])
listed = {line.strip() for line in (top / "po" / "POTFILES.in").read_text().splitlines()
          if line.strip() and not line.startswith("#")}
marked = set()
for pattern in SOURCES:
    for path in list((top / "src").rglob(pattern)) + list((top / "data").rglob(pattern)):
        text = path.read_text(errors="replace")
        if path.suffix in (".c", ".h") and MARKED.search(text) or \
           path.suffix == ".ui" and 'translatable="yes"' in text or \
           path.name.endswith(".gschema.xml") and re.search(r"<(summary|description)\b", text):
            marked.add(str(path.relative_to(top)))
for pattern in ALWAYS:
    marked.update(str(path.relative_to(top)) for path in (top / "data").rglob(pattern))

checks = [
    ("every file with marked strings is in po/POTFILES.in", sorted(marked - listed)),
    ("every file in po/POTFILES.in exists", sorted(p for p in listed if not (top / p).exists())),
]
sys.exit(taplib.report(checks))
