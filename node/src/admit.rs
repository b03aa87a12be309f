//! What `eth_sendRawTransaction` checks before a transaction may wait for a
//! block: everything that can be checked without running it.
//!
//! The static rules are the kernel's own ([`zkos_kernel::tx::decode`],
//! [`zkos_kernel::tx::check_static`] and the gas ceiling,
//! [`zkos_kernel::bootloader::budget::gas_ceiling`]), so the node never
//! accepts what the kernel would refuse for those reasons; the stateful ones (nonce, balance
//! for gas × price + value, the block gas limit, the base fee) read the last
//! committed level and the pool. The kernel checks them all again at
//! inclusion: a transaction the state overtook (its sender spent the balance
//! meanwhile) is refused there, gets no receipt and is dropped from the pool
//! ([`crate::refusals`]).
//!
//! Legacy transactions without EIP-155's chain id are accepted, as the
//! kernel accepts them (deterministic deployments need them).
//!
//! The messages are geth's, which client libraries recognise.

use alloy_primitives::U256;
use layout::ChainConfig;
use zkos_kernel::{
    bootloader::budget::gas_ceiling,
    tx::{self, TxError},
};

use crate::{
    chain::{ChainRead, View, ViewError},
    mempool::{Mempool, Pending, PoolError},
};

/// The largest transaction accepted (geth's limit: four 32 KiB slots).
pub const MAX_TRANSACTION_SIZE: usize = 128 * 1024;

/// Why a transaction was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    /// Over [`MAX_TRANSACTION_SIZE`].
    #[error("oversized data: transaction size {0}, limit {MAX_TRANSACTION_SIZE}")]
    Oversized(usize),
    /// Not a transaction the kernel decodes.
    #[error("failed to decode transaction: {0}")]
    Decode(String),
    /// A type the OS does not run.
    #[error("transaction type not supported")]
    UnsupportedType,
    /// Signed for another chain.
    #[error("invalid chain id for signer: have {found}, want {expected}")]
    ChainId {
        /// This chain's.
        expected: u64,
        /// The transaction's.
        found: u64,
    },
    /// The signature recovers no sender (or has a high `s`).
    #[error("invalid sender: {0}")]
    Sender(String),
    /// Less gas than the intrinsic cost.
    #[error("intrinsic gas too low: gas {limit}, minimum needed {intrinsic}")]
    IntrinsicGas {
        /// The limit.
        limit: u64,
        /// The intrinsic cost.
        intrinsic: u64,
    },
    /// Any other static rule of the kernel.
    #[error("{0}")]
    Static(TxError),
    /// Pays less per gas than the base fee.
    #[error("transaction underpriced: gas price {price}, minimum needed {base_fee}")]
    Underpriced {
        /// The most it pays.
        price: u128,
        /// The base fee.
        base_fee: u64,
    },
    /// More gas than a block has.
    #[error("exceeds block gas limit: gas {gas}, block gas limit {limit}")]
    BlockGasLimit {
        /// The transaction's limit.
        gas: u64,
        /// The block's.
        limit: u64,
    },
    /// More gas than a transaction may have on this chain (a chain whose
    /// tick budget per `kernel_run` is below what the block gas limit needs;
    /// geth's words for EIP-7825's cap).
    #[error("transaction gas limit too high (cap: {cap}, tx: {gas})")]
    GasCeiling {
        /// The transaction's limit.
        gas: u64,
        /// The most a transaction may have.
        cap: u64,
    },
    /// A nonce the account has used.
    #[error("nonce too low: next nonce {next}, tx nonce {nonce}")]
    NonceTooLow {
        /// The account's nonce.
        next: u64,
        /// The transaction's.
        nonce: u64,
    },
    /// The sender cannot pay the most the transaction may cost.
    #[error(
        "insufficient funds for gas * price + value: balance {balance}, tx cost {cost}, overshot {}",
        cost - balance
    )]
    Funds {
        /// The sender's balance.
        balance: U256,
        /// Gas limit × the highest price + value.
        cost: U256,
    },
    /// The pool refused it.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The chain could not be read.
    #[error("cannot read the chain: {0}")]
    View(#[from] ViewError),
}

/// Checks `raw` against the chain `view` (configured by `config`) and the
/// `pool`, and adds it to the pool.
pub fn admit(
    raw: &[u8],
    view: &View,
    config: &ChainConfig,
    pool: &mut Mempool,
) -> Result<Pending, AdmitError> {
    if raw.len() > MAX_TRANSACTION_SIZE {
        return Err(AdmitError::Oversized(raw.len()));
    }
    let decoded = tx::decode(raw).map_err(static_error)?;
    tx::check_static(&decoded, config.chain_id).map_err(static_error)?;
    let price = decoded.fee.max_price();
    if price < u128::from(config.base_fee_per_gas) {
        return Err(AdmitError::Underpriced { price, base_fee: config.base_fee_per_gas });
    }
    if decoded.gas_limit > config.block_gas_limit {
        return Err(AdmitError::BlockGasLimit {
            gas: decoded.gas_limit,
            limit: config.block_gas_limit,
        });
    }
    let cap = gas_ceiling(config, raw.len());
    if decoded.gas_limit > cap {
        return Err(AdmitError::GasCeiling { gas: decoded.gas_limit, cap });
    }
    let next = view.nonce(&decoded.sender)?;
    if decoded.nonce < next {
        if pool.get(&decoded.hash).is_some() || view.transaction(&decoded.hash)?.is_some() {
            return Err(PoolError::AlreadyKnown.into());
        }
        return Err(AdmitError::NonceTooLow { next, nonce: decoded.nonce });
    }
    let balance = view.balance(&decoded.sender)?;
    let cost = U256::from(decoded.gas_limit) * U256::from(price) + decoded.value;
    if cost > balance {
        return Err(AdmitError::Funds { balance, cost });
    }
    let pending = Pending { raw: raw.to_vec(), tx: decoded };
    pool.insert(pending.clone(), next)?;
    Ok(pending)
}

fn static_error(e: TxError) -> AdmitError {
    match e {
        TxError::Malformed(m) => AdmitError::Decode(m),
        TxError::UnsupportedType(_) => AdmitError::UnsupportedType,
        TxError::WrongChainId { expected, found } => AdmitError::ChainId { expected, found },
        TxError::HighS => AdmitError::Sender(e.to_string()),
        TxError::InvalidSignature(m) => AdmitError::Sender(m),
        TxError::IntrinsicGasTooLow { limit, intrinsic } => {
            AdmitError::IntrinsicGas { limit, intrinsic }
        }
        other => AdmitError::Static(other),
    }
}
