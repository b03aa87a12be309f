//! End-to-end tests: the kernels built to wasm32, run through the runner
//! (library and CLI) with both engines. One test binary, as wasmi does.

mod cli;
mod engines;
mod pvm_rules;
