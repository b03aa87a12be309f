#!/usr/bin/env bash
# One-time set-up on a fresh machine: the pinned toolchain with its wasm32 and
# riscv64 targets (automatic install is off on these machines), and clang for
# C dependencies that build for wasm32. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install >/dev/null
if ! command -v clang >/dev/null 2>&1; then
    echo "setup: installing clang" >&2
    (apt-get update -qq && apt-get install -y -qq clang) >/dev/null
fi
