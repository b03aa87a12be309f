//! Calls and creations of contracts of any VM (EVM, WASM, RISC-V): the
//! system applies the same rules whatever the callee's VM (value, the 63/64
//! rule, static calls, reverts).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;

use crate::sys::{self, Kind};

/// How a call ended, with its output or revert data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned this output.
    Success(Vec<u8>),
    /// It reverted with this data.
    Reverted(Vec<u8>),
    /// It failed otherwise (out of gas, a static-call violation, a trap).
    Failed,
}

impl Outcome {
    fn of(status: i32) -> Self {
        match status {
            0 => Self::Success(sys::return_data()),
            1 => Self::Reverted(sys::return_data()),
            _ => Self::Failed,
        }
    }

    /// The output, or the revert data as an error (empty if it failed).
    pub fn into_result(self) -> Result<Vec<u8>, Vec<u8>> {
        match self {
            Self::Success(out) => Ok(out),
            Self::Reverted(data) => Err(data),
            Self::Failed => Err(Vec::new()),
        }
    }
}

/// All the gas the system allows (63/64 of what is left).
pub const ALL_GAS: u64 = u64::MAX;

/// Calls `to` with `value` and `data`.
pub fn call(to: Address, value: U256, data: &[u8], gas: u64) -> Outcome {
    Outcome::of(sys::call(Kind::Call, to, value, data, gas))
}
/// Calls `to` without allowing state changes.
pub fn static_call(to: Address, data: &[u8], gas: u64) -> Outcome {
    Outcome::of(sys::call(Kind::Static, to, U256::ZERO, data, gas))
}
/// Runs `to`'s code on this contract's storage, caller and value.
pub fn delegate_call(to: Address, data: &[u8], gas: u64) -> Outcome {
    Outcome::of(sys::call(Kind::Delegate, to, U256::ZERO, data, gas))
}

/// Calls a Solidity-ABI function and decodes its return value; a revert
/// passes its data on as the error.
pub fn call_sol<C: SolCall>(to: Address, call: &C) -> Result<C::Return, Vec<u8>> {
    let out = self::call(to, U256::ZERO, &call.abi_encode(), ALL_GAS).into_result()?;
    C::abi_decode_returns(&out).map_err(|_| Vec::new())
}

/// Deploys init data of any VM with `value`; `CREATE2` when `salt` is
/// given. The new address, or the constructor's revert data.
pub fn create(value: U256, init: &[u8], salt: Option<B256>) -> Result<Address, Vec<u8>> {
    let (status, a) = sys::create(value, init, salt);
    match status {
        0 => Ok(a),
        _ => Err(sys::return_data()),
    }
}
