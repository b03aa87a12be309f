//! The `smart_rollup_core` functions, over any [`GuestMemory`].
//!
//! Each method takes the raw arguments the kernel passed (addresses and
//! lengths widened to `u64`) and returns what the kernel sees: a count or
//! one of the negative codes of [`HostError`]. Engines only convert their
//! integer types and call these.

use alloc::vec;
use alloc::vec::Vec;

use crate::{
    Host, HostError, MAX_FILE_CHUNK_SIZE,
    memory::GuestMemory,
    outbox::MAX_OUTPUT_SIZE,
    path::{MAX_PATH_LEN, Path},
    reveal::{MAX_PREIMAGE_SIZE, PREIMAGE_HASH_SIZE},
    ticks,
};

/// Debug messages longer than this are cut (the PVM gives no limit; this
/// bounds what a kernel can make the runner copy).
pub const MAX_DEBUG_MESSAGE: usize = 16 * 1024;

type R<T> = Result<T, HostError>;

fn code(r: R<i32>) -> i32 {
    r.unwrap_or_else(HostError::code)
}

fn read_mem<M: GuestMemory + ?Sized>(mem: &M, addr: u64, len: u64) -> R<Vec<u8>> {
    let len = usize::try_from(len).map_err(|_| HostError::MemoryInvalidAccess)?;
    let mut buf = vec![0u8; len];
    mem.read(addr, &mut buf).map_err(|_| HostError::MemoryInvalidAccess)?;
    Ok(buf)
}

fn write_mem<M: GuestMemory + ?Sized>(mem: &mut M, addr: u64, data: &[u8]) -> R<()> {
    mem.write(addr, data).map_err(|_| HostError::MemoryInvalidAccess)
}

/// Reads a path argument: too long is refused before memory is touched.
fn read_path<M: GuestMemory + ?Sized>(mem: &M, addr: u64, len: u64) -> R<Vec<u8>> {
    if len > MAX_PATH_LEN as u64 {
        return Err(HostError::KeyTooLarge);
    }
    let bytes = read_mem(mem, addr, len)?;
    Path::new(&bytes)?;
    Ok(bytes)
}

