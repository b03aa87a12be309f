//! An ERC-20 written in Rust for Zk OS, with OpenZeppelin 5's ABI: the same
//! functions, events and custom errors, and the same storage layout
//! (`_balances` at slot 0, `_allowances` at 1, `_totalSupply` at 2), so
//! wallets, Solidity contracts and tools see no difference from an
//! OpenZeppelin token.
//!
//! Name, symbol and decimals are not in the code but in the deployment's
//! constants area, `abi.encode(string name, string symbol, uint8 decimals)`:
//! every token built from this code has the same code hash. The
//! constructor argument is `abi.encode(uint256 supply)`, minted to the
//! deployer.
//!
//! Build for WASM: `cargo build -p zkos-erc20 --profile contract --target
//! wasm32-unknown-unknown`; for RISC-V, from the same source: `cargo rustc
//! -p zkos-erc20 --profile contract --target riscv64imac-unknown-none-elf
//! --crate-type bin` (see the SDK's README).

#![no_std]
#![cfg_attr(target_arch = "riscv64", no_main)]

use zkos_sdk::{entrypoint, env, log, prelude::*, sol_types::sol_data, storage};

/// The constants area: `abi.encode(string name, string symbol, uint8 decimals)`.
pub type Metadata = (sol_data::String, sol_data::String, sol_data::Uint<8>);

/// The constants area for a token's metadata (for deployers; not part of
/// the contract's code).
#[cfg(not(any(target_arch = "wasm32", target_arch = "riscv64")))]
pub fn constants(name: &str, symbol: &str, decimals: u8) -> Vec<u8> {
    use zkos_sdk::sol_types::SolType;
    let metadata: (String, String, u8) = (name.into(), symbol.into(), decimals);
    Metadata::abi_encode_params(&metadata)
}

sol! {
    #![sol(alloy_sol_types = zkos_sdk::sol_types)]
    function name() returns (string);
    function symbol() returns (string);
    function decimals() returns (uint8);
    function totalSupply() returns (uint256);
    function balanceOf(address account) returns (uint256);
    function transfer(address to, uint256 value) returns (bool);
    function allowance(address owner, address spender) returns (uint256);
    function approve(address spender, uint256 value) returns (bool);
    function transferFrom(address from, address to, uint256 value) returns (bool);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InvalidSender(address sender);
    error ERC20InvalidReceiver(address receiver);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidApprover(address approver);
    error ERC20InvalidSpender(address spender);
}

const BALANCES: U256 = U256::ZERO;
const ALLOWANCES: U256 = U256::from_limbs([1, 0, 0, 0]);
const TOTAL_SUPPLY: U256 = U256::from_limbs([2, 0, 0, 0]);

type Result<T> = core::result::Result<T, Vec<u8>>;

fn balance_slot(a: Address) -> U256 {
    storage::mapping_slot(BALANCES, a.into_word())
}

fn allowance_slot(owner: Address, spender: Address) -> U256 {
    let inner = storage::mapping_slot(ALLOWANCES, owner.into_word());
    storage::mapping_slot(inner, spender.into_word())
}

fn balance_of(a: Address) -> U256 {
    storage::load(balance_slot(a))
}

/// OpenZeppelin's `_update`: moves `value` from `from` to `to`, minting
/// from the zero address and burning to it.
fn update(from: Address, to: Address, value: U256) -> Result<()> {
    if from.is_zero() {
        let supply = storage::load(TOTAL_SUPPLY);
        // Solidity's checked add: an overflow panics (reverts).
        let Some(total) = supply.checked_add(value) else { panic!("supply overflow") };
        storage::store(TOTAL_SUPPLY, total);
    } else {
        let have = balance_of(from);
        if have < value {
            let e = ERC20InsufficientBalance { sender: from, balance: have, needed: value };
            return Err(e.abi_encode());
        }
        storage::store(balance_slot(from), have - value);
    }
    if to.is_zero() {
        storage::store(TOTAL_SUPPLY, storage::load(TOTAL_SUPPLY) - value);
    } else {
        // Cannot overflow: the sum of balances is the total supply.
        storage::store(balance_slot(to), balance_of(to) + value);
    }
    log::emit(&Transfer { from, to, value });
    Ok(())
}

fn transfer_(from: Address, to: Address, value: U256) -> Result<()> {
    if from.is_zero() {
        return Err(ERC20InvalidSender { sender: from }.abi_encode());
    }
    if to.is_zero() {
        return Err(ERC20InvalidReceiver { receiver: to }.abi_encode());
    }
    update(from, to, value)
}

