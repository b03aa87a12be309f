//! What deploy-time preparation saves each call of a WASM contract: the
//! kernel validates a module once, at deployment (`prepare::prepare`,
//! wasmi's `Module::new`), and every call after loads it unchecked and
//! instantiates it (`WasmVm::frame`). Natively, on the Rust ERC-20
//! (`kernels-examples/contracts/erc20`, 44 KB), side by side in one run.
//!
//! `cargo bench -p zkos-e2e --bench wasm_load`. Figures in BENCHMARKS.md.

use std::rc::Rc;

use alloy_primitives::{Address, U256};
use criterion::{Criterion, criterion_group, criterion_main};
use zkos_kernel::ee::{
    guest::{Context, GuestFrame},
    wasm::{frame::WasmVm, prepare},
};

fn context() -> Context {
    Context {
        calldata: Vec::new(),
        caller: Address::ZERO,
        origin: Address::ZERO,
        address: Address::ZERO,
        value: U256::ZERO,
        gas_limit: 1_000_000,
        is_static: false,
        constants: Rc::default(),
        block: (1, 1, 1),
        coinbase: Address::ZERO,
        base_fee: U256::ZERO,
    }
}

fn bench(c: &mut Criterion) {
    let code = Rc::new(e2e::contract("zkos_erc20"));
    let mut g = c.benchmark_group("erc20 module (44 KB)");
    g.bench_function("validate and prepare (once, at deploy)", |b| {
        b.iter(|| prepare::prepare(&code).expect("valid"))
    });
    g.bench_function("validate, load and instantiate (what each call would do)", |b| {
        b.iter(|| {
            prepare::prepare(&code).expect("valid");
            WasmVm::new().expect("an engine").frame(&code, "call", context()).expect("loads")
        })
    });
    g.bench_function("load unchecked and instantiate (each call)", |b| {
        b.iter(|| WasmVm::new().expect("an engine").frame(&code, "call", context()).expect("loads"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
