#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the README's and the metainfo's screenshots: installs the app into a prefix of its own
# (a build dir beside yours, _build-screenshots, with the prefix inside it), starts it from its
# desktop entry on the demo backend under Xvfb (a private X server and D-Bus session), with a
# throw-away home, plays a few turns with Mira the Innkeeper by typing into the window, and
# saves the window:
#
#   data/screenshots/window-demo.png     the window after three turns
#   data/screenshots/presentation.png    presentation mode (F11), filling a 1280×800 screen
#   data/screenshots/script-run.png      a playthrough script run in the script pane (Ctrl+R),
#                                        one of its expectations failing on purpose
#
#   build-aux/screenshots.sh [OUTPUT_DIR]
#
# LANGUAGE=de build-aux/screenshots.sh writes window-demo-de.png and presentation-de.png, with
# the translations installed into the prefix (which is why it installs). Needs xvfb,
# xdotool and imagemagick (build-aux/setup.sh --tests installs them). Look at every picture
# before committing it.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PLAYTEST_BUILD_DIR:-$top/_build}
shots_build=$(realpath -m "${PLAYTEST_SCREENSHOTS_BUILD_DIR:-$build_dir-screenshots}")
prefix=$shots_build/prefix
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
  if [ ! -f "$shots_build/build.ninja" ]; then
    meson setup --prefix "$prefix" "$shots_build" "$top" >/dev/null
  fi
  meson install -C "$shots_build" --quiet
  PLAYTEST_SCREENSHOTS_INSIDE=1 exec dbus-run-session -- \
    xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@"
fi

work=$(mktemp -d)
app_pid=
cleanup() {
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
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
# As a desktop finds an installed app: its binaries, its schema and icons under XDG_DATA_DIRS.
export PATH=$prefix/bin:$PATH XDG_DATA_DIRS=$prefix/share:/usr/share GSETTINGS_BACKEND=keyfile
unset GSETTINGS_SCHEMA_DIR
export PLAYTEST_AUDIO=fake CONVAI_API_KEY='' NO_AT_BRIDGE=1 GTK_A11Y=none
# English unless LANGUAGE says otherwise, whatever this machine's locale (C.UTF-8 is always
# there, and gettext honours LANGUAGE in it, unlike in plain C).
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
suffix=
if [ -n "${LANGUAGE:-}" ] && [ "${LANGUAGE%%:*}" != en ] && [ "${LANGUAGE%%:*}" != C ]; then
  suffix=-${LANGUAGE%%[_:]*}
fi

desktop_entries=("$prefix"/share/applications/*.desktop)
exec_line=$(sed -n 's/^Exec=//p' "${desktop_entries[0]}" | head -n 1)
window=

# Starts the app as the desktop entry says, with these arguments, and waits for its window.
start_app() {
  # shellcheck disable=SC2086  # the Exec line is words
  $exec_line --demo "$@" >>"$work/app.log" 2>&1 &
  app_pid=$!
  window=$(timeout 60 xdotool search --sync --onlyvisible --class convai-playtest | head -n 1)
  xdotool windowmove "$window" 0 0
  sleep 2  # the demo characters are listed, the empty conversation drawn
}

quit_app() {
  xdotool key --window "$window" ctrl+q
  if ! wait "$app_pid"; then
    echo "screenshots.sh: the app failed; its output:" >&2
    cat "$work/app.log" >&2
    exit 1
  fi
  app_pid=
}

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
start_app --character demo-mira
say "Good evening! Is there a room for the night?"
say "Have you seen a ring? A silver one, with a blue stone."
say "Could it be in the cellar?"
shoot window-demo

xdotool key --window "$window" F11
xdotool windowsize --sync "$window" 1280 800  # no window manager here to make it fullscreen
shoot presentation
xdotool key --window "$window" F11
quit_app

# A playthrough as a tester writes one; the third step expects joy where Mira is sad.
cat >"$work/lost-ring.json" <<'SCRIPT'
{
  "name": "The lost ring",
  "character": "demo-mira",
  "steps": [
    {"say": "Good evening! Is there a room for the night?",
     "expect": {"emotion": "joy", "actions_include": ["Hand Key"], "section": "mira-arrival"}},
    {"say": "You look worried. What is wrong?",
     "expect": {"text_contains": "ring", "emotion": "sadness", "section_changed": true}},
    {"say": "What does the ring look like?",
     "expect": {"text_contains": "silver", "emotion": "joy"}},
    {"say": "I will help you look for it.",
     "expect": {"section": "mira-cellar-search", "actions_include": ["Hand Lantern"],
                "max_latency_ms": 5000}}
  ]
}
SCRIPT
start_app --script "$work/lost-ring.json"
xdotool windowfocus --sync "$window"
xdotool key --window "$window" ctrl+r
sleep $((4 * turn_seconds))
shoot script-run
quit_app
