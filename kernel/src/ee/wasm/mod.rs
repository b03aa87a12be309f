//! The WASM execution environment: contracts compiled to WebAssembly, run
//! by wasmi inside the kernel.
//!
//! Built so far: the host ABI ([`abi`], one import module documented as a
//! table) and the deploy-time checks with the record kept beside the code
//! ([`prepare`]). Not built yet: running frames (wasmi's resumable calls
//! suspended at each call into the system's frame stack), fuel-to-gas
//! conversion and the deploy path in the bootloader; until then a WASM
//! creation runs as EVM initcode, as before.

pub mod abi;
pub mod prepare;
