//! One block per inbox level: an Ethereum header over the level's included
//! transactions and their receipts.
//!
//! What the header commits to:
//! - `number` counts blocks from 0 (the first level run); `parent_hash` is
//!   the previous block's hash (zero for block 0); `timestamp` is the
//!   level's InfoPerLevel predecessor timestamp; `beneficiary` the coinbase;
//!   `gas_limit`, `gas_used`, `base_fee_per_gas` as in Ethereum;
//! - `transactions_root` and `receipts_root` are Ethereum's (ordered
//!   Merkle-Patricia tries of the EIP-2718 encodings), `logs_bloom` the OR of
//!   the receipts' blooms;
//! - `state_root` is **zero**: the rollup's state commitment is the PVM's
//!   durable-storage root, which the L1 protocol commits level by level; the
//!   kernel cannot read it, and an Ethereum-style state root would be a
//!   second, unverified commitment. `ommers_hash` is the empty-list hash;
//!   difficulty, nonce and mix hash are zero; no withdrawals, blobs or
//!   requests fields (the header is London-shaped).

use alloy_consensus::{EMPTY_OMMER_ROOT_HASH, Header, ReceiptEnvelope, TxReceipt};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Bloom, Bytes, U256};
use alloy_rlp::Encodable;
use layout::ChainConfig;
use tezos_smart_rollup_host::{path::RefPath, runtime::Runtime};

use crate::system::{SystemError, path, read, world::MAX_OUTPUTS_PER_LEVEL};

const LATEST: RefPath<'static> = RefPath::assert_from(layout::LATEST_BLOCK);

/// The block being built during a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockBuilder {
    number: u64,
    parent_hash: B256,
    transactions: Vec<(B256, Vec<u8>)>,
    receipts: Vec<ReceiptEnvelope>,
    infos: Vec<layout::ReceiptInfo>,
    deposits: Vec<(Address, U256)>,
    gas_used: u64,
    outputs: usize,
}

impl BlockBuilder {
    /// Starts the block after the latest one.
    pub fn start<H: Runtime>(host: &H) -> Result<Self, SystemError> {
        // A failing read is an error, not "no block yet": restarting at block 0
        // would fork the chain.
        let latest = String::from_utf8_lossy(layout::LATEST_BLOCK).into_owned();
        let (number, parent_hash) = match read(host, latest)? {
            Some(b) if b.len() == 40 => {
                let number = layout::decode_u64(&b[..8])?;
                (number + 1, B256::from_slice(&b[8..]))
            }
            Some(b) => return Err(layout::LayoutError::Size("latest block", b.len()).into()),
            None => (0, B256::ZERO),
        };
        Ok(Self {
            number,
            parent_hash,
            transactions: Vec::new(),
            receipts: Vec::new(),
            infos: Vec::new(),
            deposits: Vec::new(),
            gas_used: 0,
            outputs: 0,
        })
    }

    /// The number of the block being built.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Gas used by the transactions included so far.
    pub fn gas_used(&self) -> u64 {
        self.gas_used
    }

    /// How many transactions are included so far.
    pub fn len(&self) -> usize {
        self.transactions.len()
    }

