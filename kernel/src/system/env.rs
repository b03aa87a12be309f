//! The block a transaction runs in, as contracts see it.

use alloy_primitives::{Address, B256, U256, keccak256};
use layout::ChainConfig;
use tezos_smart_rollup_host::runtime::Runtime;

use super::{SystemError, read};

/// The block environment (what `NUMBER`, `TIMESTAMP`, `COINBASE`, ...
/// answer).
///
/// `PREVRANDAO` answers zero: a rollup block has no beacon randomness, and
/// anything the sequencer chose would be a value it controls. `DIFFICULTY`
/// is zero as after the merge; there are no blobs, so `BLOBHASH` answers
/// zero and `BLOBBASEFEE` answers 1 (EIP-4844's minimum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEnv {
    /// The block's number.
    pub number: u64,
    /// Its timestamp (seconds).
    pub timestamp: u64,
    /// Who receives priority fees.
    pub coinbase: Address,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Its base fee per gas.
    pub base_fee: u64,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The L1 bridge contract (KT1 hash; all zero when there is none), which
    /// issues deposit tickets and receives withdrawals.
    pub ticketer: [u8; 20],
    /// Whether transactions record their frames (only the `zkos_trace`
    /// export sets it: see `ee::evm::trace`).
    pub trace_calls: bool,
}

impl BlockEnv {
    /// Block `number` at `timestamp` under the chain's configuration: the
    /// one place the configuration becomes what contracts see.
    pub fn new(config: &ChainConfig, number: u64, timestamp: u64) -> Self {
        Self {
            number,
            timestamp,
            coinbase: config.coinbase,
            gas_limit: config.block_gas_limit,
            base_fee: config.base_fee_per_gas,
            chain_id: config.chain_id,
            ticketer: config.ticketer,
            trace_calls: false,
        }
    }
}

/// `BLOCKHASH`: the hash of block `number` if it is one of the 256 before
/// `current`, zero otherwise. Read from the stored header, so it is the
/// hash the chain's blocks link by.
pub fn block_hash<H: Runtime>(host: &H, current: u64, number: U256) -> Result<B256, SystemError> {
    let Ok(n) = u64::try_from(number) else { return Ok(B256::ZERO) };
    if n >= current || current - n > 256 {
        return Ok(B256::ZERO);
    }
    Ok(read(host, layout::block_header(n))?.map_or(B256::ZERO, keccak256))
}
