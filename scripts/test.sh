#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: set-up, the kernels
# built for wasm32 (the e2e tests run those .wasm files), then cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The Solidity artefacts the tests use must be what solc-js makes of the
# committed sources (pinned compiler and OpenZeppelin, see contracts/).
(cd contracts && npm ci --no-audit --no-fund --silent && node compile.mjs --check)
# The client libraries the node's e2e tests drive (viem, ethers v6).
(cd e2e/clients && npm ci --no-audit --no-fund --silent)
cargo test --workspace --locked "$@"
