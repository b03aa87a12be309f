//! The Zk OS kernel.
//!
//! Today this is the skeleton of the OS (issue 2): it exports `kernel_run`
//! and `kernel_next`, reads every inbox message of every level, classifies it
//! and records the level under `/zkos/head`. The bootloader, the system
//! layer and the execution environments come with the OS issue.
//!
//! # Durable-storage layout (public interface)
//!
//! | path | value |
//! | --- | --- |
//! | `/zkos/head/level` | u32 LE: the last inbox level processed |
//! | `/zkos/head/timestamp` | i64 LE: the predecessor timestamp of that level (InfoPerLevel) |
//! | `/zkos/head/counts` | 5 × u32 LE: messages of that level by kind (protocol, transfers, external for this rollup, external for others, undecodable) |
//! | `/zkos/levels` | u64 LE: levels processed since genesis |

pub mod bootloader;
pub mod tx;

kernel_entry::entry!(bootloader::run);
