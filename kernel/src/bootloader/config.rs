//! The chain configuration the bootloader runs with.

use alloy_primitives::{Address, address};
use layout::ChainConfig;
use tezos_smart_rollup_host::runtime::Runtime;

use crate::system::{SystemError, read};

/// The configuration of a rollup whose genesis wrote none: a development
/// chain (id 0x5a4b = 23115), 30 M gas blocks, a 1 gwei base fee, no
/// bridge, the default tick budget per `kernel_run`.
pub const DEV: ChainConfig = ChainConfig {
    chain_id: 0x5a4b,
    coinbase: address!("0x00000000000000000000000000000000000c0ffe"),
    block_gas_limit: 30_000_000,
    base_fee_per_gas: 1_000_000_000,
    ticketer: [0; 20],
    fee_account: FEE_ACCOUNT,
    ticks_per_run: layout::DEFAULT_TICKS_PER_RUN,
};

/// Where base fees go in the development configuration.
pub const FEE_ACCOUNT: Address = address!("0x0000000000000000000000000000000000000fee");

/// The configuration stored at genesis, or [`DEV`] when there is none. A
/// stored configuration that does not decode is reported and [`DEV`] used,
/// so a bad genesis cannot stop the chain; a failing read is an error (the
/// level is then left unprocessed rather than run under the wrong rules).
pub fn load<H: Runtime>(host: &H) -> Result<ChainConfig, SystemError> {
    let path = String::from_utf8_lossy(layout::CONFIG).into_owned();
    Ok(match read(host, path)? {
        None => DEV,
        Some(bytes) => ChainConfig::decode(&bytes).unwrap_or_else(|e| {
            host.write_debug(&format!(
                "zkos: /zkos/config unreadable ({e}); using the dev config\n"
            ));
            DEV
        }),
    })
}
