//! The genesis file: the chain configuration and the accounts a new rollup
//! starts with, written into durable storage (the layout of `zkos-layout`)
//! at origination, before the first level.
//!
//! ```json
//! {
//!   "config": {
//!     "chain_id": 23115,
//!     "coinbase": "0x00000000000000000000000000000000000c0ffe",
//!     "fee_account": "0x0000000000000000000000000000000000000fee",
//!     "block_gas_limit": 30000000,
//!     "base_fee_per_gas": "1000000000",
//!     "ticketer": "KT1…",
//!     "ticks_per_run": 100000000000
//!   },
//!   "alloc": {
//!     "0x…": { "balance": "1000000000000000000000", "nonce": 0,
//!              "code": "0x…", "storage": { "0x01": "0x2a" } }
//!   }
//! }
//! ```
//!
//! Numbers that may exceed 64 bits (balances, the base fee, storage) are
//! strings, decimal or `0x` hex. Every field of `alloc` entries is optional.
//! `ticketer` (the L1 bridge contract) defaults to the zero KT1: no
//! deposits or withdrawals until set. `ticks_per_run` is the kernel's tick
//! budget per `kernel_run` (default 100 × 10⁹; work beyond it continues
//! after a reboot); it also bounds the gas one transaction may have (the
//! kernel's `bootloader::budget::gas_ceiling`), which with the default is
//! the block gas limit.

use std::{collections::BTreeMap, str::FromStr};

use alloy_primitives::{Address, U256, keccak256};
use host::{Durable, Path};
use layout::ChainConfig;
use serde::Deserialize;

use crate::inbox_file::base58;

/// A genesis file that does not apply.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// Not the expected JSON.
    #[error("genesis is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// A field that does not parse.
    #[error("genesis field `{field}`: {reason}")]
    Field {
        /// Where.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenesis {
    config: RawConfig,
    #[serde(default)]
    alloc: BTreeMap<String, RawAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    chain_id: u64,
    coinbase: String,
    fee_account: String,
    block_gas_limit: u64,
    base_fee_per_gas: String,
    ticketer: Option<String>,
    ticks_per_run: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    balance: Option<String>,
    nonce: Option<u64>,
    code: Option<String>,
    #[serde(default)]
    storage: BTreeMap<String, String>,
}

/// One account at genesis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenesisAccount {
    /// Wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code, if any.
    pub code: Option<Vec<u8>>,
    /// Storage slots.
    pub storage: BTreeMap<U256, U256>,
}

/// A parsed genesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Genesis {
    /// The chain configuration.
    pub config: ChainConfig,
    /// The accounts.
    pub alloc: BTreeMap<Address, GenesisAccount>,
}

fn field<T>(name: &str, r: Result<T, impl std::fmt::Display>) -> Result<T, GenesisError> {
    r.map_err(|e| GenesisError::Field { field: name.to_owned(), reason: e.to_string() })
}

fn hex_bytes(name: &str, s: &str) -> Result<Vec<u8>, GenesisError> {
    field(name, hex::decode(s.trim_start_matches("0x")))
}

impl Genesis {
    /// Parses a genesis file.
    pub fn parse(json: &str) -> Result<Self, GenesisError> {
        let raw: RawGenesis = serde_json::from_str(json)?;
        let c = raw.config;
        let config = ChainConfig {
            chain_id: c.chain_id,
            coinbase: field("config.coinbase", Address::from_str(&c.coinbase))?,
            fee_account: field("config.fee_account", Address::from_str(&c.fee_account))?,
            block_gas_limit: c.block_gas_limit,
            base_fee_per_gas: field("config.base_fee_per_gas", U256::from_str(&c.base_fee_per_gas))
                .and_then(|v| field("config.base_fee_per_gas", u64::try_from(v)))?,
            ticketer: match &c.ticketer {
                Some(t) => field("config.ticketer", base58::kt1(t))?,
                None => [0; 20],
            },
            ticks_per_run: c.ticks_per_run.unwrap_or(layout::DEFAULT_TICKS_PER_RUN),
        };
        let mut alloc = BTreeMap::new();
        for (addr, a) in raw.alloc {
            let name = format!("alloc.{addr}");
            let address = field(&name, Address::from_str(&addr))?;
            let mut storage = BTreeMap::new();
            for (k, v) in &a.storage {
                let key = field(&format!("{name}.storage"), U256::from_str(k))?;
                let value = field(&format!("{name}.storage.{k}"), U256::from_str(v))?;
                storage.insert(key, value);
            }
            let account = GenesisAccount {
                balance: match &a.balance {
                    Some(b) => field(&format!("{name}.balance"), U256::from_str(b))?,
                    None => U256::ZERO,
                },
                nonce: a.nonce.unwrap_or(0),
                code: a
                    .code
                    .as_deref()
                    .map(|c| hex_bytes(&format!("{name}.code"), c))
                    .transpose()?,
                storage,
            };
            alloc.insert(address, account);
        }
        Ok(Self { config, alloc })
    }

