//! A contract's stack: 64 KiB instead of the wasm32 default of 1 MiB, so a
//! frame starts with two pages of memory, not seventeen (each call frame
//! instantiates its own memory, and the kernel allows at most 32 pages).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=65536");
    }
}