fn writable(bytes: &[u8]) -> R<Path<'_>> {
    let p = Path::new(bytes)?;
    if p.is_readonly() { Err(HostError::ReadOnlyValue) } else { Ok(p) }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Host {
    /// `read_input(info, dst, max_bytes)`: copies the next inbox message (cut
    /// to `max_bytes`) to `dst` and `{level: i32, id: i32}` (little-endian, as
    /// the wasm32 struct lies in memory) to `info`; 0 when the inbox is drained.
    pub fn read_input<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        info: u64,
        dst: u64,
        max_bytes: u64,
    ) -> i32 {
        self.charge(ticks::READ_INPUT);
        let level = self.inbox.level();
        let Some((id, msg)) = self.inbox.next_message() else {
            return 0;
        };
        let n = msg.len().min(usize::try_from(max_bytes).unwrap_or(usize::MAX));
        let payload = msg[..n].to_vec();
        let mut info_bytes = [0u8; 8];
        info_bytes[..4].copy_from_slice(&level.to_le_bytes());
        info_bytes[4..].copy_from_slice(&id.to_le_bytes());
        let written =
            write_mem(mem, dst, &payload).and_then(|()| write_mem(mem, info, &info_bytes));
        if let Err(e) = written {
            self.inbox.unread_last();
            return e.code();
        }
        self.charge_bytes(n);
        count(n)
    }

    /// `write_output(src, len)`: appends a message to this level's outbox.
    pub fn write_output<M: GuestMemory + ?Sized>(&mut self, mem: &M, src: u64, len: u64) -> i32 {
        self.charge(ticks::WRITE_OUTPUT);
        code((|| {
            if len > MAX_OUTPUT_SIZE as u64 {
                return Err(HostError::InputOutputTooLarge);
            }
            let bytes = read_mem(mem, src, len)?;
            self.outbox.push(&bytes)?;
            self.charge_bytes(bytes.len());
            Ok(0)
        })())
    }

    /// `write_debug(src, len)`: appends to the debug log; never fails.
    pub fn write_debug<M: GuestMemory + ?Sized>(&mut self, mem: &M, src: u64, len: u64) {
        self.charge(ticks::WRITE_DEBUG);
        let len = len.min(MAX_DEBUG_MESSAGE as u64);
        if let Ok(bytes) = read_mem(mem, src, len) {
            self.debug.extend_from_slice(&bytes);
        }
    }

    /// `store_has(path, len)`: 0 nothing, 1 value, 2 subtree, 3 both.
    pub fn store_has<M: GuestMemory + ?Sized>(&mut self, mem: &M, p: u64, len: u64) -> i32 {
        self.charge(ticks::STORE);
        code(read_path(mem, p, len).and_then(|b| Path::new(&b).map(|p| self.durable.has(p) as i32)))
    }

    /// `store_read(path, len, offset, dst, max)`: copies up to
    /// `min(max, 2048)` bytes of the value from `offset`; returns the count.
    pub fn store_read<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        p: u64,
        len: u64,
        offset: u64,
        dst: u64,
        max: u64,
    ) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            let b = read_path(mem, p, len)?;
            let offset = usize::try_from(offset).map_err(|_| HostError::InvalidAccess)?;
            let max = usize::try_from(max).unwrap_or(usize::MAX).min(MAX_FILE_CHUNK_SIZE);
            let bytes = self.durable.read(Path::new(&b)?, offset, max)?.to_vec();
            write_mem(mem, dst, &bytes)?;
            self.charge_bytes(bytes.len());
            Ok(count(bytes.len()))
        })())
    }

    /// `store_write(path, len, offset, src, n)`: writes `n <= 2048` bytes at
    /// `offset` (at most the value's current size); 0 on success.
    pub fn store_write<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &M,
        p: u64,
        len: u64,
        offset: u64,
        src: u64,
        n: u64,
    ) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            if n > MAX_FILE_CHUNK_SIZE as u64 {
                return Err(HostError::InputOutputTooLarge);
            }
            let b = read_path(mem, p, len)?;
            let target = writable(&b)?;
            let bytes = read_mem(mem, src, n)?;
            let offset = usize::try_from(offset).map_err(|_| HostError::InvalidAccess)?;
            self.durable.write(target, offset, &bytes)?;
            self.charge_bytes(bytes.len());
            Ok(0)
        })())
    }

    /// `store_delete(path, len)`: removes the value and subtree.
    pub fn store_delete<M: GuestMemory + ?Sized>(&mut self, mem: &M, p: u64, len: u64) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            let b = read_path(mem, p, len)?;
            self.durable.delete(writable(&b)?);
            Ok(0)
        })())
    }

    /// `store_delete_value(path, len)`: removes the value only.
    pub fn store_delete_value<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &M,
        p: u64,
        len: u64,
    ) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            let b = read_path(mem, p, len)?;
            self.durable.delete_value(writable(&b)?);
            Ok(0)
        })())
    }

    /// `store_list_size(path, len) -> i64`: the number of children, the value
    /// counted as one.
    pub fn store_list_size<M: GuestMemory + ?Sized>(&mut self, mem: &M, p: u64, len: u64) -> i64 {
        self.charge(ticks::STORE);
        read_path(mem, p, len)
            .and_then(|b| self.durable.list_size(Path::new(&b)?))
            .map_or_else(|e| i64::from(e.code()), |n| i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// `store_move(from, from_len, to, to_len)`: both must be writable.
    pub fn store_move<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &M,
        from: u64,
        from_len: u64,
        to: u64,
        to_len: u64,
    ) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            let f = read_path(mem, from, from_len)?;
            let t = read_path(mem, to, to_len)?;
            self.durable.move_to(writable(&f)?, writable(&t)?)?;
            Ok(0)
        })())
    }

    /// `store_copy(from, from_len, to, to_len)`: the source may be read-only.
    pub fn store_copy<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &M,
        from: u64,
        from_len: u64,
        to: u64,
        to_len: u64,
    ) -> i32 {
        self.charge(ticks::STORE);
        code((|| {
            let f = read_path(mem, from, from_len)?;
            let t = read_path(mem, to, to_len)?;
            self.durable.copy(Path::new(&f)?, writable(&t)?)?;
            Ok(0)
        })())
    }

    /// `store_value_size(path, len)`: the size of the value.
    pub fn store_value_size<M: GuestMemory + ?Sized>(&mut self, mem: &M, p: u64, len: u64) -> i32 {
        self.charge(ticks::STORE);
        code(
            read_path(mem, p, len).and_then(|b| self.durable.value_size(Path::new(&b)?)).map(count),
        )
    }

    /// `reveal_preimage(hash, hash_len, dst, max)`: copies the preimage of a
    /// 33-byte hash, cut to `max` (and to 4096); returns the count.
    pub fn reveal_preimage<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        hash: u64,
        hash_len: u64,
        dst: u64,
        max: u64,
    ) -> i32 {
        self.charge(ticks::REVEAL);
        code((|| {
            if hash_len != PREIMAGE_HASH_SIZE as u64 {
                return Err(HostError::GenericInvalidAccess);
            }
            let h = read_mem(mem, hash, hash_len)?;
            self.reveal_hash(mem, &h, dst, max)
        })())
    }

    fn reveal_hash<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        h: &[u8],
        dst: u64,
        max: u64,
    ) -> R<i32> {
        let data = self.preimages.reveal(h).ok_or(HostError::GenericInvalidAccess)?;
        let n = data.len().min(MAX_PREIMAGE_SIZE).min(usize::try_from(max).unwrap_or(usize::MAX));
        let bytes = data[..n].to_vec();
        write_mem(mem, dst, &bytes)?;
        self.charge_bytes(n);
        Ok(count(n))
    }

    /// `reveal_metadata(dst, max)`: the 24 bytes of [`crate::RollupMetadata`],
    /// cut to `max`; returns the count.
    pub fn reveal_metadata<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        dst: u64,
        max: u64,
    ) -> i32 {
        self.charge(ticks::REVEAL);
        let bytes = self.metadata.encode();
        let n = bytes.len().min(usize::try_from(max).unwrap_or(usize::MAX));
        code(write_mem(mem, dst, &bytes[..n]).map(|()| count(n)))
    }

    /// `reveal(payload, len, dst, max)`: the protocol's tagged reveal request.
    /// Tag 0 (raw data, then a 33-byte hash) and tag 1 (metadata) are served;
    /// DAL pages (2) and parameters (3) are not, and answer
    /// [`HostError::GenericInvalidAccess`].
    pub fn reveal<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        payload: u64,
        len: u64,
        dst: u64,
        max: u64,
    ) -> i32 {
        self.charge(ticks::REVEAL);
        code((|| {
            if len > 1 + PREIMAGE_HASH_SIZE as u64 {
                return Err(HostError::InputOutputTooLarge);
            }
            let req = read_mem(mem, payload, len)?;
            match req.split_first() {
                Some((0, h)) if h.len() == PREIMAGE_HASH_SIZE => self.reveal_hash(mem, h, dst, max),
                Some((1, [])) => Ok(self.reveal_metadata(mem, dst, max)),
                _ => Err(HostError::GenericInvalidAccess),
            }
        })())
    }
}

