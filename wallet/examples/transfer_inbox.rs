//! Writes `kernels-examples/inboxes/transfers.json`: signed transfers among
//! the dev genesis accounts, framed for the default rollup address, in the
//! runner's inbox format. Signatures are deterministic (RFC 6979), so the
//! file is reproducible:
//!
//! ```sh
//! cargo run -p zkos-wallet --example transfer_inbox > kernels-examples/inboxes/transfers.json
//! ```

use wallet::{Call, Wallet};

const CHAIN_ID: u64 = 23115;
const ROLLUP: [u8; 20] = [0x5a; 20];
const GWEI: u128 = 1_000_000_000;
const ETH: u128 = 1_000_000_000_000_000_000;

fn framed(tx: &[u8]) -> String {
    let mut bytes = vec![0u8];
    bytes.extend_from_slice(&ROLLUP);
    bytes.extend_from_slice(tx);
    format!("{{\"external\": \"{}\"}}", hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let [alice, bob, carol] = [1, 2, 3].map(Wallet::from_seed);
    let dave = Wallet::from_seed(4).address();
    let levels = [
        vec![
            // EIP-1559: 1 ETH to dave, tip 1 gwei
            framed(&alice.sign_1559(
                CHAIN_ID,
                &Call::transfer(dave, ETH),
                0,
                2 * GWEI,
                GWEI,
                21_000,
            )),
            // legacy with EIP-155
            framed(&alice.sign_legacy(
                CHAIN_ID,
                &Call::transfer(carol.address(), 5 * GWEI),
                1,
                GWEI,
                21_000,
            )),
        ],
        vec![
            framed(&bob.sign_legacy(CHAIN_ID, &Call::transfer(dave, 3 * GWEI), 0, GWEI, 21_000)),
            // the same transaction again: refused, its nonce is used
            framed(&bob.sign_legacy(CHAIN_ID, &Call::transfer(dave, 3 * GWEI), 0, GWEI, 21_000)),
            // signed for another chain: refused
            framed(&carol.sign_legacy(1, &Call::transfer(dave, 1), 0, GWEI, 21_000)),
        ],
        vec![
            // not a transaction: refused as malformed
            framed(b"hello"),
            // more than carol has: refused for insufficient funds
            framed(&carol.sign_legacy(
                CHAIN_ID,
                &Call::transfer(dave, 2000 * ETH),
                0,
                GWEI,
                21_000,
            )),
        ],
    ];
    let body: Vec<String> =
        levels.iter().map(|l| format!("  [\n    {}\n  ]", l.join(",\n    "))).collect();
    println!("[\n{}\n]", body.join(",\n"));
}
