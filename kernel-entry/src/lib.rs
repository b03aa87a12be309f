//! The entry points of a Zk OS kernel, written once for the OS and the
//! examples.
//!
//! `entry!(run)` exports `kernel_run` (the name today's PVM calls) and
//! `kernel_next` (its name before November 2022; the Zk OS runner accepts
//! either), each building the one real host and calling
//! `run(&mut host)` with it. Kernel logic stays `fn run<H: Runtime>(host: &mut H)`
//! so the same code runs natively against `mock-host` in tests.
//!
//! On wasm32 it also installs:
//! - `dlmalloc` as the global allocator (the SDK's choice);
//! - a panic hook that writes the panic message with `write_debug` before the
//!   abort traps the call. The SDK's own hook does not build on Rust 1.95
//!   (`PanicInfo` became `PanicHookInfo`), see `SCORU-FACTS.md`.
//!
//! ```ignore
//! fn run<H: tezos_smart_rollup_host::runtime::Runtime>(host: &mut H) { /* ... */ }
//! kernel_entry::entry!(run);
//! ```

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[doc(hidden)]
pub use tezos_smart_rollup_core::rollup_host::RollupHost;

/// Exports `kernel_run` and `kernel_next` calling `$run` with the real host.
#[macro_export]
macro_rules! entry {
    ($run:path) => {
        /// The entry point the PVM calls once per `kernel_run`.
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn kernel_run() {
            $crate::enter(|host| $run(host))
        }

        /// The same entry point under its pre-2022 name.
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn kernel_next() {
            $crate::enter(|host| $run(host))
        }
    };
}

/// Installs the panic hook and runs `run` with the real host.
#[doc(hidden)]
pub fn enter(run: impl FnOnce(&mut RollupHost)) {
    #[cfg(target_arch = "wasm32")]
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("kernel panic: {info}\n");
        // SAFETY: `msg` is a live, initialised buffer of the given length.
        unsafe { tezos_smart_rollup_core::smart_rollup_core::write_debug(msg.as_ptr(), msg.len()) };
    }));
    // SAFETY: one host per kernel entry, as `RollupHost::new` requires.
    let mut host = unsafe { RollupHost::new() };
    run(&mut host);
}
