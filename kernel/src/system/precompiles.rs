//! Ethereum's precompiled contracts 0x01–0x0a (Cancun), for every
//! execution environment.
//!
//! The implementations are `revm-precompile`'s, built without C code:
//! ecrecover (`k256`), sha256, ripemd160, identity, modexp (EIP-2565
//! pricing), bn254 add/mul/pairing (arkworks), blake2f, and the EIP-4844
//! point evaluation (arkworks' KZG with Ethereum's trusted setup). They live
//! in the system layer, not in the EVM, so a WASM or RISC-V contract that
//! calls 0x01 gets the same answer for the same gas.

use alloy_primitives::{Address, Bytes};
use revm_precompile::{PrecompileStatus, Precompiles};

use super::resources::{NativeMeter, native};

/// What a precompile call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and returned `output` for `gas_used`.
    Success {
        /// Gas it cost.
        gas_used: u64,
        /// Its return data.
        output: Bytes,
    },
    /// It reverted (returning the gas it did not use).
    Revert {
        /// Gas it cost.
        gas_used: u64,
        /// Its revert data.
        output: Bytes,
    },
    /// Out of gas or invalid input: the call fails and all its gas is spent.
    Halt,
}

fn set() -> &'static Precompiles {
    Precompiles::cancun()
}

/// Whether `a` is a precompile.
pub fn is_precompile(a: &Address) -> bool {
    set().contains(a)
}

/// The precompile addresses, warm from the start of every transaction
/// (EIP-2929).
pub fn addresses() -> impl Iterator<Item = &'static Address> {
    set().addresses()
}

/// Runs the precompile at `a` under the transaction's native `meter`
/// (see [`super::resources`]): it gets only the gas the meter can pay for,
/// and the meter is charged for the call and the gas it used. `None` when
/// `a` is not a precompile.
pub fn call_metered(
    meter: &mut NativeMeter,
    a: &Address,
    input: &[u8],
    gas_limit: u64,
) -> Option<Outcome> {
    let rate = native::precompile_rate(a)?;
    if !is_precompile(a) {
        return None;
    }
    let affordable = meter.left().saturating_sub(native::PRECOMPILE_CALL) / rate;
    let gas = gas_limit.min(affordable);
    let outcome = call(a, input, gas)?;
    let used = match &outcome {
        Outcome::Success { gas_used, .. } | Outcome::Revert { gas_used, .. } => *gas_used,
        Outcome::Halt => gas,
    };
    meter.charge(native::PRECOMPILE_CALL.saturating_add(used.saturating_mul(rate)));
    Some(outcome)
}

/// Runs the precompile at `a`, or `None` when `a` is not one.
pub fn call(a: &Address, input: &[u8], gas_limit: u64) -> Option<Outcome> {
    let p = set().get(a)?;
    Some(match p.execute(input, gas_limit, 0) {
        Ok(out) => match out.status {
            PrecompileStatus::Success if out.gas_used <= gas_limit => {
                Outcome::Success { gas_used: out.gas_used, output: out.bytes }
            }
            PrecompileStatus::Revert if out.gas_used <= gas_limit => {
                Outcome::Revert { gas_used: out.gas_used, output: out.bytes }
            }
            _ => Outcome::Halt,
        },
        Err(_) => Outcome::Halt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, hex};

    #[test]
    fn there_are_ten_of_them_at_0x01_to_0x0a() {
        let mut all: Vec<_> = addresses().copied().collect();
        all.sort();
        let expected: Vec<_> = (1u8..=10).map(Address::with_last_byte).collect();
        assert_eq!(all, expected);
        assert!(!is_precompile(&Address::with_last_byte(11)));
    }

    #[test]
    fn sha256_and_identity_answer_with_their_gas() {
        let sha = call(&address!("0x0000000000000000000000000000000000000002"), b"abc", 1000);
        assert_eq!(
            sha,
            Some(Outcome::Success {
                gas_used: 72,
                output: hex!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
                    .into()
            })
        );
        let id = call(&Address::with_last_byte(4), b"xyz", 1000);
        assert_eq!(id, Some(Outcome::Success { gas_used: 18, output: Bytes::from_static(b"xyz") }));
    }

    #[test]
    fn too_little_gas_halts() {
        assert_eq!(call(&Address::with_last_byte(2), b"abc", 71), Some(Outcome::Halt));
    }

    #[test]
    fn ecrecover_recovers_a_wallet_signature() {
        use alloy_primitives::{B256, keccak256};
        let w = wallet::Wallet::from_seed(1);
        let digest = keccak256(b"zk os");
        let sig = w.sign_hash(&digest);
        let mut input = digest.to_vec();
        input.extend_from_slice(&U256Word::from(27 + u64::from(sig.v())).0);
        input.extend_from_slice(&sig.r().to_be_bytes::<32>());
        input.extend_from_slice(&sig.s().to_be_bytes::<32>());
        let Some(Outcome::Success { gas_used: 3000, output }) =
            call(&Address::with_last_byte(1), &input, 3000)
        else {
            panic!("ecrecover failed")
        };
        assert_eq!(B256::from_slice(&output), w.address().into_word());
    }

    struct U256Word([u8; 32]);
    impl From<u64> for U256Word {
        fn from(v: u64) -> Self {
            Self(alloy_primitives::U256::from(v).to_be_bytes())
        }
    }
}
