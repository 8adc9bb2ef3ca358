#!/usr/bin/env bash
# Reproduces models/ner.bin byte for byte (same data, same gazetteer in
# data/gazetteer/, same code => same bytes; training is single-threaded and
# seeded). Prints the sha256 to compare with the committed file.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data
OUT=${1:-models/ner.bin}
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/dramatis"
"$BIN" train \
    --conll "$DATA/conll2003/eng.train" \
    --standoff "$DATA/gum/train" \
    --dev-conll "$DATA/conll2003/eng.testa" \
    --dev-standoff "$DATA/gum/dev" \
    --epochs 10 --seed 1 --bits 19 --augment 0.2 \
    --standoff-weight 3 --misc-unannotated --ensemble 3 \
    --out "$OUT"
sha256sum "$OUT"
