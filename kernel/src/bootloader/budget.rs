//! The tick budget of one `kernel_run`, planned with the system's native
//! cost model ([`crate::system::resources::native`]).
//!
//! Before each inbox message the bootloader asks whether the message's
//! worst case, plus what it must keep to finish the run (sealing the
//! block, or saving it to continue after a reboot), still fits in the
//! configured `ticks_per_run`. When it does not, the message is carried
//! over: the block in progress is saved, the kernel asks for a reboot, and
//! the next `kernel_run` of the same level starts with that message. A
//! message that does not fit even in a fresh run is refused.
//!
//! A fresh run of a continued level starts with the saved block to resume
//! and keeps a reserve to seal it that grows with its transactions.
//! [`gas_ceiling`] is the most gas a transaction may have: what a fresh run
//! of an empty block holds. Under the default 100 × 10⁹ ticks per run that
//! is the block gas limit itself (30 M on the dev genesis, above Ethereum's
//! per-transaction cap of 2²⁴), with room beside it for the largest block
//! the block gas limit allows, so no transaction under the block gas limit
//! is refused for its ticks. A chain configured with a smaller budget gets
//! a lower ceiling, which the node applies at admission and to
//! `eth_estimateGas`, and a level of such a chain includes only as many
//! transactions as a run can seal beside the largest one: later large ones
//! are refused rather than delayed (a level is a block).

use layout::ChainConfig;

use crate::system::resources::native;

/// The most gas a transaction of `size` bytes may have on a chain
/// configured by `config`: the block gas limit, or less where the chain's
/// `ticks_per_run` cannot hold that transaction's worst case
/// ([`native::transaction`]) in a fresh run of an empty block. The
/// bootloader refuses a transaction over it before planning anything, and
/// the node applies the same rule at admission and to `eth_estimateGas`.
pub fn gas_ceiling(config: &ChainConfig, size: usize) -> u64 {
    let fresh = Budget::new(config.ticks_per_run, 0);
    let need = |gas| {
        let cost = native::PER_MESSAGE.saturating_add(native::transaction(gas, size));
        cost.saturating_add(reserve(0, 0, size))
    };
    // The plan's arithmetic saturates, so an unbounded budget (u64::MAX,
    // as Ethereum's own tests run) takes any gas limit: ask the plan itself.
    if fresh.fit(need(config.block_gas_limit), 0) == Fit::Fits {
        return config.block_gas_limit;
    }
    // Below the block gas limit nothing saturates: the need grows by
    // `per_gas` a gas from `need(0)`.
    let per_gas = native::PER_GAS + native::PRECOMPILE_ALLOWANCE_PER_GAS;
    let room = config.ticks_per_run.saturating_sub(fresh.used()).saturating_sub(need(0));
    room / per_gas
}

/// What one `kernel_run` has spent and may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    limit: u64,
    used: u64,
    /// Whether the run has processed a message yet.
    fresh: bool,
}

/// What a message needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// It fits: go on.
    Fits,
    /// Not in what is left of this run: carry it to the next one.
    NextRun,
    /// Not even in a fresh run: refuse it.
    Never,
}

impl Budget {
    /// A run of `limit` ticks that resumed a saved block of `pending_bytes`.
    pub fn new(limit: u64, pending_bytes: usize) -> Self {
        let resume = native::PENDING_PER_BYTE.saturating_mul(pending_bytes as u64);
        Self { limit, used: native::RUN_BASE.saturating_add(resume), fresh: true }
    }

    /// Whether `cost` fits, keeping `reserve` to finish the run.
    pub fn fit(&self, cost: u64, reserve: u64) -> Fit {
        let need = cost.saturating_add(reserve);
        if self.used.saturating_add(need) <= self.limit {
            Fit::Fits
        } else if self.fresh {
            // The next run would start just like this one: never carry a
            // message twice.
            Fit::Never
        } else {
            Fit::NextRun
        }
    }

    /// Spends `cost`.
    pub fn spend(&mut self, cost: u64) {
        self.used = self.used.saturating_add(cost);
        self.fresh = false;
    }