    /// Whether no transaction is included yet.
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }

    /// How many more outbox messages the level can take.
    pub fn outbox_room(&self) -> usize {
        MAX_OUTPUTS_PER_LEVEL.saturating_sub(self.outputs)
    }

    /// Counts outbox messages written by an included transaction.
    pub fn add_outputs(&mut self, n: usize) {
        self.outputs += n;
    }

    /// Records a credited deposit.
    pub fn push_deposit(&mut self, receiver: Address, wei: U256) {
        self.deposits.push((receiver, wei));
    }

    /// Records an included transaction: its hash, raw bytes, receipt and
    /// what the receipt leaves out (gas used, price, created contract).
    pub fn push(
        &mut self,
        hash: B256,
        raw: Vec<u8>,
        receipt: ReceiptEnvelope,
        info: layout::ReceiptInfo,
    ) {
        self.transactions.push((hash, raw));
        self.receipts.push(receipt);
        self.gas_used += info.gas_used;
        self.infos.push(info);
    }

    /// The block in progress as bytes, to continue it after a reboot
    /// ([`BlockBuilder::decode`]): RLP of the fields and of every included
    /// transaction's raw bytes, EIP-2718 receipt and receipt info.
    pub fn encode(&self) -> Vec<u8> {
        let record = Record {
            number: self.number,
            parent_hash: self.parent_hash,
            gas_used: self.gas_used,
            outputs: self.outputs as u64,
            hashes: self.transactions.iter().map(|(h, _)| *h).collect(),
            raws: self.transactions.iter().map(|(_, r)| Bytes::copy_from_slice(r)).collect(),
            receipts: self.receipts.iter().map(|r| r.encoded_2718().into()).collect(),
            infos: self.infos.iter().map(|i| i.encode().into()).collect(),
            deposits: self
                .deposits
                .iter()
                .map(|(a, v)| [a.as_slice(), &layout::encode_u256(v)].concat().into())
                .collect(),
        };
        alloy_rlp::encode(&record)
    }

    /// The block [`BlockBuilder::encode`] wrote.
    pub fn decode(mut bytes: &[u8]) -> Result<Self, SystemError> {
        use alloy_eips::eip2718::Decodable2718;
        let bad = |what: &'static str| SystemError::Corrupt(layout::LayoutError::Size(what, 0));
        let r = <Record as alloy_rlp::Decodable>::decode(&mut bytes)
            .map_err(|_| bad("pending block"))?;
        let n = r.hashes.len();
        if [r.raws.len(), r.receipts.len(), r.infos.len()] != [n; 3] {
            return Err(bad("pending block lists"));
        }
        let receipts = r
            .receipts
            .iter()
            .map(|b| ReceiptEnvelope::decode_2718(&mut b.as_ref()).map_err(|_| bad("receipt")))
            .collect::<Result<_, _>>()?;
        let infos =
            r.infos.iter().map(|b| layout::ReceiptInfo::decode(b)).collect::<Result<_, _>>()?;
        let deposits = r
            .deposits
            .iter()
            .map(|b| match b.len() {
                52 => Ok((Address::from_slice(&b[..20]), layout::decode_u256(&b[20..])?)),
                _ => Err(bad("pending deposit")),
            })
            .collect::<Result<_, SystemError>>()?;
        Ok(Self {
            number: r.number,
            parent_hash: r.parent_hash,
            transactions: r
                .hashes
                .into_iter()
                .zip(r.raws.into_iter().map(|b| b.to_vec()))
                .collect(),
            receipts,
            infos,
            deposits,
            gas_used: r.gas_used,
            outputs: usize::try_from(r.outputs).map_err(|_| bad("outputs"))?,
        })
    }

    /// Computes the header and writes the block, its transactions' locations
    /// and receipts, and the new latest block.
    pub fn seal<H: Runtime>(
        self,
        host: &mut H,
        config: &ChainConfig,
        timestamp: u64,
    ) -> Result<Header, SystemError> {
        let transactions_root = alloy_trie::root::ordered_trie_root_with_encoder(
            &self.transactions,
            |(_, raw), buf| buf.extend_from_slice(raw),
        );
        let receipts_root =
            alloy_trie::root::ordered_trie_root_with_encoder(&self.receipts, |r, buf| {
                r.encode_2718(buf)
            });
        let logs_bloom = self.receipts.iter().fold(Bloom::ZERO, |b, r| b | r.bloom());
        let header = Header {
            parent_hash: self.parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: config.coinbase,
            state_root: B256::ZERO,
            transactions_root,
            receipts_root,
            logs_bloom,
            difficulty: U256::ZERO,
            number: self.number,
            gas_limit: config.block_gas_limit,
            gas_used: self.gas_used,
            timestamp,
            extra_data: Bytes::new(),
            mix_hash: B256::ZERO,
            nonce: Default::default(),
            base_fee_per_gas: Some(config.base_fee_per_gas),
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
            block_access_list_hash: None,
            slot_number: None,
        };
        let hash = header.hash_slow();
        let mut rlp = Vec::new();
        header.encode(&mut rlp);
        host.store_write_all(&path(layout::block_header(self.number))?, &rlp)?;
        let hashes: Vec<u8> = self.transactions.iter().flat_map(|(h, _)| h.0).collect();
        host.store_write_all(&path(layout::block_transactions(self.number))?, &hashes)?;
        if !self.deposits.is_empty() {
            let deposits: Vec<u8> = self
                .deposits
                .iter()
                .flat_map(|(a, v)| a.0.into_iter().chain(layout::encode_u256(v)))
                .collect();
            host.store_write_all(&path(layout::block_deposits(self.number))?, &deposits)?;
        }
        for (index, (((tx_hash, raw), receipt), info)) in
            self.transactions.iter().zip(&self.receipts).zip(&self.infos).enumerate()
        {
            host.store_write_all(&path(layout::receipt_info(tx_hash))?, &info.encode())?;
            let mut location = self.number.to_be_bytes().to_vec();
            location.extend_from_slice(&(index as u32).to_be_bytes());
            location.extend_from_slice(raw);
            host.store_write_all(&path(layout::transaction(tx_hash))?, &location)?;
            host.store_write_all(&path(layout::receipt(tx_hash))?, &receipt.encoded_2718())?;
        }
        host.store_write_all(
            &path(layout::block_number_by_hash(&hash))?,
            &self.number.to_be_bytes(),
        )?;
        let mut latest = self.number.to_be_bytes().to_vec();
        latest.extend_from_slice(hash.as_slice());
        host.store_write_all(&LATEST, &latest)?;
        Ok(header)
    }
}

