//! What a `no_std` wasm32 contract needs from its runtime: an allocator and
//! a panic handler.
//!
//! The allocator is a bump allocator that never frees: a frame lives for
//! one call and its memory is dropped with it, so freeing would only cost
//! instructions (fuel). Memory grows a page at a time, up to what the
//! kernel allows (32 pages); past that an allocation fails, which aborts
//! the frame.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

struct Bump {
    next: UnsafeCell<usize>,
}

// SAFETY: a contract frame is single-threaded.
unsafe impl Sync for Bump {}

const PAGE: usize = 65_536;

unsafe extern "C" {
    static __heap_base: u8;
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded; `next` is only touched here.
        let next = unsafe { &mut *self.next.get() };
        if *next == 0 {
            *next = core::ptr::addr_of!(__heap_base) as usize;
        }
        let start = (*next + layout.align() - 1) & !(layout.align() - 1);
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        let have = core::arch::wasm32::memory_size(0) * PAGE;
        if end > have {
            let pages = (end - have).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
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
