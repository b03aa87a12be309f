//! Execution environments: the VMs contracts run in. Each reaches state
//! only through the [system layer](crate::system).
//!
//! - [`evm`]: EVM bytecode (the `evm` crate, SputnikVM, Cancun rules).
//! - [`wasm`]: WebAssembly contracts under wasmi — so far the host ABI and
//!   the deploy-time checks; execution is not built yet.
//!
//! RISC-V contracts are not built yet. Every VM follows the same pattern
//! (prepare code once at deploy, run frames against the system's world) so
//! the EVM is not special.

pub mod deploy;
pub mod evm;
pub mod frame;
pub mod schedule;
pub mod wasm;
