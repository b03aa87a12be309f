//! The block a level made, read back from durable storage by the OS's
//! layout (`zkos-layout`): its header, its transactions with their
//! receipts (status, gas, logs, created contract) and which VM ran the
//! contract each one called, and the deposits it credited.

use core::convert::Infallible;

use alloy_primitives::{Address, B256};
use host::Durable;
use kernel::system::code_record::{Meta, VmKind};
use layout::read::{ChainRead, ReadError};
use serde::Serialize;

use super::{
    Stored, eth, get, hex0x,
    log::{self, LogView},
};

/// A block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockView {
    /// Its number.
    pub number: u64,
    /// Its hash.
    pub hash: String,
    /// Its timestamp.
    pub timestamp: u64,
    /// Gas its transactions used.
    pub gas_used: u64,
    /// Its gas limit.
    pub gas_limit: u64,
    /// Its transactions, in order, with their receipts.
    pub transactions: Vec<ReceiptView>,
    /// The deposits it credited, in inbox order.
    pub deposits: Vec<DepositView>,
}

/// A transaction of the block and its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptView {
    /// The transaction's hash.
    pub hash: String,
    /// Its signer.
    pub from: Option<String>,
    /// The callee; `None` for a creation.
    pub to: Option<String>,
    /// Success (1) or failure (0).
    pub status: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// The contract it created.
    pub created: Option<String>,
    /// The VM of the contract it called or created (`EVM`, `WASM`,
    /// `RISC-V`), `system` for the OS's own contracts, or `account` for a
    /// call to an address without code.
    pub vm: String,
    /// Its logs.
    pub logs: Vec<LogView>,
}

/// A credited deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositView {
    /// Who was credited.
    pub receiver: String,
    /// How much, in wei (decimal).
    pub wei: String,
    /// The same in ETH.
    pub eth: String,
}

/// Why a block could not be read back (the state is not what the layout
/// says: a kernel other than Zk OS, or a bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("block {number}: {why}")]
pub struct BlockError {
    /// The block.
    pub number: u64,
    /// What could not be read, and why.
    pub why: String,
}

/// The number of the latest block, if the OS made any.
pub fn latest(durable: &Durable) -> Result<Option<u64>, ReadError<Infallible>> {
    Ok(Stored(durable).latest()?.map(|(number, _)| number))
}

/// Reads block `number` with the reads the node answers JSON-RPC with.
pub fn read(durable: &Durable, number: u64) -> Result<BlockView, BlockError> {
    let bad = |why: String| BlockError { number, why };
    let store = Stored(durable);
    let header = store
        .header(number)
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad("no header".to_owned()))?;
    let transactions = store
        .block_transactions(number)
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(|hash| receipt(&store, hash).map_err(&bad))
        .collect::<Result<_, _>>()?;
    let deposits = store
        .block_deposits(number)
        .map_err(|e| bad(e.to_string()))?
        .into_iter()
        .map(|d| DepositView {
            receiver: d.receiver.to_checksum(None),
            wei: d.wei.to_string(),
            eth: eth(&d.wei),
        })
        .collect();
    Ok(BlockView {
        number,
        hash: hex0x(header.hash_slow().as_slice()),
        timestamp: header.timestamp,
        gas_used: header.gas_used,
        gas_limit: header.gas_limit,
        transactions,
        deposits,
    })
}

fn receipt(store: &Stored<'_>, hash: &B256) -> Result<ReceiptView, String> {
    let (envelope, info) = store
        .receipt(hash)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no receipt for transaction {hash}"))?;
    let included = store
        .transaction(hash)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("transaction {hash} has a receipt but is not stored"))?;
    // The kernel's decoder, for the sender it recovered when it ran it.
    let tx = kernel::tx::decode(&included.raw).ok();
    let to = tx.as_ref().and_then(|t| t.to);
    let vm = match info.created.or(to) {
        Some(a) => vm_of(store.0, &a),
        None => "none".to_owned(),
    };
    let logs = envelope.logs().iter().map(log::view).collect();
    Ok(ReceiptView {
        hash: hex0x(hash.as_slice()),
        from: tx.as_ref().map(|t| t.sender.to_checksum(None)),
        to: to.map(|a| a.to_checksum(None)),
        status: envelope.status(),
        gas_used: info.gas_used,
        created: info.created.map(|a| a.to_checksum(None)),
        vm,
        logs,
    })
}

