//! The host ABI of WASM contracts: one import module, [`MODULE`], whose
//! functions are the system operations every VM of Zk OS offers.
//!
//! Pointers and lengths are `i32` offsets into the contract's exported
//! memory; addresses are 20 bytes, words (slots, values, hashes) are 32
//! bytes big-endian, as in the EVM, so Solidity-ABI data needs no
//! conversion. Gas is `i64`.
//!
//! | function | parameters | result | what it does |
//! | --- | --- | --- | --- |
//! | `calldata_size` | | i32 | length of the call's input |
//! | `calldata_copy` | dst, offset, len | | copies input bytes (zeros past the end) |
//! | `caller` | dst | | the caller's address (20 bytes) |
//! | `origin` | dst | | the transaction's sender |
//! | `address` | dst | | this contract's address (the caller's under delegate call) |
//! | `call_value` | dst | | wei sent with the call (32 bytes) |
//! | `block_number` | | i64 | the block's number |
//! | `block_timestamp` | | i64 | the block's timestamp |
//! | `chain_id` | | i64 | the chain id |
//! | `block_coinbase` | dst | | the block's coinbase |
//! | `base_fee` | dst | | the block's base fee per gas (32 bytes) |
//! | `gas_left` | | i64 | gas left to this frame |
//! | `storage_read` | key, dst | | reads a 32-byte slot of this contract |
//! | `storage_write` | key, value | | writes a slot (refused in a static call) |
//! | `transient_read` | key, dst | | reads a transient slot (EIP-1153) |
//! | `transient_write` | key, value | | writes a transient slot (refused in a static call) |
//! | `balance` | address, dst | | an account's balance (32 bytes) |
//! | `self_balance` | dst | | this contract's balance |
//! | `emit_log` | topics, topic_count, data, data_len | | a log with 0–4 topics of 32 bytes (refused in a static call) |
//! | `call` | address, value, data, data_len, gas | i32 | calls; 0 success, 1 reverted, 2 failed |
//! | `static_call` | address, data, data_len, gas | i32 | calls without state changes |
//! | `delegate_call` | address, data, data_len, gas | i32 | runs the callee's code on this contract's storage |
//! | `create` | value, code, code_len, dst | i32 | deploys (EVM, WASM or RISC-V init data); the address at `dst` |
//! | `create2` | value, code, code_len, salt, dst | i32 | deploys at the CREATE2 address |
//! | `return_data_size` | | i32 | length of the last call's output |
//! | `return_data_copy` | dst, offset, len | | copies the last call's output |
//! | `finish` | data, len | | ends the frame successfully with this output |
//! | `revert` | data, len | | ends the frame reverted with this revert data |
//! | `keccak256` | data, len, dst | | Keccak-256 of memory |
//! | `constants_size` | | i32 | length of this contract's constants area |
//! | `constants_copy` | dst, offset, len | | copies constants bytes |
//!
//! A contract exports `memory`, `call` (`() -> ()`, run for every call) and
//! may export `deploy` (`() -> ()`, run once at creation with the
//! constructor arguments as calldata). Returning from an export without
//! `finish` ends the frame successfully with empty output.

/// The import module of contract host functions.
pub const MODULE: &str = "zkos";

/// A value type of the ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// `i32`
    I32,
    /// `i64`
    I64,
}

/// One host function: its name, parameters and result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostFn {
    /// Import name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [Ty],
    /// Result type, if any.
    pub result: Option<Ty>,
}

use Ty::{I32, I64};

const fn f(name: &'static str, params: &'static [Ty], result: Option<Ty>) -> HostFn {
    HostFn { name, params, result }
}

/// Every host function, in the order of the table above.
pub const HOST_FNS: [HostFn; 31] = [
    f("calldata_size", &[], Some(I32)),
    f("calldata_copy", &[I32, I32, I32], None),
    f("caller", &[I32], None),
    f("origin", &[I32], None),
    f("address", &[I32], None),
    f("call_value", &[I32], None),
    f("block_number", &[], Some(I64)),
    f("block_timestamp", &[], Some(I64)),
    f("chain_id", &[], Some(I64)),
    f("block_coinbase", &[I32], None),
    f("base_fee", &[I32], None),
    f("gas_left", &[], Some(I64)),
    f("storage_read", &[I32, I32], None),
    f("storage_write", &[I32, I32], None),
    f("transient_read", &[I32, I32], None),
    f("transient_write", &[I32, I32], None),
    f("balance", &[I32, I32], None),
    f("self_balance", &[I32], None),
    f("emit_log", &[I32, I32, I32, I32], None),
    f("call", &[I32, I32, I32, I32, I64], Some(I32)),
    f("static_call", &[I32, I32, I32, I64], Some(I32)),
    f("delegate_call", &[I32, I32, I32, I64], Some(I32)),
    f("create", &[I32, I32, I32, I32], Some(I32)),
    f("create2", &[I32, I32, I32, I32, I32], Some(I32)),
    f("return_data_size", &[], Some(I32)),
    f("return_data_copy", &[I32, I32, I32], None),
    f("finish", &[I32, I32], None),
    f("revert", &[I32, I32], None),
    f("keccak256", &[I32, I32, I32], None),
    f("constants_size", &[], Some(I32)),
    f("constants_copy", &[I32, I32, I32], None),
];

/// The host function called `name`, if there is one.
pub fn by_name(name: &str) -> Option<&'static HostFn> {
    HOST_FNS.iter().find(|h| h.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for (i, a) in HOST_FNS.iter().enumerate() {
            assert!(HOST_FNS[i + 1..].iter().all(|b| b.name != a.name), "{} twice", a.name);
        }
    }
}