#[cfg(test)]
mod tests {
    //! One test per function's success and per error code it can return.
    use super::*;
    use crate::{Durable, RollupMetadata, reveal::preimage_hash};

    /// Guest memory with a path at 0, a path at 256, data at 512 and a free
    /// buffer at 4096.
    struct Guest {
        mem: Vec<u8>,
    }

    const P1: u64 = 0;
    const P2: u64 = 256;
    const DATA: u64 = 512;
    const BUF: u64 = 4096;
    const SIZE: usize = 16 * 1024;

    impl Guest {
        fn new() -> Self {
            Self { mem: vec![0; SIZE] }
        }
        fn put(&mut self, at: u64, bytes: &[u8]) -> u64 {
            self.mem[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
            bytes.len() as u64
        }
        fn get(&self, at: u64, len: usize) -> &[u8] {
            &self.mem[at as usize..at as usize + len]
        }
    }

    fn host() -> Host {
        Host::new(Durable::new(), RollupMetadata { address: [3; 20], origination_level: 42 })
    }

    fn write(h: &mut Host, g: &mut Guest, path: &[u8], value: &[u8]) -> i32 {
        let pl = g.put(P1, path);
        let n = g.put(DATA, value);
        h.store_write(&g.mem, P1, pl, 0, DATA, n)
    }

