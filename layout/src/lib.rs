//! The Zk OS durable-storage layout: a public interface.
//!
//! Everything of the OS lives under `/zkos`, one value per path, so a
//! Merkle proof of any one fact (a balance, a slot, a receipt) is a path in
//! the durable-storage tree. The kernel writes these paths; the runner
//! writes them at genesis; the node and tools read them. Numbers are
//! big-endian; addresses and hashes in paths are lowercase hex without `0x`.
//!
//! | path | value |
//! | --- | --- |
//! | `/zkos/config` | [`ChainConfig`], 84 bytes (see its docs) |
//! | `/zkos/chunks/<tx hash>/count`, `/zkos/chunks/<tx hash>/<index, 4 hex digits>` | chunks of a large transaction waiting for the rest (see the kernel's `bootloader::chunks`) |
//! | `/zkos/pending/block` | the block in progress while a level continues across reboots (the kernel's private record; absent between levels) |
//! | `/zkos/accounts/<address>/balance` | U256, 32 bytes (absent = 0) |
//! | `/zkos/accounts/<address>/nonce` | u64, 8 bytes (absent = 0) |
//! | `/zkos/accounts/<address>/code` | the code (absent = none) |
//! | `/zkos/accounts/<address>/code_hash` | keccak-256 of the code |
//! | `/zkos/accounts/<address>/prepared` | the record kept beside the code: its VM (u8: 0 EVM, 1 WASM, 2 RISC-V) ‖ constants length (u32) ‖ the constants area ‖ what the VM prepared once at deploy (EVM: the jumpdest bitmap, bit `i` of byte `i / 8`, LSB first, set when byte `i` is a JUMPDEST; WASM: see the kernel's `ee::wasm::prepare`); absent for code written without one (EVM, bitmap computed per call) |
//! | `/zkos/accounts/<address>/storage/<slot>` | U256, 32 bytes (absent = 0) |
//! | `/zkos/receipts/<tx hash>` | the EIP-2718 encoded receipt (status, cumulative gas, bloom, logs) |
//! | `/zkos/receipt-info/<tx hash>` | [`ReceiptInfo`], 45 bytes: what an Ethereum receipt leaves to be derived (gas used, effective gas price, created contract) |
//! | `/zkos/transactions/<tx hash>` | block number (u64) ‖ index in the block (u32) ‖ the raw EIP-2718 transaction |
//! | `/zkos/blocks/latest` | number (u64) ‖ hash (32 bytes) of the last block |
//! | `/zkos/blocks/<number, 16 hex digits>/header` | the block's RLP-encoded Ethereum header |
//! | `/zkos/blocks/<number>/transactions` | its transactions' hashes, 32 bytes each |
//! | `/zkos/blocks/<number>/deposits` | the deposits credited in the block, in inbox order: receiver (20 bytes) ‖ wei (U256) each; absent when none |
//! | `/zkos/block-hashes/<block hash>` | the block's number (u64) |
//! | `/zkos/head/level`, `/zkos/head/timestamp`, `/zkos/head/counts`, `/zkos/levels` | the last level processed (see the kernel's docs) |
//!
//! With the feature `read`, [`read::ChainRead`] reads accounts, blocks,
//! transactions and receipts back from any store of these values.

#![no_std]

extern crate alloc;

use alloc::{format, string::String, vec::Vec};

use alloy_primitives::{Address, B256, U256};

#[cfg(feature = "read")]
pub mod read;

/// The prefix of everything the OS keeps.
pub const ROOT: &str = "/zkos";
/// Where the chain configuration lives.
pub const CONFIG: &[u8] = b"/zkos/config";

/// The directory of an account.
pub fn account(address: &Address) -> String {
    format!("/zkos/accounts/{}", hex::encode(address))
}

/// An account's balance.
pub fn balance(address: &Address) -> String {
    format!("{}/balance", account(address))
}

/// An account's nonce.
pub fn nonce(address: &Address) -> String {
    format!("{}/nonce", account(address))
}

/// An account's code.
pub fn code(address: &Address) -> String {
    format!("{}/code", account(address))
}

/// The keccak-256 of an account's code.
pub fn code_hash(address: &Address) -> String {
    format!("{}/code_hash", account(address))
}

/// The record beside an account's code: its VM, its constants area, and
/// what the VM prepared from the code at deploy time, so calls need not
/// redo it (EVM: the jumpdest bitmap). See the kernel's `ee::deploy`.
pub fn prepared(address: &Address) -> String {
    format!("{}/prepared", account(address))
}

/// The directory of an account's storage slots.
pub fn storage_dir(address: &Address) -> String {
    format!("{}/storage", account(address))
}

/// One storage slot of an account.
pub fn storage(address: &Address, slot: &U256) -> String {
    format!("{}/{}", storage_dir(address), hex::encode(slot.to_be_bytes::<32>()))
}

