#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up and builds Convai Playtest, then starts the app from the build tree. With no API key
# (neither CONVAI_API_KEY nor one in the keyring) and no --base-url it runs on the embedded
# demo backend, started in-process on a loopback port. Arguments go to the app:
#
#   build-aux/run.sh [--base-url URL] [--character ID] [--demo]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
"$top/build-aux/setup.sh"

# The settings schema is compiled into the build tree; the app is not installed.
GSETTINGS_SCHEMA_DIR=$build_dir/data exec "$build_dir/src/app/convai-playtest" "$@"
