//! What deployment checks in a RISC-V contract, and the loading plan kept
//! beside its code so no call parses the ELF again.
//!
//! A contract is accepted if:
//! - it is at most [`MAX_CODE_SIZE`] bytes;
//! - it is a 64-bit little-endian RISC-V (`EM_RISCV`) executable (`ET_EXEC`,
//!   statically linked: nothing is relocated at load) for the soft-float ABI
//!   and not RV32E — what `riscv64imac-unknown-none-elf` produces;
//! - ckb-vm parses its program headers, and every loaded segment lies in
//!   the frame's memory below the stack ([`frame::STACK_SIZE`] at the top);
//! - its entry point is in an executable segment.
//!
//! The prepared form is ckb-vm's loading plan (which bytes of the file go
//! to which pages with which permissions, and the entry point); a call
//! loads the pages from it directly.

use ckb_vm::{
    Bytes,
    ckb_vm_definitions::memory::FLAG_EXECUTABLE,
    elf::{LoadingAction, ProgramMetadata, parse_elf},
    machine::VERSION2,
};

use super::frame;
use crate::ee::deploy::ELF_MAGIC;

/// The largest contract deployed, in bytes (as for WASM).
pub const MAX_CODE_SIZE: usize = 256 * 1024;

/// `EM_RISCV`.
const EM_RISCV: u16 = 243;
/// `ET_EXEC`.
const ET_EXEC: u16 = 2;
/// `EF_RISCV_FLOAT_ABI` (any hardware-float ABI) and `EF_RISCV_RVE`.
const EF_FLOAT_ABI_OR_RVE: u32 = 0x6 | 0x8;