/// A transaction's receipt.
pub fn receipt(tx_hash: &B256) -> String {
    format!("/zkos/receipts/{}", hex::encode(tx_hash))
}

/// What the OS knows of an included transaction beyond its EIP-2718
/// receipt: gas used, the effective gas price and the created contract.
pub fn receipt_info(tx_hash: &B256) -> String {
    format!("/zkos/receipt-info/{}", hex::encode(tx_hash))
}

/// The latest block: its number (u64) then its hash (32 bytes).
pub const LATEST_BLOCK: &[u8] = b"/zkos/blocks/latest";

/// The directory of block `number` (16 hex digits, so paths sort by number).
pub fn block(number: u64) -> String {
    format!("/zkos/blocks/{number:016x}")
}

/// The RLP-encoded Ethereum header of block `number`.
pub fn block_header(number: u64) -> String {
    format!("{}/header", block(number))
}

/// The hashes of block `number`'s transactions, 32 bytes each, in order.
pub fn block_transactions(number: u64) -> String {
    format!("{}/transactions", block(number))
}

/// The deposits credited in block `number`: receiver (20 bytes) ‖ wei
/// (U256) each.
pub fn block_deposits(number: u64) -> String {
    format!("{}/deposits", block(number))
}

/// The number (u64) of the block with hash `hash`.
pub fn block_number_by_hash(hash: &B256) -> String {
    format!("/zkos/block-hashes/{}", hex::encode(hash))
}

/// Where a transaction lies: block number (u64) ‖ index (u32) ‖ the raw
/// EIP-2718 bytes.
pub fn transaction(tx_hash: &B256) -> String {
    format!("/zkos/transactions/{}", hex::encode(tx_hash))
}

/// Encodes a U256 value (balances, slots).
pub fn encode_u256(v: &U256) -> [u8; 32] {
    v.to_be_bytes()
}

/// Decodes a U256 value; anything but 32 bytes is refused.
pub fn decode_u256(bytes: &[u8]) -> Result<U256, LayoutError> {
    let b: [u8; 32] = bytes.try_into().map_err(|_| LayoutError::Size("u256", bytes.len()))?;
    Ok(U256::from_be_bytes(b))
}

/// Decodes a u64 value (nonces).
pub fn decode_u64(bytes: &[u8]) -> Result<u64, LayoutError> {
    let b: [u8; 8] = bytes.try_into().map_err(|_| LayoutError::Size("u64", bytes.len()))?;
    Ok(u64::from_be_bytes(b))
}

/// A stored value that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// The wrong number of bytes for the type.
    #[error("a stored {0} of {1} bytes")]
    Size(&'static str, usize),
}

/// The part of a receipt Ethereum's encoding leaves out.
///
/// Encoding (45 bytes): `gas_used` u64 ‖ `effective_gas_price` u128 ‖ one
/// byte 1 if a contract was created, else 0 ‖ its address (20 zero bytes if
/// none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptInfo {
    /// Gas the transaction used (refund deducted).
    pub gas_used: u64,
    /// Wei it paid per gas.
    pub effective_gas_price: u128,
    /// The contract it created, if any.
    pub created: Option<Address>,
}

/// The size of an encoded [`ReceiptInfo`].
pub const RECEIPT_INFO_SIZE: usize = 8 + 16 + 1 + 20;

impl ReceiptInfo {
    /// Encodes as documented on the type.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(RECEIPT_INFO_SIZE);
        v.extend_from_slice(&self.gas_used.to_be_bytes());
        v.extend_from_slice(&self.effective_gas_price.to_be_bytes());
        v.push(u8::from(self.created.is_some()));
        v.extend_from_slice(self.created.unwrap_or_default().as_slice());
        v
    }

    /// Decodes; anything but the documented shape is refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, LayoutError> {
        let b: &[u8; RECEIPT_INFO_SIZE] =
            bytes.try_into().map_err(|_| LayoutError::Size("receipt info", bytes.len()))?;
        let (gas, rest) = b.split_at(8);
        let (price, rest) = rest.split_at(16);
        let created = match rest[0] {
            0 => None,
            1 => Some(Address::from_slice(&rest[1..])),
            _ => return Err(LayoutError::Size("receipt info flag", usize::from(rest[0]))),
        };
        Ok(Self {
            gas_used: decode_u64(gas)?,
            effective_gas_price: u128::from_be_bytes(
                price.try_into().map_err(|_| LayoutError::Size("u128", price.len()))?,
            ),
            created,
        })
    }
}

