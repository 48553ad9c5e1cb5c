#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up and builds Convai Playtest with everything the tests need, then runs the whole test
# suite under Xvfb and a private D-Bus session, and prints "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
"$top/build-aux/setup.sh" --tests || exit 1
"$top/tests/contract/install-prism.sh" || exit 1

dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' \
  meson test -C "$build_dir" --print-errorlogs --num-processes 2 "$@"
status=$?

python3 - "$build_dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as log:
        for line in log:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed = 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
