#!/usr/bin/env bash
# Builds the page that runs Zk OS in a browser tab, into target/web (serve
# that folder with any static server; `node web/tests/serve.mjs` is one):
#  - web/ (zkos-web) for wasm32, then wasm-bindgen's ES module (target web),
#    with wasm-bindgen-cli installed at exactly the version of the crate in
#    Cargo.lock (`cargo install --locked`, built from source);
#  - the static page (web/www: HTML, CSS and ES modules, one Web Worker);
#  - the example scenarios: the Zk OS kernel with the dev genesis and the
#    transfers and ERC-20 inboxes, and the counter kernel with its inbox.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
bindgen="${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen"
if [ "$("$bindgen" --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
    echo "build-web: installing wasm-bindgen-cli $version" >&2
    # Only the `wasm-bindgen` binary, without TLS (it downloads nothing) and
    # unoptimised: 40 s to build instead of 4 min on two cores, and its
    # output is the same bytes.
    cargo install --locked --quiet --debug --no-default-features --bin wasm-bindgen \
        wasm-bindgen-cli --version "=$version"
fi
# The kernels are built as the e2e tests build them (e2e/src/lib.rs: their
# target folder, paths remapped), so the page's kernels are the tests' bytes
# and neither build repeats the other. zkos-web gets a folder of its own: it
# links the kernel crate without its `entry` feature, and the kernel's
# cdylib output has the same file name whatever its features.
root=$(pwd -P)
export CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$root=/zkos"$'\x1f'"--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
build() {
    cargo build --profile release --locked --target wasm32-unknown-unknown --target-dir "$1" -p "$2"
}
build target/e2e-kernels zkos-kernel
build target/e2e-kernels counter-kernel
build target/web-build zkos-web
kernels=target/e2e-kernels/wasm32-unknown-unknown/release
out=target/web
rm -rf "$out"
mkdir -p "$out/example"
"$bindgen" --target web --no-typescript --out-dir "$out/pkg" \
    target/web-build/wasm32-unknown-unknown/release/zkos_web.wasm
cp web/www/* "$out/"
cp "$kernels/zkos_kernel.wasm" "$kernels/counter_kernel.wasm" kernels-examples/genesis/dev.json \
    kernels-examples/inboxes/erc20.json kernels-examples/inboxes/transfers.json \
    kernels-examples/inboxes/counter.json "$out/example/"
echo "build-web: the page is in $out ($(du -sh "$out" | cut -f1))"
