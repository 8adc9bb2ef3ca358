#!/usr/bin/env bash
# Resolver regression net: runs the release binary over the shared dev sets,
# the examples and our test texts, and compares every output byte for byte
# with a saved baseline. For refactors that must not change output.
#
#   scripts/resolver-regression.sh save DIR      # record a baseline (before)
#   scripts/resolver-regression.sh compare DIR   # check against it (after)
#
# The baseline holds corpus text, so keep it outside the repository.
# Without ../shared/data the corpus runs are skipped (and said so).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
dir=${2:-}
if [[ "$mode" != save && "$mode" != compare ]] || [[ -z "$dir" ]]; then
    echo "usage: $0 save|compare DIR" >&2
    exit 2
fi
DATA=../shared/data
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/dramatis"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Exit codes are part of the output (check exits 1 on warnings). Timings
# (eval's "loaded in 30.7 ms", "0.48s (107302 words/s)") are not.
run() {
    local name=$1
    shift
    { "$@" || echo "exit $?"; } 2>&1 |
        sed -E 's/[0-9.]+ ms/<time>/g; s/[0-9.]+s \([0-9]+ words\/s\)/<time>/g' >"$out/$name"
}
run annotate.jsonl "$BIN" annotate --format jsonl examples/* tests/data/*.txt
run check.json "$BIN" check --format json examples/* tests/data/*.txt
run annotate-rules.jsonl env DRAMATIS_RECOGNIZER=rules "$BIN" annotate --format jsonl examples/* tests/data/*.txt
if [ -f "$DATA/conll2003/eng.testa" ] && [ -d "$DATA/gum/dev" ]; then
    run eval-conll.txt "$BIN" eval "$DATA/conll2003/eng.testa"
    run eval-gum.txt "$BIN" eval "$DATA/gum/dev"
    run eval-conll-upper.txt "$BIN" eval --upper "$DATA/conll2003/eng.testa"
    run eval-conll-lower.txt "$BIN" eval --lower "$DATA/conll2003/eng.testa"
    run annotate-gum.jsonl "$BIN" annotate --format jsonl "$DATA"/gum/dev/*.txt
    run annotate-gum-rules.jsonl env DRAMATIS_RECOGNIZER=rules "$BIN" annotate --format jsonl "$DATA"/gum/dev/*.txt
    run check-gum.json "$BIN" check --format json "$DATA"/gum/dev/*.txt
else
    echo "note: no shared data in $DATA; corpus runs skipped"
fi

if [ "$mode" = save ]; then
    mkdir -p "$dir"
    cp "$out"/* "$dir"/
    echo "baseline saved to $dir: $(ls "$out" | tr '\n' ' ')"
    exit 0
fi
status=0
for file in "$out"/*; do
    name=$(basename "$file")
    if [ ! -f "$dir/$name" ]; then
        echo "missing from baseline: $name"
        status=1
    elif cmp -s "$file" "$dir/$name"; then
        echo "same: $name"
    else
        echo "DIFFERENT: $name"
        diff "$dir/$name" "$file" | head -20 || true
        status=1
    fi
done
[ $status -eq 0 ] && echo "all outputs identical to $dir" || echo "outputs differ from $dir"
exit $status