/// The chain's configuration, fixed at genesis.
///
/// Encoding (84 bytes): `chain_id` u64 ‖ `coinbase` 20 bytes ‖
/// `block_gas_limit` u64 ‖ `base_fee_per_gas` u64 ‖ `ticketer` 20 bytes
/// (the KT1 hash of the L1 bridge contract) ‖ `fee_account` 20 bytes ‖
/// `ticks_per_run` u64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Receives the priority fees.
    pub coinbase: Address,
    /// The most gas a block may use.
    pub block_gas_limit: u64,
    /// The base fee per gas (fixed for now; EIP-1559's update rule is not applied).
    pub base_fee_per_gas: u64,
    /// The L1 contract whose tickets are deposits.
    pub ticketer: [u8; 20],
    /// Receives the base fees (instead of burning them), so the rollup's
    /// total supply stays equal to deposits minus withdrawals.
    pub fee_account: Address,
    /// The ticks the kernel plans to use in one `kernel_run`: work beyond
    /// it continues after a reboot. Below the PVM's limit, with a margin
    /// for the cost model's error.
    pub ticks_per_run: u64,
}

/// The size of an encoded [`ChainConfig`].
pub const CHAIN_CONFIG_SIZE: usize = 8 + 20 + 8 + 8 + 20 + 20 + 8;

/// The default of [`ChainConfig::ticks_per_run`]: 100 × 10⁹, so that one
/// run holds the worst case of a transaction of a 30 M block gas limit
/// (2,000 ticks per gas: about 60 × 10⁹) with a whole block's sealing
/// beside it, and stays 500 times under the 50 × 10¹² ticks a `kernel_run`
/// has on Tezos since Paris. (Under Mumbai–Oxford's 11 × 10⁹ a chain needs a
/// smaller budget, and then a lower per-transaction gas ceiling: see the
/// kernel's `bootloader::budget::gas_ceiling`.)
pub const DEFAULT_TICKS_PER_RUN: u64 = 100_000_000_000;

/// Where the block in progress is kept across the reboots of a level.
pub const PENDING_BLOCK: &[u8] = b"/zkos/pending/block";

impl ChainConfig {
    /// The 84-byte encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(CHAIN_CONFIG_SIZE);
        out.extend_from_slice(&self.chain_id.to_be_bytes());
        out.extend_from_slice(self.coinbase.as_slice());
        out.extend_from_slice(&self.block_gas_limit.to_be_bytes());
        out.extend_from_slice(&self.base_fee_per_gas.to_be_bytes());
        out.extend_from_slice(&self.ticketer);
        out.extend_from_slice(self.fee_account.as_slice());
        out.extend_from_slice(&self.ticks_per_run.to_be_bytes());
        out
    }

    /// Decodes the 84-byte encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, LayoutError> {
        if bytes.len() != CHAIN_CONFIG_SIZE {
            return Err(LayoutError::Size("chain config", bytes.len()));
        }
        let mut at = 0;
        let mut take = |n: usize| {
            let part = &bytes[at..at + n];
            at += n;
            part
        };
        Ok(Self {
            chain_id: u64::from_be_bytes(array(take(8))),
            coinbase: Address::from_slice(take(20)),
            block_gas_limit: u64::from_be_bytes(array(take(8))),
            base_fee_per_gas: u64::from_be_bytes(array(take(8))),
            ticketer: array(take(20)),
            fee_account: Address::from_slice(take(20)),
            ticks_per_run: u64::from_be_bytes(array(take(8))),
        })
    }
}

/// Copies a slice of exactly `N` bytes (callers split by known sizes).
fn array<const N: usize>(part: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(part);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_info_round_trips_and_refuses_bad_shapes() {
        for created in [None, Some(Address::repeat_byte(7))] {
            let info = ReceiptInfo { gas_used: 21_000, effective_gas_price: 3 << 100, created };
            let bytes = info.encode();
            assert_eq!(bytes.len(), RECEIPT_INFO_SIZE);
            assert_eq!(ReceiptInfo::decode(&bytes), Ok(info));
        }
        let mut bad = ReceiptInfo { gas_used: 1, effective_gas_price: 1, created: None }.encode();
        bad[24] = 2;
        assert!(ReceiptInfo::decode(&bad).is_err());
        assert!(ReceiptInfo::decode(&bad[1..]).is_err());
    }

    #[test]
    fn config_round_trips() {
        let c = ChainConfig {
            chain_id: 0x5a4b,
            coinbase: Address::repeat_byte(1),
            block_gas_limit: 30_000_000,
            base_fee_per_gas: 1_000_000_000,
            ticketer: [7; 20],
            fee_account: Address::repeat_byte(2),
            ticks_per_run: DEFAULT_TICKS_PER_RUN,
        };
        assert_eq!(c.encode().len(), CHAIN_CONFIG_SIZE);
        assert_eq!(ChainConfig::decode(&c.encode()), Ok(c));
        assert_eq!(ChainConfig::decode(&[0; 3]), Err(LayoutError::Size("chain config", 3)));
    }

    #[test]
    fn paths_fit_the_pvm_limit() {
        let p = storage(&Address::repeat_byte(0xab), &U256::MAX);
        assert!(p.len() <= 240, "{}", p.len());
        assert!(p.starts_with("/zkos/accounts/abab"));
    }
}
