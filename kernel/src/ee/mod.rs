//! Execution environments: the VMs contracts run in. Each reaches state
//! only through the [system layer](crate::system).
//!
//! - [`evm`]: EVM bytecode (the `evm` crate, SputnikVM, Cancun rules).
//!
//! WASM and RISC-V contracts are not built yet; they will implement the
//! same pattern (prepare code once at deploy, run frames against the
//! system's world) so the EVM is not special.

pub mod evm;
