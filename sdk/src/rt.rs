//! What a `no_std` contract needs from its runtime: an allocator and a
//! panic handler, for wasm32 and riscv64 alike.
//!
//! The allocator is a bump allocator that never frees: a frame lives for
//! one call and its memory is dropped with it, so freeing would only cost
//! instructions (gas). On wasm32 memory grows a page at a time, up to what
//! the kernel allows (32 pages); on riscv64 the heap runs from the end of
//! the program's data up to the stack (the kernel gives a frame 1 MiB with
//! a 64 KiB stack at the top). Past that an allocation fails, which aborts
//! the frame.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

struct Bump {
    next: UnsafeCell<usize>,
}

// SAFETY: a contract frame is single-threaded.
unsafe impl Sync for Bump {}

#[cfg(target_arch = "wasm32")]
mod heap {
    const PAGE: usize = 65_536;

    unsafe extern "C" {
        static __heap_base: u8;
    }

    pub(super) fn start() -> usize {
        core::ptr::addr_of!(__heap_base) as usize
    }

    /// Grows memory so that it reaches `end`.
    pub(super) fn reach(end: usize) -> bool {
        let have = core::arch::wasm32::memory_size(0) * PAGE;
        end <= have || core::arch::wasm32::memory_grow(0, (end - have).div_ceil(PAGE)) != usize::MAX
    }
}

#[cfg(target_arch = "riscv64")]
mod heap {
    /// The kernel's `ee::riscv::frame::MEMORY_SIZE` less its `STACK_SIZE`.
    const TOP: usize = (1 << 20) - (64 << 10);

    unsafe extern "C" {
        /// The end of the program's data and bss (defined by the linker).
        static _end: u8;
    }

    pub(super) fn start() -> usize {
        core::ptr::addr_of!(_end) as usize
    }

    /// Memory is all there from the start; the heap stops at the stack.
    pub(super) fn reach(end: usize) -> bool {
        end <= TOP
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded; `next` is only touched here.
        let next = unsafe { &mut *self.next.get() };
        if *next == 0 {
            *next = heap::start();
        }
        let start = (*next + layout.align() - 1) & !(layout.align() - 1);
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if !heap::reach(end) {
            return core::ptr::null_mut();
        }
        *next = end;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump { next: UnsafeCell::new(0) };

/// A panic reverts the frame with Solidity's `Panic(uint256)` code 0x01
/// (what a failed `assert` gives), so callers decode it as they would a
/// Solidity contract's.
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    crate::sys::revert(&crate::PANIC_DATA)
}
