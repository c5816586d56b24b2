#!/bin/bash
# The desktop integration files pass their validators, and every string is translated.
# Speaks TAP. Usage: test-desktop.sh SOURCE_ROOT BUILT_DESKTOP_FILE BUILT_METAINFO_FILE
set -u
src="$1"
desktop="$2"
metainfo="$3"
n=0
failed=0

check() {
  local name="$1"
  shift
  local out
  if out=$("$@" 2>&1); then
    n=$((n + 1))
    echo "ok $n - $name"
  else
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $name"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
}

untranslated() {
  # msgfmt reports "N translated messages, M fuzzy translations, K untranslated messages."
  local stats
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$1" 2>&1) || { echo "$stats"; return 1; }
  echo "$stats"
  ! echo "$stats" | grep -qE "fuzzy|untranslated"
}

pot_covers_po() {
  # Every message the sources mark for translation is in the catalogue.
  local pot
  pot=$(mktemp)
  xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dngettext:2,3 --add-comments=Translators -D "$src" -f "$src/po/POTFILES.in" \
    -o "$pot" 2>/dev/null || { rm -f "$pot"; return 1; }
  local missing
  missing=$(msgcmp --use-untranslated "$1" "$pot" 2>&1)
  local rc=$?
  rm -f "$pot"
  [ $rc -eq 0 ] || { echo "$missing"; return 1; }
}

check "desktop-file-validate" desktop-file-validate "$desktop"
check "appstreamcli validate --no-net" appstreamcli validate --no-net --explain "$metainfo"
check "glib-compile-schemas --strict" glib-compile-schemas --strict --dry-run "$src/data"
for po in "$src"/po/*.po; do
  check "$(basename "$po") complete" untranslated "$po"
  check "$(basename "$po") covers every source string" pot_covers_po "$po"
done
echo "1..$n"
[ $failed -eq 0 ]
