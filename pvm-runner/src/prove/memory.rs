//! Guest memory for ckb-vm larger than its own memories allow.
//!
//! ckb-vm's memories are sized for CKB scripts and stop at 4 MiB; the
//! proving guest holds a whole level (the kernel alone is megabytes, then
//! its wasmi module and its own linear memory). This is ckb-vm's flat
//! memory without that cap: one zeroed allocation (pages the guest never
//! touches are never backed by the OS), no permission checks, as
//! `ckb_vm::FlatMemory`.

use ckb_vm::{Bytes, Error, Memory, RISCV_PAGESIZE};

/// A flat guest memory of any page-multiple size.
pub struct FlatMemory {
    data: Vec<u8>,
    flags: Vec<u8>,
    reservation: u64,
}

impl FlatMemory {
    fn range(&self, addr: u64, len: u64) -> Result<std::ops::Range<usize>, Error> {
        let end = addr.checked_add(len).ok_or(Error::MemOutOfBound)?;
        if end > self.data.len() as u64 {
            return Err(Error::MemOutOfBound);
        }
        Ok(addr as usize..end as usize)
    }

    fn load<const N: usize>(&self, addr: u64) -> Result<[u8; N], Error> {
        let r = self.range(addr, N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.data[r]);
        Ok(out)
    }

    fn store<const N: usize>(&mut self, addr: u64, bytes: [u8; N]) -> Result<(), Error> {
        let r = self.range(addr, N as u64)?;
        self.data[r].copy_from_slice(&bytes);
        Ok(())
    }

    fn flag(&mut self, page: u64) -> Result<&mut u8, Error> {
        self.flags.get_mut(page as usize).ok_or(Error::MemOutOfBound)
    }
}

impl Memory for FlatMemory {
    type REG = u64;

    fn new() -> Self {
        Self::new_with_memory(ckb_vm::RISCV_MAX_MEMORY)
    }

    fn new_with_memory(memory_size: usize) -> Self {
        let size = memory_size.next_multiple_of(RISCV_PAGESIZE);
        Self { data: vec![0; size], flags: vec![0; size / RISCV_PAGESIZE], reservation: u64::MAX }
    }

    fn init_pages(
        &mut self,
        addr: u64,
        size: u64,
        _flags: u8,
        source: Option<Bytes>,
        offset_from_addr: u64,
    ) -> Result<(), Error> {
        let r = self.range(addr, size)?;
        let region = &mut self.data[r];
        region.fill(0);
        if let Some(src) = source {
            let at = offset_from_addr as usize;
            let n = src.len().min(region.len().saturating_sub(at));
            region[at..at + n].copy_from_slice(&src[..n]);
        }
        Ok(())
    }

    fn fetch_flag(&mut self, page: u64) -> Result<u8, Error> {
        self.flag(page).map(|f| *f)
    }

    fn set_flag(&mut self, page: u64, flag: u8) -> Result<(), Error> {
        *self.flag(page)? |= flag;
        Ok(())
    }

    fn clear_flag(&mut self, page: u64, flag: u8) -> Result<(), Error> {
        *self.flag(page)? &= !flag;
        Ok(())
    }

    fn memory_size(&self) -> usize {
        self.data.len()
    }

    fn store_byte(&mut self, addr: u64, size: u64, value: u8) -> Result<(), Error> {
        let r = self.range(addr, size)?;
        self.data[r].fill(value);
        Ok(())
    }

    fn store_bytes(&mut self, addr: u64, value: &[u8]) -> Result<(), Error> {
        let r = self.range(addr, value.len() as u64)?;
        self.data[r].copy_from_slice(value);
        Ok(())
    }

    fn load_bytes(&mut self, addr: u64, size: u64) -> Result<Bytes, Error> {
        let r = self.range(addr, size)?;
        Ok(Bytes::copy_from_slice(&self.data[r]))
    }

    fn execute_load16(&mut self, addr: u64) -> Result<u16, Error> {
        self.load(addr).map(u16::from_le_bytes)
    }

    fn execute_load32(&mut self, addr: u64) -> Result<u32, Error> {
        self.load(addr).map(u32::from_le_bytes)
    }

    fn load8(&mut self, addr: &u64) -> Result<u64, Error> {
        self.load::<1>(*addr).map(|b| u64::from(b[0]))
    }

    fn load16(&mut self, addr: &u64) -> Result<u64, Error> {
        self.load(*addr).map(|b| u64::from(u16::from_le_bytes(b)))
    }

    fn load32(&mut self, addr: &u64) -> Result<u64, Error> {
        self.load(*addr).map(|b| u64::from(u32::from_le_bytes(b)))
    }

    fn load64(&mut self, addr: &u64) -> Result<u64, Error> {
        self.load(*addr).map(u64::from_le_bytes)
    }

    fn store8(&mut self, addr: &u64, value: &u64) -> Result<(), Error> {
        self.store(*addr, [*value as u8])
    }

    fn store16(&mut self, addr: &u64, value: &u64) -> Result<(), Error> {
        self.store(*addr, (*value as u16).to_le_bytes())
    }

    fn store32(&mut self, addr: &u64, value: &u64) -> Result<(), Error> {
        self.store(*addr, (*value as u32).to_le_bytes())
    }

    fn store64(&mut self, addr: &u64, value: &u64) -> Result<(), Error> {
        self.store(*addr, value.to_le_bytes())
    }

    fn lr(&self) -> &u64 {
        &self.reservation
    }

    fn set_lr(&mut self, value: &u64) {
        self.reservation = *value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_what_was_stored_and_refuses_out_of_bounds() {
        let mut m = FlatMemory::new_with_memory(64 << 20);
        assert_eq!(m.memory_size(), 64 << 20);
        m.store64(&(40 << 20), &0x1122_3344_5566_7788).unwrap();
        assert_eq!(m.load32(&(40 << 20)).unwrap(), 0x5566_7788);
        assert_eq!(m.load8(&((40 << 20) + 7)).unwrap(), 0x11);
        assert!(matches!(m.load64(&((64 << 20) - 4)), Err(Error::MemOutOfBound)));
        assert!(matches!(m.store_bytes(u64::MAX, b"x"), Err(Error::MemOutOfBound)));
        m.init_pages(4096, 8192, 0, Some(Bytes::from_static(b"abc")), 2).unwrap();
        assert_eq!(&m.load_bytes(4096, 6).unwrap()[..], b"\0\0abc\0");
    }
}
