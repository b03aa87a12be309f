//! Applying one transaction to the state: the checks that need state, then
//! the EVM, then the fee split and the receipt.
//!
//! Fees (EIP-1559 arithmetic, with the chain's configured base fee):
//! - the effective price is `base_fee + min(max_priority_fee, max_fee − base_fee)`
//!   (a legacy price pays it all: its tip is `gas_price − base_fee`);
//! - the sender is charged `gas_limit × effective price` up front and
//!   refunded the unused gas (EIP-3529 refunds included);
//! - `gas_used × base_fee` goes to the chain's fee account instead of being
//!   burned, so the sum of all balances stays equal to deposits minus
//!   withdrawals; `gas_used × tip` goes to the coinbase.
//!
//! A transaction that passes the checks is included whatever its execution
//! does: a revert or a failure still bumps the nonce and pays for its gas,
//! and its receipt says status 0. A system failure (durable storage refused
//! a read or write) refuses it instead, and nothing it did is kept.

use alloy_consensus::{Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom};
use alloy_primitives::{Address, U256};
use layout::ChainConfig;
use tezos_smart_rollup_host::runtime::Runtime;

use crate::{
    ee::evm::{self, EvmError, GasPrice, Message, Status},
    system::{SystemError, env::BlockEnv, resources::NativeMeter, world::World},
    tx::{self, Fee, Transaction, TxType},
};

/// Why a transaction was not included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// It breaks a rule that needs no state.
    #[error(transparent)]
    Static(#[from] tx::TxError),
    /// Its nonce is not the sender's next one.
    #[error("nonce {found}, the sender's next nonce is {expected}")]
    Nonce {
        /// The account's nonce.
        expected: u64,
        /// The transaction's.
        found: u64,
    },
    /// It pays less than the base fee.
    #[error("max price per gas {offered} below the base fee {base_fee}")]
    Underpriced {
        /// The base fee.
        base_fee: u128,
        /// What the transaction offers.
        offered: u128,
    },
    /// The sender cannot pay gas × max price + value.
    #[error("insufficient funds for gas * price + value: balance {have}, cost {need}")]
    InsufficientFunds {
        /// The balance.
        have: U256,
        /// What the transaction may cost.
        need: U256,
    },
    /// Not enough gas left in the block.
    #[error("gas limit {limit} above the {left} left in the block")]
    BlockGasExceeded {
        /// The transaction's gas limit.
        limit: u64,
        /// What the block has left.
        left: u64,
    },
    /// EIP-3607: the sender has code.
    #[error("sender {0} has code (EIP-3607)")]
    SenderHasCode(Address),
    /// The EVM refused to start it.
    #[error("{0}")]
    NotStarted(String),
    /// The system failed (a durable-storage error, corrupt state).
    #[error(transparent)]
    System(#[from] SystemError),
}

impl From<EvmError> for Refusal {
    fn from(e: EvmError) -> Self {
        match e {
            EvmError::NotStarted(why) => Refusal::NotStarted(why),
            EvmError::System(e) => Refusal::System(e),
        }
    }
}

/// What an included transaction produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Included {
    /// The receipt, as stored.
    pub receipt: ReceiptEnvelope,
    /// What the receipt leaves out: gas used, price paid, created contract.
    pub info: layout::ReceiptInfo,
    /// How execution ended.
    pub status: Status,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// How many L2→L1 messages it wrote to the outbox.
    pub outputs: usize,
    /// Its frames, when the block traces calls.
    pub trace: Vec<crate::ee::evm::trace::TraceFrame>,
}

/// The price per gas a transaction pays under `base_fee`, if it pays enough.
pub fn effective_gas_price(fee: &Fee, base_fee: u128) -> Result<u128, Refusal> {
    let offered = fee.max_price();
    if offered < base_fee {
        return Err(Refusal::Underpriced { base_fee, offered });
    }
    Ok(match *fee {
        Fee::Legacy { gas_price } => gas_price,
        Fee::Dynamic { max_fee_per_gas, max_priority_fee_per_gas } => {
            base_fee + max_priority_fee_per_gas.min(max_fee_per_gas - base_fee)
        }
    })
}

