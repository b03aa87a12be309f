#!/usr/bin/env bash
# The node benchmark: the same JSON-RPC load (zkos-load: signed ERC-20
# transfers from many accounts, eth_call reads alongside) against
#  1. zkos-node (the OS kernel on the `fast` engine, --instant sealing) and
#  2. Hardhat's node (npm hardhat 2.x, its EVM the Rust EDR engine; automine),
# one after the other in one run on this machine; prints both reports and the
# ratio. Extra arguments go to zkos-load (e.g. --transfers 5000 --accounts 64).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --target wasm32-unknown-unknown -p zkos-kernel
cargo build --release --locked -p zkos-node -p zkos-load
(cd node/load/hardhat && npm ci --no-audit --no-fund --silent)
state=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$state"
}
trap cleanup EXIT

# Waits until a JSON-RPC server answers on port $1.
wait_rpc() {
    for _ in $(seq 1 300); do
        if curl -sf -X POST -H 'content-type: application/json' \
            --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' \
            "http://127.0.0.1:$1" >/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "bench-node: nothing answers on port $1" >&2
    return 1
}

token=contracts/build/ZkToken.json
# The dev genesis' first account (README) and Hardhat's account #0 (publicly known test keys).
zkos_key=0xe797d4f6b718ea5782c3885c7dfe359ee792fdabab3418fcc856f0cbf11951ad
hardhat_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

echo "== zkos-node (fast engine, --instant)"
target/release/zkos-node run --state "$state/zkos" --rpc 127.0.0.1:18545 --instant --rate-limit 0 \
    --kernel target/wasm32-unknown-unknown/release/zkos_kernel.wasm \
    --genesis kernels-examples/genesis/dev.json 2>"$state/zkos.log" &
pids+=($!)
wait_rpc 18545
target/release/zkos-load --rpc http://127.0.0.1:18545 --key "$zkos_key" --token "$token" --json "$@" \
    | tee "$state/zkos.json"
kill "${pids[0]}"

echo "== Hardhat node (EDR, automine)"
(cd node/load/hardhat && exec npx hardhat node --port 18546 >"$state/hardhat.log" 2>&1) &
pids+=($!)
wait_rpc 18546
target/release/zkos-load --rpc http://127.0.0.1:18546 --key "$hardhat_key" --token "$token" --json "$@" \
    | tee "$state/hardhat.json"

node -e '
const [z, h] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
const row = (r) => `| ${r.client} | ${r.transfers_per_second.toFixed(0)} | ${r.blocks} | ${r.send.p50_ms.toFixed(2)} / ${r.send.p99_ms.toFixed(2)} | ${r.call.p50_ms.toFixed(2)} / ${r.call.p99_ms.toFixed(2)} |`;
console.log("| node | transfers/s sealed | blocks | eth_sendRawTransaction p50 / p99 ms | eth_call p50 / p99 ms |");
console.log("| --- | ---: | ---: | ---: | ---: |");
console.log(row(z)); console.log(row(h));
console.log(`zkos-node / Hardhat: ${(z.transfers_per_second / h.transfers_per_second).toFixed(2)}x the transfers per second`);
' "$state/zkos.json" "$state/hardhat.json"
