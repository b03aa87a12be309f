//! The process's own memory as guest memory: in native tests the kernel's
//! pointers are real pointers.

use host::{GuestMemory, OutOfBounds};

/// Addresses are native pointers. Only [`crate::MockHost`]'s
/// `SmartRollupCore` methods hand addresses to it, and their contract makes
/// the caller guarantee the ranges are valid.
pub(crate) struct NativeMemory;

impl GuestMemory for NativeMemory {
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), OutOfBounds> {
        if out.is_empty() {
            return Ok(());
        }
        if addr == 0 {
            return Err(OutOfBounds { addr, len: out.len() as u64 });
        }
        // SAFETY: see the type's docs; `addr` is non-null and `out.len()` bytes
        // from it are readable by the caller's contract.
        unsafe {
            std::ptr::copy_nonoverlapping(addr as usize as *const u8, out.as_mut_ptr(), out.len())
        };
        Ok(())
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        if data.is_empty() {
            return Ok(());
        }
        if addr == 0 {
            return Err(OutOfBounds { addr, len: data.len() as u64 });
        }
        // SAFETY: as for `read`, with the range writable.
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), addr as usize as *mut u8, data.len())
        };
        Ok(())
    }
}