/// The VM the code at `address` runs on, by the record the OS keeps beside
/// deployed code (code without one is EVM bytecode written at genesis);
/// `system` for the OS's system contracts and precompiles, which are Rust
/// in the kernel.
pub fn vm_of(durable: &Durable, address: &Address) -> String {
    if kernel::system::contracts::is_system_contract(address)
        || kernel::system::precompiles::is_precompile(address)
    {
        return "system".to_owned();
    }
    if let Some(record) = get(durable, layout::prepared(address)) {
        return match Meta::decode(&record).map(|m| m.kind) {
            Some(kind) => vm_name(kind).to_owned(),
            None => "unknown".to_owned(),
        };
    }
    match get(durable, layout::code(address)) {
        Some(code) if !code.is_empty() => "EVM".to_owned(),
        _ => "account".to_owned(),
    }
}

/// The name the page gives a VM.
pub fn vm_name(kind: VmKind) -> &'static str {
    match kind {
        VmKind::Evm => "EVM",
        VmKind::Wasm => "WASM",
        VmKind::RiscV => "RISC-V",
    }
}

#[cfg(test)]
mod tests {
    use alloy_consensus::Header;
    use alloy_primitives::keccak256;

    use super::*;
    use crate::testing::set;

    #[test]
    fn a_block_not_as_the_layout_says_is_an_error_not_a_panic() {
        let mut d = Durable::new();
        assert_eq!(latest(&d).unwrap(), None);
        set(&mut d, "/zkos/blocks/latest", &[0; 3]);
        assert!(latest(&d).is_err(), "too short for a number and a hash");
        assert_eq!(read(&d, 0).unwrap_err().why, "no header");
        set(&mut d, &layout::block_header(0), b"not rlp");
        assert!(read(&d, 0).unwrap_err().why.starts_with("stored block header does not decode"));
        let header = Header::default();
        let mut rlp = Vec::new();
        alloy_rlp::Encodable::encode(&header, &mut rlp);
        set(&mut d, &layout::block_header(0), &rlp);
        set(&mut d, &layout::block_transactions(0), &[1; 33]);
        assert_eq!(
            read(&d, 0).unwrap_err().to_string(),
            "block 0: stored block transactions does not decode: 33 bytes"
        );
        set(&mut d, &layout::block_transactions(0), &[1; 32]);
        assert!(read(&d, 0).unwrap_err().why.starts_with("no receipt for transaction 0x0101"));
        set(&mut d, &layout::block_transactions(0), &[]);
        set(&mut d, &layout::block_deposits(0), &[1; 51]);
        assert!(read(&d, 0).unwrap_err().why.starts_with("stored block deposits"));
        set(&mut d, &layout::block_deposits(0), &[]);
        let block = read(&d, 0).unwrap();
        assert!(block.transactions.is_empty() && block.deposits.is_empty());
        assert_eq!(block.hash, hex0x(keccak256(&rlp).as_slice()), "the hash is of the stored RLP");
    }

    #[test]
    fn the_vm_of_an_address_comes_from_its_code_record() {
        let mut d = Durable::new();
        let a = Address::repeat_byte(0x11);
        assert_eq!(vm_of(&d, &a), "account");
        set(&mut d, &layout::code(&a), &[0x60, 0x00]);
        assert_eq!(vm_of(&d, &a), "EVM", "code without a record is EVM bytecode");
        let record = Meta { kind: VmKind::RiscV, constants: &[], prepared: &[] }.encode();
        set(&mut d, &layout::prepared(&a), &record);
        assert_eq!(vm_of(&d, &a), "RISC-V");
        set(&mut d, &layout::prepared(&a), &[9]);
        assert_eq!(vm_of(&d, &a), "unknown");
    }
}
