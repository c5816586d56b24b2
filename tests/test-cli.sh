#!/bin/bash
# distillscope-cli end to end: option checking, a tiny experiment, JSON, sessions, bench.
# Speaks TAP. Usage: test-cli.sh PATH/TO/distillscope-cli
set -u
cli="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
py=/usr/bin/python3

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# expect_usage NAME NEEDLE ARGS...: exit status 2 and a single stderr line containing NEEDLE.
expect_usage() {
  local name="$1" needle="$2"
  shift 2
  "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" "$tmp/err"; then
    ok "$name"
  else
    not_ok "$name" "exit $rc, $lines stderr lines: $(cat "$tmp/err")"
  fi
}

tiny_loud=(--data blobs --teacher fc32-fc32 --student fc8 --epochs 2 --teacher-epochs 2 --batch 16
           --train-limit 600 --test-limit 300 --threads 1)
tiny=("${tiny_loud[@]}" --quiet)

"$cli" --help >/dev/null && ok "--help" || not_ok "--help"
"$cli" train --help | grep -q -- "--temperature-end" && ok "train --help lists options" \
  || not_ok "train --help lists options"
expect_usage "unknown command" "unknown command" frobnicate
expect_usage "temperature 0" "--temperature" train --temperature 0
expect_usage "negative temperature end" "--temperature-end" train --temperature-end -1
expect_usage "alpha above 1" "--alpha" train --alpha 1.5
expect_usage "learning rate 0" "--lr" train --lr 0
expect_usage "learning rate not a number" "not a number" train --lr abc
expect_usage "batch 0" "--batch" train --batch 0
expect_usage "epochs not whole" "whole number" train --epochs 2.5
expect_usage "threads 0" "--threads" train --threads 0
expect_usage "bad mode" "offline or online" train --mode sideways
expect_usage "bad optimizer" "adam or sgd" train --optimizer rmsprop
expect_usage "bad teacher token" "“fx12” at position 8" train --teacher fc1200-fx12
expect_usage "bad student token" "empty layer" train --student fc8--fc4
expect_usage "arch does not fit data" "pool" train --data spirals --student pool
expect_usage "unknown dataset" "nonexistent-set" train --data nonexistent-set
expect_usage "unknown option" "--frobnicate" train --frobnicate
expect_usage "stray argument" "stray" train stray
expect_usage "transfer set 0" "--transfer-limit" train --transfer-limit 0
expect_usage "transfer set online" "offline mode" train --mode online --transfer-limit 100
expect_usage "transfer set as large as the training set" "not below the 300 training samples" \
  train --train-limit 300 --test-limit 100 --transfer-limit 300
# Output paths are checked before any training: a long run must not end in "cannot write".
expect_usage "json to a folder" "is a folder" train --json "$tmp"
expect_usage "sweep csv into a missing folder" "--csv: the folder" sweep --csv "$tmp/missing/a.csv"

# A tiny experiment, results as JSON on stdout.
if "$cli" train "${tiny[@]}" --json - >"$tmp/run.json" 2>"$tmp/err"; then
  if $py - "$tmp/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for m in ("teacher", "student", "baseline"):
    for k in ("accuracy", "agreement", "kl"):
        v = r[m][k]
        assert 0.0 <= v and (k == "kl" or v <= 1.0), (m, k, v)
assert r["teacher"]["agreement"] == 1.0
assert r["teacher"]["accuracy"] > 0.5, r["teacher"]
c = r["config"]
assert c["teacher_epochs"] == 2 and c["epochs"] == 2, c
assert r["data"]["train_samples"] == 600 and r["data"]["test_samples"] == 300
PY
  then ok "train --json - writes the results"; else not_ok "train --json - writes the results" "$(head -c 400 "$tmp/run.json")"; fi
else
  not_ok "train --json - writes the results" "$(cat "$tmp/err")"
fi

# A transfer set: the students' steps cover 100 samples, the teacher's all 600; the table and
# the JSON config say so.
if "$cli" train "${tiny_loud[@]}" --transfer-limit 100 --json "$tmp/transfer.json" \
     >"$tmp/table" 2>/dev/null \
   && grep -q "transfer set of the first 100 training samples; the teacher from all 600" "$tmp/table" \
   && $py -c 'import json,sys; assert json.load(open(sys.argv[1]))["config"]["transfer_limit"] == 100' \
        "$tmp/transfer.json"; then
  ok "train --transfer-limit"
