//! The host calls served by the in-process test host ([`crate::testing`]).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

use super::Kind;
use crate::testing::{Ended, with};

pub(crate) fn calldata() -> Vec<u8> {
    with(|h| h.input.clone())
}
pub(crate) fn caller() -> Address {
    with(|h| h.caller)
}
pub(crate) fn origin() -> Address {
    with(|h| h.origin)
}
pub(crate) fn address() -> Address {
    with(|h| h.address)
}
pub(crate) fn coinbase() -> Address {
    with(|h| h.coinbase)
}
pub(crate) fn value() -> U256 {
    with(|h| h.value)
}
pub(crate) fn base_fee() -> U256 {
    with(|h| h.base_fee)
}
pub(crate) fn self_balance() -> U256 {
    with(|h| h.balance_of(h.address))
}
pub(crate) fn block_number() -> u64 {
    with(|h| h.block_number)
}
pub(crate) fn timestamp() -> u64 {
    with(|h| h.timestamp)
}
pub(crate) fn chain_id() -> u64 {
    with(|h| h.chain_id)
}
pub(crate) fn gas_left() -> u64 {
    u64::MAX
}
pub(crate) fn sload(key: U256) -> U256 {
    with(|h| h.storage.get(&key).copied().unwrap_or_default())
}
pub(crate) fn sstore(key: U256, value: U256) {
    with(|h| h.storage.insert(key, value));
}
pub(crate) fn tload(key: U256) -> U256 {
    with(|h| h.transient.get(&key).copied().unwrap_or_default())
}
pub(crate) fn tstore(key: U256, value: U256) {
    with(|h| h.transient.insert(key, value));
}
pub(crate) fn balance(a: Address) -> U256 {
    with(|h| h.balance_of(a))
}
pub(crate) fn emit(topics: &[B256], data: &[u8]) {
    with(|h| h.logs.push((topics.to_vec(), data.to_vec())));
}
/// The in-process host has no other contracts: every call fails.
pub(crate) fn call(_kind: Kind, _to: Address, _value: U256, _data: &[u8], _gas: u64) -> i32 {
    with(|h| h.return_data.clear());
    2
}
/// The in-process host has no other contracts: every creation fails.
pub(crate) fn create(_value: U256, _code: &[u8], _salt: Option<B256>) -> (i32, Address) {
    with(|h| h.return_data.clear());
    (2, Address::ZERO)
}
pub(crate) fn return_data() -> Vec<u8> {
    with(|h| h.return_data.clone())
}
pub(crate) fn finish(data: &[u8]) -> ! {
    std::panic::panic_any(Ended::Finish(data.to_vec()))
}
pub(crate) fn revert(data: &[u8]) -> ! {
    std::panic::panic_any(Ended::Revert(data.to_vec()))
}
pub(crate) fn keccak256(data: &[u8]) -> B256 {
    alloy_primitives::keccak256(data)
}
pub(crate) fn constants() -> Vec<u8> {
    with(|h| h.constants.clone())
}