fn approve_(owner: Address, spender: Address, value: U256, emit: bool) -> Result<()> {
    if owner.is_zero() {
        return Err(ERC20InvalidApprover { approver: owner }.abi_encode());
    }
    if spender.is_zero() {
        return Err(ERC20InvalidSpender { spender }.abi_encode());
    }
    storage::store(allowance_slot(owner, spender), value);
    if emit {
        log::emit(&Approval { owner, spender, value });
    }
    Ok(())
}

/// OpenZeppelin's `_spendAllowance`: an infinite allowance is not spent,
/// and spending emits no `Approval`.
fn spend_allowance(owner: Address, spender: Address, value: U256) -> Result<()> {
    let current = storage::load(allowance_slot(owner, spender));
    if current != U256::MAX {
        if current < value {
            let e = ERC20InsufficientAllowance { spender, allowance: current, needed: value };
            return Err(e.abi_encode());
        }
        approve_(owner, spender, current - value, false)?;
    }
    Ok(())
}

/// A `string` of the constants area (`abi.encode(string name, string
/// symbol, uint8 decimals)`, field `field`) as a function's ABI-encoded
/// return value, sliced out without decoding it to a `String`: the bytes
/// go back exactly as the deployer wrote them.
fn constant_string(field: usize) -> Result<Vec<u8>> {
    let k = env::constants();
    let at = |i: usize| -> Result<usize> {
        let w = k.get(i..i + 32).ok_or_else(Vec::new)?;
        let v = U256::from_be_slice(w);
        usize::try_from(v).map_err(|_| Vec::new())
    };
    let offset = at(32 * field)?;
    let len = at(offset)?;
    let body = k.get(offset + 32..offset + 32 + len).ok_or_else(Vec::new)?;
    let mut out = U256::from(32).to_be_bytes::<32>().to_vec();
    out.extend_from_slice(&U256::from(len).to_be_bytes::<32>());
    out.extend_from_slice(body);
    out.resize(64 + len.div_ceil(32) * 32, 0);
    Ok(out)
}

/// `decimals` from the constants area (word 2).
fn constant_decimals() -> Result<Vec<u8>> {
    env::constants().get(64..96).map(<[u8]>::to_vec).ok_or_else(Vec::new)
}

/// Word `i` of the arguments (after the selector).
///
/// The static arguments are read by hand rather than with alloy's decoder:
/// its error paths bring `core::fmt` into the module and pushed it past
/// EIP-3860's 48 KiB of init data. Encoding (returns, events, errors) is
/// alloy's.
fn word(input: &[u8], i: usize) -> Result<[u8; 32]> {
    let start = 4 + 32 * i;
    input.get(start..start + 32).and_then(|w| w.try_into().ok()).ok_or_else(Vec::new)
}
fn uint(input: &[u8], i: usize) -> Result<U256> {
    Ok(U256::from_be_bytes(word(input, i)?))
}
fn addr(input: &[u8], i: usize) -> Result<Address> {
    let w = word(input, i)?;
    if w[..12] != [0; 12] {
        return Err(Vec::new());
    }
    Ok(Address::from_slice(&w[12..]))
}

fn call(input: &[u8]) -> Result<Vec<u8>> {
    let Some(selector) = input.get(..4) else { return Err(Vec::new()) };
    let selector: [u8; 4] = [selector[0], selector[1], selector[2], selector[3]];
    let sender = env::caller();
    Ok(match selector {
        balanceOfCall::SELECTOR => balance_of(addr(input, 0)?).abi_encode(),
        transferCall::SELECTOR => {
            transfer_(sender, addr(input, 0)?, uint(input, 1)?)?;
            true.abi_encode()
        }
        transferFromCall::SELECTOR => {
            let (from, to, value) = (addr(input, 0)?, addr(input, 1)?, uint(input, 2)?);
            spend_allowance(from, sender, value)?;
            transfer_(from, to, value)?;
            true.abi_encode()
        }
        approveCall::SELECTOR => {
            approve_(sender, addr(input, 0)?, uint(input, 1)?, true)?;
            true.abi_encode()
        }
        allowanceCall::SELECTOR => {
            storage::load(allowance_slot(addr(input, 0)?, addr(input, 1)?)).abi_encode()
        }
        totalSupplyCall::SELECTOR => storage::load(TOTAL_SUPPLY).abi_encode(),
        nameCall::SELECTOR => constant_string(0)?,
        symbolCall::SELECTOR => constant_string(1)?,
        decimalsCall::SELECTOR => constant_decimals()?,
        // No fallback: an unknown selector reverts, as Solidity's does.
        _ => return Err(Vec::new()),
    })
}

