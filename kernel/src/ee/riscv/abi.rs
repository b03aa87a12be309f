//! The system calls of RISC-V contracts: the operations of the WASM host
//! ABI ([`crate::ee::wasm::abi`]), with the same names, parameters and
//! meaning, reached through `ecall`.
//!
//! The call's number is in `a7`, its arguments in `a0`…`a4` (in the order
//! of the WASM table), its result, if any, in `a0`. Pointers are addresses
//! in the contract's memory, lengths are bytes; addresses are 20 bytes and
//! words 32 bytes big-endian, as in the EVM. A call ends the frame with a
//! failure on an unknown number, a pointer out of memory or a length past
//! it. Numbers start at [`BASE`] so they never collide with Linux's or
//! CKB's.
//!
//! | number | call | arguments | `a0` after |
//! | --- | --- | --- | --- |
//! | 1000 | `calldata_size` | | input length |
//! | 1001 | `calldata_copy` | dst, offset, len | |
//! | 1002 | `caller` | dst | |
//! | 1003 | `origin` | dst | |
//! | 1004 | `address` | dst | |
//! | 1005 | `call_value` | dst | |
//! | 1006 | `block_number` | | number |
//! | 1007 | `block_timestamp` | | timestamp |
//! | 1008 | `chain_id` | | chain id |
//! | 1009 | `block_coinbase` | dst | |
//! | 1010 | `base_fee` | dst | |
//! | 1011 | `gas_left` | | gas |
//! | 1012 | `storage_read` | key, dst | |
//! | 1013 | `storage_write` | key, value | |
//! | 1014 | `transient_read` | key, dst | |
//! | 1015 | `transient_write` | key, value | |
//! | 1016 | `balance` | address, dst | |
//! | 1017 | `self_balance` | dst | |
//! | 1018 | `emit_log` | topics, topic_count, data, data_len | |
//! | 1019 | `call` | address, value, data, data_len, gas | 0 success, 1 reverted, 2 failed |
//! | 1020 | `static_call` | address, data, data_len, gas | status |
//! | 1021 | `delegate_call` | address, data, data_len, gas | status |
//! | 1022 | `create` | value, code, code_len, dst | status; the address at `dst` |
//! | 1023 | `create2` | value, code, code_len, salt, dst | status; the address at `dst` |
//! | 1024 | `return_data_size` | | length |
//! | 1025 | `return_data_copy` | dst, offset, len | |
//! | 1026 | `finish` | data, len | (ends the frame) |
//! | 1027 | `revert` | data, len | (ends the frame) |
//! | 1028 | `keccak256` | data, len, dst | |
//! | 1029 | `constants_size` | | length |
//! | 1030 | `constants_copy` | dst, offset, len | |
//!
//! # Entry
//! The program's ELF entry point is called with `a0` = 0 for a call (the
//! input is the calldata) and `a0` = 1 at deployment (the input is the
//! constructor arguments), `sp` at the top of memory
//! ([`super::frame::MEMORY_SIZE`]), every other register zero. It ends the
//! frame with `finish` or `revert`; `ebreak`, and returning to address 0,
//! fail it.

/// The first system call number.
pub const BASE: u64 = 1000;

/// Declares [`Syscall`] and its list in number order from one list of
/// names, so the two cannot disagree.
macro_rules! syscalls {
    ($first:ident, $($name:ident),* $(,)?) => {
        /// A system call, numbered [`BASE`] + its position in the WASM table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u64)]
        #[allow(missing_docs)] // Each is the WASM host function of the same name.
        pub enum Syscall {
            $first = BASE,
            $($name,)*
        }

        impl Syscall {
            /// Every call, in number order.
            pub const ALL: [Syscall; 31] = [Syscall::$first, $(Syscall::$name),*];
        }
    };
}

syscalls! {
    CalldataSize,
    CalldataCopy,
    Caller,
    Origin,
    Address,
    CallValue,
    BlockNumber,
    BlockTimestamp,
    ChainId,
    BlockCoinbase,
    BaseFee,
    GasLeft,
    StorageRead,
    StorageWrite,
    TransientRead,
    TransientWrite,
    Balance,
    SelfBalance,
    EmitLog,
    Call,
    StaticCall,
    DelegateCall,
    Create,
    Create2,
    ReturnDataSize,
    ReturnDataCopy,
    Finish,
    Revert,
    Keccak256,
    ConstantsSize,
    ConstantsCopy,
}

impl Syscall {
    /// The call numbered `n`, if there is one.
    pub fn from_number(n: u64) -> Option<Self> {
        let i = usize::try_from(n.checked_sub(BASE)?).ok()?;
        Self::ALL.get(i).copied()
    }

    /// Its number (what goes in `a7`).
    pub const fn number(self) -> u64 {
        self as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ee::wasm::abi::HOST_FNS;

    #[test]
    fn every_wasm_host_function_has_a_syscall_of_the_same_name_and_arity() {
        assert_eq!(Syscall::ALL.len(), HOST_FNS.len());
        for (i, s) in Syscall::ALL.iter().enumerate() {
            assert_eq!(s.number(), BASE + i as u64, "{s:?} is numbered by position");
            assert_eq!(Syscall::from_number(s.number()), Some(*s));
            // The enum's variant is the WASM name in CamelCase.
            let camel: String =
                HOST_FNS[i].name.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
            assert_eq!(format!("{s:?}"), camel);
        }
        assert_eq!(Syscall::from_number(BASE - 1), None);
        assert_eq!(Syscall::from_number(BASE + 31), None);
        assert_eq!(Syscall::from_number(u64::MAX), None);
    }
}
