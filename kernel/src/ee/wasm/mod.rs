//! The WASM execution environment: contracts compiled to WebAssembly, run
//! by wasmi inside the kernel.
//!
//! Built so far: the host ABI ([`abi`], one import module documented as a
//! table), the deploy-time checks with the record kept beside the code
//! ([`prepare`]), and a frame ([`frame`]) that runs a contract under
//! fuel, answers what it knows itself and suspends (wasmi's resumable
//! calls) at every request the system must answer, so it can wait on the
//! system's explicit frame stack. Not built yet: the system side that
//! answers those requests and pushes frames of any VM, gas for host
//! functions, a measured fuel-to-gas rate, and the deploy path; until then
//! a creation whose init data is a WASM module runs as EVM initcode, as
//! before (`0x00` is STOP: the account is created without code).

pub mod abi;
pub mod call;
pub mod frame;
pub mod prepare;
