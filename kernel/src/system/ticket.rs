//! The rollup's native token as L1 knows it: a ticket of the configured
//! bridge contract (the *ticketer*).
//!
//! - The ticket is FA2.1-shaped, `Pair <ticketer> (Pair (Pair 0 None)
//!   <amount>)`: token id 0, no metadata (the SDK's `FA2_1Ticket`). A ticket
//!   with other contents, or from another ticketer, is not the native token.
//! - Its amount counts mutez: 1 mutez of ticket is [`WEI_PER_MUTEZ`] wei on
//!   L2 (tez has 6 decimals, L2 ether 18), so a deposit of `n` mutez credits
//!   `n × 10¹²` wei and a withdrawal must be a whole number of mutez.

use alloy_primitives::U256;
use tezos_crypto_rs::hash::ContractKt1Hash;
use tezos_smart_rollup_encoding::{
    contract::Contract,
    michelson::{
        MichelsonBytes, MichelsonInt, MichelsonOption, MichelsonPair, ticket::FA2_1Ticket,
    },
};

/// Wei per mutez of ticket.
pub const WEI_PER_MUTEZ: u64 = 1_000_000_000_000;

/// The native token's ticket type.
pub type NativeTicket = FA2_1Ticket;

/// The ticketer as an L1 contract.
pub fn ticketer_contract(ticketer: &[u8; 20]) -> Contract {
    Contract::Originated(ContractKt1Hash(ticketer.to_vec()))
}

/// Whether `ticket` is the native token of `ticketer` (its creator and its
/// contents `Pair 0 None`).
pub fn is_native(ticket: &NativeTicket, ticketer: &[u8; 20]) -> bool {
    ticket.creator().0 == ticketer_contract(ticketer) && *ticket.contents() == native_contents()
}

/// A ticket of `mutez` native tokens from `ticketer` (`None` for zero,
/// which L1 cannot hold).
pub fn native(ticketer: &[u8; 20], mutez: u64) -> Option<NativeTicket> {
    NativeTicket::new(ticketer_contract(ticketer), native_contents(), mutez).ok()
}

/// Token id 0, no metadata.
fn native_contents() -> MichelsonPair<MichelsonInt, MichelsonOption<MichelsonBytes>> {
    MichelsonPair(MichelsonInt::from(0i32), MichelsonOption(None))
}

/// `mutez` in wei.
pub fn to_wei(mutez: u64) -> U256 {
    U256::from(mutez) * U256::from(WEI_PER_MUTEZ)
}

/// `wei` in mutez, when it is a whole, non-zero number of mutez that fits
/// in a u64.
pub fn to_mutez(wei: U256) -> Option<u64> {
    let per = U256::from(WEI_PER_MUTEZ);
    if wei.is_zero() || !(wei % per).is_zero() {
        return None;
    }
    u64::try_from(wei / per).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_between_mutez_and_wei() {
        assert_eq!(to_wei(3), U256::from(3_000_000_000_000u64));
        assert_eq!(to_mutez(to_wei(3)), Some(3));
        assert_eq!(to_mutez(U256::ZERO), None);
        assert_eq!(to_mutez(U256::from(WEI_PER_MUTEZ + 1)), None);
        assert_eq!(to_mutez(to_wei(u64::MAX) + to_wei(1)), None);
    }

    #[test]
    fn recognises_the_native_ticket() {
        let t = native(&[7; 20], 10).unwrap();
        assert!(is_native(&t, &[7; 20]));
        assert!(!is_native(&t, &[8; 20]));
        assert_eq!(t.amount_as::<u64, _>(), Ok(10));
        assert!(native(&[7; 20], 0).is_none());
    }
}
