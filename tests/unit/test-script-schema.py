#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""data/playtest-script.schema.json describes the scripts the parser reads, no more, no less.

Every script of tests/data/scripts/valid/, which test-script reads, passes the schema; every one
of invalid/, which test-script checks the parser rejects with its message, fails it. Needs Debian's python3-jsonschema (4.10, Draft 2020-12).
Prints TAP.
"""
import json
import pathlib
import sys

import jsonschema

top = pathlib.Path(sys.argv[1])
scripts = top / "tests" / "data" / "scripts"
schema = json.loads((top / "data" / "playtest-script.schema.json").read_text())

results = []
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    results.append(("the schema is a valid Draft 2020-12 schema", None))
except jsonschema.SchemaError as error:
    results.append(("the schema is a valid Draft 2020-12 schema", error.message))

validator = jsonschema.Draft202012Validator(schema)
valid = sorted((scripts / "valid").glob("*.json"))
invalid = sorted((scripts / "invalid").glob("*.json"))
if len(valid) < 3 or len(invalid) < 10:
    results.append(("the example scripts are there", f"{len(valid)} valid, {len(invalid)} invalid"))

for path in valid:
    error = jsonschema.exceptions.best_match(validator.iter_errors(json.loads(path.read_text())))
    results.append((f"{path.relative_to(scripts)} passes the schema",
                    None if error is None else f"{error.json_path}: {error.message}"))
for path in invalid:
    data = json.loads(path.read_text())
    results.append((f"{path.relative_to(scripts)} fails the schema",
                    None if not validator.is_valid(data) else "the schema accepts it"))

print(f"1..{len(results)}")
for number, (name, problem) in enumerate(results, 1):
    print(f"{'not ok' if problem else 'ok'} {number} - {name}")
    if problem:
        print(f"# {problem}")
sys.exit(1 if any(problem for _, problem in results) else 0)
