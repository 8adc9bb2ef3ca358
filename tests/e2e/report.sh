#!/usr/bin/env bash
# End-to-end test of `dramatis report` in a real headless Chromium: the page
# tests itself when opened with `#self-check` (src/cli/report/page.html) and
# writes the result into the DOM, read here with `--dump-dom`; this script
# checks it against `dramatis annotate` and takes a screenshot of each page
# into target/report-artifacts/.
#
# Reports: the examples folder (a project), one example file, and a
# three-chapter project (tests/e2e/report-project). A fourth, generated
# project of about 100,000 words is only measured (first render time).
#
# Environment:
#   DRAMATIS_BIN   the binary (default: target/release/dramatis, else debug)
#   CHROMIUM       the browser (default: /usr/bin/chromium)
#
# Prints PASS/FAIL per check and `e2e-report: N passed, M failed`.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
bin=${DRAMATIS_BIN:-}
if [ -z "$bin" ]; then
  if [ -x target/release/dramatis ]; then bin=target/release/dramatis; else bin=target/debug/dramatis; fi
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$bin" ]; then echo "FAIL no dramatis binary at $bin (cargo build first)"; exit 1; fi
if [ ! -x "$chromium" ]; then echo "FAIL no Chromium at $chromium"; exit 1; fi

artifacts=target/report-artifacts
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browse() { # browse ARGS...: headless Chromium with a fresh profile, no network
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" "$@"
}

passed=0 failed=0
check_report() { # check_report NAME PATH...
  local name=$1; shift
  local page="$repo/$artifacts/$name.html"
  if ! "$bin" report "$@" -o "$page" 2>"$work/$name.report.err"; then
    echo "FAIL $name: dramatis report failed: $(cat "$work/$name.report.err")"; failed=$((failed + 1)); return
  fi
  "$bin" annotate "$@" --format jsonl >"$work/$name.annotate.jsonl"
  browse --enable-logging=stderr --v=0 --dump-dom "file://$page#self-check" \
    >"$work/$name.dom" 2>"$work/$name.chromium.err"
  browse --window-size=1400,1500 --screenshot="$repo/$artifacts/$name.png" "file://$page" \
    >/dev/null 2>&1
  if python3 - "$name" "$work/$name.dom" "$work/$name.annotate.jsonl" "$work/$name.chromium.err" "$repo/$artifacts/$name.png" <<'PY'
import html, json, os, re, sys
name, dom_path, annotate_path, log_path, png = sys.argv[1:]
problems = []
dom = open(dom_path, encoding="utf-8").read()
found = re.search(r'<pre id="self-check"[^>]*>(.*?)</pre>', dom, re.S)
if not found or not found.group(1).strip():
    print(f"FAIL {name}: the page wrote no self-check result (did its script run?)")
    sys.exit(1)
result = json.loads(html.unescape(found.group(1)))
if result["errors"]:
    problems.append(f"page errors: {result['errors']}")
# Chromium logs every console message at INFO level; the page logs
# nothing, so any console line is a failure.
console = [l.strip() for l in open(log_path, encoding="utf-8", errors="replace") if ":CONSOLE" in l]
if console:
    problems.append(f"console messages: {console[:3]}")
annotated = [json.loads(l) for l in open(annotate_path, encoding="utf-8") if l.strip()]
expected = {a["path"]: len(a["mentions"]) for a in annotated}
got = {p: f["mentions"] for p, f in result["files"].items()}
if got != expected:
    problems.append(f"mentions per file {got} != annotate's {expected}")
for p, f in result["files"].items():
    if f["rendered"] != f["mentions"]:
        problems.append(f"{p}: {f['rendered']} mentions drawn of {f['mentions']}")
    diagnostics = next(len(a["diagnostics"]) for a in annotated if a["path"] == p)
    if f["diagnostics"] != diagnostics:
        problems.append(f"{p}: {f['diagnostics']} diagnostics != annotate's {diagnostics}")
if len(annotated) == 1 and result["entities"] != len(annotated[0]["entities"]):
    problems.append(f"{result['entities']} entities != annotate's {len(annotated[0]['entities'])}")
click = result["click"]
if not (click["listed"] == click["total"] and click["highlighted"] == click["expectedHere"] > 0
        and click["timelineSelected"] == 1):
    problems.append(f"a click on the first cast row did not select it everywhere: {click}")
flt = result["filter"]
if flt["rowsOfKindAfter"] != 0 or flt["rowsAfter"] >= result["castRows"]:
    problems.append(f"unticking {flt['kind']} did not filter the cast: {flt}")
if " · " not in result["hover"] or "mention" not in result["hover"]:
    problems.append(f"hovering a mention shows no card: {result['hover']!r}")
if not result["clearedByEscape"]:
    problems.append("Escape did not clear the selection")
if not os.path.exists(png) or os.path.getsize(png) < 10000:
    problems.append("no screenshot")
if problems:
    for p in problems:
        print(f"FAIL {name}: {p}")
    sys.exit(1)
print(f"PASS {name}: {len(got)} file(s), {sum(got.values())} mentions, {result['entities']} entities, "
      f"click on {click['entity']!r} lists {click['listed']}, first render {result['firstRenderMs']} ms; "
      f"screenshot {os.path.relpath(png)}")
PY
  then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

check_report examples examples
check_report sahel-crisis examples/sahel-crisis.md
check_report three-chapters tests/e2e/report-project

# About 100,000 words: thirty chapters made of the shipped examples, and
# the same words as one file (the heaviest text view). Only measured: how
# long the page takes to draw (cast, timeline, network and the first
# file's text), and how big it is.
big="$work/big-project"
mkdir -p "$big"
for n in $(seq -w 1 30); do
  cat examples/sahel-crisis.md examples/harbour-town.txt examples/research-note.md >"$big/chapter-$n.md"
done
cat "$big"/*.md >"$work/big-file.md"
measure() { # measure NAME PATH
  local start end
  start=$(date +%s.%N)
  "$bin" report "$2" -o "$artifacts/$1.html" 2>/dev/null || { echo "FAIL $1: report failed"; return; }
  end=$(date +%s.%N)
  browse --dump-dom "file://$repo/$artifacts/$1.html#self-check" >"$work/$1.dom" 2>/dev/null
  python3 - "$1" "$work/$1.dom" "$(find "$2" -type f -exec cat {} + | wc -w)" "$start" "$end" "$artifacts/$1.html" <<'PY'
import html, json, os, re, sys
name, dom, words, start, end, page = sys.argv[1:]
found = re.search(r'<pre id="self-check"[^>]*>(.*?)</pre>', open(dom, encoding="utf-8").read(), re.S)
result = json.loads(html.unescape(found.group(1))) if found and found.group(1).strip() else {}
print(f"MEASURED {name}: {words} words, report written in {float(end) - float(start):.1f} s, "
      f"page {os.path.getsize(page) / 1e6:.1f} MB, first render {result.get('firstRenderMs', '?')} ms, "
      f"page errors {result.get('errors', '?')}")
PY
}
measure big-project "$big"
measure big-file "$work/big-file.md"

echo "e2e-report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