    const OUT: u64 = SIZE as u64; // first address past the end

    #[test]
    fn read_input_copies_message_and_info_then_returns_zero() {
        let mut h = host();
        let mut g = Guest::new();
        h.start_level(7, vec![vec![1, 2, 3], vec![4; 10]]);
        assert_eq!(h.read_input(&mut g.mem, 0, BUF, 100), 3);
        assert_eq!(g.get(BUF, 3), &[1, 2, 3]);
        assert_eq!(g.get(0, 8), &[7, 0, 0, 0, 0, 0, 0, 0]);
        // cut to max_bytes, id 1
        assert_eq!(h.read_input(&mut g.mem, 0, BUF, 4), 4);
        assert_eq!(g.get(4, 4), &[1, 0, 0, 0]);
        assert_eq!(h.read_input(&mut g.mem, 0, BUF, 100), 0);
    }

    #[test]
    fn read_input_out_of_memory_keeps_the_message() {
        let mut h = host();
        let mut g = Guest::new();
        h.start_level(1, vec![vec![1, 2, 3]]);
        assert_eq!(h.read_input(&mut g.mem, 0, OUT, 100), -6);
        assert_eq!(h.read_input(&mut g.mem, 0, BUF, 100), 3);
    }

    #[test]
    fn write_output_success_and_errors() {
        let mut h = host();
        let g = Guest::new();
        assert_eq!(h.write_output(&g.mem, DATA, 10), 0);
        assert_eq!(h.outbox.messages().len(), 1);
        assert_eq!(h.write_output(&g.mem, DATA, 4097), -7);
        assert_eq!(h.write_output(&g.mem, OUT - 5, 10), -6);
        for _ in 1..100 {
            assert_eq!(h.write_output(&g.mem, DATA, 1), 0);
        }
        assert_eq!(h.write_output(&g.mem, DATA, 1), -11);
    }

    #[test]
    fn write_debug_appends_and_ignores_bad_memory() {
        let mut h = host();
        let mut g = Guest::new();
        g.put(DATA, b"hello");
        h.write_debug(&g.mem, DATA, 5);
        h.write_debug(&g.mem, OUT, 5);
        assert_eq!(h.take_debug(), b"hello");
    }

    #[test]
    fn store_has_reports_types_and_path_errors() {
        let mut h = host();
        let mut g = Guest::new();
        assert_eq!(write(&mut h, &mut g, b"/a/b", b"1"), 0);
        let l = g.put(P1, b"/a");
        assert_eq!(h.store_has(&g.mem, P1, l), 2);
        let l = g.put(P1, b"/a/b");
        assert_eq!(h.store_has(&g.mem, P1, l), 1);
        let l = g.put(P1, b"/zz");
        assert_eq!(h.store_has(&g.mem, P1, l), 0);
        let l = g.put(P1, b"a/b");
        assert_eq!(h.store_has(&g.mem, P1, l), -2);
        assert_eq!(h.store_has(&g.mem, P1, 241), -1);
        assert_eq!(h.store_has(&g.mem, OUT - 2, 4), -6);
    }

