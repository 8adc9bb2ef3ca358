#!/usr/bin/env bash
# The worked example of docs/annotation-loop.md, end to end, in a scratch
# folder: annotate our own story as brat, apply two corrections as an
# annotator would, score the current model against them, train a small model
# on the corrected folder plus the other training texts of tests/data, and
# score it on the two held-out documents.
#
#   bash scripts/annotation-loop-example.sh [DRAMATIS_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/dramatis}
[ -x "$bin" ] || bin=target/debug/dramatis
loop=$(mktemp -d)
trap 'rm -rf "$loop"' EXIT

"$bin" annotate examples/harbour-town.txt --format brat --out "$loop/brat"
# The ship Santa Mariña is no person (delete the T line and its note);
# the Mission is an organization, as in our gold data.
sed -i -e '/\tSanta Mariña$/{N;d}' \
       -e 's/\tPerson \([0-9]* [0-9]*\)\tMission$/\tOrganization \1\tMission/' \
       "$loop/brat/harbour-town.ann"

mkdir -p "$loop/json" "$loop/held-out"
cp tests/data/research-note.{txt,json} tests/data/sahel-crisis.{txt,json} "$loop/json/"
cp tests/data/biography-okonkwo-lindqvist.{txt,json} tests/data/business-news-solaris.{txt,json} "$loop/held-out/"

echo "== the embedded model against the corrected file"
"$bin" eval "$loop/brat"
echo "== train on the corrected folder and our other training texts"
"$bin" train --standoff "$loop/brat" --standoff "$loop/json" --epochs 4 --bits 16 --out "$loop/model.bin"
echo "== the new model on the held-out documents"
"$bin" eval "$loop/held-out" --model "$loop/model.bin"
