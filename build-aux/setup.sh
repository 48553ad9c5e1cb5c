#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what a fresh Debian 12 machine lacks to build Convai Playtest (only the packages that
# are missing), then configures and builds it in _build/. Sourced by run.sh and test.sh.
#
#   build-aux/setup.sh [--tests]     --tests also installs what the test suite needs
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}

build_packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev
  libgtk-4-dev libadwaita-1-dev libespeak-ng-dev espeak-ng-data
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  scdoc desktop-file-utils gtk-update-icon-cache
)
test_packages=(
  xvfb xauth dbus dbus-x11 curl sox espeak-ng python3 at-spi2-core python3-pyatspi imagemagick
  python3-jsonschema
  appstream man-db groff-base xdotool
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
      || echo "$pkg"
  done
}

install_missing() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  echo "Installing missing packages: $(echo $missing | tr '\n' ' ')" >&2
  as_root apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

packages=("${build_packages[@]}")
if [ "${1:-}" = "--tests" ]; then
  packages+=("${test_packages[@]}")
  # The contract test runs Prism from npm. Node.js may come from elsewhere than Debian (a newer
  # one is fine), so Debian's is installed only when none is on the PATH.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi
install_missing "${packages[@]}"

if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$top"
fi
meson compile -C "$build_dir"
