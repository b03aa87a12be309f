//! Transactions larger than one inbox message, sent in chunks through whole
//! levels: a 12 KB contract deployed from chunks spread over two levels in
//! any order, and initcode over EIP-3860's limit refused once assembled.

#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken set-up")]

mod common;

use common::{Chain, framed};
use wallet::{Call, Wallet};
use zkos_kernel::bootloader::chunks;

/// Initcode that deploys `code`: PUSH2 len, DUP1, PUSH1 10, PUSH0,
/// CODECOPY, PUSH0, RETURN, then the code.
fn deploying(code: &[u8]) -> Vec<u8> {
    let len = u16::try_from(code.len()).unwrap().to_be_bytes();
    let mut v = vec![0x61, len[0], len[1], 0x80, 0x60, 10, 0x5f, 0x39, 0x5f, 0xf3];
    v.extend_from_slice(code);
    v
}

const MAX: usize = 4096 - 22;

#[test]
fn a_large_creation_arrives_in_chunks_over_two_levels() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let code: Vec<u8> = (0..12_000u32).map(|i| if i % 7 == 0 { 0x5b } else { 0x00 }).collect();
    let raw = chain.sign(&alice, &Call::create(deploying(&code)), 3_500_000);
    let parts = chunks::split(&raw, MAX);
    assert!(parts.len() >= 3, "{} chunks", parts.len());
    // the later half first, in reverse, then the rest
    let (first, second) = parts.split_at(parts.len() / 2);
    chain.run_level(&second.iter().rev().cloned().collect::<Vec<_>>());
    let contract = alice.address().create(0);
    assert!(chain.mock.get(layout::code(&contract).as_bytes()).is_none(), "not yet complete");
    chain.run_level(first);
    assert_eq!(chain.mock.get(layout::code(&contract).as_bytes()), Some(code.clone()));
    let hash = zkos_kernel::tx::decode(&raw).unwrap().hash;
    assert!(chain.receipt(&hash).is_success());
    // it belongs to the second level's block, stored whole
    let location = chain.mock.get(layout::transaction(&hash).as_bytes()).unwrap();
    assert_eq!(&location[..8], &1u64.to_be_bytes());
    assert_eq!(&location[12..], raw.as_slice());
    assert!(
        chain.mock.host().durable.values().iter().all(|(p, _)| !p.starts_with(b"/zkos/chunks"))
    );
    // the same chunks again are a new set: once complete, the nonce refuses it
    chain.run_level(&parts);
    assert!(chain.mock.debug_log().contains("nonce 0, the sender's next nonce is 1"));
}

#[test]
fn initcode_over_the_eip_3860_limit_is_refused_once_assembled() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let raw = chain.sign(&alice, &Call::create(vec![0; 49_153]), 4_000_000);
    let msgs: Vec<_> = chunks::split(&raw, MAX).iter().map(|c| framed(c)).collect();
    chain.mock.run_level(&msgs, zkos_kernel::bootloader::run);
    assert!(
        chain.mock.debug_log().contains("over the EIP-3860 limit"),
        "{}",
        chain.mock.debug_log()
    );
    assert_eq!(chain.nonce(&alice.address()), 0);
}
