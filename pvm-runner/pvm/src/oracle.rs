//! The protocol between the proving guest (`pvm-runner/guest`, a RISC-V
//! program) and whatever runs it: ckb-vm in `pvm-runner prove`, or a
//! zkVM. The guest asks for its input and hands back its output with
//! `ecall`s: the number in `a7`, arguments in `a0`…`a2`, the result in `a0`.
//!
//! | `a7` | call | arguments | result |
//! | --- | --- | --- | --- |
//! | 2000 | input length | – | the witness's length in bytes |
//! | 2001 | read input | `a0` address, `a1` length, `a2` offset | bytes copied from the witness at `offset` to `address` |
//! | 2002 | write output | `a0` address, `a1` length | 0; the output is the [`crate::replay::Statement`] (132 bytes) |
//! | 2003 | debug | `a0` address, `a1` length | 0; text for a person, not part of any result |
//! | 93 | exit | `a0` code | does not return; see [`Exit`] |
//!
//! A host must refuse an address range outside the guest's memory by
//! stopping the guest. The guest reads the whole witness, replays it
//! ([`crate::replay::replay`]), writes the statement only when the replay
//! succeeded, and exits.

/// `ecall` numbers (in `a7`).
pub mod call {
    /// The witness's length.
    pub const INPUT_LEN: u64 = 2000;
    /// Copy part of the witness into guest memory.
    pub const READ_INPUT: u64 = 2001;
    /// Hand back the statement.
    pub const WRITE_OUTPUT: u64 = 2002;
    /// Debug text.
    pub const DEBUG: u64 = 2003;
    /// End the guest with an exit code (the RISC-V Linux number).
    pub const EXIT: u64 = 93;
}

/// How the guest ends. Only [`Exit::Proved`] comes with a statement, so a
/// witness can make the guest fail but never make it state a wrong root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// The level was replayed; the statement was written.
    Proved = 0,
    /// The witness does not decode or does not match its pre-state root.
    BadWitness = 1,
    /// The level needed something the witness does not hold.
    OutsideWitness = 2,
    /// The guest panicked or ran out of memory (a bug, or a level too big
    /// for the guest's memory).
    Panic = 3,
}

impl Exit {
    /// The exit for a code, if it is one of them.
    pub fn from_code(code: i64) -> Option<Self> {
        [Exit::Proved, Exit::BadWitness, Exit::OutsideWitness, Exit::Panic]
            .into_iter()
            .find(|e| *e as i64 == code)
    }

    /// The exit a replay's result calls for.
    pub fn of(result: &Result<crate::replay::Replayed, crate::replay::ReplayError>) -> Self {
        match result {
            Ok(_) => Exit::Proved,
            Err(crate::replay::ReplayError::Witness(_)) => Exit::BadWitness,
            Err(crate::replay::ReplayError::Outside(_)) => Exit::OutsideWitness,
        }
    }
}
