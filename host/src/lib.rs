#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod abi;
pub mod control;
pub mod error;
pub mod hash;
pub mod inbox;
pub mod index;
pub mod memory;
pub mod outbox;
pub mod path;
pub mod reveal;
pub mod ticks;
pub mod tree;
pub mod witness;

use alloc::vec::Vec;

pub use error::HostError;
pub use hash::Hash;
pub use inbox::{Inbox, InboxMessage};
pub use memory::{GuestMemory, OutOfBounds};
pub use outbox::Outbox;
pub use path::Path;
pub use reveal::{Preimages, RollupMetadata};
pub use tree::{Durable, OutsideWitness, ValueType};

/// The most bytes one `store_read` or `store_write` moves.
pub const MAX_FILE_CHUNK_SIZE: usize = 2048;
/// The largest value durable storage holds (`store_value_size` returns an `i32`).
pub const MAX_VALUE_SIZE: usize = i32::MAX as usize;

/// Where the running kernel lives.
pub const KERNEL_BOOT_PATH: &[u8] = b"/kernel/boot.wasm";
/// Writing anything here asks for another `kernel_run` in the same level.
pub const REBOOT_PATH: &[u8] = b"/kernel/env/reboot";
/// The fallback kernel the runner keeps for a failed upgrade.
pub const READONLY_BOOT_PATH: &[u8] = b"/readonly/kernel/boot.wasm";

/// The whole state a kernel sees through `smart_rollup_core`: durable storage,
/// the inbox of the level being run, its outbox, reveal data and the debug log.
///
/// Engines call the methods of [`abi`] with the kernel's arguments; the runner
/// uses the fields and [`Host::start_level`] between runs.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// Durable storage.
    pub durable: Durable,
    /// The inbox of the current level.
    pub inbox: Inbox,
    /// The outbox of the current level.
    pub outbox: Outbox,
    /// Preimages `reveal_preimage` can serve.
    pub preimages: Preimages,
    /// What `reveal_metadata` answers.
    pub metadata: RollupMetadata,
    /// Bytes written with `write_debug` since the last [`Host::take_debug`].
    pub debug: Vec<u8>,
    /// Ticks charged by host functions since the last [`Host::take_ticks`].
    ticks: u64,
}

impl Host {
    /// A host over `durable`, with no inbox yet.
    pub fn new(durable: Durable, metadata: RollupMetadata) -> Self {
        Self { durable, metadata, ..Self::default() }
    }

    /// Loads the inbox of `level` and empties the outbox.
    pub fn start_level(&mut self, level: u32, messages: Vec<Vec<u8>>) {
        self.inbox = Inbox::new(level, messages);
        self.outbox = Outbox::default();
    }

    /// Whether the kernel asked to be run again in this level.
    pub fn reboot_requested(&self) -> bool {
        Path::new(REBOOT_PATH).is_ok_and(|p| self.durable.has(p) != ValueType::None)
    }

    /// Clears the reboot request (the runner does this before each run).
    pub fn clear_reboot(&mut self) {
        if let Ok(p) = Path::new(REBOOT_PATH) {
            self.durable.delete(p);
        }
    }

    /// What a replay from a witness asked for and the witness does not
    /// hold (a durable path or a preimage hash), if anything: the replay's
    /// results are then meaningless.
    pub fn outside_witness(&self) -> Option<alloc::string::String> {
        if let Some(p) = self.durable.outside_witness() {
            return Some(alloc::format!(
                "durable path {}",
                alloc::string::String::from_utf8_lossy(p)
            ));
        }
        let h = self.preimages.outside_witness()?;
        Some(alloc::format!("preimage {}", hex::encode(h)))
    }

    /// Whether a replay from a witness asked for something the witness
    /// does not hold (cheap: for a check after every host call).
    pub fn is_outside_witness(&self) -> bool {
        self.durable.outside_witness().is_some() || self.preimages.outside_witness().is_some()
    }

    /// Whether the kernel must be stopped after the host call it just
    /// made: it asked for something outside a witness, or for a preimage
    /// nobody has supplied ([`Preimages::missing`]). Every engine checks
    /// this after each host call, so nothing the kernel would compute from
    /// a made-up answer runs.
    pub fn must_stop(&self) -> bool {
        self.is_outside_witness() || self.preimages.missing().is_some()
    }

    /// The debug output since the last call.
    pub fn take_debug(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.debug)
    }

    /// The ticks host functions charged since the last call.
    pub fn take_ticks(&mut self) -> u64 {
        core::mem::take(&mut self.ticks)
    }

    fn charge(&mut self, ticks: u64) {
        self.ticks = self.ticks.saturating_add(ticks);
    }

    fn charge_bytes(&mut self, n: usize) {
        self.charge(ticks::PER_BYTE.saturating_mul(n as u64));
    }
}
