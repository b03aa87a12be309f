#![doc = include_str!("../README.md")]

mod memory;

use std::{
    cell::RefCell,
    collections::BTreeMap,
    panic::{AssertUnwindSafe, catch_unwind},
};

use host::{
    Durable, Hash, Host, InboxMessage, Path, RollupMetadata,
    control::{self, Failure, LevelReport},
    inbox::level_messages,
};
use tezos_smart_rollup_core::{SmartRollupCore, smart_rollup_core::ReadInputMessageInfo};

use memory::NativeMemory;

/// A kernel's host in native tests. See the crate docs.
#[derive(Debug)]
pub struct MockHost {
    state: RefCell<Host>,
    next_level: u32,
    timestamp: i64,
    outboxes: BTreeMap<u32, Vec<Vec<u8>>>,
    debug: Vec<u8>,
}

impl Default for MockHost {
    fn default() -> Self {
        Self::new(RollupMetadata { address: [0x5a; 20], origination_level: 0 })
    }
}

impl MockHost {
    /// An empty rollup with the given metadata; the first level run is 1.
    pub fn new(metadata: RollupMetadata) -> Self {
        Self {
            state: RefCell::new(Host::new(Durable::new(), metadata)),
            next_level: 1,
            timestamp: 1_700_000_000,
            outboxes: BTreeMap::new(),
            debug: Vec::new(),
        }
    }

    /// Sets the predecessor timestamp the next level's InfoPerLevel carries
    /// (it grows by one per level after that).
    pub fn set_timestamp(&mut self, timestamp: i64) {
        self.timestamp = timestamp;
    }

    /// Runs the next level with `messages` between the protocol's
    /// StartOfLevel/InfoPerLevel and EndOfLevel; `kernel` is one `kernel_run`.
    pub fn run_level(
        &mut self,
        messages: &[InboxMessage],
        kernel: impl FnMut(&mut MockHost),
    ) -> LevelReport {
        let raw = level_messages(self.timestamp, [0; 32], messages);
        self.run_raw_level(raw, kernel)
    }

    /// Runs the next level with exactly these encoded inbox messages.
    pub fn run_raw_level(
        &mut self,
        messages: Vec<Vec<u8>>,
        mut kernel: impl FnMut(&mut MockHost),
    ) -> LevelReport {
        let level = self.next_level;
        self.next_level += 1;
        self.timestamp += 1;
        let mut host = std::mem::take(self.state.get_mut());
        let report = control::run_level(&mut host, level, messages, |h| {
            std::mem::swap(h, self.state.get_mut());
            let outcome = catch_unwind(AssertUnwindSafe(|| kernel(self)));
            std::mem::swap(h, self.state.get_mut());
            self.debug.extend(h.take_debug());
            (h.take_ticks(), outcome.err().map(|p| Failure::Trap(panic_message(p.as_ref()))))
        });
        *self.state.get_mut() = host;
        self.outboxes.insert(level, report.outbox.clone());
        report
    }

    /// The value at `path`, if any.
    pub fn get(&self, path: &[u8]) -> Option<Vec<u8>> {
        let p = Path::new(path).ok()?;
        self.state.borrow().durable.get(p).map(<[u8]>::to_vec)
    }

    /// Sets the value at `path` (as the runner may, `/readonly` included).
    pub fn set(&mut self, path: &[u8], value: &[u8]) -> Result<(), host::HostError> {
        self.state.get_mut().durable.set(Path::new(path)?, value.to_vec())
    }

    /// The Merkle root of durable storage.
    pub fn root(&mut self) -> Hash {
        self.state.get_mut().durable.root()
    }

    /// The outbox written during `level`.
    pub fn outbox(&self, level: u32) -> &[Vec<u8>] {
        self.outboxes.get(&level).map_or(&[], Vec::as_slice)
    }

    /// Everything written with `write_debug`, lossily as text.
    pub fn debug_log(&self) -> String {
        String::from_utf8_lossy(&self.debug).into_owned()
    }

    /// Adds a preimage for `reveal_preimage`; returns its 33-byte hash.
    pub fn add_preimage(&mut self, data: Vec<u8>) -> [u8; 33] {
        self.state.get_mut().preimages.insert(data)
    }

