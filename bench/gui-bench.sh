#!/bin/bash
# Runs bench/gui-bench (frame timing of the desktop app while it trains) on a private Xvfb
# display with in-memory settings.
#   bench/gui-bench.sh [BUILD_DIR] [SECONDS]
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
seconds="${2:-20}"
tmp="$(mktemp -d)"
trap 'kill $xpid 2>/dev/null; rm -rf "$tmp"' EXIT
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>/dev/null &
xpid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")" GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" HOME="$tmp"
dbus-run-session -- "$build/bench/gui-bench" "$seconds"