    #[test]
    fn store_read_success_and_errors() {
        let mut h = host();
        let mut g = Guest::new();
        let big: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
        // a 3000-byte value needs two writes of at most 2048
        let l = g.put(P1, b"/v");
        g.put(DATA, &big);
        assert_eq!(h.store_write(&g.mem, P1, l, 0, DATA, 2048), 0);
        assert_eq!(h.store_write(&g.mem, P1, l, 2048, DATA + 2048, 952), 0);
        assert_eq!(h.store_read(&mut g.mem, P1, l, 0, BUF, 4096), 2048, "capped at 2048");
        assert_eq!(g.get(BUF, 2048), &big[..2048]);
        assert_eq!(h.store_read(&mut g.mem, P1, l, 2900, BUF, 4096), 100);
        assert_eq!(h.store_read(&mut g.mem, P1, l, 3000, BUF, 10), 0);
        assert_eq!(h.store_read(&mut g.mem, P1, l, 3001, BUF, 10), -4);
        assert_eq!(h.store_read(&mut g.mem, P1, l, 0, OUT - 1, 10), -6);
        let l = g.put(P1, b"/none");
        assert_eq!(h.store_read(&mut g.mem, P1, l, 0, BUF, 10), -3);
        assert_eq!(h.store_read(&mut g.mem, P1, 300, 0, BUF, 10), -1);
    }

    #[test]
    fn store_write_errors() {
        let mut h = host();
        let mut g = Guest::new();
        let l = g.put(P1, b"/w");
        assert_eq!(h.store_write(&g.mem, P1, l, 0, DATA, 2049), -7);
        assert_eq!(h.store_write(&g.mem, P1, l, 1, DATA, 1), -4);
        assert_eq!(h.store_write(&g.mem, P1, l, 0, OUT - 1, 2), -6);
        let l = g.put(P1, b"/readonly/x");
        assert_eq!(h.store_write(&g.mem, P1, l, 0, DATA, 1), -9);
        let l = g.put(P1, b"/bad//p");
        assert_eq!(h.store_write(&g.mem, P1, l, 0, DATA, 1), -2);
    }

    #[test]
    fn store_delete_and_delete_value() {
        let mut h = host();
        let mut g = Guest::new();
        write(&mut h, &mut g, b"/a", b"1");
        write(&mut h, &mut g, b"/a/b", b"2");
        let l = g.put(P2, b"/a");
        assert_eq!(h.store_delete_value(&g.mem, P2, l), 0);
        assert_eq!(h.store_has(&g.mem, P2, l), 2);
        assert_eq!(h.store_delete(&g.mem, P2, l), 0);
        assert_eq!(h.store_has(&g.mem, P2, l), 0);
        assert_eq!(h.store_delete(&g.mem, P2, l), 0, "deleting nothing is fine");
        let l = g.put(P2, b"/readonly/k");
        assert_eq!(h.store_delete(&g.mem, P2, l), -9);
        assert_eq!(h.store_delete_value(&g.mem, P2, l), -9);
        assert_eq!(h.store_delete(&g.mem, OUT, 2), -6);
        assert_eq!(h.store_delete_value(&g.mem, P2, 250), -1);
    }

    #[test]
    fn store_list_size_counts_and_errors() {
        let mut h = host();
        let mut g = Guest::new();
        write(&mut h, &mut g, b"/d/x", b"1");
        write(&mut h, &mut g, b"/d/y", b"1");
        write(&mut h, &mut g, b"/d", b"1");
        let l = g.put(P2, b"/d");
        assert_eq!(h.store_list_size(&g.mem, P2, l), 3);
        let l = g.put(P2, b"/e");
        assert_eq!(h.store_list_size(&g.mem, P2, l), -10);
        let l = g.put(P2, b"/e/");
        assert_eq!(h.store_list_size(&g.mem, P2, l), -2);
    }

