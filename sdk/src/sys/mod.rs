//! The host calls, one safe function each, over the target's backend:
//! the `zkos` import module on wasm32, the in-process test host elsewhere.
//! Only this module knows the raw ABI (pointers and lengths).

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::*;
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm::*;

/// Which kind of call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Call,
    Static,
    Delegate,
}