/// Applies `tx` in block `env` (built by [`BlockEnv::new`] from `config`);
/// on refusal nothing is changed. `cumulative_gas` is the gas used by the
/// block's earlier transactions, `outbox_room` how many outbox messages the
/// level can still take. Block parameters come from `env`; of `config` only
/// the fee account is read.
pub fn apply<H: Runtime>(
    host: &mut H,
    config: &ChainConfig,
    env: &BlockEnv,
    tx: &Transaction,
    cumulative_gas: u64,
    outbox_room: usize,
) -> Result<Included, Refusal> {
    tx::check_static(tx, env.chain_id)?;
    let left = env.gas_limit.saturating_sub(cumulative_gas);
    if tx.gas_limit > left {
        return Err(Refusal::BlockGasExceeded { limit: tx.gas_limit, left });
    }
    let base_fee = u128::from(env.base_fee);
    let price = effective_gas_price(&tx.fee, base_fee)?;
    let mut world = World::new();
    world.set_outbox_room(outbox_room);
    world.set_native_meter(NativeMeter::for_gas_limit(tx.gas_limit));
    let expected = world.nonce(host, &tx.sender)?;
    if tx.nonce != expected {
        return Err(Refusal::Nonce { expected, found: tx.nonce });
    }
    if world.has_code(host, &tx.sender)? {
        return Err(Refusal::SenderHasCode(tx.sender));
    }
    let have = world.balance(host, &tx.sender)?;
    // gas × max price < 2^192; adding a value near 2^256 may overflow, and
    // then no balance can pay it.
    let max_cost = U256::from(tx.gas_limit) * U256::from(tx.fee.max_price());
    match max_cost.checked_add(tx.value) {
        Some(need) if need <= have => {}
        need => return Err(Refusal::InsufficientFunds { have, need: need.unwrap_or(U256::MAX) }),
    }
    let msg = Message {
        caller: tx.sender,
        to: tx.to,
        value: tx.value,
        data: &tx.input,
        gas_limit: tx.gas_limit,
        gas_price: match tx.fee {
            Fee::Legacy { gas_price } => GasPrice::Legacy(gas_price),
            Fee::Dynamic { max_fee_per_gas, max_priority_fee_per_gas } => GasPrice::Dynamic {
                max_fee: max_fee_per_gas,
                max_priority_fee: max_priority_fee_per_gas,
            },
        },
        access_list: tx.access_list.clone(),
    };
    let outcome = evm::transact(host, env, &mut world, &msg)?;
    let base = U256::from(outcome.gas_used) * U256::from(base_fee);
    world.credit(host, &config.fee_account, base)?;
    let outputs = world.outputs().len();
    let logs = world.flush(host)?;

    let receipt = Receipt {
        status: Eip658Value::Eip658(outcome.status == Status::Success),
        cumulative_gas_used: cumulative_gas + outcome.gas_used,
        logs,
    };
    let with_bloom = ReceiptWithBloom::from(receipt);
    let receipt = match tx.tx_type {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
    };
    let info = layout::ReceiptInfo {
        gas_used: outcome.gas_used,
        effective_gas_price: price,
        created: outcome.created,
    };
    Ok(Included {
        receipt,
        info,
        status: outcome.status,
        output: outcome.output,
        outputs,
        trace: outcome.trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootloader::{config::DEV, run};
    use alloy_eips::eip2718::Decodable2718;
    use host::InboxMessage;
    use mock_host::MockHost;
    use wallet::{Call, Wallet};

    const GWEI: u128 = DEV.base_fee_per_gas as u128;
    const ETH: u128 = 1_000_000_000_000_000_000;

    fn framed(contents: &[u8]) -> InboxMessage {
        InboxMessage::External([&[0u8][..], &[0x5a; 20], contents].concat())
    }

    fn balance(mock: &MockHost, a: &Address) -> U256 {
        mock.get(layout::balance(a).as_bytes())
            .map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
    }

    fn funded(wallets: &[&Wallet]) -> MockHost {
        let mut mock = MockHost::default();
        for w in wallets {
            mock.set(
                layout::balance(&w.address()).as_bytes(),
                &layout::encode_u256(&U256::from(ETH)),
            )
            .unwrap();
        }
        mock
    }

    #[test]
    fn a_transfer_moves_value_and_pays_fees_to_their_accounts() {
        let alice = Wallet::from_seed(1);
        let bob = Wallet::from_seed(2).address();
        let mut mock = funded(&[&alice]);
        // max fee 3 gwei, tip 1 gwei, base fee 1 gwei: pays 2 gwei per gas
        let bytes =
            alice.sign_1559(DEV.chain_id, &Call::transfer(bob, 1000), 0, 3 * GWEI, GWEI, 50_000);
        mock.run_level(&[framed(&bytes)], run);
        let gas = U256::from(21_000u64);
        assert_eq!(balance(&mock, &bob), U256::from(1000));
        assert_eq!(balance(&mock, &DEV.fee_account), gas * U256::from(GWEI));
        assert_eq!(balance(&mock, &DEV.coinbase), gas * U256::from(GWEI));
        assert_eq!(
            balance(&mock, &alice.address()),
            U256::from(ETH) - U256::from(1000) - gas * U256::from(2 * GWEI)
        );
        assert_eq!(
            mock.get(layout::nonce(&alice.address()).as_bytes()),
            Some(1u64.to_be_bytes().to_vec())
        );
        // supply is conserved: fees are not burned
        let total = [alice.address(), bob, DEV.fee_account, DEV.coinbase]
            .iter()
            .fold(U256::ZERO, |s, a| s + balance(&mock, a));
        assert_eq!(total, U256::from(ETH));
        let hash = crate::tx::decode(&bytes).unwrap().hash;
        let stored = mock.get(layout::receipt(&hash).as_bytes()).expect("receipt stored");
        let receipt = ReceiptEnvelope::decode_2718(&mut stored.as_slice()).unwrap();
        assert!(receipt.is_success());
        assert_eq!(receipt.cumulative_gas_used(), 21_000);
    }

    #[test]
    fn refusals_change_nothing() {
        let alice = Wallet::from_seed(1);
        let poor = Wallet::from_seed(3);
        let bob = Wallet::from_seed(2).address();
        let mut mock = funded(&[&alice]);
        let accounts = |m: &MockHost| {
            let mut v = m.host().durable.values();
            v.retain(|(p, _)| p.starts_with(b"/zkos/accounts") || p.starts_with(b"/zkos/receipts"));
            v
        };
        let before = accounts(&mock);
        let cases = [
            (alice.sign_legacy(DEV.chain_id, &Call::transfer(bob, 1), 5, GWEI, 21_000), "nonce 5"),
            (
                poor.sign_legacy(DEV.chain_id, &Call::transfer(bob, 1), 0, GWEI, 21_000),
                "insufficient funds",
            ),
            (
                alice.sign_legacy(DEV.chain_id, &Call::transfer(bob, 1), 0, GWEI - 1, 21_000),
                "below the base fee",
            ),
            // refused before anything else: over the gas a transaction may have
            (
                alice.sign_legacy(DEV.chain_id, &Call::transfer(bob, 1), 0, GWEI, 31_000_000),
                "gas limit 31000000 above the 30000000 a transaction may have",
            ),
        ];
        for (bytes, why) in &cases {
            mock.run_level(&[framed(bytes)], run);
            assert!(mock.debug_log().contains(why), "{why}: {}", mock.debug_log());
        }
        // no account and no receipt changed: only the level bookkeeping did
        assert_eq!(accounts(&mock), before);
        // the block's gas is checked when a transaction is applied
        let t = crate::tx::decode(&alice.sign_legacy(
            DEV.chain_id,
            &Call::transfer(bob, 1),
            0,
            GWEI,
            21_000,
        ))
        .unwrap();
        let env = BlockEnv::new(&DEV, 0, 0);
        let used = DEV.block_gas_limit - 20_000;
        assert_eq!(
            apply(&mut mock, &DEV, &env, &t, used, 100),
            Err(Refusal::BlockGasExceeded { limit: 21_000, left: 20_000 })
        );
        assert_eq!(accounts(&mock), before);
    }

    #[test]
    fn effective_price_follows_eip_1559() {
        let dynamic = Fee::Dynamic { max_fee_per_gas: 10, max_priority_fee_per_gas: 3 };
        assert_eq!(effective_gas_price(&dynamic, 5), Ok(8));
        assert_eq!(effective_gas_price(&dynamic, 9), Ok(10));
        assert_eq!(
            effective_gas_price(&dynamic, 11),
            Err(Refusal::Underpriced { base_fee: 11, offered: 10 })
        );
        assert_eq!(effective_gas_price(&Fee::Legacy { gas_price: 7 }, 5), Ok(7));
    }
}