/// Why code cannot be deployed as a RISC-V contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    /// Over [`MAX_CODE_SIZE`].
    #[error("ELF of {0} bytes, the limit is {MAX_CODE_SIZE}")]
    TooLarge(usize),
    /// Not the kind of ELF the VM runs.
    #[error("not a 64-bit little-endian RISC-V executable for the soft-float ABI: {0}")]
    WrongKind(&'static str),
    /// ckb-vm cannot load it.
    #[error("malformed ELF: {0}")]
    Malformed(String),
    /// A segment outside the memory a frame has.
    #[error("a segment at {addr:#x} of {size} bytes lies outside the contract's memory")]
    OutOfMemory {
        /// Its address.
        addr: u64,
        /// Its size.
        size: u64,
    },
    /// The entry point is not in an executable segment.
    #[error("the entry point {0:#x} is not in an executable segment")]
    Entry(u64),
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// Checks `code` for deployment and returns its loading plan.
pub fn prepare(code: &[u8]) -> Result<ProgramMetadata, DeployError> {
    use DeployError::WrongKind;
    if code.len() > MAX_CODE_SIZE {
        return Err(DeployError::TooLarge(code.len()));
    }
    // The ELF header is 64 bytes for ELFCLASS64.
    if code.len() < 64 || code[..4] != ELF_MAGIC {
        return Err(WrongKind("no ELF header"));
    }
    if code[4] != 2 || code[5] != 1 {
        return Err(WrongKind("not ELFCLASS64 little-endian"));
    }
    if u16_at(code, 18) != EM_RISCV {
        return Err(WrongKind("not a RISC-V machine"));
    }
    if u16_at(code, 16) != ET_EXEC {
        return Err(WrongKind("not a static executable"));
    }
    let flags = u32::from_le_bytes([code[48], code[49], code[50], code[51]]);
    if flags & EF_FLOAT_ABI_OR_RVE != 0 {
        return Err(WrongKind("hardware-float ABI or RV32E"));
    }
    let metadata = parse_elf::<u64>(&Bytes::copy_from_slice(code), VERSION2)
        .map_err(|e| DeployError::Malformed(format!("{e:?}")))?;
    let limit = (frame::MEMORY_SIZE - frame::STACK_SIZE) as u64;
    for a in &metadata.actions {
        if a.addr.checked_add(a.size).is_none_or(|end| end > limit) {
            return Err(DeployError::OutOfMemory { addr: a.addr, size: a.size });
        }
    }
    let runs = |a: &LoadingAction| {
        a.flags & FLAG_EXECUTABLE != 0 && (a.addr..a.addr + a.size).contains(&metadata.entry)
    };
    if !metadata.actions.iter().any(runs) {
        return Err(DeployError::Entry(metadata.entry));
    }
    Ok(metadata)
}

/// The stored form of a loading plan: `'R'`, the entry (u64), then per
/// segment its address, size, source start and end, offset in the first
/// page (u64 each) and flags (u8); little-endian.
pub fn encode(plan: &ProgramMetadata) -> Vec<u8> {
    let mut out = vec![TAG];
    out.extend_from_slice(&plan.entry.to_le_bytes());
    for a in &plan.actions {
        for v in [a.addr, a.size, a.source.start, a.source.end, a.offset_from_addr] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.push(a.flags);
    }
    out
}

const TAG: u8 = b'R';
const ACTION_LEN: usize = 5 * 8 + 1;

/// Reads [`encode`]'s form; `None` if it is not one.
pub fn decode(bytes: &[u8]) -> Option<ProgramMetadata> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != TAG || rest.len() < 8 || !(rest.len() - 8).is_multiple_of(ACTION_LEN) {
        return None;
    }
    let u64_at =
        |b: &[u8], i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or_default());
    let entry = u64_at(rest, 0);
    let actions = rest[8..]
        .chunks_exact(ACTION_LEN)
        .map(|c| LoadingAction {
            addr: u64_at(c, 0),
            size: u64_at(c, 1),
            source: u64_at(c, 2)..u64_at(c, 3),
            offset_from_addr: u64_at(c, 4),
            flags: c[40],
        })
        .collect();
    Some(ProgramMetadata { actions, entry })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ee::riscv::test_elf;

    #[test]
    fn a_static_riscv_executable_is_accepted_and_its_plan_round_trips() {
        let elf = test_elf::program(&[test_elf::ebreak()]);
        let plan = prepare(&elf).expect("accepted");
        assert_eq!(plan.entry, test_elf::BASE);
        assert_eq!(decode(&encode(&plan)), Some(plan));
    }

    #[test]
    fn other_elves_and_broken_ones_are_refused_with_why() {
        let good = test_elf::program(&[test_elf::ebreak()]);
        let with = |at: usize, bytes: &[u8]| {
            let mut e = good.clone();
            e[at..at + bytes.len()].copy_from_slice(bytes);
            e
        };
        let cases: [(Vec<u8>, &str); 7] = [
            (good[..40].to_vec(), "no ELF header"),
            (with(4, &[1]), "ELFCLASS64"),
            (with(18, &62u16.to_le_bytes()), "RISC-V"),
            (with(16, &3u16.to_le_bytes()), "static"),
            (with(48, &4u32.to_le_bytes()), "float"),
            // The program header table past the end of the file.
            (with(32, &u64::MAX.to_le_bytes()), "malformed"),
            // The entry point outside the one segment.
            (with(24, &0x9000u64.to_le_bytes()), "entry point"),
        ];
        for (elf, why) in cases {
            let e = prepare(&elf).expect_err(why).to_string();
            assert!(e.contains(why), "{e} should say {why}");
        }
        let far = with(64 + 16, &(frame::MEMORY_SIZE as u64).to_le_bytes());
        assert!(matches!(prepare(&far), Err(DeployError::OutOfMemory { .. })));
        assert!(matches!(prepare(&vec![0; MAX_CODE_SIZE + 1]), Err(DeployError::TooLarge(_))));
        assert_eq!(decode(b"R1234567"), None);
        assert_eq!(decode(b"W"), None);
    }
}
