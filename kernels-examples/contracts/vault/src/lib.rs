//! A vault in Rust that calls Solidity: it holds deposits of any ERC-20
//! (OpenZeppelin's in the EVM, the Rust one in WASM: the vault cannot tell)
//! by calling the token's `transferFrom` and `transfer` through their
//! Solidity ABI, and passes a token's revert data on unchanged, so a caller
//! sees OpenZeppelin's own error.
//!
//! Storage: `deposits[token][owner]` is a Solidity-style nested mapping at
//! slot 0.

#![no_std]
#![cfg_attr(target_arch = "riscv64", no_main)]

use zkos_sdk::{calls, entrypoint, env, log, prelude::*, storage};

sol! {
    #![sol(alloy_sol_types = zkos_sdk::sol_types)]
    function deposit(address token, uint256 amount);
    function withdraw(address token, uint256 amount);
    function deposited(address token, address owner) returns (uint256);

    event Deposited(address indexed token, address indexed owner, uint256 amount);
    event Withdrawn(address indexed token, address indexed owner, uint256 amount);

    error InsufficientDeposit(uint256 deposited, uint256 asked);
    error TokenRefused(address token);

    // The token's side, as any ERC-20 declares it.
    function transferFrom(address from, address to, uint256 value) returns (bool);
    function transfer(address to, uint256 value) returns (bool);
}

type Result<T> = core::result::Result<T, Vec<u8>>;

fn slot(token: Address, owner: Address) -> U256 {
    let inner = storage::mapping_slot(U256::ZERO, token.into_word());
    storage::mapping_slot(inner, owner.into_word())
}

/// A token call that must return `true`; a revert's data is passed on.
fn token_call<C: SolCall<Return = bool>>(token: Address, call: &C) -> Result<()> {
    match calls::call_sol(token, call)? {
        true => Ok(()),
        false => Err(TokenRefused { token }.abi_encode()),
    }
}

fn call(input: &[u8]) -> Result<Vec<u8>> {
    let selector: [u8; 4] = input.get(..4).and_then(|s| s.try_into().ok()).ok_or_else(Vec::new)?;
    let me = env::caller();
    match selector {
        depositCall::SELECTOR => {
            let c = depositCall::abi_decode(input).map_err(|_| Vec::new())?;
            let pull = transferFromCall { from: me, to: env::address(), value: c.amount };
            token_call(c.token, &pull)?;
            let s = slot(c.token, me);
            storage::store(s, storage::load(s) + c.amount);
            log::emit(&Deposited { token: c.token, owner: me, amount: c.amount });
            Ok(Vec::new())
        }
        withdrawCall::SELECTOR => {
            let c = withdrawCall::abi_decode(input).map_err(|_| Vec::new())?;
            let s = slot(c.token, me);
            let have = storage::load(s);
            if have < c.amount {
                return Err(InsufficientDeposit { deposited: have, asked: c.amount }.abi_encode());
            }
            // Checks, effects, interactions: the books change before the call.
            storage::store(s, have - c.amount);
            token_call(c.token, &transferCall { to: me, value: c.amount })?;
            log::emit(&Withdrawn { token: c.token, owner: me, amount: c.amount });
            Ok(Vec::new())
        }
        depositedCall::SELECTOR => {
            let c = depositedCall::abi_decode(input).map_err(|_| Vec::new())?;
            Ok(storage::load(slot(c.token, c.owner)).abi_encode())
        }
        _ => Err(Vec::new()),
    }
}

entrypoint!(call);

#[cfg(test)]
mod tests {
    use super::*;
    use zkos_sdk::testing::{self, Ended};

    #[test]
    fn a_deposit_fails_when_the_token_cannot_be_called_and_changes_nothing() {
        testing::with(|h| *h = Default::default());
        let (token, alice) = (Address::repeat_byte(0x70), Address::repeat_byte(1));
        let input = depositCall { token, amount: U256::from(5) }.abi_encode();
        // The in-process host has no token: the call fails, with no data.
        assert_eq!(testing::call(ENTRYPOINTS.call, alice, &input), Ended::Revert(Vec::new()));
        assert!(testing::with(|h| h.storage.is_empty() && h.logs.is_empty()));
    }

    #[test]
    fn withdrawing_more_than_deposited_reverts_with_the_amounts() {
        testing::with(|h| *h = Default::default());
        let (token, alice) = (Address::repeat_byte(0x70), Address::repeat_byte(1));
        testing::with(|h| h.storage.insert(slot(token, alice), U256::from(3)));
        let input = withdrawCall { token, amount: U256::from(5) }.abi_encode();
        let e = InsufficientDeposit { deposited: U256::from(3), asked: U256::from(5) };
        assert_eq!(testing::call(ENTRYPOINTS.call, alice, &input), Ended::Revert(e.abi_encode()));
    }
}
