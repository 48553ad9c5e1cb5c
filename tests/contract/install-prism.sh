#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs Stoplight Prism, the OpenAPI validator the contract test runs, with npm into the build
# directory (never into the source tree). Does nothing when the pinned version is already there.
#
#   tests/contract/install-prism.sh         # into ${PLAYTEST_BUILD_DIR:-_build}/prism
#   PLAYTEST_PRISM_DIR=DIR tests/contract/install-prism.sh
#
# 5.14.2 is the newest Prism 5 that runs on Debian 12's Node.js 18.20 (5.15 and later want 24).
set -euo pipefail

prism_version=5.14.2

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
prism_dir=${PLAYTEST_PRISM_DIR:-$build_dir/prism}
prism_bin=$prism_dir/node_modules/.bin/prism

if [ -x "$prism_bin" ] && [ "$("$prism_bin" --version 2>/dev/null)" = "$prism_version" ]; then
  exit 0
fi

if ! command -v npm >/dev/null; then
  echo "install-prism.sh: npm is missing; install Node.js and npm (build-aux/setup.sh --tests)" >&2
  exit 1
fi

echo "Installing @stoplight/prism-cli@$prism_version into $prism_dir" >&2
mkdir -p "$prism_dir"
# A package.json of our own keeps npm from walking up and installing into a parent project.
if [ ! -f "$prism_dir/package.json" ]; then
  printf '{ "name": "playtest-prism", "private": true }\n' >"$prism_dir/package.json"
fi
npm install --prefix "$prism_dir" --no-audit --no-fund --prefer-offline --save-exact \
  --loglevel=error "@stoplight/prism-cli@$prism_version"

if [ "$("$prism_bin" --version 2>/dev/null)" != "$prism_version" ]; then
  echo "install-prism.sh: Prism $prism_version did not install into $prism_dir" >&2
  exit 1
fi
