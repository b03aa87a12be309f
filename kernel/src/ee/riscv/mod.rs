//! The RISC-V execution environment: contracts compiled for
//! `riscv64imac-unknown-none-elf`, run by ckb-vm inside the kernel.
//!
//! - [`abi`]: the system calls (`ecall` numbers), the WASM host ABI's
//!   operations under the same names.
//! - [`prepare`]: the checks at deploy (a static rv64 soft-float
//!   executable that fits the frame's memory) and the loading plan kept
//!   beside the code.
//! - [`frame`]: one contract frame under a cycle budget
//!   ([`frame::CYCLES_PER_GAS`]), stopping at each `ecall` the system must
//!   answer. On the call stack it is a [`crate::ee::guest::call::GuestCall`],
//!   as a WASM frame is.

pub mod abi;
pub mod frame;
pub mod prepare;
#[cfg(test)]
mod test_elf;
