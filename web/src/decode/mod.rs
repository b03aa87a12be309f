//! What the page shows, decoded from the bytes the OS reads and writes:
//! inbox [`message`]s, the [`block`] a level made with its receipts and
//! their [`log`]s,
//! [`outbox`] messages, and durable-storage [`value`]s by the OS's layout.
//! The kernel's own readers and `zkos-layout` do the decoding; these
//! modules only turn their answers into serialisable views.

pub mod block;
pub mod log;
pub mod message;
pub mod outbox;
pub mod value;

use core::convert::Infallible;

use alloy_primitives::U256;
use host::{Durable, Path};
use layout::read::{ChainRead, Store};

/// `0x`-prefixed lowercase hex.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Wei as ETH with up to 18 decimals, trailing zeros dropped.
pub fn eth(wei: &U256) -> String {
    let unit = U256::from(10u64).pow(U256::from(18u64));
    let (whole, frac) = (wei / unit, wei % unit);
    if frac.is_zero() {
        return format!("{whole} ETH");
    }
    let frac = format!("{frac:0>18}");
    format!("{whole}.{} ETH", frac.trim_end_matches('0'))
}

/// The value at `path` (a `zkos-layout` path), if it is a durable-storage
/// path holding one.
pub fn get(durable: &Durable, path: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    durable.get(Path::new(path.as_ref()).ok()?).map(<[u8]>::to_vec)
}

/// The chain configuration, if the genesis wrote one.
pub fn config(durable: &Durable) -> Option<layout::ChainConfig> {
    Stored(durable).config().ok().flatten()
}

/// Durable storage as a [`Store`], so the page reads the chain with the
/// reads the node answers JSON-RPC with ([`ChainRead`]).
pub struct Stored<'a>(pub &'a Durable);

impl Store for Stored<'_> {
    type Error = Infallible;

    fn get(&self, path: &[u8]) -> Result<Option<Vec<u8>>, Infallible> {
        Ok(get(self.0, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wei_reads_as_eth() {
        assert_eq!(eth(&U256::from(10u64).pow(U256::from(18u64))), "1 ETH");
        assert_eq!(eth(&U256::from(1_500_000_000_000_000_000u64)), "1.5 ETH");
        assert_eq!(eth(&U256::from(3u64)), "0.000000000000000003 ETH");
        assert_eq!(eth(&U256::ZERO), "0 ETH");
    }
}
