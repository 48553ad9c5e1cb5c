#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the README's and the metainfo's screenshots: starts the built app on its demo backend
# under Xvfb (a private X server and D-Bus session), with a throw-away home, plays a few turns
# with Mira the Innkeeper by typing into the window, and saves the window:
#
#   data/screenshots/window-demo.png     the window after three turns
#   data/screenshots/presentation.png    presentation mode (F11), filling a 1280×800 screen
#
#   build-aux/screenshots.sh [OUTPUT_DIR]
#
# LANGUAGE=de build-aux/screenshots.sh writes window-demo-de.png and presentation-de.png (the
# build's translations are used through its own locale directory, see below). Needs xvfb,
# xdotool and imagemagick (build-aux/setup.sh --tests installs them). Look at every picture
# before committing it.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
out_dir=$(realpath -m "${1:-$top/data/screenshots}")
# How long a demo reply (with its espeak-ng voice) may take; only pacing, nothing is measured.
turn_seconds=${PLAYTEST_SCREENSHOT_TURN_SECONDS:-4}

if [ "${PLAYTEST_SCREENSHOTS_INSIDE:-}" != 1 ]; then
  for tool in xvfb-run xdotool import dbus-run-session; do
    command -v "$tool" >/dev/null || {
      echo "screenshots.sh: $tool is missing; run build-aux/setup.sh --tests" >&2
      exit 1
    }
  done
  meson compile -C "$build_dir" convai-playtest >/dev/null
  PLAYTEST_SCREENSHOTS_INSIDE=1 exec dbus-run-session -- \
    xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@"
fi

work=$(mktemp -d)
app_pid=
cleanup() {
  if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh user: no history, no key, no settings but a window size that suits a README.
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
       XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME" "$XDG_CONFIG_HOME/glib-2.0/settings"
cat >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile" <<'KEYFILE'
[io/github/convai_playtest/Playtest]
window-width=1100
window-height=720
KEYFILE
export GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR=$build_dir/data
export PLAYTEST_AUDIO=fake CONVAI_API_KEY= NO_AT_BRIDGE=1 GTK_A11Y=none
export LANG=${LANG:-C.UTF-8}
suffix=
if [ -n "${LANGUAGE:-}" ] && [ "${LANGUAGE%%:*}" != en ] && [ "${LANGUAGE%%:*}" != C ]; then
  suffix=-${LANGUAGE%%[_:]*}
  # gettext ignores LANGUAGE in the C locale.
  [ "${LANG%%.*}" = C ] && export LANG=en_US.UTF-8
fi

"$build_dir/src/app/convai-playtest" --demo --character demo-mira >"$work/app.log" 2>&1 &
app_pid=$!

window=$(timeout 60 xdotool search --sync --onlyvisible --class convai-playtest | head -n 1)
xdotool windowmove "$window" 0 0
sleep 2  # the demo characters are listed, the empty conversation drawn

say() {
  xdotool windowfocus --sync "$window"
  xdotool key --window "$window" ctrl+l
  xdotool type --delay 20 --window "$window" "$1"
  xdotool key --window "$window" Return
  sleep "$turn_seconds"
}

shoot() {
  sleep 1  # the last frame drawn
  import -window "$window" "$out_dir/$1$suffix.png"
  echo "wrote $out_dir/$1$suffix.png"
}

mkdir -p "$out_dir"
say "Good evening! Is there a room for the night?"
say "Have you seen a ring? A silver one, with a blue stone."
say "Could it be in the cellar?"
shoot window-demo

xdotool key --window "$window" F11
xdotool windowsize --sync "$window" 1280 800  # no window manager here to make it fullscreen
shoot presentation
xdotool key --window "$window" F11

if ! kill -0 "$app_pid" 2>/dev/null; then
  echo "screenshots.sh: the app ended early; its output:" >&2
  cat "$work/app.log" >&2
  exit 1
fi