    /// Writes the configuration and accounts into `durable`.
    pub fn apply(&self, durable: &mut Durable) -> Result<(), GenesisError> {
        let mut set = |p: &str, v: Vec<u8>| -> Result<(), GenesisError> {
            let path = field(p, Path::new(p.as_bytes()))?;
            field(p, durable.set(path, v))
        };
        set(std::str::from_utf8(layout::CONFIG).unwrap_or("/zkos/config"), self.config.encode())?;
        for (a, acc) in &self.alloc {
            if !acc.balance.is_zero() {
                set(&layout::balance(a), layout::encode_u256(&acc.balance).to_vec())?;
            }
            if acc.nonce != 0 {
                set(&layout::nonce(a), acc.nonce.to_be_bytes().to_vec())?;
            }
            if let Some(code) = &acc.code {
                set(&layout::code(a), code.clone())?;
                set(&layout::code_hash(a), keccak256(code).to_vec())?;
            }
            for (k, v) in &acc.storage {
                if !v.is_zero() {
                    set(&layout::storage(a, k), layout::encode_u256(v).to_vec())?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENESIS: &str = r#"{
      "config": { "chain_id": 7, "coinbase": "0x00000000000000000000000000000000000c0ffe",
                  "fee_account": "0x0000000000000000000000000000000000000fee",
                  "block_gas_limit": 1000000, "base_fee_per_gas": "0x3b9aca00" },
      "alloc": {
        "0x1111111111111111111111111111111111111111": { "balance": "1000", "nonce": 2 },
        "0x2222222222222222222222222222222222222222": { "code": "0x6001", "storage": { "0x01": "42" } }
      }
    }"#;

    #[test]
    fn parses_and_writes_the_layout() {
        let g = Genesis::parse(GENESIS).unwrap();
        assert_eq!(g.config.chain_id, 7);
        assert_eq!(g.config.base_fee_per_gas, 1_000_000_000);
        let mut d = Durable::new();
        g.apply(&mut d).unwrap();
        let a = Address::repeat_byte(0x11);
        let get = |p: String| d.get(Path::new(p.as_bytes()).unwrap()).map(<[u8]>::to_vec);
        assert_eq!(get(layout::balance(&a)), Some(layout::encode_u256(&U256::from(1000)).to_vec()));
        assert_eq!(get(layout::nonce(&a)), Some(2u64.to_be_bytes().to_vec()));
        let b = Address::repeat_byte(0x22);
        assert_eq!(get(layout::code(&b)), Some(vec![0x60, 0x01]));
        assert_eq!(
            get(layout::storage(&b, &U256::from(1))),
            Some(layout::encode_u256(&U256::from(42)).to_vec())
        );
        assert_eq!(
            get(String::from_utf8(layout::CONFIG.to_vec()).unwrap())
                .map(|c| ChainConfig::decode(&c).unwrap()),
            Some(g.config)
        );
    }

    #[test]
    fn bad_genesis_files_name_the_field() {
        let bad = GENESIS.replace("\"1000\"", "\"lots\"");
        let e = Genesis::parse(&bad).unwrap_err().to_string();
        assert!(e.contains("alloc.0x1111111111111111111111111111111111111111.balance"), "{e}");
        let e = Genesis::parse(r#"{"config": {}}"#).unwrap_err().to_string();
        assert!(e.contains("not valid"), "{e}");
    }
}