else
  not_ok "train --transfer-limit" "$(cat "$tmp/table")"
fi

# The table on stdout names the three models.
if "$cli" train "${tiny_loud[@]}" >"$tmp/table" 2>/dev/null \
   && grep -q "^teacher" "$tmp/table" && grep -q "^student" "$tmp/table" \
   && grep -q "^baseline" "$tmp/table"; then
  ok "train prints a results table"
else
  not_ok "train prints a results table" "$(cat "$tmp/table")"
fi

# Sessions: two runs with the same seed and threads give bitwise-identical weights.
tensors_of() {
  $py - "$1" <<'PY'
import hashlib, json, struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
meta = header.pop("__metadata__")
assert meta["format"] == "distillscope-session", meta.get("format")
print(hashlib.sha256(data[8 + n:]).hexdigest(), len(header))
PY
}
if "$cli" train "${tiny[@]}" --threads 2 --seed 5 --save "$tmp/a.dss" \
   && "$cli" train "${tiny[@]}" --threads 2 --seed 5 --save "$tmp/b.dss"; then
  ha="$(tensors_of "$tmp/a.dss")"
  hb="$(tensors_of "$tmp/b.dss")"
  if [ -n "$ha" ] && [ "$ha" = "$hb" ]; then ok "same seed and threads: identical weights"
  else not_ok "same seed and threads: identical weights" "$ha" "$hb"; fi
else
  not_ok "same seed and threads: identical weights" "train failed"
fi

# An unwritable --save target is refused before training, naming the folder.
expect_usage "unwritable --save path" "no/such/dir" train "${tiny[@]}" --save "$tmp/no/such/dir/x.dss"

# An absurd learning rate diverges: status 1 and the reason.
"$cli" train "${tiny[@]}" --optimizer sgd --lr 10 --momentum 0.99 2>"$tmp/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "diverged" "$tmp/err"; then ok "divergence is reported"
else not_ok "divergence is reported" "exit $rc: $(cat "$tmp/err")"; fi

# Online mode and an annealed temperature run to the end.
if "$cli" train "${tiny[@]}" --mode online --temperature 8 --temperature-end 2 --json - \
   | $py -c 'import json,sys; r=json.load(sys.stdin); assert r["config"]["mode"]=="online"; assert abs(r["temperature"]-2)<1e-6'; then
  ok "online mode with annealed temperature"
else
  not_ok "online mode with annealed temperature"
fi

# analyse on a saved session: one top-level object per requested analysis.
if [ -f "$tmp/a.dss" ] && "$cli" analyse --session "$tmp/a.dss" \
     --what softlabels,similarity,tsweep,metrics --sample 3 --t-points 20 --json - \
     >"$tmp/an.json" 2>"$tmp/err" \
   && $py - "$tmp/an.json" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
assert list(r) == ["softlabels", "similarity", "tsweep", "metrics"], list(r)
K = len(r["softlabels"]["class_names"])
for m in ("teacher", "student", "baseline"):
    p = r["softlabels"][m]["probs"]
    assert len(p) == K and abs(sum(p) - 1) < 1e-4
    assert len(r["similarity"][m]) == K and all(abs(sum(row) - 1) < 1e-6 for row in r["similarity"][m])
    assert len(r["tsweep"][m]["probs"]) == 20 and len(r["tsweep"][m]["entropy"]) == 20
    mm = r["metrics"][m]
    for k in ("accuracy", "agreement", "kl", "ece"):
        assert 0 <= mm[k] and (k == "kl" or mm[k] <= 1), (m, k, mm[k])
    assert sum(map(sum, mm["confusion"])) == r["metrics"]["samples"]
    assert len(mm["reliability"]) == 15
assert r["softlabels"]["sample"] == 3
assert r["metrics"]["teacher"]["agreement"] == 1.0
assert "student" in r["similarity"]["distance_to_teacher"]
PY
then ok "analyse --session writes the requested analyses"
else not_ok "analyse --session writes the requested analyses" "$(cat "$tmp/err")"; fi

