#!/usr/bin/env bash
# The main job: builds the example kernels for wasm32 and the runner, then
# runs the counter kernel over kernels-examples/inboxes/counter.json with
# both engines (reboots every level; level 4 traps and is rolled back).
# Extra arguments go to `pvm-runner run` (e.g. --json, --state DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --target wasm32-unknown-unknown -p counter-kernel -p echo-kernel -p zkos-kernel
cargo build --locked -p pvm-runner
for engine in fast pvm; do
    echo "== engine $engine"
    target/debug/pvm-runner run \
        --kernel target/wasm32-unknown-unknown/release/counter_kernel.wasm \
        --inbox kernels-examples/inboxes/counter.json \
        --engine "$engine" "$@"
done
