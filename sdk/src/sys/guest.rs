//! The safe host calls over the raw ABI of a contract target (`raw`: the
//! wasm32 import module or the riscv64 `ecall`s; both have the same
//! functions with the same parameters).

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};

use super::{Kind, raw::*};

fn buffer(size: i32, copy: unsafe extern "C" fn(*mut u8, i32, i32)) -> Vec<u8> {
    let mut out = vec![0u8; size as usize];
    // SAFETY: `out` has room for `size` bytes.
    unsafe { copy(out.as_mut_ptr(), 0, size) };
    out
}

fn address_from(f: unsafe extern "C" fn(*mut u8)) -> Address {
    let mut a = Address::ZERO;
    // SAFETY: the host writes 20 bytes.
    unsafe { f(a.as_mut_ptr()) };
    a
}

fn word_from(f: unsafe extern "C" fn(*mut u8)) -> U256 {
    let mut w = [0u8; 32];
    // SAFETY: the host writes 32 bytes.
    unsafe { f(w.as_mut_ptr()) };
    U256::from_be_bytes(w)
}

// SAFETY (all below): every pointer handed to the host points at a live
// buffer of the length the ABI says.

pub(crate) fn calldata() -> Vec<u8> {
    buffer(unsafe { calldata_size() }, calldata_copy)
}
pub(crate) fn caller() -> Address {
    address_from(caller_)
}
pub(crate) fn origin() -> Address {
    address_from(origin_)
}
pub(crate) fn address() -> Address {
    address_from(address_)
}
pub(crate) fn coinbase() -> Address {
    address_from(block_coinbase_)
}
pub(crate) fn value() -> U256 {
    word_from(call_value)
}
pub(crate) fn base_fee() -> U256 {
    word_from(base_fee_)
}
pub(crate) fn self_balance() -> U256 {
    word_from(self_balance_)
}
pub(crate) fn block_number() -> u64 {
    unsafe { block_number_() as u64 }
}
pub(crate) fn timestamp() -> u64 {
    unsafe { block_timestamp_() as u64 }
}
pub(crate) fn chain_id() -> u64 {
    unsafe { chain_id_() as u64 }
}
pub(crate) fn gas_left() -> u64 {
    unsafe { gas_left_() as u64 }
}

type Read = unsafe extern "C" fn(*const u8, *mut u8);
type Write = unsafe extern "C" fn(*const u8, *const u8);

fn read_slot(f: Read, key: U256) -> U256 {
    let (k, mut v) = (key.to_be_bytes::<32>(), [0u8; 32]);
    unsafe { f(k.as_ptr(), v.as_mut_ptr()) };
    U256::from_be_bytes(v)
}
fn write_slot(f: Write, key: U256, value: U256) {
    let (k, v) = (key.to_be_bytes::<32>(), value.to_be_bytes::<32>());
    unsafe { f(k.as_ptr(), v.as_ptr()) };
}

pub(crate) fn sload(key: U256) -> U256 {
    read_slot(storage_read, key)
}
pub(crate) fn sstore(key: U256, value: U256) {
    write_slot(storage_write, key, value)
}
pub(crate) fn tload(key: U256) -> U256 {
    read_slot(transient_read, key)
}
pub(crate) fn tstore(key: U256, value: U256) {
    write_slot(transient_write, key, value)
}
pub(crate) fn balance(a: Address) -> U256 {
    let mut v = [0u8; 32];
    unsafe { balance_(a.as_ptr(), v.as_mut_ptr()) };
    U256::from_be_bytes(v)
}
pub(crate) fn emit(topics: &[B256], data: &[u8]) {
    let flat: Vec<u8> = topics.iter().flat_map(|t| t.0).collect();
    unsafe { emit_log(flat.as_ptr(), topics.len() as i32, data.as_ptr(), data.len() as i32) }
}
pub(crate) fn call(kind: Kind, to: Address, value: U256, data: &[u8], gas: u64) -> i32 {
    let (len, gas) = (data.len() as i32, gas as i64);
    let v = value.to_be_bytes::<32>();
    unsafe {
        match kind {
            Kind::Call => call_(to.as_ptr(), v.as_ptr(), data.as_ptr(), len, gas),
            Kind::Static => static_call_(to.as_ptr(), data.as_ptr(), len, gas),
            Kind::Delegate => delegate_call_(to.as_ptr(), data.as_ptr(), len, gas),
        }
    }
}
pub(crate) fn create(value: U256, code: &[u8], salt: Option<B256>) -> (i32, Address) {
    let v = value.to_be_bytes::<32>();
    let mut a = Address::ZERO;
    let len = code.len() as i32;
    let status = unsafe {
        match salt {
            None => create_(v.as_ptr(), code.as_ptr(), len, a.as_mut_ptr()),
            Some(s) => create2_(v.as_ptr(), code.as_ptr(), len, s.as_ptr(), a.as_mut_ptr()),
        }
    };
    (status, a)
}
pub(crate) fn return_data() -> Vec<u8> {
    buffer(unsafe { return_data_size() }, return_data_copy)
}
pub(crate) fn finish(data: &[u8]) -> ! {
    unsafe { finish_(data.as_ptr(), data.len() as i32) }
}
pub(crate) fn revert(data: &[u8]) -> ! {
    unsafe { revert_(data.as_ptr(), data.len() as i32) }
}
pub(crate) fn keccak256(data: &[u8]) -> B256 {
    let mut h = B256::ZERO;
    unsafe { keccak256_(data.as_ptr(), data.len() as i32, h.as_mut_ptr()) };
    h
}
pub(crate) fn constants() -> Vec<u8> {
    buffer(unsafe { constants_size() }, constants_copy)
}