/// [`BlockBuilder`] as RLP.
#[derive(alloy_rlp::RlpEncodable, alloy_rlp::RlpDecodable)]
struct Record {
    number: u64,
    parent_hash: B256,
    gas_used: u64,
    outputs: u64,
    hashes: Vec<B256>,
    raws: Vec<Bytes>,
    receipts: Vec<Bytes>,
    infos: Vec<Bytes>,
    deposits: Vec<Bytes>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootloader::{config::DEV, run};
    use alloy_consensus::{TxEnvelope, proofs::calculate_transaction_root};
    use alloy_eips::eip2718::Decodable2718;
    use alloy_rlp::Decodable;
    use host::InboxMessage;
    use mock_host::MockHost;
    use wallet::{Call, Wallet};

    fn framed(contents: &[u8]) -> InboxMessage {
        InboxMessage::External([&[0u8][..], &[0x5a; 20], contents].concat())
    }

    fn header(mock: &MockHost, n: u64) -> Header {
        let rlp = mock.get(layout::block_header(n).as_bytes()).expect("header stored");
        Header::decode(&mut rlp.as_slice()).unwrap()
    }

    #[test]
    fn every_level_seals_a_block_linked_to_its_parent() {
        let alice = Wallet::from_seed(1);
        let bob = Wallet::from_seed(2).address();
        let mut mock = MockHost::default();
        let eth = U256::from(10u128.pow(18));
        mock.set(layout::balance(&alice.address()).as_bytes(), &layout::encode_u256(&eth)).unwrap();
        let gwei = u128::from(DEV.base_fee_per_gas);
        let txs = [
            alice.sign_legacy(DEV.chain_id, &Call::transfer(bob, 1), 0, gwei, 21_000),
            alice.sign_1559(DEV.chain_id, &Call::transfer(bob, 2), 1, gwei, 0, 21_000),
        ];
        mock.run_level(&[framed(&txs[0]), framed(&txs[1]), framed(b"junk")], run);
        mock.run_level(&[], run);

        let h0 = header(&mock, 0);
        let h1 = header(&mock, 1);
        assert_eq!(h0.number, 0);
        assert_eq!(h0.parent_hash, B256::ZERO);
        assert_eq!(h1.parent_hash, h0.hash_slow());
        assert_eq!(h0.gas_used, 42_000);
        assert_eq!(h1.gas_used, 0);
        assert_eq!(h0.timestamp, 1_700_000_000, "the level's predecessor timestamp");
        assert_eq!(h0.state_root, B256::ZERO, "the state commitment is the PVM root");
        let envelopes: Vec<TxEnvelope> =
            txs.iter().map(|t| TxEnvelope::decode_2718(&mut t.as_slice()).unwrap()).collect();
        assert_eq!(h0.transactions_root, calculate_transaction_root(&envelopes));
        assert_eq!(h1.transactions_root, alloy_trie::EMPTY_ROOT_HASH);

        let latest = mock.get(layout::LATEST_BLOCK).unwrap();
        assert_eq!(&latest[..8], &1u64.to_be_bytes());
        assert_eq!(&latest[8..], h1.hash_slow().as_slice());
        let by_hash = mock.get(layout::block_number_by_hash(&h0.hash_slow()).as_bytes());
        assert_eq!(by_hash, Some(0u64.to_be_bytes().to_vec()));

        let second = *envelopes[1].tx_hash();
        let location = mock.get(layout::transaction(&second).as_bytes()).unwrap();
        assert_eq!(&location[..12], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(&location[12..], txs[1].as_slice());
        let hashes = mock.get(layout::block_transactions(0).as_bytes()).unwrap();
        assert_eq!(&hashes[32..], second.as_slice());
    }
}
