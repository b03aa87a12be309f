//! What the system charges a WASM or RISC-V frame for the operations it
//! answers: Ethereum's schedule for the same operation (Cancun, with
//! EIP-2929's cold and warm access), so a storage write or a call costs the
//! same gas whatever VM asks for it. Computation inside a frame is charged
//! by the VM's own meter (fuel, cycles) at a published rate.
//!
//! One difference: EIP-3529 refunds for clearing a slot are not given to
//! WASM and RISC-V frames (the `evm` crate's gasometer does not let a
//! non-EVM frame record a refund), so they pay at most what the EVM pays.

use alloy_primitives::U256;
use evm::{interpreter::uint::H256, standard::Config};

use super::guest::CallKind;

/// `CREATE`'s base cost.
pub const CREATE: u64 = 32_000;
/// EIP-3860: per 32-byte word of init data.
pub const INITCODE_WORD: u64 = 2;
/// `CREATE2`: hashing the init data, per word.
pub const HASH_WORD: u64 = 6;
/// A transfer of value with a call.
pub const CALL_VALUE: u64 = 9_000;
/// A call with value to an account that does not exist.
pub const NEW_ACCOUNT: u64 = 25_000;
/// A log, per topic, per byte of data.
pub const LOG: u64 = 375;
/// Per topic.
pub const LOG_TOPIC: u64 = 375;
/// Per byte of data.
pub const LOG_DATA: u64 = 8;
/// Keccak-256: base and per word.
pub const KECCAK: u64 = 30;
/// Copying to or from a frame's memory, per word.
pub const COPY_WORD: u64 = 3;
/// Keeping one byte of WASM or RISC-V code, at deployment.
///
/// A tenth of Ethereum's 200: those 200 price the growth of every full
/// node's disk by EVM code of at most 24 KiB, and would make a 44 KB Rust
/// ERC-20 cost 8.8 M gas — more than one transaction may use under the
/// default tick budget. Zk OS keeps code in durable storage, whose growth the
/// PVM measures at a few thousand ticks per byte (a few gas), and the code
/// has already paid 16 gas per byte as calldata to arrive.
pub const CODE_DEPOSIT: u64 = 20;

fn words(len: usize) -> u64 {
    (len as u64).div_ceil(32)
}

/// Reading a slot.
pub fn sload(cold: bool, config: &Config) -> u64 {
    if cold { config.gas_sload_cold() } else { config.gas_storage_read_warm() }
}

/// Writing `new` over `current` in a slot that held `original` when the
/// transaction began (EIP-2200 with EIP-2929); `None` when the frame has
/// no more than the call stipend left (EIP-2200 forbids the write).
pub fn sstore(
    original: H256,
    current: H256,
    new: H256,
    gas_left: u64,
    cold: bool,
    config: &Config,
) -> Option<u64> {
    if gas_left <= config.call_stipend() {
        return None;
    }
    let base = if new == current || original != current {
        config.gas_storage_read_warm()
    } else if original == H256::zero() {
        config.gas_sstore_set()
    } else {
        config.gas_sstore_reset()
    };
    Some(base + if cold { config.gas_sload_cold() } else { 0 })
}

/// Touching an account (balance, call target).
pub fn account_access(cold: bool, config: &Config) -> u64 {
    if cold { config.gas_account_access_cold() } else { config.gas_storage_read_warm() }
}

/// A log with `topics` topics and `len` bytes of data.
pub fn log(topics: usize, len: usize) -> u64 {
    LOG + LOG_TOPIC * topics as u64 + LOG_DATA * len as u64
}

/// A call of `kind` with `value` to a cold or warm, empty or live target.
pub fn call(kind: CallKind, value: U256, cold: bool, target_empty: bool, config: &Config) -> u64 {
    let transfers = kind == CallKind::Call && !value.is_zero();
    account_access(cold, config)
        + if transfers { CALL_VALUE } else { 0 }
        + if transfers && target_empty { NEW_ACCOUNT } else { 0 }
}

/// A creation from `len` bytes of init data (`CREATE2` hashes them too).
pub fn create(len: usize, create2: bool) -> u64 {
    CREATE + INITCODE_WORD * words(len) + if create2 { HASH_WORD * words(len) } else { 0 }
}

/// Keccak-256 of `len` bytes.
pub fn keccak(len: usize) -> u64 {
    KECCAK + HASH_WORD * words(len)
}

/// Keeping `len` bytes of WASM or RISC-V code.
pub fn code_deposit(len: usize) -> u64 {
    CODE_DEPOSIT * len as u64
}

/// Copying `len` bytes.
pub fn copy(len: usize) -> u64 {
    COPY_WORD * words(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ee::evm::CONFIG;

    #[test]
    fn storage_costs_follow_cancun() {
        let (z, one, two) = (H256::zero(), H256([1; 32]), H256([2; 32]));
        assert_eq!(sload(true, &CONFIG), 2100);
        assert_eq!(sload(false, &CONFIG), 100);
        // A fresh slot: 20,000 (+2,100 cold); a reset: 2,900; a dirty slot: 100.
        assert_eq!(sstore(z, z, one, 30_000, true, &CONFIG), Some(22_100));
        assert_eq!(sstore(one, one, two, 30_000, false, &CONFIG), Some(2_900));
        assert_eq!(sstore(one, two, z, 30_000, false, &CONFIG), Some(100));
        assert_eq!(sstore(z, z, one, 2_300, false, &CONFIG), None);
    }

    #[test]
    fn calls_and_creations_follow_cancun() {
        assert_eq!(call(CallKind::Call, U256::from(1), true, true, &CONFIG), 2600 + 9000 + 25000);
        assert_eq!(call(CallKind::Static, U256::ZERO, false, true, &CONFIG), 100);
        assert_eq!(call(CallKind::Delegate, U256::ZERO, true, false, &CONFIG), 2600);
        assert_eq!(create(64, false), 32_000 + 4);
        assert_eq!(create(64, true), 32_000 + 4 + 12);
        assert_eq!(log(2, 10), 375 + 750 + 80);
    }
}
