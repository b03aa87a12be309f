//! A chain over `mock-host` for the kernel's integration tests: funded
//! wallets, signed transactions applied one by one or as inbox levels, and
//! the compiled Solidity artefacts of `contracts/build`.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use alloy_consensus::ReceiptEnvelope;
use alloy_primitives::{Address, B256, Bytes, U256};
use host::InboxMessage;
use layout::ChainConfig;
use mock_host::MockHost;
use wallet::{Call, Wallet};
use zkos_kernel::{
    bootloader::{
        config::DEV,
        execute::{self, Included, Refusal},
    },
    system::env::BlockEnv,
    tx,
};

pub const GWEI: u128 = 1_000_000_000;
pub const ETH: u128 = 1_000_000_000_000_000_000;

/// Creation bytecode of a contract compiled by `contracts/compile.mjs`.
pub fn bytecode(name: &str) -> Vec<u8> {
    let path = format!("{}/../contracts/build/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("artefact")).unwrap();
    hex::decode(json["bytecode"].as_str().unwrap()).unwrap()
}

/// An external message framed for the mock rollup (address 0x5a…5a).
pub fn framed(contents: &[u8]) -> InboxMessage {
    InboxMessage::External([&[0u8][..], &[0x5a; 20], contents].concat())
}

pub struct Chain {
    pub mock: MockHost,
    pub env: BlockEnv,
    pub config: ChainConfig,
}

impl Chain {
    /// A dev chain where `wallets` hold 100 ETH each.
    pub fn funded(wallets: &[&Wallet]) -> Self {
        let mut mock = MockHost::default();
        for w in wallets {
            mock.set(
                layout::balance(&w.address()).as_bytes(),
                &layout::encode_u256(&U256::from(100 * ETH)),
            )
            .unwrap();
        }
        let env = BlockEnv::new(&DEV, 0, 1_700_000_000);
        Self { mock, env, config: DEV }
    }

    /// An empty chain (no funded account) under `config`, which genesis
    /// stored.
    pub fn with_config(config: ChainConfig) -> Self {
        let mut mock = MockHost::default();
        mock.set(layout::CONFIG, &config.encode()).unwrap();
        let env = BlockEnv::new(&config, 0, 1_700_000_000);
        Self { mock, env, config }
    }

    pub fn nonce(&self, a: &Address) -> u64 {
        self.mock.get(layout::nonce(a).as_bytes()).map_or(0, |b| layout::decode_u64(&b).unwrap())
    }

    pub fn balance(&self, a: &Address) -> U256 {
        self.mock
            .get(layout::balance(a).as_bytes())
            .map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
    }

    pub fn slot(&self, a: &Address, key: U256) -> U256 {
        self.mock
            .get(layout::storage(a, &key).as_bytes())
            .map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
    }

    /// Signs `call` from `w` with its next nonce (EIP-1559, 2 gwei cap, 1 gwei tip).
    pub fn sign(&self, w: &Wallet, call: &Call, gas: u64) -> Vec<u8> {
        w.sign_1559(DEV.chain_id, call, self.nonce(&w.address()), 2 * GWEI, GWEI, gas)
    }

    /// Applies one signed transaction directly (no level around it).
    pub fn apply(&mut self, raw: &[u8]) -> Result<Included, Refusal> {
        let t = tx::decode(raw)?;
        execute::apply(&mut self.mock, &self.config, &self.env, &t, 0, 100)
    }

    /// Sends `call` from `w` and expects it included.
    pub fn send(&mut self, w: &Wallet, call: Call, gas: u64) -> Included {
        let raw = self.sign(w, &call, gas);
        self.apply(&raw).expect("included")
    }

    /// Deploys `initcode` from `w` and returns the contract's address.
    pub fn deploy(&mut self, w: &Wallet, initcode: Vec<u8>) -> Address {
        let inc = self.send(w, Call::create(initcode), 5_000_000);
        assert!(inc.receipt.is_success(), "deploy failed: {:?}", inc.status);
        inc.info.created.expect("created address")
    }

    /// Calls `to` with `input` from `w`.
    pub fn call(&mut self, w: &Wallet, to: Address, input: Vec<u8>) -> Included {
        self.send(w, Call::with_input(to, input), 1_000_000)
    }

    pub fn run_level(&mut self, txs: &[Vec<u8>]) {
        let msgs: Vec<_> = txs.iter().map(|t| framed(t)).collect();
        self.mock.run_level(&msgs, zkos_kernel::bootloader::run);
    }

    /// The stored receipt of transaction `hash`.
    pub fn receipt(&self, hash: &B256) -> ReceiptEnvelope {
        use alloy_eips::eip2718::Decodable2718;
        let raw = self.mock.get(layout::receipt(hash).as_bytes()).expect("receipt stored");
        ReceiptEnvelope::decode_2718(&mut raw.as_slice()).unwrap()
    }

    /// What the OS recorded of transaction `hash` beside its receipt.
    pub fn receipt_info(&self, hash: &B256) -> layout::ReceiptInfo {
        let raw = self.mock.get(layout::receipt_info(hash).as_bytes()).expect("info stored");
        layout::ReceiptInfo::decode(&raw).unwrap()
    }

    /// The sum of every balance in durable storage.
    pub fn total_balance(&self) -> U256 {
        self.mock
            .host()
            .durable
            .values()
            .iter()
            .filter(|(p, _)| p.starts_with(b"/zkos/accounts/") && p.ends_with(b"/balance"))
            .fold(U256::ZERO, |s, (_, v)| s + layout::decode_u256(v).unwrap())
    }
}

pub fn bytes(v: Vec<u8>) -> Bytes {
    v.into()
}
