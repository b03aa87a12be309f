//! What host functions cost in ticks, the PVM's unit of work.
//!
//! The `pvm` engine meters a kernel in wasmi fuel, one unit per executed
//! instruction in wasmi's default cost model, and counts one fuel unit as one
//! tick. A host call does far more work than an instruction, so each one is
//! charged a fixed cost plus one tick per byte it moves. The constants are
//! this host's own (the OCaml PVM's tick model is internal to its
//! interpreter); they are published here so every deterministic engine (wasmi,
//! the RISC-V replay, the browser) charges exactly the same. Translating a
//! function to wasmi's bytecode costs no ticks: the engine caches modules,
//! so a charge for it would depend on what ran before, not on the level.

/// `read_input`.
pub const READ_INPUT: u64 = 1_000;
/// `write_output`.
pub const WRITE_OUTPUT: u64 = 1_000;
/// `write_debug`.
pub const WRITE_DEBUG: u64 = 200;
/// Every `store_*` function.
pub const STORE: u64 = 1_000;
/// `reveal_preimage`, `reveal_metadata`, `reveal`.
pub const REVEAL: u64 = 2_000;
/// Per byte moved between guest memory and the host.
pub const PER_BYTE: u64 = 1;
