#!/usr/bin/python3
"""Totals the test cases of meson test logs and prints "N passed, N failed".

Every test program speaks TAP, so a program counts each of its "ok" lines as a pass and each
"not ok" as a failure (a TODO or SKIP directive counts as neither). A program that failed
without reporting a failing case (crash, sanitizer abort, timeout) counts as one failure.
Exits 1 when anything failed.
"""
import json
import re
import sys

OK = re.compile(r"^ok\b")
NOT_OK = re.compile(r"^not ok\b")
DIRECTIVE = re.compile(r"#\s*(SKIP|TODO)", re.IGNORECASE)


def count_program(entry):
    passed = failed = skipped = 0
    for line in (entry.get("stdout") or "").splitlines():
        if DIRECTIVE.search(line) and (OK.match(line) or NOT_OK.match(line)):
            skipped += 1
        elif NOT_OK.match(line):
            failed += 1
        elif OK.match(line):
            passed += 1
    if entry.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and failed == 0:
        failed = 1
    return passed, failed, skipped


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as log:
                entries = [json.loads(line) for line in log if line.strip()]
        except OSError as err:
            print(f"cannot read {path}: {err}", file=sys.stderr)
            failed += 1
            continue
        for entry in entries:
            p, f, s = count_program(entry)
            passed, failed, skipped = passed + p, failed + f, skipped + s
    tail = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{tail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
