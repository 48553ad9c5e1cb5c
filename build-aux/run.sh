#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up and builds Convai Playtest, then starts it. With no CONVAI_API_KEY it runs on the
# embedded demo backend. (Until the window exists this starts the demo backend and prints how
# to talk to it with the CLI.)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
"$top/build-aux/setup.sh"

cli="$build_dir/src/cli/convai-playtest-cli"
port=${PLAYTEST_DEMO_PORT:-8123}
cat <<MSG

Starting the demo backend on http://127.0.0.1:$port (Ctrl+C stops it).
In another terminal, talk to a demo character:

  $cli characters --base-url http://127.0.0.1:$port
  $cli say --base-url http://127.0.0.1:$port --character demo-mira "Good evening"
  $cli say --base-url http://127.0.0.1:$port --character demo-mira --session SESSION --voice --save-audio reply.wav "Where is the ring?"

MSG
exec "$cli" demo-server --port "$port"
