#!/usr/bin/env bash
# End-to-end test: the dramatis language server inside a real (headless)
# Neovim, driven by tests/e2e/neovim.lua with the repository's own Neovim
# plugin (editors/neovim). Run from anywhere: `bash tests/e2e/neovim.sh`.
#
# Environment:
#   DRAMATIS_BIN          use this server binary instead of building one
#   E2E_NVIM              use this Neovim instead of `nvim` on PATH
#   E2E_TIMEOUT           seconds for the whole Neovim run (default 150)
#   E2E_WAIT_MS           milliseconds for each wait inside Neovim (default 15000)
#   E2E_BUILD_TIMEOUT     seconds for `cargo build --release` (default 1500)
#
# Prints PASS/FAIL per check and `e2e-neovim: N passed, M failed`; exits
# non-zero on any failure. Leaves no process behind.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
run_timeout=${E2E_TIMEOUT:-150}
wait_ms=${E2E_WAIT_MS:-15000}
build_timeout=${E2E_BUILD_TIMEOUT:-1500}

fail_early() {
  echo "FAIL $*"
  echo "e2e-neovim: 0 passed, 1 failed"
  exit 1
}

# --- Neovim -----------------------------------------------------------------
nvim=${E2E_NVIM:-nvim}
if [ -z "${E2E_NVIM:-}" ] && ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    fail_early "nvim is not installed and we are not root to apt-get it; install neovim (>= 0.7)"
  fi
  echo "e2e-neovim: installing Debian's neovim"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq >/dev/null &&
    timeout 600 apt-get install -y -qq neovim >/dev/null ||
    fail_early "apt-get install neovim failed"
fi
nvim_version=$("$nvim" --version | head -n 1) || fail_early "$nvim --version does not run"

echo "e2e-neovim: using $nvim_version"

# --- The server binary ------------------------------------------------------
if [ -n "${DRAMATIS_BIN:-}" ]; then
  server_bin=$DRAMATIS_BIN
else
  target_dir=${CARGO_TARGET_DIR:-$repo/target}
  case $target_dir in /*) ;; *) target_dir=$repo/$target_dir ;; esac
  server_bin=$target_dir/release/dramatis
  if command -v cargo >/dev/null 2>&1; then
    echo "e2e-neovim: cargo build --release (no-op when up to date)"
    if ! (cd "$repo" && timeout "$build_timeout" cargo build --release --quiet --bin dramatis); then
      fail_early "could not build the server with 'cargo build --release'; fix the build or set DRAMATIS_BIN"
    fi
  fi
fi
[ -x "$server_bin" ] || fail_early "no server binary at $server_bin; build it with 'cargo build --release' or set DRAMATIS_BIN"
case $server_bin in /*) ;; *) server_bin=$PWD/$server_bin ;; esac
timeout 10 "$server_bin" --version >/dev/null 2>&1 || fail_early "$server_bin --version does not run"

# The server's test hook for swapping recognizers would make it disagree with
# `dramatis annotate`, the oracle; this test is about the default.
unset DRAMATIS_RECOGNIZER

# --- A scratch workspace, so nothing touches the repository -----------------
work=$(mktemp -d "${TMPDIR:-/tmp}/dramatis-e2e.XXXXXX")
pidfile=$work/server.pid
log=$work/output.log
cleanup() {
  # The Lua side stops the server; this catches it if Neovim died first.
  if [ -s "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      sleep 1
      kill -9 "$pid" 2>/dev/null
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/workspace" "$work/xdg"
cp "$repo/tests/e2e/harbour.txt" "$work/workspace/harbour.txt"
cp "$repo/tests/e2e/a-background.txt" "$work/workspace/a-background.txt"

# --- Run --------------------------------------------------------------------
# timeout(1) puts itself and Neovim in a new process group (its pid is the
# group id) and signals the whole group on expiry, so a hung server dies
# with Neovim; after a normal exit the group is swept once more.
E2E_REPO=$repo DRAMATIS_BIN=$server_bin E2E_DOC=$work/workspace/harbour.txt \
  E2E_ROOT=$work/workspace E2E_PIDFILE=$pidfile E2E_TIMEOUT_MS=$wait_ms \
  XDG_CONFIG_HOME=$work/xdg XDG_DATA_HOME=$work/xdg XDG_STATE_HOME=$work/xdg XDG_CACHE_HOME=$work/xdg \
  timeout -k 5 "$run_timeout" "$nvim" --headless -u NONE -i NONE -n \
  -c "luafile $repo/tests/e2e/neovim.lua" </dev/null >"$log" 2>"$work/nvim.stderr" &
group=$!
wait "$group"
status=$?
kill -KILL -- "-$group" 2>/dev/null
cat "$log"
if [ "$status" -ne 0 ] && [ -s "$work/nvim.stderr" ]; then
  echo "--- Neovim's messages (stderr) ---"
  { tr '\r' '\n' <"$work/nvim.stderr"; echo; } | sed -e '/^$/d' | tail -n 40
  echo "---"
fi

if ! grep -q '^e2e-neovim: [0-9]* passed, [0-9]* failed' "$log"; then
  passed=$(grep -c '^PASS ' "$log")
  failed=$(grep -c '^FAIL ' "$log")
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "FAIL Neovim did not finish within ${run_timeout}s"
  else
    echo "FAIL Neovim exited with status $status before the summary"
  fi
  echo "e2e-neovim: $passed passed, $((failed + 1)) failed"
  exit 1
fi

if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "FAIL the server (pid $(cat "$pidfile")) was still running after Neovim quit"
  exit 1
fi
exit "$status"
