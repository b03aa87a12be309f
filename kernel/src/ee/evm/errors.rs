//! How an EVM exit is said to a person: in geth's words, which clients,
//! explorers and test suites recognise (`out of gas`, `invalid opcode:
//! INVALID`, `stack underflow`), not the `evm` crate's `Debug` form.
//!
//! The words are geth's `core/vm/errors.go` and its opcode names for
//! `invalid opcode`; where geth adds numbers the `evm` crate does not keep
//! (the stack length of an underflow), the words stand alone.

use evm::interpreter::{ExitError, ExitException, ExitFatal, Opcode};

/// `e` in geth's words.
pub fn describe(e: &ExitError) -> String {
    match e {
        ExitError::Reverted => "execution reverted".into(),
        ExitError::Exception(x) => exception(x),
        ExitError::Fatal(f) => fatal(f),
    }
}

fn exception(e: &ExitException) -> String {
    use ExitException as X;
    match e {
        X::StackUnderflow => "stack underflow".into(),
        X::StackOverflow => "stack limit reached 1024".into(),
        X::InvalidJump => "invalid jump destination".into(),
        // A memory offset or size no gas could pay for: geth's gas
        // arithmetic overflows first.
        X::InvalidRange => "gas uint64 overflow".into(),
        X::DesignatedInvalid => invalid_opcode(Opcode::INVALID),
        X::InvalidOpcode(op) => invalid_opcode(*op),
        X::CallTooDeep => "max call depth exceeded".into(),
        X::CreateCollision => "contract address collision".into(),
        X::CreateContractLimit => "max code size exceeded".into(),
        X::OutOfOffset => "return data out of bounds".into(),
        X::OutOfGas => "out of gas".into(),
        X::OutOfFund => "insufficient balance for transfer".into(),
        X::PCUnderflow => "program counter underflow".into(),
        X::CreateEmpty => "creation of an empty account".into(),
        X::MaxNonce => "nonce uint64 overflow".into(),
        X::NotEOA => "sender not an eoa".into(),
        X::Other(why) => why.to_string(),
        // The crate's enum is non-exhaustive: a later variant still reads.
        other => format!("{other:?}"),
    }
}

fn fatal(e: &ExitFatal) -> String {
    match e {
        ExitFatal::NotSupported => "operation not supported".into(),
        ExitFatal::UnhandledInterrupt => "unhandled interrupt".into(),
        ExitFatal::ExceptionAsFatal(x) => exception(x),
        ExitFatal::AlreadyExited => "frame already exited".into(),
        ExitFatal::Unfinished => "execution unfinished".into(),
        ExitFatal::UnevenSubstate => "uneven substate".into(),
        ExitFatal::InvalidFeedback => "invalid feedback".into(),
        ExitFatal::Other(why) => why.to_string(),
        other => format!("{other:?}"),
    }
}

/// geth's `invalid opcode: NAME`, or `opcode 0xNN not defined` for a byte
/// Cancun gives no instruction.
fn invalid_opcode(op: Opcode) -> String {
    match name(op.0) {
        Some(n) => format!("invalid opcode: {n}"),
        None => format!("invalid opcode: opcode {:#x} not defined", op.0),
    }
}

