//! The EVM execution environment: the `evm` crate (SputnikVM 1.x) with
//! Ethereum's Cancun rules, reaching state only through the system layer.
//!
//! - [`backend`]: the crate's backend traits served by the system's world.
//! - [`resolver`] and [`frame`]: a call runs the callee's code with the
//!   jumpdest bitmap [`jumpdest`] prepared at deploy time; precompiles are
//!   the system's.
//! - [`invoker`]: Ethereum's transaction, call and create rules (the
//!   crate's standard invoker) on an explicit heap call stack.
//! - [`trace`]: the frames of a transaction, across VMs, when a trace is
//!   asked for (`debug_traceTransaction`).
//!
//! Fees follow the standard invoker: the sender pays `gas_limit × price` up
//! front, gets the unused gas back, and the coinbase gets `gas_used ×
//! priority fee`. The base-fee part is not burned: the bootloader credits
//! it to the chain's fee account (see `bootloader::execute`).

pub mod backend;
pub mod errors;
pub mod frame;
pub mod invoker;
pub mod jumpdest;
pub mod resolver;
pub mod trace;

use alloy_primitives::{Address, B256, U256};
use evm::{
    interpreter::{ExitError, etable::Chained, uint::H256},
    standard::{
        Config, ExecutionEtable, GasometerEtable, TransactArgs, TransactArgsCallCreate,
        TransactGasPrice, TransactValueCallCreate,
    },
};
use tezos_smart_rollup_host::runtime::Runtime;

use crate::system::{SystemError, env::BlockEnv, world::World};
use backend::{EvmBackend, address, h160};
use invoker::ZkInvoker;
use resolver::ZkResolver;

/// The Cancun rules.
pub static CONFIG: Config = Config::cancun();

/// What the sender offers per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasPrice {
    /// A fixed price (legacy, EIP-2930).
    Legacy(u128),
    /// EIP-1559's cap and tip.
    Dynamic {
        /// Most paid per gas, base fee included.
        max_fee: u128,
        /// Most given to the coinbase per gas.
        max_priority_fee: u128,
    },
}

/// A transaction as the EVM runs it (checked and paid for by the caller of
/// [`transact`]).
#[derive(Debug, Clone)]
pub struct Message<'t> {
    /// The sender.
    pub caller: Address,
    /// The callee, or `None` to create a contract from `data`.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or initcode.
    pub data: &'t [u8],
    /// Gas limit.
    pub gas_limit: u64,
    /// Price offered.
    pub gas_price: GasPrice,
    /// EIP-2930 access list.
    pub access_list: Vec<(Address, Vec<B256>)>,
}

/// How an included transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It succeeded.
    Success,
    /// It reverted (`REVERT`); the output is the revert data.
    Reverted,
    /// It failed otherwise (out of gas, invalid opcode, ...), spending all
    /// its gas.
    Failed(String),
}

/// The result of an included transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Gas used, refund deducted.
    pub gas_used: u64,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// The created contract, for a successful creation.
    pub created: Option<Address>,
    /// Its frames, when the block traces calls (empty otherwise); the
    /// first is the transaction's own, with its gas limit and gas used.
    pub trace: Vec<trace::TraceFrame>,
}

/// Why [`transact`] did not produce an outcome; the world then holds
/// partial changes and must be dropped, not flushed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvmError {
    /// The transaction could not start (nothing was charged).
    #[error("transaction could not start: {0}")]
    NotStarted(String),
    /// The system failed while it ran.
    #[error(transparent)]
    System(#[from] SystemError),
}

/// Runs `msg` against `world`: nonce bump, up-front gas payment, execution,
/// refund and coinbase tip, as Ethereum does. Nothing reaches durable
/// storage until the caller flushes the world.
pub fn transact<H: Runtime>(
    host: &H,
    env: &BlockEnv,
    world: &mut World,
    msg: &Message<'_>,
) -> Result<Outcome, EvmError> {
    let etable = Chained(GasometerEtable::new(), ExecutionEtable::new());
    let resolver = ZkResolver::new(&etable);
    let invoker =
        if env.trace_calls { ZkInvoker::traced(&resolver) } else { ZkInvoker::new(&resolver) };
    let call_create = match msg.to {
        Some(to) => TransactArgsCallCreate::Call { address: h160(to), data: msg.data.to_vec() },
        None => TransactArgsCallCreate::Create { init_code: msg.data.to_vec(), salt: None },
    };
    let gas_price = match msg.gas_price {
        GasPrice::Legacy(p) => TransactGasPrice::Legacy(U256::from(p)),
        GasPrice::Dynamic { max_fee, max_priority_fee } => TransactGasPrice::FeeMarket {
            max_priority: U256::from(max_priority_fee),
            max: U256::from(max_fee),
        },
    };
    let access_list = msg
        .access_list
        .iter()
        .map(|(a, keys)| (h160(*a), keys.iter().map(|k| H256(k.0)).collect()))
        .collect();
    let args = TransactArgs {
        call_create,
        caller: h160(msg.caller),
        value: msg.value,
        gas_limit: U256::from(msg.gas_limit),
        gas_price,
        access_list,
        config: &CONFIG,
    };
    let mut backend = EvmBackend::new(host, env, world);
    let result = evm::transact(args, Some(0), &mut backend, &invoker);
    if let Some(e) = backend.into_failure() {
        return Err(e.into());
    }
    let Some(finalized) = invoker.finalized() else {
        let why = result.err().map_or_else(|| "unknown".into(), |e| errors::describe(&e));
        return Err(EvmError::NotStarted(why));
    };
    let mut frames = invoker.take_trace();
    let gas_used_from_left =
        |left: U256| msg.gas_limit.saturating_sub(u64::try_from(left).unwrap_or(u64::MAX));
    let mut outcome = match result {
        Ok(value) => {
            let gas_used = u64::try_from(value.used_gas).unwrap_or(msg.gas_limit);
            let (created, output) = match value.call_create {
                TransactValueCallCreate::Call { retval, .. } => (None, retval),
                TransactValueCallCreate::Create { address: a, .. } => {
                    (Some(address(a)), Vec::new())
                }
            };
            Outcome { status: Status::Success, gas_used, output, created, trace: Vec::new() }
        }
        Err(ExitError::Reverted) => Outcome {
            status: Status::Reverted,
            gas_used: gas_used_from_left(finalized.gas_left_on_revert),
            output: finalized.retval,
            created: None,
            trace: Vec::new(),
        },
        Err(e) => Outcome {
            status: Status::Failed(errors::describe(&e)),
            gas_used: msg.gas_limit,
            output: Vec::new(),
            created: None,
            trace: Vec::new(),
        },
    };
    // The transaction's frame counts what the receipt does: its gas limit
    // and all the gas it used, intrinsic gas and refund included.
    if let Some(top) = frames.first_mut() {
        top.gas = msg.gas_limit;
        top.gas_used = outcome.gas_used;
    }
    outcome.trace = frames;
    Ok(outcome)
}
