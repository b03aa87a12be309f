//! The Zk OS kernel.
//!
//! Today this is the skeleton of the OS: it exports `kernel_run` and
//! `kernel_next`, reads every inbox message of every level, classifies it,
//! decodes and checks the Ethereum transactions framed for this rollup
//! ([`tx`]), and records the level under `/zkos/head`. Executing the
//! transactions (system layer, EVM, blocks, receipts) is not built yet.
//!
//! # Durable-storage layout (public interface)
//!
//! | path | value |
//! | --- | --- |
//! | `/zkos/head/level` | u32 LE: the last inbox level processed |
//! | `/zkos/head/timestamp` | i64 LE: the predecessor timestamp of that level (InfoPerLevel) |
//! | `/zkos/head/counts` | 7 × u32 LE: messages of that level by kind (protocol, transfers, external for this rollup, external for others, undecodable), then of the external ones for this rollup, well-formed transactions and refused ones |
//! | `/zkos/levels` | u64 LE: levels processed since genesis |

pub mod bootloader;
pub mod system;
pub mod tx;

kernel_entry::entry!(bootloader::run);
