//! A durable-storage value in words, where the OS's layout (`zkos-layout`)
//! says what the path holds: balances, nonces, code and its record, slots,
//! receipts, blocks, the chain configuration, the kernel.

use alloy_consensus::ReceiptEnvelope;
use alloy_eips::eip2718::Decodable2718;
use kernel::system::code_record::Meta;

use super::{block::vm_name, eth, hex0x};

/// What `value` at `path` means, when the layout says; `None` for paths
/// it does not name (the page then shows the bytes alone).
pub fn describe(path: &str, value: &[u8]) -> Option<String> {
    let steps: Vec<&str> = path.split('/').skip(1).collect();
    match steps.as_slice() {
        ["zkos", "accounts", _, "balance"] => {
            let wei = layout::decode_u256(value).ok()?;
            Some(format!("balance {wei} wei ({})", eth(&wei)))
        }
        ["zkos", "accounts", _, "nonce"] => {
            Some(format!("nonce {}", layout::decode_u64(value).ok()?))
        }
        ["zkos", "accounts", _, "code"] => Some(format!("code, {} bytes", value.len())),
        ["zkos", "accounts", _, "code_hash"] => {
            Some(format!("keccak-256 of the code {}", hex0x(value)))
        }
        ["zkos", "accounts", _, "prepared"] => {
            let meta = Meta::decode(value)?;
            Some(format!(
                "{} code; {} bytes of constants, {} prepared at deploy",
                vm_name(meta.kind),
                meta.constants.len(),
                meta.prepared.len()
            ))
        }
        ["zkos", "accounts", _, "storage", _] => {
            let v = layout::decode_u256(value).ok()?;
            Some(format!("slot value {v} ({:#x})", v))
        }
        ["zkos", "receipts", _] => {
            let r = ReceiptEnvelope::decode_2718_exact(value).ok()?;
            let status = if r.status() { "success" } else { "failed" };
            Some(format!(
                "receipt: {status}, cumulative gas {}, {} logs",
                r.cumulative_gas_used(),
                r.logs().len()
            ))
        }
        ["zkos", "receipt-info", _] => {
            let i = layout::ReceiptInfo::decode(value).ok()?;
            let created = i.created.map(|a| format!(", created {}", a.to_checksum(None)));
            Some(format!(
                "gas used {}, price {} wei{}",
                i.gas_used,
                i.effective_gas_price,
                created.unwrap_or_default()
            ))
        }
        ["zkos", "transactions", _] => {
            let block = layout::decode_u64(value.get(..8)?).ok()?;
            let index = u32::from_be_bytes(value.get(8..12)?.try_into().ok()?);
            Some(format!("transaction {index} of block {block}, {} bytes", value.len() - 12))
        }
        ["zkos", "blocks", "latest"] => {
            let number = layout::decode_u64(value.get(..8)?).ok()?;
            Some(format!("latest block {number}, hash {}", hex0x(value.get(8..)?)))
        }
        ["zkos", "blocks", _, "header"] => Some(format!("RLP block header, {} bytes", value.len())),
        ["zkos", "blocks", _, "transactions"] => {
            Some(format!("{} transaction hashes", value.len() / 32))
        }
        ["zkos", "blocks", _, "deposits"] => Some(format!("{} deposits", value.len() / 52)),
        ["zkos", "block-hashes", _] => Some(format!("block {}", layout::decode_u64(value).ok()?)),
        ["zkos", "config"] => {
            let c = layout::ChainConfig::decode(value).ok()?;
            Some(format!(
                "chain id {}, block gas limit {}, base fee {} wei, ticks per run {}",
                c.chain_id, c.block_gas_limit, c.base_fee_per_gas, c.ticks_per_run
            ))
        }
        ["zkos", "head", "level"] => {
            Some(format!("last level {}", u32::from_le_bytes(value.try_into().ok()?)))
        }
        ["zkos", "levels"] => {
            Some(format!("{} levels processed", u64::from_le_bytes(value.try_into().ok()?)))
        }
        ["kernel", "boot.wasm"] => Some(format!("the running kernel, {} bytes", value.len())),
        ["readonly", "kernel", "boot.wasm"] => {
            Some(format!("the fallback kernel, {} bytes", value.len()))
        }
        ["readonly", "kernel", "env", _] => {
            Some(format!("set by the PVM: {}", String::from_utf8_lossy(value)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::*;

    fn u256(v: u64) -> [u8; 32] {
        U256::from(v).to_be_bytes()
    }

    #[test]
    fn account_values_are_named() {
        let a = "/zkos/accounts/311f8db88a01003cec1a0c209b0aea4468736636";
        assert_eq!(
            describe(&format!("{a}/balance"), &u256(2_000_000_000_000_000_000)).unwrap(),
            "balance 2000000000000000000 wei (2 ETH)"
        );
        assert_eq!(describe(&format!("{a}/nonce"), &7u64.to_be_bytes()).unwrap(), "nonce 7");
        let record = Meta {
            kind: kernel::system::code_record::VmKind::Wasm,
            constants: &[1, 2],
            prepared: &[3],
        }
        .encode();
        assert_eq!(
            describe(&format!("{a}/prepared"), &record).unwrap(),
            "WASM code; 2 bytes of constants, 1 prepared at deploy"
        );
    }

    #[test]
    fn unnamed_paths_and_bad_values_give_nothing() {
        assert_eq!(describe("/counter", b"1"), None);
        assert_eq!(describe("/zkos/accounts/00/nonce", b"short"), None);
    }
}
