//! The gas a transaction costs before any code runs (Cancun rules).

use super::Transaction;

/// Every transaction.
pub const TX_BASE: u64 = 21_000;
/// A creation, on top of the base.
pub const TX_CREATE: u64 = 32_000;
/// A zero byte of calldata (EIP-2028 kept it at 4).
pub const ZERO_BYTE: u64 = 4;
/// A non-zero byte of calldata (EIP-2028).
pub const NONZERO_BYTE: u64 = 16;
/// An address in the access list (EIP-2930).
pub const ACCESS_LIST_ADDRESS: u64 = 2_400;
/// A storage key in the access list (EIP-2930).
pub const ACCESS_LIST_KEY: u64 = 1_900;
/// Per 32-byte word of initcode (EIP-3860).
pub const INITCODE_WORD: u64 = 2;

/// The intrinsic gas of `tx`.
pub fn intrinsic_gas(tx: &Transaction) -> u64 {
    let zeros = tx.input.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = tx.input.len() as u64 - zeros;
    let mut gas = TX_BASE + zeros * ZERO_BYTE + nonzeros * NONZERO_BYTE;
    if tx.to.is_none() {
        gas += TX_CREATE + INITCODE_WORD * (tx.input.len() as u64).div_ceil(32);
    }
    for (_, keys) in &tx.access_list {
        gas += ACCESS_LIST_ADDRESS + ACCESS_LIST_KEY * keys.len() as u64;
    }
    gas
}