expect_usage "analyse: unknown analysis" "“foo” is not an analysis" analyse --session "$tmp/a.dss" --what metrics,foo
expect_usage "analyse: sample out of range" "--sample" analyse --session "$tmp/a.dss" --sample 100000
expect_usage "analyse: bad target" "--target" analyse --session "$tmp/a.dss" --target nobody
head -c 300 "$tmp/a.dss" >"$tmp/cut.dss"
expect_usage "analyse: truncated session" "cut.dss" analyse --session "$tmp/cut.dss"
expect_usage "analyse: missing session" "missing.dss" analyse --session "$tmp/missing.dss"

# The scriptable form of the issue: every analysis in one call, with its documented keys.
if [ -f "$tmp/a.dss" ] && "$cli" analyse --session "$tmp/a.dss" \
     --what saliency,agreement,sanity,cka,pca --samples 40 --ig-steps 64 --json - \
     >"$tmp/an2.json" 2>"$tmp/err" \
   && $py - "$tmp/an2.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
models = ("teacher", "student", "baseline")
methods = ("gradient", "gradxinput", "smoothgrad", "ig")
s = r["saliency"]
d = s["shape"][0] * s["shape"][1] * s["shape"][2]
for meth in methods:
    for m in models:
        assert len(s[meth][m]["map"]) == d
for m in models:
    assert s["ig"][m]["completeness_error"] < 0.05, s["ig"][m]["completeness_error"]
for meth in methods:
    a = r["agreement"][meth]
    for k in ("spearman", "iou", "cosine"):
        lo, hi = a[k]["ci95"]
        assert lo <= a[k]["mean"] <= hi and -1 <= a[k]["mean"] <= 1
    assert 0 <= a["closer_to_teacher"] <= 1
    st = r["sanity"][meth]["teacher"]
    assert st[0]["name"] == "original" and abs(st[0]["spearman_abs"] - 1) < 1e-9
c = r["cka"]
for pair in ("teacher_teacher", "teacher_student", "teacher_baseline", "student_baseline"):
    assert all(-1e-9 <= v <= 1 + 1e-9 for row in c[pair] for v in row), pair
tt = c["teacher_teacher"]
assert all(abs(tt[i][i] - 1) < 1e-9 for i in range(len(tt)))
assert len(c["teacher_student"]) == len(c["layers"]["teacher"])
p = r["pca"]["components2"]["student"]
assert len(p["coords"]) == 40 and len(p["coords"][0]) == 2 and len(p["labels"]) == 40
assert len(r["pca"]["components3"]["teacher"]["coords"][0]) == 3
PY
then ok "analyse saliency, agreement, sanity, cka, pca"
else not_ok "analyse saliency, agreement, sanity, cka, pca" "$(cat "$tmp/err")"; fi
if "$cli" analyse --session "$tmp/a.dss" --what boundary --json - 2>"$tmp/err" \
   | $py -c 'import json,sys; r=json.load(sys.stdin)["boundary"]; assert len(r["teacher"]["classes"]) == 64; assert len(r["student"]["gradient_field"]) == 16*16*2'; then
  ok "analyse boundary on 2-D data"
else not_ok "analyse boundary on 2-D data" "$(cat "$tmp/err")"; fi
expect_usage "analyse: bad method" "--methods" analyse --session "$tmp/a.dss" --what saliency --methods lrp
expect_usage "analyse: bad baseline" "--ig-baseline" analyse --session "$tmp/a.dss" --ig-baseline noise

