//! End-to-end tests: the kernels built to wasm32, run through the runner
//! (library and CLI) with both engines. One test binary, as wasmi does.

#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken set-up")]

mod cli;
mod clients;
mod cross_vm;
mod engines;
mod erc20;
mod hostile_txs;
mod native_model;
mod node;
mod node_pool;
mod prove;
mod pvm_rules;
mod reboots;
mod state_sample;
mod tokens_across_vms;
mod web;
