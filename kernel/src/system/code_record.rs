//! The record the system keeps beside deployed code
//! (`/zkos/accounts/<a>/prepared`): the code's VM, its constants area, and
//! what the VM prepared from the code once at deploy.
//!
//! `kind (u8: 0 EVM, 1 WASM, 2 RISC-V) ‖ constants length (u32, big-endian)
//! ‖ constants ‖ the VM's prepared form` (EVM: the jumpdest bitmap; WASM: the
//! kernel's `ee::wasm::prepare::Prepared`). The system reads the constants
//! for every VM (the [constants system contract](super::contracts::constants));
//! only the VM reads its prepared form.

/// The VM a contract's code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmKind {
    /// EVM bytecode.
    Evm = 0,
    /// A WebAssembly module.
    Wasm = 1,
    /// A 64-bit RISC-V ELF executable.
    RiscV = 2,
}

impl VmKind {
    fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            0 => Some(Self::Evm),
            1 => Some(Self::Wasm),
            2 => Some(Self::RiscV),
            _ => None,
        }
    }
}

/// The record kept beside deployed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta<'a> {
    /// The code's VM.
    pub kind: VmKind,
    /// The constants area.
    pub constants: &'a [u8],
    /// The VM's prepared form.
    pub prepared: &'a [u8],
}

impl<'a> Meta<'a> {
    /// The size of the record's header (kind and constants length).
    pub const HEADER: usize = 5;

    /// The stored form (see the module docs).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::HEADER + self.constants.len() + self.prepared.len());
        out.push(self.kind as u8);
        out.extend_from_slice(&(self.constants.len() as u32).to_be_bytes());
        out.extend_from_slice(self.constants);
        out.extend_from_slice(self.prepared);
        out
    }

    /// Reads [`Self::encode`]'s form; `None` if it is not one (the kernel
    /// wrote it, so this means corrupted state).
    pub fn decode(bytes: &'a [u8]) -> Option<Self> {
        let (&tag, rest) = bytes.split_first()?;
        let kind = VmKind::from_tag(tag)?;
        let (len, rest) = rest.split_at_checked(4)?;
        let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
        let (constants, prepared) = rest.split_at_checked(len)?;
        Some(Self { kind, constants, prepared })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_round_trips_and_rejects_garbage() {
        let m = Meta { kind: VmKind::Wasm, constants: b"abc", prepared: &[9, 9] };
        let bytes = m.encode();
        assert_eq!(bytes, [1, 0, 0, 0, 3, b'a', b'b', b'c', 9, 9]);
        assert_eq!(Meta::decode(&bytes), Some(m));
        assert_eq!(Meta::decode(&[7, 0, 0, 0, 0]), None);
        assert_eq!(Meta::decode(&[1, 0, 0, 0, 9, 1]), None);
        assert_eq!(Meta::decode(&[]), None);
    }
}
