//! A few RV64I instructions and a one-segment ELF around them: enough to
//! test the RISC-V frame against programs whose every instruction the test
//! shows, without a cross toolchain.

/// Where the segment is loaded, and the entry point.
pub(crate) const BASE: u64 = 0x1000;

/// Registers by ABI name.
pub(crate) const A0: u32 = 10;
pub(crate) const A7: u32 = 17;
pub(crate) const T0: u32 = 5;

/// `addi rd, rs, imm` (imm in -2048..2048).
pub(crate) fn addi(rd: u32, rs: u32, imm: i32) -> u32 {
    ((imm as u32 & 0xfff) << 20) | (rs << 15) | (rd << 7) | 0x13
}

/// `lui rd, imm` (the upper 20 bits).
pub(crate) fn lui(rd: u32, upper: u32) -> u32 {
    (upper << 12) | (rd << 7) | 0x37
}

/// `li rd, value` for a value below 2^31: `lui` and `addi`.
pub(crate) fn li(rd: u32, value: u32) -> [u32; 2] {
    let low = ((value & 0xfff) as i32) << 20 >> 20;
    let upper = (value.wrapping_sub(low as u32)) >> 12;
    [lui(rd, upper), addi(rd, rd, low)]
}

/// `lbu rd, imm(rs)`.
pub(crate) fn lbu(rd: u32, rs: u32, imm: i32) -> u32 {
    ((imm as u32 & 0xfff) << 20) | (rs << 15) | (0b100 << 12) | (rd << 7) | 0x03
}

/// `sb rs2, imm(rs1)`.
pub(crate) fn sb(rs2: u32, rs1: u32, imm: i32) -> u32 {
    let imm = imm as u32 & 0xfff;
    ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | ((imm & 0x1f) << 7) | 0x23
}

/// `sd rs2, imm(rs1)`.
pub(crate) fn sd(rs2: u32, rs1: u32, imm: i32) -> u32 {
    let imm = imm as u32 & 0xfff;
    ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (0b011 << 12) | ((imm & 0x1f) << 7) | 0x23
}

/// `ecall`.
pub(crate) fn ecall() -> u32 {
    0x73
}

/// `ebreak`.
pub(crate) fn ebreak() -> u32 {
    0x0010_0073
}

/// `j .` (jump to itself, forever).
pub(crate) fn spin() -> u32 {
    0x6f
}

/// `a7 = n; ecall` with `args` in a0, a1, …: each argument a value below
/// 2^31.
pub(crate) fn syscall(n: u64, args: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    for (i, v) in args.iter().enumerate() {
        out.extend(li(A0 + i as u32, *v));
    }
    out.extend(li(A7, n as u32));
    out.push(ecall());
    out
}

/// Where test programs keep their words: the top page of a frame's 1 MiB,
/// in the stack area.
pub(crate) const KEY: u32 = (1 << 20) - 4096;
/// The word after [`KEY`].
pub(crate) const VALUE: u32 = KEY + 32;

/// A counter, given the numbers of `storage_read`, `storage_write` and
/// `finish`: reads slot 0 into [`VALUE`], adds one to its last byte, writes
/// it back and finishes with it.
pub(crate) fn counter([read, write, finish]: [u64; 3]) -> Vec<u32> {
    let mut p = syscall(read, &[KEY, VALUE]);
    p.extend(li(T0, VALUE));
    p.extend([lbu(A0, T0, 31), addi(A0, A0, 1), sb(A0, T0, 31)]);
    p.extend(syscall(write, &[KEY, VALUE]));
    p.extend(syscall(finish, &[VALUE, 32]));
    p
}

/// A static RISC-V executable whose one segment (readable and executable,
/// at [`BASE`]) is `code`.
pub(crate) fn program(code: &[u32]) -> Vec<u8> {
    let text: Vec<u8> = code.iter().flat_map(|i| i.to_le_bytes()).collect();
    let (ehsize, phsize) = (64u16, 56u16);
    let offset = u64::from(ehsize + phsize);
    let mut e = Vec::new();
    e.extend_from_slice(b"\x7fELF\x02\x01\x01\x00");
    e.extend_from_slice(&[0; 8]);
    e.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    e.extend_from_slice(&243u16.to_le_bytes()); // EM_RISCV
    e.extend_from_slice(&1u32.to_le_bytes()); // EV_CURRENT
    e.extend_from_slice(&BASE.to_le_bytes()); // entry
    e.extend_from_slice(&u64::from(ehsize).to_le_bytes()); // phoff
    e.extend_from_slice(&0u64.to_le_bytes()); // shoff
    e.extend_from_slice(&0u32.to_le_bytes()); // flags: soft float
    for v in [ehsize, phsize, 1, 64, 0, 0] {
        e.extend_from_slice(&v.to_le_bytes());
    }
    e.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    e.extend_from_slice(&5u32.to_le_bytes()); // R + X
    for v in [offset, BASE, BASE, text.len() as u64, text.len() as u64, 0x1000] {
        e.extend_from_slice(&v.to_le_bytes());
    }
    e.extend_from_slice(&text);
    e
}
