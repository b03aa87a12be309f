//! Resources: what a transaction costs, twice over.
//!
//! Every transaction pays **gas**, the Ethereum schedule for EVM code (and,
//! for the other VMs of a later issue, fuel and cycles converted at
//! published rates). Gas is what users see and pay for. What the rollup
//! itself pays is **native** work: ticks of the PVM, of which one
//! `kernel_run` has a fixed budget (50 × 10¹² on Tezos since Paris, 11 ×
//! 10⁹ before; the chain plans with its own `ticks_per_run`). Gas
//! alone does not bound ticks well (signature recovery, decoding and
//! storage writes cost ticks but little gas), so the system keeps a
//! [`native`] cost model and plans each `kernel_run` with it: a
//! transaction whose worst case does not fit in what is left of the run is
//! carried over to the next run of the same level (see
//! `bootloader::budget`).
//!
//! The model has two parts, both upper bounds calibrated against the `pvm`
//! engine, which counts real ticks (`cargo test -p zkos-e2e -- native_model
//! --nocapture` measures every kind of work and fails if a level used more
//! ticks than the bootloader planned; `BENCHMARKS.md` records the table):
//!
//! - **EVM execution** costs at most [`native::PER_GAS`] ticks per gas (the
//!   worst measured is about 650, hashing one word in a loop), so gas bounds
//!   it; nothing is metered while it runs.
//! - **Precompiles** do far more work per gas on a PVM than on a native
//!   node (ecrecover: about 2,800 ticks per gas). They are metered: every
//!   call costs [`native::PRECOMPILE_CALL`] plus its gas times its rate
//!   ([`native::precompile_rate`]), from a per-transaction [`NativeMeter`]
//!   of [`native::PRECOMPILE_ALLOWANCE_PER_GAS`] ticks per gas of the
//!   transaction's limit. A call the meter cannot pay runs with only the gas
//!   it can pay for, and fails as out of gas if that is not enough: a
//!   transaction that needs many expensive precompile calls needs a higher
//!   gas limit (it still pays only the gas it uses).
//!
//! So a transaction's worst case, [`native::transaction`], is known from
//! its gas limit before it runs, and the bootloader plans with it.

/// Upper bounds, in ticks, of the native work of the kernel's steps.
pub mod native {
    /// Starting a `kernel_run`: instantiation, metadata, the chain
    /// configuration, the head of the chain.
    pub const RUN_BASE: u64 = 5_000_000;
    /// Per inbox message read (the host call, classification).
    pub const PER_MESSAGE: u64 = 200_000;
    /// A transaction beyond its gas: decoding, signer recovery (k256),
    /// state checks, fees, the receipt and the durable writes.
    pub const TX_BASE: u64 = 14_000_000;
    /// Per byte of the transaction (hashing, decoding, storing it).
    pub const TX_PER_BYTE: u64 = 400;
    /// Per gas of EVM execution (measured worst: about 650).
    pub const PER_GAS: u64 = 1_000;
    /// Per gas of a transaction's limit: its allowance for precompiles.
    pub const PRECOMPILE_ALLOWANCE_PER_GAS: u64 = 1_000;
    /// Per precompile call, beside its rate: entering and leaving the frame.
    pub const PRECOMPILE_CALL: u64 = 500_000;
    /// A chunk of a large transaction: storing it and, for the last one,
    /// reading and hashing them all (at most 64 of 4 KiB).
    pub const CHUNK: u64 = 2_000_000 + 64 * 4096 * 150;
    /// A deposit: decoding the ticket, crediting the receiver.
    pub const DEPOSIT: u64 = 3_000_000;
    /// Sealing the block: the header, its hash, the bookkeeping.
    pub const SEAL_BASE: u64 = 5_000_000;
    /// Sealing, per included transaction: the two tries' leaves, the
    /// receipt, the index entries.
    pub const SEAL_PER_TX: u64 = 1_500_000;
    /// Saving or resuming a block in progress, per byte of its record.
    pub const PENDING_PER_BYTE: u64 = 20;

    /// The worst case of a transaction of `gas_limit` and `size` bytes:
    /// its fixed part, EVM execution and the precompile allowance.
    pub const fn transaction(gas_limit: u64, size: usize) -> u64 {
        TX_BASE
            .saturating_add((PER_GAS + PRECOMPILE_ALLOWANCE_PER_GAS).saturating_mul(gas_limit))
            .saturating_add(TX_PER_BYTE.saturating_mul(size as u64))
    }

    /// Ticks per gas of the precompile at 0x01–0x0a (1.5 × the measured
    /// rate, the call itself excluded); `None` for other addresses.
    pub fn precompile_rate(a: &alloy_primitives::Address) -> Option<u64> {
        let [rest @ .., last] = a.0.0;
        if rest != [0; 19] {
            return None;
        }
        Some(match last {
            0x01 => 4_200, // ecrecover (k256 recovery)
            0x02 => 300,   // sha256
            0x03 => 100,   // ripemd160
            0x04 => 100,   // identity
            0x05 => 1_500, // modexp
            0x06 => 2_000, // bn254 add
            0x07 => 2_100, // bn254 mul
            0x08 => 1_000, // bn254 pairing
            0x09 => 400,   // blake2f
            0x0a => 1_800, // KZG point evaluation
            _ => return None,
        })
    }
}

/// What a transaction may still spend on precompiles, in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeMeter {
    left: u64,
}

impl NativeMeter {
    /// The allowance of a transaction with `gas_limit`.
    pub const fn for_gas_limit(gas_limit: u64) -> Self {
        Self { left: gas_limit.saturating_mul(native::PRECOMPILE_ALLOWANCE_PER_GAS) }
    }

    /// No limit (work outside a transaction's plan, such as tests of the
    /// world alone).
    pub const fn unlimited() -> Self {
        Self { left: u64::MAX }
    }

    /// Ticks left.
    pub fn left(&self) -> u64 {
        self.left
    }

    /// Spends `ticks`, or as much as is left.
    pub fn charge(&mut self, ticks: u64) {
        self.left = self.left.saturating_sub(ticks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;

    #[test]
    fn only_the_ten_precompiles_have_rates() {
        assert_eq!(native::precompile_rate(&Address::with_last_byte(1)), Some(4_200));
        assert_eq!(native::precompile_rate(&Address::with_last_byte(0x0b)), None);
        assert_eq!(native::precompile_rate(&Address::repeat_byte(1)), None);
    }

    #[test]
    fn the_allowance_grows_with_the_gas_limit_and_saturates() {
        let mut m = NativeMeter::for_gas_limit(100_000);
        assert_eq!(m.left(), 100_000_000);
        m.charge(u64::MAX);
        assert_eq!(m.left(), 0);
        assert_eq!(NativeMeter::for_gas_limit(u64::MAX).left(), u64::MAX);
    }
}