fn deploy(args: &[u8]) -> Result<Vec<u8>> {
    let supply = U256::abi_decode(args).map_err(|_| Vec::new())?;
    update(Address::ZERO, env::caller(), supply)?;
    Ok(Vec::new())
}

entrypoint!(call, deploy);

#[cfg(test)]
mod tests {
    use super::*;
    use zkos_sdk::testing::{self, Ended};

    fn setup() -> (Address, Address) {
        let (alice, bob) = (Address::repeat_byte(1), Address::repeat_byte(2));
        testing::with(|h| {
            *h = Default::default();
            h.constants = constants("Rust Token", "RST", 18);
        });
        let ended = testing::call(deploy, alice, &U256::from(1000).abi_encode());
        assert_eq!(ended, Ended::Finish(Vec::new()));
        (alice, bob)
    }

    fn query<C: SolCall>(c: C) -> C::Return {
        match testing::call(call, Address::ZERO, &c.abi_encode()) {
            Ended::Finish(out) => C::abi_decode_returns(&out).unwrap(),
            Ended::Revert(e) => panic!("reverted: {e:?}"),
        }
    }

    #[test]
    fn metadata_comes_from_the_constants_area() {
        setup();
        assert_eq!(query(nameCall {}), "Rust Token");
        assert_eq!(query(symbolCall {}), "RST");
        assert_eq!(query(decimalsCall {}), 18);
        assert_eq!(query(totalSupplyCall {}), U256::from(1000));
    }

    #[test]
    fn transfers_move_balances_and_log_like_openzeppelin() {
        let (alice, bob) = setup();
        let t = transferCall { to: bob, value: U256::from(300) }.abi_encode();
        assert_eq!(testing::call(call, alice, &t), Ended::Finish(true.abi_encode()));
        assert_eq!(query(balanceOfCall { account: alice }), U256::from(700));
        assert_eq!(query(balanceOfCall { account: bob }), U256::from(300));
        let (topics, data) = testing::with(|h| h.logs.last().cloned().unwrap());
        let log = Transfer::decode_raw_log(topics, &data).unwrap();
        assert_eq!((log.from, log.to, log.value), (alice, bob, U256::from(300)));
        // The storage layout is OpenZeppelin's: `_balances` is a mapping at slot 0.
        let slot = storage::mapping_slot(U256::ZERO, bob.into_word());
        assert_eq!(testing::with(|h| h.storage[&slot]), U256::from(300));
    }

    #[test]
    fn failures_revert_with_openzeppelins_errors_and_change_nothing() {
        let (alice, bob) = setup();
        let t = transferCall { to: bob, value: U256::from(2000) }.abi_encode();
        let e = ERC20InsufficientBalance {
            sender: alice,
            balance: U256::from(1000),
            needed: U256::from(2000),
        };
        assert_eq!(testing::call(call, alice, &t), Ended::Revert(e.abi_encode()));
        let t = transferCall { to: Address::ZERO, value: U256::from(1) }.abi_encode();
        let e = ERC20InvalidReceiver { receiver: Address::ZERO };
        assert_eq!(testing::call(call, alice, &t), Ended::Revert(e.abi_encode()));
        assert_eq!(query(balanceOfCall { account: alice }), U256::from(1000));
        assert_eq!(testing::call(call, alice, &[1, 2]), Ended::Revert(Vec::new()));
    }

    #[test]
    fn transfer_from_spends_the_allowance_unless_it_is_infinite() {
        let (alice, bob) = setup();
        let approve = approveCall { spender: bob, value: U256::from(100) }.abi_encode();
        assert!(matches!(testing::call(call, alice, &approve), Ended::Finish(_)));
        let pull = transferFromCall { from: alice, to: bob, value: U256::from(60) }.abi_encode();
        assert!(matches!(testing::call(call, bob, &pull), Ended::Finish(_)));
        assert_eq!(query(allowanceCall { owner: alice, spender: bob }), U256::from(40));
        let e = ERC20InsufficientAllowance {
            spender: bob,
            allowance: U256::from(40),
            needed: U256::from(60),
        };
        assert_eq!(testing::call(call, bob, &pull), Ended::Revert(e.abi_encode()));
        let max = approveCall { spender: bob, value: U256::MAX }.abi_encode();
        testing::call(call, alice, &max);
        testing::call(call, bob, &pull);
        assert_eq!(query(allowanceCall { owner: alice, spender: bob }), U256::MAX);
        assert_eq!(query(balanceOfCall { account: bob }), U256::from(120));
    }
}
