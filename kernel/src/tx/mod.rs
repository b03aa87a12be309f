//! Ethereum transactions as the OS accepts them.
//!
//! An external message framed for this rollup carries one signed Ethereum
//! transaction, EIP-2718 encoded: legacy (with or without EIP-155's chain
//! id), EIP-2930 (type 1) or EIP-1559 (type 2). Decoding and signer recovery
//! are `alloy-consensus`'s (with `k256`); this module adds the rules that
//! need no state ([`check_static`]): the chain id, EIP-2 low `s`, EIP-2681's
//! nonce limit, fee sanity, the intrinsic gas of EIP-2028/2930/3860 and the
//! initcode limit of EIP-3860. Rules that need state (nonce, balance, block
//! gas limit) belong to the bootloader.
//!
//! Legacy transactions without a chain id (pre-EIP-155) are accepted, as
//! Ethereum accepts them: deterministic deployments (Nick's method) depend on
//! them. Refusing them is an RPC policy, not a consensus rule.
//!
//! Known deviation: fees are `u128` in `alloy-consensus` (as in reth), so a
//! transaction whose gas price or fee cap needs more than 128 bits is refused
//! as malformed although Ethereum would accept it (and then fail it for lack
//! of funds). Three of Ethereum's TransactionTests cover this.

pub mod intrinsic;

use alloy_consensus::{
    Signed, TxEnvelope,
    transaction::{RlpEcdsaEncodableTx, SignableTransaction},
};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, Bytes, Signature, U256};

pub use intrinsic::intrinsic_gas;

/// EIP-3860: the largest initcode a creation may carry.
pub const MAX_INITCODE_SIZE: usize = 2 * 24_576;

/// Half the order of secp256k1: EIP-2 refuses signatures with a larger `s`.
const SECP256K1N_HALF: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// Which envelope a transaction came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxType {
    /// Untyped (legacy).
    Legacy,
    /// EIP-2930 (type 1).
    Eip2930,
    /// EIP-1559 (type 2).
    Eip1559,
}

/// What the transaction pays per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fee {
    /// A fixed price (legacy and EIP-2930).
    Legacy {
        /// Wei per gas.
        gas_price: u128,
    },
    /// EIP-1559's cap and tip.
    Dynamic {
        /// The most paid per gas, base fee included.
        max_fee_per_gas: u128,
        /// The most given to the coinbase per gas.
        max_priority_fee_per_gas: u128,
    },
}

impl Fee {
    /// The highest price per gas the sender may pay.
    pub fn max_price(&self) -> u128 {
        match *self {
            Fee::Legacy { gas_price } => gas_price,
            Fee::Dynamic { max_fee_per_gas, .. } => max_fee_per_gas,
        }
    }
}

/// A decoded transaction with its recovered sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Keccak-256 of the encoded transaction.
    pub hash: B256,
    /// The envelope.
    pub tx_type: TxType,
    /// The signer.
    pub sender: Address,
    /// The chain id it is signed for (`None`: a legacy transaction without EIP-155).
    pub chain_id: Option<u64>,
    /// The sender's nonce.
    pub nonce: u64,
    /// The gas limit.
    pub gas_limit: u64,
    /// The price.
    pub fee: Fee,
    /// The callee, or `None` for a creation.
    pub to: Option<Address>,
    /// Wei transferred.
    pub value: U256,
    /// Calldata, or initcode for a creation.
    pub input: Bytes,
    /// EIP-2930 access list: addresses and their storage keys.
    pub access_list: Vec<(Address, Vec<B256>)>,
}

/// Why a transaction was refused before execution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Not a well-formed EIP-2718 transaction (bad RLP, trailing bytes, …).
    #[error("malformed transaction: {0}")]
    Malformed(String),
    /// A transaction type the OS does not run (EIP-4844 blobs, EIP-7702).
    #[error("unsupported transaction type {0}")]
    UnsupportedType(u8),
    /// EIP-2: `s` in the upper half of the curve order.
    #[error("signature s value too high (EIP-2)")]
    HighS,
    /// Signed for another chain (EIP-155 or the typed transaction's field).
    #[error("wrong chain id {found}, this chain is {expected}")]
    WrongChainId {
        /// This chain's id.
        expected: u64,
        /// The transaction's.
        found: u64,
    },
    /// The signature does not recover to a key.
    #[error("invalid signature: {0}")]
    InvalidSignature(String),
    /// EIP-2681: the nonce is 2^64 − 1.
    #[error("nonce at its maximum (EIP-2681)")]
    NonceOverflow,
    /// The tip is above the cap.
    #[error("max priority fee per gas {tip} above max fee per gas {cap}")]
    TipAboveCap {
        /// The tip.
        tip: u128,
        /// The cap.
        cap: u128,
    },
    /// Less gas than the intrinsic cost.
    #[error("intrinsic gas too low: limit {limit}, intrinsic {intrinsic}")]
    IntrinsicGasTooLow {
        /// The gas limit.
        limit: u64,
        /// What the transaction costs before executing anything.
        intrinsic: u64,
    },
    /// EIP-3860: initcode over 49,152 bytes.
    #[error("initcode of {0} bytes over the EIP-3860 limit")]
    InitcodeTooLarge(usize),
}

/// The gas limit of an EIP-2718 transaction, without recovering its
/// sender (what planning a `kernel_run` needs, cheaply).
pub fn gas_limit_of(bytes: &[u8]) -> Option<u64> {
    use alloy_consensus::Transaction as _;
    TxEnvelope::decode_2718_exact(bytes).ok().map(|e| e.gas_limit())
}

