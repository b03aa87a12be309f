//! Write Zk OS contracts in Rust.
//!
//! A contract is a `no_std` crate built from one source for two VMs: as a
//! `cdylib` for `wasm32-unknown-unknown` (a WASM module) and as a binary
//! for `riscv64imac-unknown-none-elf` (a static ELF). Zk OS deploys it when
//! a creation's init data is the module or the ELF (see the kernel's
//! `ee::deploy` for the envelope that adds constants and constructor
//! arguments). This crate gives it:
//!
//! - [`entrypoint!`]: the `call` (and optional `deploy`) exports on wasm32,
//!   the `_start` entry on riscv64, with a function that takes the input
//!   and returns the output or reverts.
//! - Safe functions for every host call — the `zkos` import module on
//!   wasm32, the numbered `ecall`s on riscv64 — (storage, transient
//!   storage, logs, calls, creations, block facts, constants area, Keccak):
//!   [`storage`], [`env`](mod@env), [`log`], [`calls`].
//! - The Solidity ABI through [`alloy_sol_types`] (re-exported as
//!   [`sol_types`]), so a Rust contract and a Solidity one look the same to
//!   every caller.
//! - A small bump allocator and a panic handler that reverts, for both.
//! - Natively (`cargo test`), an in-process host ([`testing`]) with storage,
//!   logs and context, so contract logic is unit-tested without a kernel.
//!
//! ```ignore
//! #![no_std]
//! use zkos_sdk::{entrypoint, prelude::*};
//! fn call(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> { Ok(input.to_vec()) }
//! entrypoint!(call);
//! ```
//!
//! See the README for a walk from `cargo new` to a deployed contract.

#![no_std]

extern crate alloc;
#[cfg(not(any(target_arch = "wasm32", target_arch = "riscv64")))]
extern crate std;

pub mod calls;
pub mod env;
pub mod log;
#[cfg(any(target_arch = "wasm32", target_arch = "riscv64"))]
mod rt;
pub mod storage;
mod sys;
#[cfg(not(any(target_arch = "wasm32", target_arch = "riscv64")))]
pub mod testing;

pub use alloy_primitives as primitives;
pub use alloy_sol_types as sol_types;

/// What most contracts import.
pub mod prelude {
    pub use alloc::{string::String, vec, vec::Vec};

    pub use alloy_primitives::{Address, B256, U256};
    pub use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue, sol};

    pub use crate::{calls, env, log, storage};
}

/// The revert data of a panic: Solidity's `Panic(uint256)` with code 0x01.
pub const PANIC_DATA: [u8; 36] = {
    let mut d = [0u8; 36];
    d[0] = 0x4e;
    d[1] = 0x48;
    d[2] = 0x7b;
    d[3] = 0x71;
    d[35] = 1;
    d
};

/// Ends the frame successfully with `output`.
pub fn finish(output: &[u8]) -> ! {
    sys::finish(output)
}

/// Ends the frame reverted with `data` (Solidity revert data: an error's
/// selector and arguments).
pub fn revert(data: &[u8]) -> ! {
    sys::revert(data)
}

/// Keccak-256, computed by the host (charged like the EVM's `KECCAK256`).
pub fn keccak256(data: &[u8]) -> alloy_primitives::B256 {
    sys::keccak256(data)
}

/// Declares the contract's entry points: `entrypoint!(call)` or
/// `entrypoint!(call, deploy)`. Each function takes the input (calldata, or
/// the constructor arguments) and returns `Ok(output)` to finish or
/// `Err(revert_data)` to revert. On wasm32 they become the module's `call`
/// and `deploy` exports; on riscv64 the program's `_start`, which the
/// kernel enters with `a0` = 0 for a call and 1 at deployment (without a
/// `deploy` function, deployment finishes at once, and refuses constructor
/// arguments). On every target they are also listed in a public
/// `ENTRYPOINTS` static, which native tests run through [`testing::call`].
///
/// A contract crate built for riscv64 needs `#![cfg_attr(target_arch =
/// "riscv64", no_main)]`: `_start` is its entry, not `main`.
#[macro_export]
macro_rules! entrypoint {
    ($call:path) => {
        $crate::entrypoint!(@exports $call, None);
    };
    ($call:path, $deploy:path) => {
        $crate::entrypoint!(@exports $call, Some($deploy));
        #[cfg(target_arch = "wasm32")]
        #[unsafe(export_name = "deploy")]
        #[doc(hidden)]
        pub extern "C" fn __zkos_deploy() {
            $crate::run($deploy)
        }
    };
    (@exports $call:path, $deploy:expr) => {
        /// The contract's entry points.
        pub static ENTRYPOINTS: $crate::Entrypoints =
            $crate::Entrypoints { call: $call, deploy: $deploy };
        #[cfg(target_arch = "riscv64")]
        #[unsafe(no_mangle)]
        #[doc(hidden)]
        pub extern "C" fn _start(entry: u64) -> ! {
            $crate::start(entry, &ENTRYPOINTS)
        }
        #[cfg(target_arch = "wasm32")]
        #[unsafe(export_name = "call")]
        #[doc(hidden)]
        pub extern "C" fn __zkos_call() {
            $crate::run($call)
        }
    };
}

/// A contract's entry points, as [`entrypoint!`] lists them.
#[derive(Debug, Clone, Copy)]
pub struct Entrypoints {
    /// `call`: every call.
    pub call: Entry,
    /// `deploy`: the constructor, if any.
    pub deploy: Option<Entry>,
}

/// An entry point: takes the input, returns the output or the revert data.
pub type Entry = fn(&[u8]) -> Result<alloc::vec::Vec<u8>, alloc::vec::Vec<u8>>;

/// The riscv64 entry: `entry` 0 runs `call`, 1 runs `deploy` (what
/// [`entrypoint!`]'s `_start` does).
#[doc(hidden)]
pub fn start(entry: u64, entrypoints: &Entrypoints) -> ! {
    match (entry, entrypoints.deploy) {
        (0, _) => run(entrypoints.call),
        (1, Some(deploy)) => run(deploy),
        (1, None) if env::calldata().is_empty() => finish(&[]),
        (1, None) => revert(b"constructor arguments for a contract without `deploy`"),
        _ => revert(b"unknown entry"),
    }
}

/// Runs `f` on the frame's input and ends the frame with its result (what
/// [`entrypoint!`] expands to).
#[doc(hidden)]
pub fn run(f: Entry) -> ! {
    let input = env::calldata();
    match f(&input) {
        Ok(out) => finish(&out),
        Err(data) => revert(&data),
    }
}