/// The mnemonic of `byte` under Cancun.
fn name(byte: u8) -> Option<&'static str> {
    const LOW: [&str; 0x20] = [
        "STOP",
        "ADD",
        "MUL",
        "SUB",
        "DIV",
        "SDIV",
        "MOD",
        "SMOD",
        "ADDMOD",
        "MULMOD",
        "EXP",
        "SIGNEXTEND",
        "",
        "",
        "",
        "",
        "LT",
        "GT",
        "SLT",
        "SGT",
        "EQ",
        "ISZERO",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "BYTE",
        "SHL",
        "SHR",
        "SAR",
        "",
        "",
    ];
    const ENV: [&str; 0x20] = [
        "ADDRESS",
        "BALANCE",
        "ORIGIN",
        "CALLER",
        "CALLVALUE",
        "CALLDATALOAD",
        "CALLDATASIZE",
        "CALLDATACOPY",
        "CODESIZE",
        "CODECOPY",
        "GASPRICE",
        "EXTCODESIZE",
        "EXTCODECOPY",
        "RETURNDATASIZE",
        "RETURNDATACOPY",
        "EXTCODEHASH",
        "BLOCKHASH",
        "COINBASE",
        "TIMESTAMP",
        "NUMBER",
        "PREVRANDAO",
        "GASLIMIT",
        "CHAINID",
        "SELFBALANCE",
        "BASEFEE",
        "BLOBHASH",
        "BLOBBASEFEE",
        "",
        "",
        "",
        "",
        "",
    ];
    const STACK: [&str; 0x10] = [
        "POP", "MLOAD", "MSTORE", "MSTORE8", "SLOAD", "SSTORE", "JUMP", "JUMPI", "PC", "MSIZE",
        "GAS", "JUMPDEST", "TLOAD", "TSTORE", "MCOPY", "PUSH0",
    ];
    const PUSH: [&str; 32] = [
        "PUSH1", "PUSH2", "PUSH3", "PUSH4", "PUSH5", "PUSH6", "PUSH7", "PUSH8", "PUSH9", "PUSH10",
        "PUSH11", "PUSH12", "PUSH13", "PUSH14", "PUSH15", "PUSH16", "PUSH17", "PUSH18", "PUSH19",
        "PUSH20", "PUSH21", "PUSH22", "PUSH23", "PUSH24", "PUSH25", "PUSH26", "PUSH27", "PUSH28",
        "PUSH29", "PUSH30", "PUSH31", "PUSH32",
    ];
    const DUP: [&str; 16] = [
        "DUP1", "DUP2", "DUP3", "DUP4", "DUP5", "DUP6", "DUP7", "DUP8", "DUP9", "DUP10", "DUP11",
        "DUP12", "DUP13", "DUP14", "DUP15", "DUP16",
    ];
    const SWAP: [&str; 16] = [
        "SWAP1", "SWAP2", "SWAP3", "SWAP4", "SWAP5", "SWAP6", "SWAP7", "SWAP8", "SWAP9", "SWAP10",
        "SWAP11", "SWAP12", "SWAP13", "SWAP14", "SWAP15", "SWAP16",
    ];
    const LOG: [&str; 5] = ["LOG0", "LOG1", "LOG2", "LOG3", "LOG4"];
    let i = usize::from(byte);
    let n = match byte {
        0x00..=0x1f => LOW[i],
        0x20 => "KECCAK256",
        0x30..=0x4f => ENV[i - 0x30],
        0x50..=0x5f => STACK[i - 0x50],
        0x60..=0x7f => PUSH[i - 0x60],
        0x80..=0x8f => DUP[i - 0x80],
        0x90..=0x9f => SWAP[i - 0x90],
        0xa0..=0xa4 => LOG[i - 0xa0],
        0xf0 => "CREATE",
        0xf1 => "CALL",
        0xf2 => "CALLCODE",
        0xf3 => "RETURN",
        0xf4 => "DELEGATECALL",
        0xf5 => "CREATE2",
        0xfa => "STATICCALL",
        0xfd => "REVERT",
        0xfe => "INVALID",
        0xff => "SELFDESTRUCT",
        _ => "",
    };
    (!n.is_empty()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_read_as_geth_words_them() {
        let x = |e| describe(&ExitError::Exception(e));
        assert_eq!(x(ExitException::InvalidOpcode(Opcode(0xfe))), "invalid opcode: INVALID");
        assert_eq!(x(ExitException::DesignatedInvalid), "invalid opcode: INVALID");
        assert_eq!(
            x(ExitException::InvalidOpcode(Opcode(0x0c))),
            "invalid opcode: opcode 0xc not defined"
        );
        assert_eq!(
            x(ExitException::InvalidOpcode(Opcode(0xef))),
            "invalid opcode: opcode 0xef not defined"
        );
        assert_eq!(x(ExitException::StackUnderflow), "stack underflow");
        assert_eq!(x(ExitException::OutOfGas), "out of gas");
        assert_eq!(x(ExitException::InvalidJump), "invalid jump destination");
        let other = x(ExitException::Other("invalid WASM contract: x".into()));
        assert_eq!(other, "invalid WASM contract: x");
        assert_eq!(describe(&ExitError::Reverted), "execution reverted");
        assert_eq!(describe(&ExitError::Fatal(ExitFatal::NotSupported)), "operation not supported");
    }

    #[test]
    fn the_bytes_cancun_leaves_undefined_have_no_name() {
        let named = [
            (Opcode::SHA3, "KECCAK256"),
            (Opcode::PUSH0, "PUSH0"),
            (Opcode::PUSH32, "PUSH32"),
            (Opcode::SWAP16, "SWAP16"),
            (Opcode::LOG4, "LOG4"),
            (Opcode::BLOBBASEFEE, "BLOBBASEFEE"),
            (Opcode::MCOPY, "MCOPY"),
            (Opcode::SUICIDE, "SELFDESTRUCT"),
        ];
        for (op, n) in named {
            assert_eq!(name(op.0), Some(n));
        }
        let undefined = [0x0c..=0x0f, 0x1e..=0x1f, 0x21..=0x2f, 0x4b..=0x4f, 0xa5..=0xef]
            .into_iter()
            .flatten()
            .chain([0xf6, 0xf7, 0xf8, 0xf9, 0xfb, 0xfc]);
        for b in undefined {
            assert_eq!(name(b), None, "{b:#x}");
        }
    }
}
