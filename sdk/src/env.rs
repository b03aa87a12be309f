//! What a contract knows of its call and block.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};

use crate::sys;

/// The call's input (calldata; the constructor arguments in `deploy`).
pub fn calldata() -> Vec<u8> {
    sys::calldata()
}
/// The caller (under a delegate call, the delegating contract's caller).
pub fn caller() -> Address {
    sys::caller()
}
/// The transaction's sender.
pub fn origin() -> Address {
    sys::origin()
}
/// This contract's address (the delegating contract's under a delegate call).
pub fn address() -> Address {
    sys::address()
}
/// Wei sent with the call.
pub fn value() -> U256 {
    sys::value()
}
/// The block's number.
pub fn block_number() -> u64 {
    sys::block_number()
}
/// The block's timestamp.
pub fn timestamp() -> u64 {
    sys::timestamp()
}
/// The chain id.
pub fn chain_id() -> u64 {
    sys::chain_id()
}
/// The block's coinbase.
pub fn coinbase() -> Address {
    sys::coinbase()
}
/// The block's base fee per gas.
pub fn base_fee() -> U256 {
    sys::base_fee()
}
/// Gas left to this frame.
pub fn gas_left() -> u64 {
    sys::gas_left()
}
/// An account's balance.
pub fn balance(a: Address) -> U256 {
    sys::balance(a)
}
/// This contract's balance.
pub fn self_balance() -> U256 {
    sys::self_balance()
}
/// The constants area of this code's deployment: data fixed at deploy that
/// is not part of the code, so the code hash does not depend on it.
pub fn constants() -> Vec<u8> {
    sys::constants()
}
