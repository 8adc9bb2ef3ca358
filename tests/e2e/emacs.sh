#!/usr/bin/env bash
# Optional end-to-end test of editors/emacs/dramatis.el in a real (batch)
# Emacs with eglot. Not part of CI: it installs Debian's emacs-nox and
# elpa-eglot (when root and missing), which is heavier than Neovim.
#   DRAMATIS_BIN   server binary (default: target/release/dramatis, built if needed)
#   E2E_TIMEOUT    seconds per wait inside Emacs (default 15)
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

fail_early() {
  echo "FAIL $*"
  echo "e2e-emacs: 0 passed, 1 failed"
  exit 1
}

if ! command -v emacs >/dev/null 2>&1 || ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || fail_early "emacs with eglot is not installed (apt-get install emacs-nox elpa-eglot)"
  echo "e2e-emacs: installing Debian's emacs-nox and elpa-eglot"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq >/dev/null &&
    timeout 900 apt-get install -y -qq emacs-nox elpa-eglot >/dev/null ||
    fail_early "apt-get install emacs-nox elpa-eglot failed"
fi

if [ -z "${DRAMATIS_BIN:-}" ]; then
  target_dir=${CARGO_TARGET_DIR:-$repo/target}
  case $target_dir in /*) ;; *) target_dir=$repo/$target_dir ;; esac
  DRAMATIS_BIN=$target_dir/release/dramatis
  (cd "$repo" && timeout 1500 cargo build --release --quiet --bin dramatis) ||
    fail_early "could not build the server with 'cargo build --release'; set DRAMATIS_BIN"
fi
[ -x "$DRAMATIS_BIN" ] || fail_early "no server binary at $DRAMATIS_BIN"

work=$(mktemp -d "${TMPDIR:-/tmp}/dramatis-e2e-emacs.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$repo/tests/e2e/harbour.txt" "$work/harbour.txt"

E2E_REPO=$repo DRAMATIS_BIN=$DRAMATIS_BIN E2E_DOC=$work/harbour.txt HOME=$work \
  timeout -k 5 120 emacs --batch -l "$repo/tests/e2e/emacs.el" </dev/null >"$work/out" 2>"$work/err" &
group=$!
wait "$group"
status=$?
kill -KILL -- "-$group" 2>/dev/null
cat "$work/out"
if ! grep -q '^e2e-emacs: [0-9]* passed, [0-9]* failed' "$work/out"; then
  echo "--- Emacs's messages ---"
  grep -v '^Loading' "$work/err" | tail -n 30
  echo "e2e-emacs: $(grep -c '^PASS ' "$work/out") passed, $(($(grep -c '^FAIL ' "$work/out") + 1)) failed"
  exit 1
fi
exit "$status"
