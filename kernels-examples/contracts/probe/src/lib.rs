//! A probe for the cross-VM tests: the protocol of the kernel's hand-written
//! `tests/contracts/probe.wat`, in Rust, so the same tests run against a
//! WASM and a RISC-V callee built from this one source. The first calldata
//! byte picks an operation:
//!
//! | byte | rest | does |
//! | --- | --- | --- |
//! | 0 | | slot 0 += 1, logs the new value (topic `0xaa…`), returns it |
//! | 1 | to, data | calls `to` with `data` and the value received; returns its output, or reverts with its revert data |
//! | 2 | to, data | static call: status byte ‖ output |
//! | 3 | | writes slot 0 (fails in a static call) |
//! | 4 | | loops forever |
//! | 5 | | reverts with `"nope"` |
//! | 6 | to, data | delegate call: status byte ‖ output |
//! | 7 | init | creates from `init` with the value received; returns the address (zero if it failed) |
//! | 8 | | returns the constants area |
//! | 9 | peer, depth | 0 if depth is 0, else 1 + `peer.ping(this, depth - 1)` (a Solidity `Relay`) |
//!
//! The constructor stores its 32-byte argument in slot 0 and the size of the
//! constants area in slot 1.

#![no_std]
#![cfg_attr(target_arch = "riscv64", no_main)]

use zkos_sdk::{
    calls::{self, ALL_GAS, Outcome},
    entrypoint, env, log,
    prelude::*,
    storage,
};

sol! {
    #![sol(alloy_sol_types = zkos_sdk::sol_types)]
    function ping(address peer, uint256 depth) returns (uint256);
}

fn word(v: U256) -> Vec<u8> {
    v.to_be_bytes::<32>().to_vec()
}

fn status_and_output(o: Outcome) -> Vec<u8> {
    match o {
        Outcome::Success(out) => [&[0u8][..], &out].concat(),
        Outcome::Reverted(out) => [&[1u8][..], &out].concat(),
        Outcome::Failed => vec![2],
    }
}

fn call(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let (&op, rest) = input.split_first().ok_or_else(Vec::new)?;
    // Operations 1, 2, 6 and 9 start with an address.
    let target = || rest.get(..20).map(Address::from_slice).ok_or_else(Vec::new);
    let data = || rest.get(20..).unwrap_or_default();
    match op {
        0 => {
            let n = storage::load(U256::ZERO) + U256::from(1);
            storage::store(U256::ZERO, n);
            log::raw(&[B256::repeat_byte(0xaa)], &word(n));
            Ok(word(n))
        }
        1 => calls::call(target()?, env::value(), data(), ALL_GAS).into_result(),
        2 => Ok(status_and_output(calls::static_call(target()?, data(), ALL_GAS))),
        3 => {
            storage::store(U256::ZERO, env::value());
            Ok(Vec::new())
        }
        4 => loop {
            core::hint::black_box(());
        },
        5 => Err(b"nope".to_vec()),
        6 => Ok(status_and_output(calls::delegate_call(target()?, data(), ALL_GAS))),
        7 => Ok(calls::create(env::value(), rest, None).unwrap_or_default().to_vec()),
        8 => Ok(env::constants()),
        9 => {
            let depth = U256::from_be_slice(data());
            if depth.is_zero() {
                return Ok(word(U256::ZERO));
            }
            let again = pingCall { peer: env::address(), depth: depth - U256::from(1) };
            let below = calls::call_sol(target()?, &again)?;
            Ok(word(below + U256::from(1)))
        }
        _ => Err(Vec::new()),
    }
}

fn deploy(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    storage::store(U256::ZERO, U256::from_be_slice(input.get(..32).unwrap_or_default()));
    storage::store(U256::from(1), U256::from(env::constants().len()));
    Ok(Vec::new())
}

entrypoint!(call, deploy);

#[cfg(test)]
mod tests {
    use zkos_sdk::testing::{self, Ended};

    use super::*;

    #[test]
    fn the_counter_counts_from_the_constructor_argument_and_logs() {
        testing::with(|h| h.constants = b"abc".to_vec());
        let who = Address::repeat_byte(1);
        assert_eq!(testing::call(deploy, who, &word(U256::from(41))), Ended::Finish(vec![]));
        assert_eq!(testing::call(call, who, &[0]), Ended::Finish(word(U256::from(42))));
        testing::with(|h| {
            assert_eq!(h.storage[&U256::from(1)], U256::from(3));
            assert_eq!(h.logs.len(), 1);
        });
        assert_eq!(testing::call(call, who, &[5]), Ended::Revert(b"nope".to_vec()));
        assert_eq!(testing::call(call, who, &[8]), Ended::Finish(b"abc".to_vec()));
        // A call the test host cannot make fails: status 2.
        let static_call = [&[2u8][..], who.as_slice()].concat();
        assert_eq!(testing::call(call, who, &static_call), Ended::Finish(vec![2]));
    }
}
