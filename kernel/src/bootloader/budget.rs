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
//! and keeps a reserve to seal it that grows with its transactions, so a
//! level can include only so many: under the default 10 × 10⁹ ticks per run
//! a block of about 3,000 transactions leaves no room for a transaction of
//! the largest gas limit (about 5 M), and later ones of that size are
//! refused rather than delayed (a level is a block).

use crate::system::resources::native;

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
