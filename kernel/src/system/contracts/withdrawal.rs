//! The withdrawal contract: L2 ether back to L1 as a ticket.
//!
//! `withdraw(string l1Receiver) payable returns (uint256 id)` at
//! [`ADDRESS`]:
//! 1. checks that it is a plain `CALL` (not static, not delegated), that
//!    `l1Receiver` is a Tezos address in base58 (`tz1…`/`tz2…`/`tz3…`/
//!    `tz4…` or `KT1…`), that the chain has a bridge (a ticketer in its
//!    configuration) and that the value is a positive whole number of mutez
//!    (a multiple of 10¹² wei, see [`crate::system::ticket`]);
//! 2. burns the value (the contract's balance returns to zero);
//! 3. queues one outbox message, an `AtomicTransactionBatch` of one
//!    transaction (the SDK's outbox types): the ticketer's `withdraw`
//!    entrypoint with parameter `Pair <l1Receiver> <ticket>`, where the
//!    ticket holds the value in mutez (`Pair <ticketer> (Pair (Pair 0 None)
//!    <mutez>)`); the L1 bridge then pays `l1Receiver` when the outbox
//!    message is executed;
//! 4. emits `Withdrawal(address indexed sender, string l1Receiver, uint256
//!    amount, uint256 id)` (amount in wei) and returns `id`, a counter kept
//!    in the contract's slot 0.
//!
//! Any failed check reverts with a Solidity `Error(string)` naming it, and
//! the value goes back to the caller. A withdrawal costs [`GAS`] on top of
//! the call.

use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue, sol};
use tezos_data_encoding::{enc::BinWriter, nom::NomReader};
use tezos_smart_rollup_encoding::{
    contract::Contract,
    entrypoint::Entrypoint,
    michelson::{MichelsonContract, MichelsonPair},
    outbox::{OutboxMessage, OutboxMessageTransaction},
};
use tezos_smart_rollup_host::runtime::Runtime;

use super::SystemCall;
use crate::system::{
    SystemError,
    env::BlockEnv,
    precompiles::Outcome,
    ticket::{self, NativeTicket},
    world::World,
};

sol! {
    /// The withdrawal contract's interface.
    interface IWithdrawal {
        /// A withdrawal was queued for L1.
        event Withdrawal(address indexed sender, string l1Receiver, uint256 amount, uint256 id);
        /// Burns `msg.value` and pays it to `l1Receiver` on L1.
        function withdraw(string l1Receiver) external payable returns (uint256 id);
    }
}

/// Solidity's `Error(string)`, for revert reasons.
mod revert {
    alloy_sol_types::sol! { error Error(string message); }
}

/// Where the withdrawal contract lives.
pub const ADDRESS: Address = address!("0xff00000000000000000000000000000000000001");

/// Gas one withdrawal costs (a counter update, a log, an outbox message).
pub const GAS: u64 = 30_000;

/// The L1 entrypoint of the bridge contract that receives withdrawals.
pub const ENTRYPOINT: &str = "withdraw";

/// The parameter of the bridge's `withdraw` entrypoint.
pub type WithdrawalParameters = MichelsonPair<MichelsonContract, NativeTicket>;

/// Runs one call of the withdrawal contract.
pub fn call<H: Runtime>(
    host: &H,
    env: &BlockEnv,
    world: &mut World,
    call: &SystemCall<'_>,
) -> Result<Outcome, SystemError> {
    if call.gas_limit < GAS {
        return Ok(Outcome::Halt);
    }
    match checked(env, call) {
        Ok((receiver, message, mutez)) => {
            if world.push_output(message).is_err() {
                return Ok(refuse("withdraw: the outbox of this level is full"));
            }
            let value = ticket::to_wei(mutez);
            if world.debit(host, &ADDRESS, value)?.is_err() {
                return Err(SystemError::Invariant("the withdrawn value reached the contract"));
            }
            let id = world.storage(host, &ADDRESS, &U256::ZERO)?;
            world.set_storage(host, &ADDRESS, &U256::ZERO, id + U256::from(1))?;
            let event = IWithdrawal::Withdrawal {
                sender: call.caller,
                l1Receiver: receiver,
                amount: value,
                id,
            };
            let topics: Vec<B256> = event.encode_topics().into_iter().map(|t| t.0).collect();
            world.log(ADDRESS, topics, event.encode_data());
            Ok(Outcome::Success { gas_used: GAS, output: Bytes::from(id.abi_encode()) })
        }
        Err(why) => Ok(refuse(why)),
    }
}

