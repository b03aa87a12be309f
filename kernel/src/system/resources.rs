//! Resources: what a transaction costs, twice over.
//!
//! Every transaction pays **gas**, the Ethereum schedule for EVM code (and,
//! for the other VMs of a later issue, fuel and cycles converted at
//! published rates). Gas is what users see and pay for. What the rollup
//! itself pays is **native** work: ticks of the PVM, of which one
//! `kernel_run` has a fixed budget (11 × 10⁹ on Tezos since Mumbai). Gas
//! alone does not bound ticks well (signature recovery, decoding and
//! storage writes cost ticks but little gas), so the system keeps a
//! [`native`] cost model and plans each `kernel_run` with it: a
//! transaction whose worst case does not fit in what is left of the run is
//! carried over to the next run of the same level (see
//! `bootloader::budget`).
//!
//! The model is an upper bound calibrated against the `pvm` engine, which
//! counts real ticks (`cargo test -p zkos-e2e --test main ticks` checks
//! that measured ticks stay below the model, and `BENCHMARKS.md` records the
//! measurement). It is charged on the transaction's gas *limit*, since it
//! must be known before the transaction runs.

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
    /// Per unit of gas limit: the EVM's worst case per gas.
    pub const PER_GAS: u64 = 300;
    /// A deposit: decoding the ticket, crediting the receiver.
    pub const DEPOSIT: u64 = 3_000_000;
    /// Sealing the block: the header, its hash, the bookkeeping.
    pub const SEAL_BASE: u64 = 5_000_000;
    /// Sealing, per included transaction: the two tries' leaves, the
    /// receipt, the index entries.
    pub const SEAL_PER_TX: u64 = 1_500_000;
    /// Saving or resuming a block in progress, per byte of its record.
    pub const PENDING_PER_BYTE: u64 = 20;

    /// The worst case of a transaction of `gas_limit` and `size` bytes.
    pub const fn transaction(gas_limit: u64, size: usize) -> u64 {
        TX_BASE
            .saturating_add(PER_GAS.saturating_mul(gas_limit))
            .saturating_add(TX_PER_BYTE.saturating_mul(size as u64))
    }
}
