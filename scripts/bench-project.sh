#!/usr/bin/env bash
# Project resolution against per-file analysis on a 500-file, ~1,000,000-word
# folder: `check` wall time and the server's workspace index time.
#
#   scripts/bench-project.sh BASELINE_BINARY [NEW_BINARY]
#
# BASELINE_BINARY is a dramatis built before the project cast (per-file
# analysis), e.g. from `git worktree add ../base 68ef1e4`; NEW_BINARY
# defaults to target/release/dramatis. Prints medians of three runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1
NEW=${2:-target/release/dramatis}
CORPUS=${CORPUS:-$(mktemp -d)/project}
[ -d "$CORPUS" ] || python3 scripts/make_project_corpus.py "$CORPUS" 500 2000

median() { sort -n | sed -n 2p; }
time_check() {
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N)
        "$1" check --deny never "$CORPUS" >/dev/null
        t1=$(date +%s.%N)
        echo "$t1 - $t0" | bc
    done | median
}
echo "check, per-file (baseline): $(time_check "$BASE") s"
echo "check, project:             $(time_check "$NEW") s"
echo "server index, per-file (baseline): $(python3 scripts/lsp_index_time.py "$BASE" "$CORPUS" --no-project)"
echo "server index, project:             $(python3 scripts/lsp_index_time.py "$NEW" "$CORPUS")"
