//! The WASM execution environment: contracts compiled to WebAssembly, run
//! by wasmi inside the kernel.
//!
//! - [`abi`]: the host functions a contract imports (module `zkos`), as a
//!   table.
//! - [`prepare`]: the checks at deploy (no floats, limits, exports) and the
//!   record kept beside the code.
//! - [`frame`]: one contract frame under fuel ([`frame::FUEL_PER_GAS`]),
//!   answering what it knows itself and suspending (wasmi's resumable
//!   calls) at every request the system must answer. On the call stack it
//!   is a [`crate::ee::guest::call::GuestCall`], as a RISC-V frame is.

pub mod abi;
pub mod frame;
pub mod prepare;
