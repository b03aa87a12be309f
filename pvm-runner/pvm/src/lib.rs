//! The deterministic half of the PVM runner, `no_std` so that it builds for
//! `riscv64imac-unknown-none-elf` (the proving guest) and, later, for the
//! browser:
//!
//! - [`kernel`]: the checks a kernel passes before it runs;
//! - [`abi`]: the `smart_rollup_core` functions as engines see them;
//! - [`engine`]: wasmi with fuel as ticks — the `pvm` engine;
//! - [`level`]: one level (control flow and upgrade rule);
//! - [`record`]: a level's witness, recorded while it runs;
//! - [`replay`]: a level replayed from a [`host::witness`] alone, giving
//!   its [`replay::Statement`] (pre- and post-state roots, inbox hash,
//!   outbox commitment).
//!
//! ```no_run
//! # fn f(witness: &[u8]) -> Result<(), pvm::replay::ReplayError> {
//! let replayed = pvm::replay::replay(witness)?;
//! println!("post-state root {:?}", replayed.statement.post_root);
//! # Ok(()) }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod abi;
pub mod engine;
pub mod kernel;
pub mod level;
pub mod oracle;
pub mod record;
pub mod replay;

pub use engine::PvmEngine;
pub use kernel::{Kernel, KernelError};