/// The checks of step 1; the receiver as given, the encoded outbox message
/// and the amount in mutez.
fn checked(env: &BlockEnv, call: &SystemCall<'_>) -> Result<(String, Vec<u8>, u64), &'static str> {
    if call.is_static {
        return Err("withdraw: not in a static call");
    }
    if call.this != ADDRESS {
        return Err("withdraw: only by a plain call (not delegated)");
    }
    let args = IWithdrawal::withdrawCall::abi_decode(call.input)
        .map_err(|_| "withdraw: calldata is not withdraw(string)")?;
    let receiver = Contract::from_b58check(&args.l1Receiver)
        .map_err(|_| "withdraw: l1Receiver is not a Tezos address")?;
    if env.ticketer == [0; 20] {
        return Err("withdraw: this chain has no bridge");
    }
    let mutez = ticket::to_mutez(call.value)
        .ok_or("withdraw: value must be a positive whole number of mutez (10^12 wei)")?;
    let ticket = ticket::native(&env.ticketer, mutez).ok_or("withdraw: no ticket for zero")?;
    let message = encode(&env.ticketer, receiver, ticket).ok_or("withdraw: unencodable")?;
    Ok((args.l1Receiver, message, mutez))
}

/// The outbox message of a withdrawal (step 3).
pub fn encode(ticketer: &[u8; 20], receiver: Contract, ticket: NativeTicket) -> Option<Vec<u8>> {
    let transaction = OutboxMessageTransaction {
        parameters: MichelsonPair(MichelsonContract(receiver), ticket),
        destination: ticket::ticketer_contract(ticketer),
        entrypoint: Entrypoint::try_from(ENTRYPOINT.to_owned()).ok()?,
    };
    let message: OutboxMessage<WithdrawalParameters> =
        OutboxMessage::AtomicTransactionBatch(vec![transaction].into());
    let mut bytes = Vec::new();
    message.bin_write(&mut bytes).ok()?;
    Some(bytes)
}

/// A withdrawal's outbox message, read back: what the L1 will do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The L1 contract called: the bridge (the ticketer).
    pub destination: String,
    /// The entrypoint called, [`ENTRYPOINT`].
    pub entrypoint: String,
    /// Who the bridge pays on L1 (`tz1…`, `KT1…`).
    pub receiver: String,
    /// The ticket's creator, as the bridge checks it.
    pub ticketer: String,
    /// The ticket's amount, in mutez.
    pub mutez: u64,
}

/// Reads back an outbox message that [`encode`] wrote: `None` for any
/// other message (another batch size, another parameter type, trailing
/// bytes), so readers such as the node show those only as bytes.
pub fn decode(bytes: &[u8]) -> Option<Decoded> {
    let (rest, message) = OutboxMessage::<WithdrawalParameters>::nom_read(bytes).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let OutboxMessage::AtomicTransactionBatch(batch) = message;
    if batch.len() != 1 {
        return None;
    }
    let transaction = &batch[0];
    let MichelsonPair(MichelsonContract(receiver), ticket) = &transaction.parameters;
    Some(Decoded {
        destination: transaction.destination.to_b58check(),
        entrypoint: transaction.entrypoint.name().to_owned(),
        receiver: receiver.to_b58check(),
        ticketer: ticket.creator().0.to_b58check(),
        mutez: ticket.amount_as::<u64, _>().ok()?,
    })
}

fn refuse(why: &str) -> Outcome {
    let output = revert::Error { message: why.to_owned() }.abi_encode();
    Outcome::Revert { gas_used: GAS, output: Bytes::from(output) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_withdrawal_message_reads_back_as_written() {
        let ticketer = [7u8; 20];
        let receiver = Contract::from_b58check("tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU").unwrap();
        let bytes = encode(&ticketer, receiver, ticket::native(&ticketer, 1_234).unwrap()).unwrap();
        let decoded = decode(&bytes).unwrap();
        let kt1 = ticket::ticketer_contract(&ticketer).to_b58check();
        assert_eq!(decoded.destination, kt1);
        assert_eq!(decoded.ticketer, kt1);
        assert_eq!(decoded.entrypoint, ENTRYPOINT);
        assert_eq!(decoded.receiver, "tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU");
        assert_eq!(decoded.mutez, 1_234);
    }

    #[test]
    fn other_bytes_are_not_a_withdrawal() {
        let ticketer = [7u8; 20];
        let receiver = Contract::from_b58check("tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU").unwrap();
        let mut bytes = encode(&ticketer, receiver, ticket::native(&ticketer, 1).unwrap()).unwrap();
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None, "truncated");
        bytes.push(0);
        assert_eq!(decode(&bytes), None, "trailing bytes");
        assert_eq!(decode(b"hello"), None);
        assert_eq!(decode(&[]), None);
    }
}
