//! System contracts: accounts at fixed addresses whose behaviour is the
//! kernel's own Rust code, not deployed code. Every execution environment
//! dispatches a call to one of these addresses here, with the same
//! [`SystemCall`], so a WASM or RISC-V contract withdraws exactly as an EVM
//! one does.
//!
//! | address | contract |
//! | --- | --- |
//! | `0xff00000000000000000000000000000000000001` | [`withdrawal`]: `withdraw(string l1Receiver)` payable, to L1 through the bridge |
//! | `0xff00000000000000000000000000000000000002` | [`constants`]: `constantsOf(address)`, and `setConstants(bytes)` during a constructor |
//!
//! A system contract holds no code (`EXTCODESIZE` answers 0), so a
//! Solidity caller must expect return data (`withdraw` returns the
//! withdrawal's id), which makes solc skip its code-size check.

pub mod constants;
pub mod withdrawal;

use alloy_primitives::{Address, U256};
use tezos_smart_rollup_host::runtime::Runtime;

use super::{SystemError, env::BlockEnv, precompiles::Outcome, world::World};

/// A call that reached a system contract, as any execution environment
/// describes it. The call's value has already moved to `this`.
#[derive(Debug, Clone, Copy)]
pub struct SystemCall<'a> {
    /// `msg.sender`.
    pub caller: Address,
    /// The account the call acts as (the callee for a plain call; the
    /// caller's own address for a delegate call or call-code).
    pub this: Address,
    /// The system contract whose code runs.
    pub code_address: Address,
    /// Wei sent with the call.
    pub value: U256,
    /// Calldata (Solidity ABI).
    pub input: &'a [u8],
    /// Gas the call may use.
    pub gas_limit: u64,
    /// Whether the call may not change state (a static call or inside one).
    pub is_static: bool,
}

/// Whether `a` is a system contract.
pub fn is_system_contract(a: &Address) -> bool {
    *a == withdrawal::ADDRESS || *a == constants::ADDRESS
}

/// Runs the system contract `call.code_address`, or answers `None` when it
/// is not one. State changes go to `world` inside the caller's frame, so a
/// revert of any enclosing frame takes them back.
pub fn call<H: Runtime>(
    host: &H,
    env: &BlockEnv,
    world: &mut World,
    call: &SystemCall<'_>,
) -> Result<Option<Outcome>, SystemError> {
    match call.code_address {
        withdrawal::ADDRESS => withdrawal::call(host, env, world, call).map(Some),
        constants::ADDRESS => constants::call(host, world, call).map(Some),
        _ => Ok(None),
    }
}
