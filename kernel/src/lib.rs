//! The Zk OS kernel.
//!
//! It exports `kernel_run` and `kernel_next`, reads every inbox message of
//! every level and classifies it ([`bootloader::inbox`]). Each Ethereum
//! transaction framed for this rollup is decoded and checked ([`tx`]), then
//! run by [`bootloader::execute`] against the system layer's journaled
//! world ([`system::world`]), with EIP-1559 fees and a receipt, on one call
//! stack whose frames are EVM bytecode ([`ee::evm`]), WASM ([`ee::wasm`])
//! or RISC-V ([`ee::riscv`]) contracts calling each other; [`bootloader::block`] seals one block per level. L1 tickets of
//! the configured bridge are deposits ([`bootloader::deposit`]); the
//! withdrawal system contract ([`system::contracts::withdrawal`]) burns
//! value and writes a ticket back to L1 in the outbox. A level whose work
//! exceeds one `kernel_run`'s tick budget continues after a reboot
//! ([`bootloader::budget`], [`bootloader::progress`]).
//!
//! # Durable-storage layout (public interface)
//!
//! Accounts, receipts and the chain configuration are at the paths of
//! `zkos-layout` (crate `layout`). The bookkeeping of the last level:
//!
//! | path | value |
//! | --- | --- |
//! | `/zkos/head/level` | u32 LE: the last inbox level processed |
//! | `/zkos/head/timestamp` | i64 LE: the predecessor timestamp of that level (InfoPerLevel) |
//! | `/zkos/head/counts` | 8 × u32 LE: messages of that level by kind (protocol, transfers, external for this rollup, external for others, undecodable), then of the external ones for this rollup, well-formed transactions and refused ones, then the transfers credited as deposits |
//! | `/zkos/levels` | u64 LE: levels processed since genesis |

pub mod bootloader;
pub mod ee;
pub mod simulate;
pub mod system;
pub mod tx;

#[cfg(feature = "entry")]
kernel_entry::entry!(bootloader::run);

/// The simulation entry ([`simulate`]), for a node's `eth_call`: the PVM
/// never calls it, so no inbox message can reach it.
#[cfg(all(target_arch = "wasm32", feature = "entry"))]
#[unsafe(no_mangle)]
pub extern "C" fn zkos_simulate() {
    kernel_entry::enter(|host| simulate::run(host))
}

/// The name of the tracing export (`zkos_trace`, below).
pub const TRACE_ENTRY: &str = "zkos_trace";

/// The tracing entry: `kernel_run` with every transaction's frames kept
/// ([`bootloader::run_traced`]), for a node's `debug_traceTransaction` on a
/// throwaway copy of a level's pre-state. The PVM never calls it.
#[cfg(all(target_arch = "wasm32", feature = "entry"))]
#[unsafe(no_mangle)]
pub extern "C" fn zkos_trace() {
    kernel_entry::enter(|host| bootloader::run_traced(host))
}