    #[test]
    fn store_move_and_copy_success_and_errors() {
        let mut h = host();
        let mut g = Guest::new();
        write(&mut h, &mut g, b"/src/k", b"v");
        let fl = g.put(P1, b"/src");
        let tl = g.put(P2, b"/dst");
        assert_eq!(h.store_copy(&g.mem, P1, fl, P2, tl), 0);
        assert_eq!(h.durable.get(Path::new(b"/dst/k").unwrap()), Some(&b"v"[..]));
        let tl2 = g.put(P2, b"/moved");
        assert_eq!(h.store_move(&g.mem, P1, fl, P2, tl2), 0);
        assert_eq!(h.store_has(&g.mem, P1, fl), 0);
        assert_eq!(h.store_move(&g.mem, P1, fl, P2, tl2), -10);
        assert_eq!(h.store_copy(&g.mem, P1, fl, P2, tl2), -10);
        // read-only: copying out is allowed, into or moving is not
        h.durable.set(Path::new(b"/readonly/r").unwrap(), b"ro".to_vec()).unwrap();
        let rl = g.put(P1, b"/readonly/r");
        let tl = g.put(P2, b"/copy");
        assert_eq!(h.store_copy(&g.mem, P1, rl, P2, tl), 0);
        assert_eq!(h.store_move(&g.mem, P1, rl, P2, tl), -9);
        assert_eq!(h.store_copy(&g.mem, P2, tl, P1, rl), -9);
        assert_eq!(h.store_copy(&g.mem, OUT, 3, P2, tl), -6);
        assert_eq!(h.store_move(&g.mem, P1, 241, P2, tl), -1);
    }

    #[test]
    fn store_value_size_success_and_errors() {
        let mut h = host();
        let mut g = Guest::new();
        write(&mut h, &mut g, b"/s", b"12345");
        let l = g.put(P2, b"/s");
        assert_eq!(h.store_value_size(&g.mem, P2, l), 5);
        let l = g.put(P2, b"/t");
        assert_eq!(h.store_value_size(&g.mem, P2, l), -3);
    }

    #[test]
    fn reveal_preimage_success_and_errors() {
        let mut h = host();
        let mut g = Guest::new();
        let hash = h.preimages.insert(b"secret page".to_vec());
        g.put(P1, &hash);
        assert_eq!(h.reveal_preimage(&mut g.mem, P1, 33, BUF, 100), 11);
        assert_eq!(g.get(BUF, 11), b"secret page");
        assert_eq!(h.reveal_preimage(&mut g.mem, P1, 33, BUF, 3), 3);
        assert_eq!(h.reveal_preimage(&mut g.mem, P1, 32, BUF, 100), -8);
        assert!(!h.must_stop(), "a malformed request is answered");
        g.put(P1, &preimage_hash(b"unknown"));
        assert_eq!(h.reveal_preimage(&mut g.mem, P1, 33, BUF, 100), -8);
        // ... but the engine stops the kernel before it reads that answer
        assert_eq!(h.preimages.missing(), Some(&preimage_hash(b"unknown")));
        assert!(h.must_stop());
        assert_eq!(h.preimages.take_missing(), Some(preimage_hash(b"unknown")));
        g.put(P1, &hash);
        assert_eq!(h.reveal_preimage(&mut g.mem, P1, 33, OUT, 100), -6);
    }

    #[test]
    fn reveal_metadata_and_tagged_reveal() {
        let mut h = host();
        let mut g = Guest::new();
        assert_eq!(h.reveal_metadata(&mut g.mem, BUF, 100), 24);
        assert_eq!(g.get(BUF, 20), &[3; 20]);
        assert_eq!(g.get(BUF + 20, 4), &[0, 0, 0, 42]);
        assert_eq!(h.reveal_metadata(&mut g.mem, OUT, 100), -6);
        let hash = h.preimages.insert(b"page".to_vec());
        g.put(P1, &[0]);
        g.put(P1 + 1, &hash);
        assert_eq!(h.reveal(&mut g.mem, P1, 34, BUF, 100), 4);
        g.put(P1, &[1]);
        assert_eq!(h.reveal(&mut g.mem, P1, 1, BUF, 100), 24);
        g.put(P1, &[2, 0, 0]);
        assert_eq!(h.reveal(&mut g.mem, P1, 3, BUF, 100), -8);
        assert_eq!(h.reveal(&mut g.mem, P1, 100, BUF, 100), -7);
    }

    #[test]
    fn host_calls_charge_ticks() {
        let mut h = host();
        let mut g = Guest::new();
        write(&mut h, &mut g, b"/a", b"xyz");
        assert_eq!(h.take_ticks(), ticks::STORE + 3 * ticks::PER_BYTE);
        assert_eq!(h.take_ticks(), 0);
    }
}