/// Decodes an EIP-2718 transaction and recovers its sender.
pub fn decode(bytes: &[u8]) -> Result<Transaction, TxError> {
    let envelope =
        TxEnvelope::decode_2718_exact(bytes).map_err(|e| TxError::Malformed(e.to_string()))?;
    match envelope {
        TxEnvelope::Legacy(s) => from_signed(s, TxType::Legacy),
        TxEnvelope::Eip2930(s) => from_signed(s, TxType::Eip2930),
        TxEnvelope::Eip1559(s) => from_signed(s, TxType::Eip1559),
        TxEnvelope::Eip4844(_) => Err(TxError::UnsupportedType(3)),
        TxEnvelope::Eip7702(_) => Err(TxError::UnsupportedType(4)),
    }
}

fn from_signed<T>(signed: Signed<T>, tx_type: TxType) -> Result<Transaction, TxError>
where
    T: SignableTransaction<Signature> + RlpEcdsaEncodableTx + alloy_consensus::Transaction,
{
    let sig: &Signature = signed.signature();
    if sig.s() > SECP256K1N_HALF {
        return Err(TxError::HighS);
    }
    let sender = signed.recover_signer().map_err(|e| TxError::InvalidSignature(e.to_string()))?;
    let tx = signed.tx();
    let fee = match tx_type {
        TxType::Eip1559 => Fee::Dynamic {
            max_fee_per_gas: tx.max_fee_per_gas(),
            max_priority_fee_per_gas: tx.max_priority_fee_per_gas().unwrap_or_default(),
        },
        _ => Fee::Legacy { gas_price: tx.gas_price().unwrap_or_default() },
    };
    let access_list = tx
        .access_list()
        .map(|l| l.iter().map(|i| (i.address, i.storage_keys.clone())).collect())
        .unwrap_or_default();
    Ok(Transaction {
        hash: *signed.hash(),
        tx_type,
        sender,
        chain_id: tx.chain_id(),
        nonce: tx.nonce(),
        gas_limit: tx.gas_limit(),
        fee,
        to: tx.to(),
        value: tx.value(),
        input: tx.input().clone(),
        access_list,
    })
}

/// The checks that need no state but this chain's id; returns the
/// intrinsic gas.
pub fn check_static(tx: &Transaction, chain_id: u64) -> Result<u64, TxError> {
    if let Some(found) = tx.chain_id
        && found != chain_id
    {
        return Err(TxError::WrongChainId { expected: chain_id, found });
    }
    if tx.nonce == u64::MAX {
        return Err(TxError::NonceOverflow);
    }
    if let Fee::Dynamic { max_fee_per_gas, max_priority_fee_per_gas } = tx.fee
        && max_priority_fee_per_gas > max_fee_per_gas
    {
        return Err(TxError::TipAboveCap { tip: max_priority_fee_per_gas, cap: max_fee_per_gas });
    }
    // Ethereum refuses gas × price above 2^256; with a u64 gas limit and
    // u128 prices the product stays below 2^192, and larger prices were
    // refused by the decoder.
    if tx.to.is_none() && tx.input.len() > MAX_INITCODE_SIZE {
        return Err(TxError::InitcodeTooLarge(tx.input.len()));
    }
    let intrinsic = intrinsic_gas(tx);
    if tx.gas_limit < intrinsic {
        return Err(TxError::IntrinsicGasTooLow { limit: tx.gas_limit, intrinsic });
    }
    Ok(intrinsic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet::{Call, Wallet};

    #[test]
    fn decodes_what_a_wallet_signs() {
        let alice = Wallet::from_seed(7);
        let to = Wallet::from_seed(8).address();
        let bytes = alice.sign_1559(42, &Call::with_input(to, vec![1, 0, 2]), 3, 100, 2, 50_000);
        let tx = decode(&bytes).unwrap();
        assert_eq!(tx.sender, alice.address());
        assert_eq!(tx.tx_type, TxType::Eip1559);
        assert_eq!((tx.chain_id, tx.nonce, tx.gas_limit, tx.to), (Some(42), 3, 50_000, Some(to)));
        assert_eq!(tx.fee, Fee::Dynamic { max_fee_per_gas: 100, max_priority_fee_per_gas: 2 });
        assert_eq!(check_static(&tx, 42), Ok(21_000 + 16 + 4 + 16));
        assert_eq!(check_static(&tx, 43), Err(TxError::WrongChainId { expected: 43, found: 42 }));
    }

    #[test]
    fn creation_pays_for_its_initcode() {
        let alice = Wallet::from_seed(7);
        let bytes = alice.sign_legacy(42, &Call::create(vec![0xff; 33]), 0, 1, 100_000);
        let tx = decode(&bytes).unwrap();
        assert_eq!(tx.to, None);
        assert_eq!(check_static(&tx, 42), Ok(21_000 + 32_000 + 33 * 16 + 2 * 2));
        let big =
            alice.sign_legacy(42, &Call::create(vec![1; MAX_INITCODE_SIZE + 1]), 0, 1, 30_000_000);
        assert_eq!(
            check_static(&decode(&big).unwrap(), 42),
            Err(TxError::InitcodeTooLarge(MAX_INITCODE_SIZE + 1))
        );
    }

    #[test]
    fn refuses_a_tip_above_the_cap() {
        let alice = Wallet::from_seed(7);
        let bytes = alice.sign_1559(42, &Call::transfer(alice.address(), 1), 0, 5, 6, 21_000);
        assert_eq!(
            check_static(&decode(&bytes).unwrap(), 42),
            Err(TxError::TipAboveCap { tip: 6, cap: 5 })
        );
    }
}
