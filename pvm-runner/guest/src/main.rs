//! The proving guest: one level's stateless replay as a RISC-V program.
//!
//! Built for `riscv64imac-unknown-none-elf` it is the program a RISC-V
//! zkVM proves (and `pvm-runner prove` runs in ckb-vm): it reads a level
//! witness through the `ecall` oracle of [`pvm::oracle`], replays the level
//! with [`pvm::replay::replay`] and writes back the 132-byte statement
//! (pre- and post-state roots, inbox hash, outbox commitment), then exits
//! with a [`pvm::oracle::Exit`] code.
//!
//! ```text
//! cargo build -p zkos-pvm-guest --profile guest --target riscv64imac-unknown-none-elf
//! ```
//!
//! Built for the machine it runs on, the same program takes the witness on
//! stdin and writes the statement to stdout: the native baseline the RISC-V
//! replay is measured against.
#![cfg_attr(target_arch = "riscv64", no_std, no_main)]

extern crate alloc;

use alloc::vec::Vec;

use pvm::oracle::Exit;

/// What the guest needs from whoever runs it.
trait Oracle {
    /// The whole witness.
    fn input(&mut self) -> Vec<u8>;
    /// Hands back the statement.
    fn output(&mut self, bytes: &[u8]);
    /// Text for a person.
    fn debug(&mut self, text: &str);
}

/// Replays the witness the oracle holds and says how it ended.
fn prove(oracle: &mut impl Oracle) -> Exit {
    let witness = oracle.input();
    let result = pvm::replay::replay(&witness);
    drop(witness);
    let exit = Exit::of(&result);
    match result {
        Ok(replayed) => oracle.output(&replayed.statement.encode()),
        Err(e) => oracle.debug(&alloc::format!("{e}")),
    }
    exit
}

#[cfg(target_arch = "riscv64")]
mod riscv {
    //! The `ecall` oracle, the heap and the entry point.

    use alloc::{vec, vec::Vec};
    use core::arch::asm;

    use pvm::oracle::{Exit, call};

    fn ecall(n: u64, a0: u64, a1: u64, a2: u64) -> u64 {
        let out: u64;
        // SAFETY: an ecall hands control to the host, which reads or writes
        // only the ranges given (the oracle protocol).
        unsafe {
            asm!("ecall", in("a7") n, inlateout("a0") a0 => out, in("a1") a1, in("a2") a2);
        }
        out
    }

    fn exit(code: Exit) -> ! {
        // The host does not return from an exit; asking again is all a
        // guest could do if one did.
        loop {
            ecall(call::EXIT, code as u64, 0, 0);
        }
    }

    struct Ecalls;

    impl super::Oracle for Ecalls {
        fn input(&mut self) -> Vec<u8> {
            let len = ecall(call::INPUT_LEN, 0, 0, 0) as usize;
            let mut buf = vec![0u8; len];
            let mut at = 0;
            while at < len {
                let rest = &mut buf[at..];
                let n =
                    ecall(call::READ_INPUT, rest.as_mut_ptr() as u64, rest.len() as u64, at as u64);
                if n == 0 {
                    break;
                }
                at += n as usize;
            }
            buf.truncate(at);
            buf
        }

        fn output(&mut self, bytes: &[u8]) {
            ecall(call::WRITE_OUTPUT, bytes.as_ptr() as u64, bytes.len() as u64, 0);
        }

        fn debug(&mut self, text: &str) {
            ecall(call::DEBUG, text.as_ptr() as u64, text.len() as u64, 0);
        }
    }

    /// The heap: dlmalloc over the memory between the program's end and the
    /// stack, handed out as it grows (the host's memory is all there).
    mod heap {
        use core::{
            alloc::{GlobalAlloc, Layout},
            cell::UnsafeCell,
            ptr,
        };

        /// Room kept for the stack below the stack pointer the host gave.
        pub(super) const STACK: usize = 32 << 20;

        unsafe extern "C" {
            /// The end of the program's data and bss (defined by the linker).
            static _end: u8;
        }

        /// The region dlmalloc takes memory from: `next` up to `end`.
        pub(super) struct Region {
            next: UnsafeCell<usize>,
            end: UnsafeCell<usize>,
        }

