//! Deposits: L1 tickets of the bridge contract credit L2 accounts.
//!
//! A deposit is a SCORU internal `Transfer` whose destination is this
//! rollup, whose sender is the configured bridge contract (the
//! `ticketer`), and whose Micheline payload is
//!
//! ```text
//! Pair <receiver: bytes, the 20-byte L2 address> <ticket>
//! ```
//!
//! where `<ticket>` is the native token's ticket (`Pair <ticketer> (Pair
//! (Pair 0 None) <amount in mutez>)`, see [`crate::system::ticket`]). It
//! credits `amount × 10¹²` wei to the receiver. A transfer for another
//! rollup is ignored; one from another sender, with another ticket, a zero
//! amount, or a payload of another shape is refused, logged (debug
//! output) and credits nothing. The SDK's inbox types decode it.

use alloy_primitives::{Address, U256};
use tezos_smart_rollup_encoding::{
    inbox::{InboxMessage, InternalInboxMessage},
    michelson::{MichelsonBytes, MichelsonPair},
};
use tezos_smart_rollup_host::runtime::Runtime;

use crate::system::{
    SystemError,
    ticket::{self, NativeTicket},
    world::World,
};

/// The payload of a deposit.
pub type DepositPayload = MichelsonPair<MichelsonBytes, NativeTicket>;

/// A checked deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deposit {
    /// Who is credited.
    pub receiver: Address,
    /// The ticket's amount, in mutez.
    pub mutez: u64,
}

impl Deposit {
    /// What the receiver is credited.
    pub fn wei(&self) -> U256 {
        ticket::to_wei(self.mutez)
    }
}

/// Why a transfer is not a deposit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    /// Addressed to another rollup: not ours to judge.
    #[error("a transfer for another rollup")]
    NotForUs,
    /// The chain has no bridge configured.
    #[error("this chain has no bridge (no ticketer in its configuration)")]
    NoBridge,
    /// Not sent by the bridge contract.
    #[error("sender {0} is not the bridge contract")]
    WrongSender(String),
    /// Not `Pair bytes ticket`, or not a transfer message at all.
    #[error("payload is not `Pair <receiver bytes> <ticket>`: {0}")]
    Payload(String),
    /// A ticket of another ticketer or with other contents.
    #[error("the ticket is not the bridge's native token")]
    NotNative,
    /// An amount that is zero, negative or over 2^64 − 1 mutez. (Not
    /// printed: big-integer formatting would pull floating point into the
    /// kernel for one error message.)
    #[error("ticket amount out of range (zero, negative or over 2^64 - 1 mutez)")]
    Amount,
    /// The receiver is not 20 bytes.
    #[error("receiver of {0} bytes, an L2 address has 20")]
    Receiver(usize),
}

/// A transfer ends with sender (20), source (21) and destination (20).
const TRAILER: usize = 20 + 21 + 20;

/// Checks the inbox message `bytes` (a whole internal `Transfer`) as a
/// deposit to `rollup` from `ticketer`.
pub fn parse(
    bytes: &[u8],
    rollup: &[u8; 20],
    ticketer: &[u8; 20],
) -> Result<Deposit, DepositError> {
    let destination = bytes.len().checked_sub(20).map(|at| &bytes[at..]);
    if bytes.len() < 2 + TRAILER || destination != Some(&rollup[..]) {
        return Err(DepositError::NotForUs);
    }
    if *ticketer == [0; 20] {
        return Err(DepositError::NoBridge);
    }
    let (rest, message) = InboxMessage::<DepositPayload>::parse(bytes)
        .map_err(|e| DepositError::Payload(format!("{e:?}").chars().take(120).collect()))?;
    let InboxMessage::Internal(InternalInboxMessage::Transfer(transfer)) = message else {
        return Err(DepositError::Payload("not a transfer".into()));
    };
    if !rest.is_empty() {
        return Err(DepositError::Payload(format!("{} trailing bytes", rest.len())));
    }
    if transfer.sender.0 != ticketer[..] {
        return Err(DepositError::WrongSender(transfer.sender.to_base58_check()));
    }
    let MichelsonPair(MichelsonBytes(receiver), ticket) = transfer.payload;
    if !ticket::is_native(&ticket, ticketer) {
        return Err(DepositError::NotNative);
    }
    let mutez = match ticket.amount_as::<u64, _>() {
        Ok(n) if n > 0 => n,
        _ => return Err(DepositError::Amount),
    };
    let receiver: [u8; 20] =
        receiver.as_slice().try_into().map_err(|_| DepositError::Receiver(receiver.len()))?;
    Ok(Deposit { receiver: Address::from(receiver), mutez })
}

/// Credits a checked deposit, written to durable storage at once.
pub fn apply<H: Runtime>(host: &mut H, deposit: &Deposit) -> Result<(), SystemError> {
    let mut world = World::new();
    world.credit(host, &deposit.receiver, deposit.wei())?;
    world.flush(host).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use host::InboxMessage as Msg;
    use tezos_data_encoding::enc::BinWriter;

    const ROLLUP: [u8; 20] = [0x5a; 20];
    const BRIDGE: [u8; 20] = [0xb1; 20];

    /// The payload bytes for `receiver` and a ticket.
    fn payload(receiver: &[u8], ticket: NativeTicket) -> Vec<u8> {
        let mut out = Vec::new();
        MichelsonPair(MichelsonBytes(receiver.to_vec()), ticket).bin_write(&mut out).unwrap();
        out
    }

    fn transfer(payload: Vec<u8>, sender: [u8; 20], destination: [u8; 20]) -> Vec<u8> {
        Msg::Transfer { payload, sender, source: [0; 21], destination }.encode()
    }

    #[test]
    fn a_bridge_ticket_is_a_deposit() {
        let p = payload(&[0x11; 20], ticket::native(&BRIDGE, 5).unwrap());
        let d = parse(&transfer(p, BRIDGE, ROLLUP), &ROLLUP, &BRIDGE).unwrap();
        assert_eq!(d, Deposit { receiver: Address::repeat_byte(0x11), mutez: 5 });
        assert_eq!(d.wei(), U256::from(5_000_000_000_000u64));
    }

    #[test]
    fn everything_else_is_refused_with_its_reason() {
        let good = || ticket::native(&BRIDGE, 5).unwrap();
        let p = payload(&[0x11; 20], good());
        assert_eq!(
            parse(&transfer(p.clone(), BRIDGE, [1; 20]), &ROLLUP, &BRIDGE),
            Err(DepositError::NotForUs)
        );
        assert_eq!(
            parse(&transfer(p.clone(), BRIDGE, ROLLUP), &ROLLUP, &[0; 20]),
            Err(DepositError::NoBridge)
        );
        assert!(matches!(
            parse(&transfer(p, [2; 20], ROLLUP), &ROLLUP, &BRIDGE),
            Err(DepositError::WrongSender(_))
        ));
        let foreign = payload(&[0x11; 20], ticket::native(&[3; 20], 5).unwrap());
        assert_eq!(
            parse(&transfer(foreign, BRIDGE, ROLLUP), &ROLLUP, &BRIDGE),
            Err(DepositError::NotNative)
        );
        let short = payload(&[0x11; 19], good());
        assert_eq!(
            parse(&transfer(short, BRIDGE, ROLLUP), &ROLLUP, &BRIDGE),
            Err(DepositError::Receiver(19))
        );
        assert!(matches!(
            parse(&transfer(vec![0x03, 0x0b], BRIDGE, ROLLUP), &ROLLUP, &BRIDGE),
            Err(DepositError::Payload(_))
        ));
    }
}
