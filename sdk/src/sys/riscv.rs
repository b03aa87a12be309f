//! The system calls of a RISC-V contract: `ecall` with the call's number in
//! `a7` and its arguments in `a0`… (the table in the kernel's
//! `ee::riscv::abi`). The functions have the names and parameters of the
//! wasm32 import module, so [`super::guest`] serves both targets.

/// The first system call number; each call is this plus its position in
/// the table (the WASM import module's order).
const BASE: u64 = 1000;

/// A value passed in a register.
trait Reg {
    fn reg(self) -> u64;
}
impl Reg for i32 {
    /// Lengths and offsets are never negative: zero-extended.
    fn reg(self) -> u64 {
        self as u32 as u64
    }
}
impl Reg for i64 {
    fn reg(self) -> u64 {
        self as u64
    }
}
impl Reg for *const u8 {
    fn reg(self) -> u64 {
        self as u64
    }
}
impl Reg for *mut u8 {
    fn reg(self) -> u64 {
        self as u64
    }
}

/// A result read from `a0`.
trait Ret {
    fn ret(a0: u64) -> Self;
}
impl Ret for () {
    fn ret(_: u64) {}
}
impl Ret for i32 {
    fn ret(a0: u64) -> Self {
        a0 as i32
    }
}
impl Ret for i64 {
    fn ret(a0: u64) -> Self {
        a0 as i64
    }
}

/// # Safety
/// Every pointer in `args` must point at a live buffer of the length the
/// call's table row says.
#[inline(always)]
unsafe fn ecall(n: u64, args: &[u64]) -> u64 {
    let at = |i: usize| args.get(i).copied().unwrap_or(0);
    let a0: u64;
    // SAFETY: the kernel reads and writes only the buffers the arguments
    // describe (the caller's promise), and touches no register but a0.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") at(0) => a0,
            in("a1") at(1),
            in("a2") at(2),
            in("a3") at(3),
            in("a4") at(4),
            in("a7") n,
            options(nostack),
        );
    }
    a0
}

macro_rules! syscalls {
    ($($n:literal $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {$(
        /// # Safety
        /// As for the wasm32 import of the same name.
        pub(super) unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? {
            // SAFETY: the caller's promise.
            Ret::ret(unsafe { ecall(BASE + $n, &[$(Reg::reg($arg)),*]) })
        }
    )*};
}

syscalls! {
    0 calldata_size() -> i32;
    1 calldata_copy(dst: *mut u8, offset: i32, len: i32);
    2 caller_(dst: *mut u8);
    3 origin_(dst: *mut u8);
    4 address_(dst: *mut u8);
    5 call_value(dst: *mut u8);
    6 block_number_() -> i64;
    7 block_timestamp_() -> i64;
    8 chain_id_() -> i64;
    9 block_coinbase_(dst: *mut u8);
    10 base_fee_(dst: *mut u8);
    11 gas_left_() -> i64;
    12 storage_read(key: *const u8, dst: *mut u8);
    13 storage_write(key: *const u8, value: *const u8);
    14 transient_read(key: *const u8, dst: *mut u8);
    15 transient_write(key: *const u8, value: *const u8);
    16 balance_(address: *const u8, dst: *mut u8);
    17 self_balance_(dst: *mut u8);
    18 emit_log(topics: *const u8, count: i32, data: *const u8, len: i32);
    19 call_(to: *const u8, value: *const u8, data: *const u8, len: i32, gas: i64) -> i32;
    20 static_call_(to: *const u8, data: *const u8, len: i32, gas: i64) -> i32;
    21 delegate_call_(to: *const u8, data: *const u8, len: i32, gas: i64) -> i32;
    22 create_(value: *const u8, code: *const u8, len: i32, dst: *mut u8) -> i32;
    23 create2_(value: *const u8, code: *const u8, len: i32, salt: *const u8, dst: *mut u8) -> i32;
    24 return_data_size() -> i32;
    25 return_data_copy(dst: *mut u8, offset: i32, len: i32);
    28 keccak256_(data: *const u8, len: i32, dst: *mut u8);
    29 constants_size() -> i32;
    30 constants_copy(dst: *mut u8, offset: i32, len: i32);
}

/// `finish`: ends the frame; the kernel never returns here.
pub(super) unsafe extern "C" fn finish_(data: *const u8, len: i32) -> ! {
    // SAFETY: the caller's promise.
    unsafe { ecall(BASE + 26, &[data.reg(), len.reg()]) };
    unreachable_end()
}

/// `revert`: ends the frame; the kernel never returns here.
pub(super) unsafe extern "C" fn revert_(data: *const u8, len: i32) -> ! {
    // SAFETY: the caller's promise.
    unsafe { ecall(BASE + 27, &[data.reg(), len.reg()]) };
    unreachable_end()
}

/// Past an ending call (only if a host returned from one): `ebreak`, which
/// fails the frame.
fn unreachable_end() -> ! {
    loop {
        // SAFETY: `ebreak` traps to the host and changes nothing here.
        unsafe { core::arch::asm!("ebreak", options(nomem, nostack)) };
    }
}
