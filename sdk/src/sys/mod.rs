//! The host calls, one safe function each, over the target's backend:
//! the `zkos` import module on wasm32, `ecall`s on riscv64, the in-process
//! test host elsewhere. Only this module knows the raw ABI (pointers and
//! lengths).

#[cfg(any(target_arch = "wasm32", target_arch = "riscv64"))]
mod guest;
#[cfg(not(any(target_arch = "wasm32", target_arch = "riscv64")))]
mod native;
#[cfg(target_arch = "riscv64")]
mod riscv;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(any(target_arch = "wasm32", target_arch = "riscv64"))]
pub(crate) use guest::*;
#[cfg(not(any(target_arch = "wasm32", target_arch = "riscv64")))]
pub(crate) use native::*;
#[cfg(target_arch = "riscv64")]
use riscv as raw;
#[cfg(target_arch = "wasm32")]
use wasm as raw;

/// Which kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Call,
    Static,
    Delegate,
}
