//! Storage and transient storage, in 32-byte slots, and Solidity's slot
//! rules so a Rust contract can lay out state as a Solidity one would.

use alloy_primitives::{B256, U256};

use crate::sys;

/// Reads a slot.
pub fn load(key: U256) -> U256 {
    sys::sload(key)
}
/// Writes a slot (a static call fails the frame).
pub fn store(key: U256, value: U256) {
    sys::sstore(key, value)
}
/// Reads a transient slot (EIP-1153).
pub fn transient_load(key: U256) -> U256 {
    sys::tload(key)
}
/// Writes a transient slot.
pub fn transient_store(key: U256, value: U256) {
    sys::tstore(key, value)
}

/// The slot of `mapping[key]` for a mapping at slot `base`, as Solidity
/// computes it: `keccak256(key ‖ base)`, `key` as a 32-byte word.
pub fn mapping_slot(base: U256, key: B256) -> U256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(key.as_slice());
    buf[32..].copy_from_slice(&base.to_be_bytes::<32>());
    U256::from_be_bytes(crate::keccak256(&buf).0)
}
