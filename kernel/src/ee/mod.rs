//! Execution environments: the VMs contracts run in. Each reaches state
//! only through the [system layer](crate::system).
//!
//! - [`evm`]: EVM bytecode (the `evm` crate, SputnikVM, Cancun rules).
//! - [`wasm`]: WebAssembly contracts under wasmi: the host ABI, deploy-time
//!   checks, and frames that suspend at every call.
//! - [`riscv`]: rv64imac contracts under ckb-vm: the same operations as
//!   numbered `ecall`s, ELF checks at deploy, and frames that stop at every
//!   `ecall` the system must answer.
//! - [`guest`]: what WASM and RISC-V frames share: their requests to the
//!   system, its answers, and the frame's place on the call stack.
//! - [`deploy`]: which VM init data is for, the envelope that carries code,
//!   constants and constructor arguments apart, and the record kept beside
//!   deployed code.
//! - [`frame`]: a frame of any VM on the one call stack (the `evm` crate's
//!   standard invoker, which keeps value transfer, the 63/64 rule, the depth
//!   limit and substates the same whatever the VMs).
//! - [`schedule`]: the gas a non-EVM frame pays for what the system does for
//!   it (Ethereum's schedule for the same operation).
//!
//! Every VM follows the same pattern
//! (prepare code once at deploy, run frames against the system's world) so
//! the EVM is not special.

pub mod deploy;
pub mod evm;
pub mod frame;
pub mod guest;
pub mod riscv;
pub mod schedule;
pub mod wasm;
