//! The one way host functions touch guest memory.
//!
//! Engines differ in how a kernel's linear memory is reached (a wasmer
//! `MemoryView`, a wasmi `Memory`, native pointers in the mock host, the
//! RISC-V guest's own buffer), so the host functions take this small trait and
//! are written once.

/// A guest address range that does not lie inside guest memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("guest memory access out of bounds at {addr:#x}+{len}")]
pub struct OutOfBounds {
    /// The first address.
    pub addr: u64,
    /// The length of the access.
    pub len: u64,
}

/// Byte access to a guest's linear memory.
pub trait GuestMemory {
    /// Copies `out.len()` bytes starting at `addr` into `out`.
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), OutOfBounds>;
    /// Copies `data` to guest memory starting at `addr`.
    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), OutOfBounds>;
}

/// A byte slice as guest memory: an engine that can lend its linear memory
/// as a slice (wasmi) uses this directly.
impl GuestMemory for [u8] {
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), OutOfBounds> {
        let src = range(addr, out.len(), self.len())
            .and_then(|r| self.get(r))
            .ok_or(OutOfBounds { addr, len: out.len() as u64 })?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        let len = self.len();
        let dst = range(addr, data.len(), len)
            .and_then(|r| self.get_mut(r))
            .ok_or(OutOfBounds { addr, len: data.len() as u64 })?;
        dst.copy_from_slice(data);
        Ok(())
    }
}

/// A byte vector as guest memory, for tests.
impl GuestMemory for alloc::vec::Vec<u8> {
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), OutOfBounds> {
        self.as_slice().read(addr, out)
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        self.as_mut_slice().write(addr, data)
    }
}

/// The index range `addr..addr+len` if it lies within `size` bytes.
pub fn range(addr: u64, len: usize, size: usize) -> Option<core::ops::Range<usize>> {
    let start = usize::try_from(addr).ok()?;
    let end = start.checked_add(len)?;
    (end <= size).then_some(start..end)
}
