#!/bin/bash
# Runs the GUI test program on a private Xvfb display inside a private D-Bus session, with
# in-memory settings and a throw-away home. Speaks TAP (the program's own).
#   test-app.sh PATH/TO/test-app SCHEMA_DIR
#   DS_TEST_ARGS="-p /app/pages/transfer-set-captions" test-app.sh ...  runs one test case
set -u
prog="$1"
schema_dir="$2"
tmp="$(mktemp -d)"
xpid=
cleanup() {
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# -displayfd picks a free display number and writes it once the server is ready.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xpid=$!
for _ in $(seq 100); do
  [ -s "$tmp/display" ] && break
  sleep 0.1
done
if [ ! -s "$tmp/display" ]; then
  echo "Bail out! Xvfb did not start: $(cat "$tmp/xvfb.log")"
  exit 1
fi

mkdir -p "$tmp/home" "$tmp/tmp"
export DISPLAY=":$(cat "$tmp/display")"
# GTK's test accessibility backend keeps every widget's accessible properties, for the tests to
# check, without an AT-SPI bus.
export GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=test
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$schema_dir"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_CACHE_HOME="$tmp/home/.cache" TMPDIR="$tmp/tmp"
export LANGUAGE=en LC_ALL=C.UTF-8
unset DBUS_SESSION_BUS_ADDRESS

dbus-run-session -- "$prog" --tap ${DS_TEST_ARGS:-}