# figure / report: every figure of the session in every format, checked by the usual tools.
if [ -f "$tmp/a.dss" ]; then
  fig_fail=""
  "$cli" sweep --session "$tmp/a.dss" --temperatures 1,2 --seeds 1 --sweep-epochs 1 --quiet \
    --json "$tmp/fsweep.json" 2>>"$tmp/err" || fig_fail="sweep-json"
  for f in $("$cli" figure --list | cut -d' ' -f1); do
    for ext in png svg pdf; do
      "$cli" figure "$f" --session "$tmp/a.dss" --sweep "$tmp/fsweep.json" --width 800 \
        --height 500 -o "$tmp/fig-$f.$ext" 2>>"$tmp/err" || fig_fail="$fig_fail $f.$ext"
    done
  done
  [ -z "$fig_fail" ] && ok "figure: every figure as PNG, SVG, PDF" || not_ok "figure: every figure as PNG, SVG, PDF" "$fig_fail" "$(cat "$tmp/err")"
  if command -v pngcheck >/dev/null; then
    bad=""
    for p in "$tmp"/fig-*.png; do
      pngcheck -v "$p" 2>&1 | grep -q "pHYs" && pngcheck -q "$p" >/dev/null 2>&1 || bad="$bad $p"
    done
    [ -z "$bad" ] && ok "figure: PNGs pass pngcheck and carry pHYs" || not_ok "figure: PNGs pass pngcheck and carry pHYs" "$bad"
  else
    echo "ok $((n += 1)) - figure: pngcheck # SKIP pngcheck not installed"
  fi
  if command -v rsvg-convert >/dev/null; then
    bad=""
    for p in "$tmp"/fig-*.svg; do rsvg-convert "$p" -o "$tmp/svg.png" 2>/dev/null || bad="$bad $p"; done
    [ -z "$bad" ] && ok "figure: SVGs render with rsvg-convert" || not_ok "figure: SVGs render with rsvg-convert" "$bad"
  else
    echo "ok $((n += 1)) - figure: rsvg-convert # SKIP not installed"
  fi
  "$cli" figure training --session "$tmp/a.dss" --dpi 300 --width 2000 --height 1250 -o "$tmp/t300.png" \
    && pngcheck -v "$tmp/t300.png" | grep -q "11811x11811 pixels/meter" \
    && ok "figure: 300-dpi PNG says so in pHYs" || not_ok "figure: 300-dpi PNG says so in pHYs"
  "$cli" figure cka --session "$tmp/a.dss" -o "$tmp/cka.png" --csv "$tmp/cka.csv" \
    && [ -s "$tmp/cka.csv" ] && ok "figure: --csv writes the numbers" || not_ok "figure: --csv writes the numbers"
  if "$cli" report --session "$tmp/a.dss" -o "$tmp/report.pdf" 2>"$tmp/err"; then
    pages=$(pdfinfo "$tmp/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    [ "$pages" = "22" ] && ok "report: 22-page PDF" || not_ok "report: 22-page PDF" "pages: $pages"
    # Each page in its figure's proportions: the 1600 x 1000 sheet last, the matrices squarer.
    sizes=$(pdfinfo -f 1 -l 22 "$tmp/report.pdf" 2>/dev/null | awk '/^Page .* size:/ {print $4 "x" $6}')
    distinct=$(echo "$sizes" | sort -u | wc -l)
    last=$(echo "$sizes" | tail -1)
    [ "$distinct" -ge 4 ] && [ "$last" = "1200x750" ] && ok "report: pages sized to their figures"       || not_ok "report: pages sized to their figures" "$sizes"
    grep -aq "/Title (Class similarity: distilled student)" "$tmp/report.pdf"       && ok "report: an outline entry per page" || not_ok "report: an outline entry per page"
  else
    not_ok "report: 22-page PDF" "$(cat "$tmp/err")"
  fi
  # The comparison sheet on a 1280 x 800 page: no label shortened to "…".
  if "$cli" report --session "$tmp/a.dss" --width 1280 --height 800 -o "$tmp/r1280.pdf" 2>"$tmp/err"; then
    cut=$(pdftotext -f 22 -l 22 "$tmp/r1280.pdf" - 2>/dev/null | grep "…")
    size=$(pdfinfo -f 22 -l 22 "$tmp/r1280.pdf" 2>/dev/null | awk '/^Page .* size:/ {print $4 "x" $6}')
    [ -z "$cut" ] && [ "$size" = "960x600" ] && ok "report: the sheet fits a 1280 x 800 page"       || not_ok "report: the sheet fits a 1280 x 800 page" "$size" "$cut"
  else
    not_ok "report: the sheet fits a 1280 x 800 page" "$(cat "$tmp/err")"
  fi
fi
"$cli" figure saliency --session "$tmp/a.dss" --overlay --per-map-scale -o "$tmp/ov.png" \
  && ok "figure: saliency overlay with per-map scales" || not_ok "figure: saliency overlay with per-map scales"
"$cli" figure sweep --session "$tmp/a.dss" --sweep "$tmp/a.dss" -o "$tmp/x.png" 2>"$tmp/err"
[ $? -ne 0 ] && grep -q "sweep" "$tmp/err" && ok "figure: a foreign --sweep file is refused" \
  || not_ok "figure: a foreign --sweep file is refused" "$(cat "$tmp/err")"
expect_usage "figure: unknown name" "not a figure" figure nonesuch --session "$tmp/a.dss" -o "$tmp/x.png"
expect_usage "figure: no output" "-o FILE" figure training --session "$tmp/a.dss"
expect_usage "figure: bad format" "cannot tell the format" figure training --session "$tmp/a.dss" -o "$tmp/x.bmp"
expect_usage "figure: bad dpi" "--dpi" figure training --session "$tmp/a.dss" -o "$tmp/x.png" --dpi 5
expect_usage "figure: bad style" "--style" figure training --session "$tmp/a.dss" -o "$tmp/x.png" --style neon
expect_usage "figure: unwritable path" "no/such/dir" figure training --session "$tmp/a.dss" -o "$tmp/no/such/dir/x.png"

# analyse without a session trains a run first.
if "$cli" analyse "${tiny[@]}" --what metrics --json - 2>"$tmp/err" \
   | $py -c 'import json,sys; r=json.load(sys.stdin); assert r["metrics"]["teacher"]["accuracy"] > 0.5'; then
  ok "analyse on a fresh run"
else
  not_ok "analyse on a fresh run" "$(cat "$tmp/err")"
fi

# sweep: a 2x2 grid from the saved session's teacher; JSON, CSV per run and per point.
if "$cli" sweep --session "$tmp/a.dss" --temperatures 1,4 --seeds 1,2 --sweep-epochs 1 \
     --json "$tmp/sweep.json" --csv "$tmp/runs.csv" --points-csv "$tmp/points.csv" --quiet \
     2>"$tmp/err" \
   && $py - "$tmp/sweep.json" "$tmp/runs.csv" "$tmp/points.csv" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
assert r["complete"] is True
assert [p["temperature"] for p in r["points"]] == [1, 4], r["points"]
assert all(p["runs"] == 2 for p in r["points"])
assert len(r["runs"]) == 4 and all(x["state"] == "done" for x in r["runs"])
for p in r["points"]:
    acc = p["student"]["accuracy"]
    assert acc["min"] <= acc["mean"] <= acc["max"]
runs = list(csv.reader(open(sys.argv[2])))
points = list(csv.reader(open(sys.argv[3])))
assert len(runs) == 1 + 4 and len(points) == 1 + 2, (len(runs), len(points))
PY
then ok "sweep writes JSON and CSV"
else not_ok "sweep writes JSON and CSV" "$(cat "$tmp/err")"; fi
expect_usage "sweep: bad temperature" "--temperatures" sweep --session "$tmp/a.dss" --temperatures 1,0
expect_usage "sweep: bad alpha" "--alphas" sweep --session "$tmp/a.dss" --alphas 0.5,2
expect_usage "sweep: bad seeds" "--seeds" sweep --session "$tmp/a.dss" --seeds x

# bench --json
if "$cli" bench --seconds 0.2 --threads 1 --json - >"$tmp/bench.json" 2>"$tmp/err" \
   && $py -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["sgemm_gflops"]>0; assert {x["name"] for x in r["results"]}=={"mlp","cnn"}; assert all(x["samples_per_sec"]>0 for x in r["results"])' "$tmp/bench.json"; then
  ok "bench --json"
else
  not_ok "bench --json" "$(cat "$tmp/err")"
fi

if "$cli" bench --analyses --threads 1 --json - >"$tmp/ab.json" 2>"$tmp/err" \
   && $py -c 'import json,sys; r=json.load(open(sys.argv[1])); assert all(r[k]["seconds"] > 0 for k in ("softlabels_10k","ig32_three_models","cka_2000","tsweep_50"))' "$tmp/ab.json"; then
  ok "bench --analyses --json"
else
  not_ok "bench --analyses --json" "$(cat "$tmp/err")"
fi

if "$cli" bench --figures --session "$tmp/a.dss" --threads 1 --json - >"$tmp/fb.json" 2>"$tmp/err" \
   && $py -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["training"] > 0 and r["sheet_pdf"] > 0 and r["boundary"] > 0' "$tmp/fb.json"; then
  ok "bench --figures --json"
else
  not_ok "bench --figures --json" "$(cat "$tmp/err")"
fi

echo "1..$n"
exit 0
