#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: set-up, the kernels
# built for wasm32 (the e2e tests run those .wasm files), then cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
