//! Zk OS in the browser: the runner's deterministic half compiled to
//! `wasm32-unknown-unknown` with `wasm-bindgen`, so a page runs the real OS
//! kernel in a tab and shows what each level did.
//!
//! - [`session`]: a rollup run level by level with the `pvm` engine's
//!   semantics (ticks, tick limit, reboots, upgrades, rollback of a failed
//!   run), through the same `host`, `zkos-pvm` and `zkos-inputs` code as
//!   `pvm-runner run --engine pvm`, so roots and outboxes are the same;
//!   with [`Settings::record_witness`] it keeps each level's witness (the
//!   CLI's bytes) and replays a level from it alone, as `pvm-runner prove
//!   --native` does;
//! - [`diff`]: what a level added, changed and deleted in durable storage;
//! - [`decode`]: inbox messages, blocks and receipts, outbox messages and
//!   storage values in words, read with the kernel's own decoders;
//! - `bindings` (wasm32 only): the JavaScript API, [`Session`] behind
//!   `wasm-bindgen`, answering JSON.
//!
//! `scripts/build-web.sh` builds the crate, runs `wasm-bindgen` and puts
//! the page (`web/www`) with the example scenario in `target/web`. Natively
//! the crate is an ordinary library, which is how its tests run:
//!
//! ```no_run
//! # fn f(kernel: Vec<u8>, genesis: &str, inbox: &str) -> Result<(), zkos_web::SessionError> {
//! let mut session = zkos_web::Session::new(kernel, Some(genesis), inbox, Default::default())?;
//! while let Some(level) = session.step()? {
//!     println!("level {}: root {}, ticks {:?}", level.level, level.state_root, level.ticks);
//! }
//! # Ok(()) }
//! ```
//!
//! Not done: the page keeps no state between visits (a reload starts from
//! origination), and it replays witnesses natively in wasm, not in the
//! RISC-V proving guest (`pvm-runner prove` without `--native`).
#![deny(rustdoc::broken_intra_doc_links)]

#[cfg(target_arch = "wasm32")]
mod bindings;
pub mod decode;
pub mod diff;
pub mod session;

pub use session::{LevelView, Session, SessionError, Settings};

/// Helpers of this crate's unit tests.
#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on a bad set-up")]
pub(crate) mod testing {
    use host::{Durable, Path};

    /// Writes `v` at `p`.
    pub(crate) fn set(d: &mut Durable, p: &str, v: &[u8]) {
        d.set(Path::new(p.as_bytes()).unwrap(), v.to_vec()).unwrap();
    }
}
