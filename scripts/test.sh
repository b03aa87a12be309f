#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: set-up, the kernels
# built for wasm32 (the e2e tests run those .wasm files), cargo test, then
# the page in a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The page's browser tests drive Debian's Chromium (headless) with
# playwright-core, which downloads no browser of its own.
if ! command -v chromium >/dev/null 2>&1; then
    echo "test: installing chromium" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
# The Solidity artefacts the tests use must be what solc-js makes of the
# committed sources (pinned compiler and OpenZeppelin, see contracts/).
(cd contracts && npm ci --no-audit --no-fund --silent && node compile.mjs --check)
# The client libraries the node's e2e tests drive (viem, ethers v6).
(cd e2e/clients && npm ci --no-audit --no-fund --silent)
# The page (target/web), built first: it builds the kernels the e2e tests
# use, with their flags and in their folder.
scripts/build-web.sh
cargo test --workspace --locked "$@"
# The page in headless Chromium: the examples run to the end with the CLI's
# roots (the runner's CLI as the e2e tests built it: a plain `cargo run -p
# pvm-runner` would rebuild its dependencies with other features), bad files
# are refused with a message; a screenshot goes to web/tests/out.
(cd web/tests && npm ci --no-audit --no-fund --silent &&
    PVM_RUNNER="$PWD/../../target/debug/pvm-runner-e2e" npm test --silent)
