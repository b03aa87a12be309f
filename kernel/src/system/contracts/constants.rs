//! The constants contract: the constants area of deployments, for Solidity.
//!
//! A WASM or RISC-V deployment carries its constants area in its envelope
//! (see the kernel's `ee::deploy`); EVM init data cannot without changing
//! Ethereum's meaning of initcode, so an EVM contract sets its own during
//! construction, and any contract reads any account's. At [`ADDRESS`]:
//!
//! - `constantsOf(address account) view returns (bytes)`: the constants area
//!   of `account`'s code (empty when it has none). Costs [`READ_GAS`] plus
//!   [`COPY_WORD_GAS`] per 32 bytes.
//! - `setConstants(bytes data) returns (bool)`: sets the caller's constants area (and
//!   returns `true`, so Solidity expects return data and skips its code-size
//!   check of a codeless system contract); only while
//!   the caller is being constructed (created in this transaction, its code
//!   not yet returned), only by a plain call, once. The area is kept with the
//!   code its constructor returns; the code hash covers the code only.
//!   Costs [`SET_GAS`] plus [`SET_BYTE_GAS`] per byte.
//!
//! ```solidity
//! interface IConstants {
//!     function constantsOf(address account) external view returns (bytes memory);
//!     function setConstants(bytes calldata data) external returns (bool);
//! }
//! // in a constructor:  IConstants(0xff00…02).setConstants(abi.encode(name, symbol));
//! // anywhere:          abi.decode(IConstants(0xff00…02).constantsOf(address(this)), (string, string))
//! ```
//!
//! A failed check reverts with a Solidity `Error(string)` naming it.

use alloy_primitives::{Address, Bytes, address};
use alloy_sol_types::{SolCall, SolError, SolValue, sol};
use tezos_smart_rollup_host::runtime::Runtime;

use super::SystemCall;
use crate::system::{
    SystemError,
    code_record::{Meta, VmKind},
    precompiles::Outcome,
    world::World,
};

sol! {
    /// The constants contract's interface.
    interface IConstants {
        /// The constants area of `account`'s code.
        function constantsOf(address account) external view returns (bytes);
        /// Sets the caller's constants area, during its construction.
        function setConstants(bytes data) external returns (bool);
    }
}

mod revert {
    alloy_sol_types::sol! { error Error(string message); }
}

/// Where the constants contract lives.
pub const ADDRESS: Address = address!("0xff00000000000000000000000000000000000002");
/// Reading an account's record (a cold account access).
pub const READ_GAS: u64 = 2_600;
/// Per 32 bytes returned.
pub const COPY_WORD_GAS: u64 = 3;
/// Setting the constants area.
pub const SET_GAS: u64 = 5_000;
/// Per byte set (what keeping a byte of non-EVM code costs).
pub const SET_BYTE_GAS: u64 = 20;

/// Runs a call to the constants contract.
pub fn call<H: Runtime>(
    host: &H,
    world: &mut World,
    call: &SystemCall<'_>,
) -> Result<Outcome, SystemError> {
    let selector = call.input.get(..4);
    if selector == Some(&IConstants::constantsOfCall::SELECTOR[..]) {
        let Ok(args) = IConstants::constantsOfCall::abi_decode(call.input) else {
            return Ok(refuse(READ_GAS, "constantsOf: calldata is not constantsOf(address)"));
        };
        let code = world.code(host, &args.account)?;
        let constants = code
            .prepared
            .as_deref()
            .and_then(|r| Meta::decode(r))
            .map(|m| m.constants.to_vec())
            .unwrap_or_default();
        let gas = READ_GAS + COPY_WORD_GAS * (constants.len() as u64).div_ceil(32);
        let output = Bytes::from(Bytes::from(constants).abi_encode());
        return Ok(Outcome::Success { gas_used: gas, output });
    }
    if selector == Some(&IConstants::setConstantsCall::SELECTOR[..]) {
        return set(host, world, call);
    }
    Ok(refuse(READ_GAS, "constants: unknown function"))
}

fn set<H: Runtime>(
    host: &H,
    world: &mut World,
    call: &SystemCall<'_>,
) -> Result<Outcome, SystemError> {
    let Ok(args) = IConstants::setConstantsCall::abi_decode(call.input) else {
        return Ok(refuse(SET_GAS, "setConstants: calldata is not setConstants(bytes)"));
    };
    let gas = SET_GAS + SET_BYTE_GAS * args.data.len() as u64;
    if call.is_static || call.this != ADDRESS {
        return Ok(refuse(gas, "setConstants: only by a plain call"));
    }
    let who = call.caller;
    let code = world.code(host, &who)?;
    if !world.was_created(&who) || !code.bytes.is_empty() {
        return Ok(refuse(gas, "setConstants: only during the caller's construction"));
    }
    if code.prepared.is_some() {
        return Ok(refuse(gas, "setConstants: already set"));
    }
    // Kept in the (still empty) code's record; the constructor's returned
    // code keeps it (the EVM backend's `set_code`). A revert of the
    // constructor takes it back with the journal.
    let record = Meta { kind: VmKind::Evm, constants: &args.data, prepared: &[] }.encode();
    world.set_code(host, &who, Vec::new(), record)?;
    Ok(Outcome::Success { gas_used: gas, output: Bytes::from(true.abi_encode()) })
}

fn refuse(gas: u64, why: &str) -> Outcome {
    let output = revert::Error { message: why.to_owned() }.abi_encode();
    Outcome::Revert { gas_used: gas, output: Bytes::from(output) }
}