    /// The host state.
    pub fn host(&self) -> std::cell::Ref<'_, Host> {
        self.state.borrow()
    }

    /// The host state, mutably.
    pub fn host_mut(&mut self) -> &mut Host {
        self.state.get_mut()
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

fn addr<T>(p: *const T) -> u64 {
    p as usize as u64
}

fn len(n: usize) -> u64 {
    n as u64
}

// SAFETY: every method forwards the kernel's pointers to `host` through
// `NativeMemory`, which dereferences them only within the lengths given; the
// trait's contract makes the caller guarantee those ranges are valid.
unsafe impl SmartRollupCore for MockHost {
    unsafe fn read_input(
        &self,
        message_info: *mut ReadInputMessageInfo,
        dst: *mut u8,
        max_bytes: usize,
    ) -> i32 {
        self.state.borrow_mut().read_input(
            &mut NativeMemory,
            addr(message_info),
            addr(dst),
            len(max_bytes),
        )
    }

    unsafe fn write_output(&self, src: *const u8, num_bytes: usize) -> i32 {
        self.state.borrow_mut().write_output(&NativeMemory, addr(src), len(num_bytes))
    }

    unsafe fn write_debug(&self, src: *const u8, num_bytes: usize) {
        self.state.borrow_mut().write_debug(&NativeMemory, addr(src), len(num_bytes))
    }

    unsafe fn store_has(&self, path: *const u8, path_len: usize) -> i32 {
        self.state.borrow_mut().store_has(&NativeMemory, addr(path), len(path_len))
    }

    unsafe fn store_read(
        &self,
        path: *const u8,
        path_len: usize,
        offset: usize,
        dst: *mut u8,
        max_bytes: usize,
    ) -> i32 {
        self.state.borrow_mut().store_read(
            &mut NativeMemory,
            addr(path),
            len(path_len),
            len(offset),
            addr(dst),
            len(max_bytes),
        )
    }

    unsafe fn store_write(
        &self,
        path: *const u8,
        path_len: usize,
        offset: usize,
        src: *const u8,
        num_bytes: usize,
    ) -> i32 {
        self.state.borrow_mut().store_write(
            &NativeMemory,
            addr(path),
            len(path_len),
            len(offset),
            addr(src),
            len(num_bytes),
        )
    }

    unsafe fn store_delete(&self, path: *const u8, path_len: usize) -> i32 {
        self.state.borrow_mut().store_delete(&NativeMemory, addr(path), len(path_len))
    }

    unsafe fn store_delete_value(&self, path: *const u8, path_len: usize) -> i32 {
        self.state.borrow_mut().store_delete_value(&NativeMemory, addr(path), len(path_len))
    }

    unsafe fn store_list_size(&self, path: *const u8, path_len: usize) -> i64 {
        self.state.borrow_mut().store_list_size(&NativeMemory, addr(path), len(path_len))
    }

    unsafe fn store_move(
        &self,
        from_path: *const u8,
        from_path_len: usize,
        to_path: *const u8,
        to_path_len: usize,
    ) -> i32 {
        self.state.borrow_mut().store_move(
            &NativeMemory,
            addr(from_path),
            len(from_path_len),
            addr(to_path),
            len(to_path_len),
        )
    }

    unsafe fn store_copy(
        &self,
        from_path: *const u8,
        from_path_len: usize,
        to_path: *const u8,
        to_path_len: usize,
    ) -> i32 {
        self.state.borrow_mut().store_copy(
            &NativeMemory,
            addr(from_path),
            len(from_path_len),
            addr(to_path),
            len(to_path_len),
        )
    }

    unsafe fn reveal_preimage(
        &self,
        hash_addr: *const u8,
        hash_len: usize,
        destination_addr: *mut u8,
        max_bytes: usize,
    ) -> i32 {
        let mut state = self.state.borrow_mut();
        let code = state.reveal_preimage(
            &mut NativeMemory,
            addr(hash_addr),
            len(hash_len),
            addr(destination_addr),
            len(max_bytes),
        );
        // The engines stop a kernel that asks for a preimage nobody
        // supplied (the PVM would wait for it); natively, the test stops.
        if let Some(h) = state.preimages.missing() {
            let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
            panic!("the kernel asked for preimage {hex}, which the test did not add");
        }
        code
    }

    unsafe fn store_value_size(&self, path: *const u8, path_len: usize) -> i32 {
        self.state.borrow_mut().store_value_size(&NativeMemory, addr(path), len(path_len))
    }

    unsafe fn reveal_metadata(&self, destination_addr: *mut u8, max_bytes: usize) -> i32 {
        self.state.borrow_mut().reveal_metadata(
            &mut NativeMemory,
            addr(destination_addr),
            len(max_bytes),
        )
    }
}