    /// Ticks planned so far.
    pub fn used(&self) -> u64 {
        self.used
    }
}

/// What must stay available after including one more transaction of
/// `size` bytes in a block of `included` transactions whose saved record
/// is `record_bytes` long: sealing it, or saving it for the next run.
pub fn reserve(included: usize, record_bytes: usize, size: usize) -> u64 {
    let seal = native::SEAL_BASE + native::SEAL_PER_TX * (included as u64 + 1);
    let save = native::PENDING_PER_BYTE * (record_bytes + 2 * size + 1024) as u64;
    seal.saturating_add(save)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootloader::config::DEV;

    #[test]
    fn the_default_budget_takes_any_gas_limit_up_to_the_block_gas_limit() {
        assert_eq!(DEV.ticks_per_run, layout::DEFAULT_TICKS_PER_RUN);
        for size in [100, 4_096, 128 * 1024] {
            assert_eq!(gas_ceiling(&DEV, size), DEV.block_gas_limit, "size {size}");
        }
        assert!(gas_ceiling(&DEV, 100) > 1 << 24, "Ethereum's per-transaction cap");
        // ... even beside the largest block 30 M gas allows: a transaction
        // per 21,000 gas, and as many bytes as 30 M gas pays calldata for.
        let txs = (DEV.block_gas_limit / 21_000) as usize;
        let record = (DEV.block_gas_limit / 4) as usize + txs * 400;
        let size = 128 * 1024;
        let cost = native::PER_MESSAGE + native::transaction(DEV.block_gas_limit, size);
        let resumed = Budget::new(DEV.ticks_per_run, record);
        assert_eq!(resumed.fit(cost, reserve(txs, record, size)), Fit::Fits);
    }

    #[test]
    fn a_transaction_at_the_ceiling_fits_a_fresh_run() {
        let configs = [
            DEV,
            ChainConfig { ticks_per_run: 11_000_000_000, ..DEV },
            ChainConfig { ticks_per_run: 100_000_000, ..DEV },
        ];
        for config in configs {
            for size in [120, 4_096, 100_000] {
                let gas = gas_ceiling(&config, size);
                let cost = |gas| native::PER_MESSAGE + native::transaction(gas, size);
                let fresh = Budget::new(config.ticks_per_run, 0);
                assert_eq!(fresh.fit(cost(gas), reserve(0, 0, size)), Fit::Fits, "{config:?}");
                if gas < config.block_gas_limit {
                    let over = fresh.fit(cost(gas + 1), reserve(0, 0, size));
                    assert_eq!(over, Fit::Never, "{config:?}, size {size}: ceiling {gas}");
                }
            }
        }
        // Mumbai–Oxford's budget held about 5 M gas a transaction.
        let old = gas_ceiling(&ChainConfig { ticks_per_run: 10_000_000_000, ..DEV }, 200);
        assert!((4_000_000..5_000_000).contains(&old), "{old}");
    }

    #[test]
    fn a_budget_too_small_for_any_transaction_gives_no_gas() {
        let tiny = ChainConfig { ticks_per_run: 1_000, ..DEV };
        assert_eq!(gas_ceiling(&tiny, 100), 0);
    }

    #[test]
    fn an_unbounded_budget_takes_any_gas_limit() {
        let unbounded =
            ChainConfig { ticks_per_run: u64::MAX, block_gas_limit: u64::MAX >> 1, ..DEV };
        assert_eq!(gas_ceiling(&unbounded, 200), u64::MAX >> 1);
    }

    #[test]
    fn a_message_is_carried_over_only_when_a_fresh_run_could_take_it() {
        let mut b = Budget::new(100_000_000, 0);
        assert_eq!(b.fit(50_000_000, 10_000_000), Fit::Fits);
        b.spend(50_000_000);
        assert_eq!(b.fit(50_000_000, 10_000_000), Fit::NextRun);
        let fresh = Budget::new(100_000_000, 0);
        assert_eq!(fresh.fit(200_000_000, 0), Fit::Never);
    }
}
