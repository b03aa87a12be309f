#!/usr/bin/env bash
# The main job: builds the kernels for wasm32 and the runner, then runs
#  1. the Zk OS kernel over kernels-examples/inboxes/transfers.json on the dev
#     genesis (signed Ethereum transfers; replayed, wrong-chain, malformed and
#     unfunded ones refused), on both engines, and reads a balance back;
#  2. the Zk OS kernel over kernels-examples/inboxes/erc20.json: a deposit
#     from the dev genesis' L1 bridge, OpenZeppelin's ERC-20 (compiled by
#     solc-js) deployed, transfers among several accounts, one failing
#     transfer (receipt status 0), and a withdrawal to L1 (the outbox message
#     of the last level), on both engines, recording each level's witness;
#     then the proving mode: the withdrawal level replayed from its witness
#     alone by the RISC-V proving guest in ckb-vm, checked against the runner;
#  3. the counter example kernel over kernels-examples/inboxes/counter.json
#     (a reboot every level; level 4 traps and is rolled back).
# Extra arguments go to every `pvm-runner run` (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --target wasm32-unknown-unknown -p zkos-kernel
cargo build --release --locked --target wasm32-unknown-unknown -p counter-kernel
cargo build --locked -p pvm-runner
cargo build --locked -p zkos-pvm-guest --profile guest --target riscv64imac-unknown-none-elf
guest=target/riscv64imac-unknown-none-elf/guest/zkos-pvm-guest
runner=target/debug/pvm-runner
wasm=target/wasm32-unknown-unknown/release
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

# The Zk OS kernel over the dev genesis and inbox $1, on both engines, into
# $state/$1-<engine>; $2 names the scenario.
run_os() {
    local inbox=$1 what=$2 engine
    shift 2
    for engine in fast pvm; do
        echo "== Zk OS kernel, $what, engine $engine"
        "$runner" run --kernel "$wasm/zkos_kernel.wasm" --genesis kernels-examples/genesis/dev.json \
            --inbox "kernels-examples/inboxes/$inbox.json" --engine "$engine" \
            --state "$state/$inbox-$engine" "$@"
    done
}

run_os transfers "transfers" "$@"
echo "== balance of 0x311f8db88a01003cec1a0c209b0aea4468736636 (received 1 ETH + 3 gwei)"
"$runner" inspect --state "$state/transfers-pvm" /zkos/accounts/311f8db88a01003cec1a0c209b0aea4468736636/balance

run_os erc20 "ERC-20 (OpenZeppelin) scenario" --witness "$@"
token=/zkos/accounts/d1c1f487469adac0de7d1a5366e41c0c061fdc67
echo "== the token (alice's first creation): its storage slots (balances, total supply 10^24)"
"$runner" inspect --state "$state/erc20-pvm" "$token/storage"
"$runner" inspect --state "$state/erc20-pvm" "$token/storage/0000000000000000000000000000000000000000000000000000000000000002"
echo "== proving mode: level 4 (the withdrawal) replayed from its witness by the RISC-V guest in ckb-vm"
"$runner" prove --state "$state/erc20-fast" --level 4 --guest "$guest"

for engine in fast pvm; do
    echo "== counter kernel, engine $engine"
    "$runner" run --kernel "$wasm/counter_kernel.wasm" \
        --inbox kernels-examples/inboxes/counter.json --engine "$engine" "$@"
done