        // SAFETY: the guest runs one thread.
        unsafe impl Send for Region {}

        impl Region {
            pub(super) fn set_end(&self, end: usize) {
                // SAFETY: called once at start, before any allocation.
                unsafe { *self.end.get() = end };
            }
        }

        // SAFETY: `alloc` hands out disjoint, never reused ranges of memory
        // the program does not otherwise use.
        unsafe impl dlmalloc::Allocator for Region {
            fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
                // SAFETY: single-threaded.
                let (next, end) = unsafe { (&mut *self.next.get(), *self.end.get()) };
                if *next == 0 {
                    *next = (ptr::addr_of!(_end) as usize).next_multiple_of(4096);
                }
                match next.checked_add(size).filter(|e| *e <= end) {
                    Some(new) => {
                        let base = *next;
                        *next = new;
                        (base as *mut u8, size, 0)
                    }
                    None => (ptr::null_mut(), 0, 0),
                }
            }
            fn remap(&self, _: *mut u8, _: usize, _: usize, _: bool) -> *mut u8 {
                ptr::null_mut()
            }
            fn free_part(&self, _: *mut u8, _: usize, _: usize) -> bool {
                false
            }
            fn free(&self, _: *mut u8, _: usize) -> bool {
                false
            }
            fn can_release_part(&self, _: u32) -> bool {
                false
            }
            fn allocates_zeros(&self) -> bool {
                true
            }
            fn page_size(&self) -> usize {
                4096
            }
        }

        pub(super) struct Heap(UnsafeCell<dlmalloc::Dlmalloc<Region>>);

        // SAFETY: the guest runs one thread.
        unsafe impl Sync for Heap {}

        impl Heap {
            pub(super) fn region(&self) -> &Region {
                // SAFETY: single-threaded; only read at start.
                unsafe { (*self.0.get()).allocator() }
            }
        }

        unsafe impl GlobalAlloc for Heap {
            unsafe fn alloc(&self, l: Layout) -> *mut u8 {
                // SAFETY: single-threaded; dlmalloc's contract is GlobalAlloc's.
                unsafe { (*self.0.get()).malloc(l.size(), l.align()) }
            }
            unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
                // SAFETY: as above.
                unsafe { (*self.0.get()).calloc(l.size(), l.align()) }
            }
            unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
                // SAFETY: as above.
                unsafe { (*self.0.get()).free(p, l.size(), l.align()) }
            }
            unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
                // SAFETY: as above.
                unsafe { (*self.0.get()).realloc(p, l.size(), l.align(), new) }
            }
        }

        #[global_allocator]
        pub(super) static HEAP: Heap =
            Heap(UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(Region {
                next: UnsafeCell::new(0),
                end: UnsafeCell::new(0),
            })));
    }

    /// The entry point: the host sets the stack pointer near the top of
    /// memory; the heap may grow up to [`heap::STACK`] below it.
    #[unsafe(no_mangle)]
    extern "C" fn _start() -> ! {
        let sp: usize;
        // SAFETY: reads a register.
        unsafe { asm!("mv {}, sp", out(reg) sp) };
        heap::HEAP.region().set_end(sp.saturating_sub(heap::STACK));
        exit(super::prove(&mut Ecalls))
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        let text = alloc::format!("guest panicked: {info}");
        super::Oracle::debug(&mut Ecalls, &text);
        exit(Exit::Panic)
    }
}

#[cfg(not(target_arch = "riscv64"))]
fn main() -> std::process::ExitCode {
    use std::io::{Read, Write};

    struct Stdio;

    impl Oracle for Stdio {
        fn input(&mut self) -> Vec<u8> {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
                eprintln!("cannot read the witness from stdin: {e}");
            }
            buf
        }
        fn output(&mut self, bytes: &[u8]) {
            if let Err(e) = std::io::stdout().write_all(bytes) {
                eprintln!("cannot write the statement: {e}");
            }
        }
        fn debug(&mut self, text: &str) {
            eprintln!("{text}");
        }
    }

    std::process::ExitCode::from(prove(&mut Stdio) as u8)
}
