//! A sample of Ethereum's GeneralStateTests through `pvm-runner`, both
//! engines: the kernel's native harness (`kernel/tests/state_tests.rs`)
//! runs all of them through `mock-host`; this checks that the real `.wasm`
//! in the real runner gives Ethereum's state roots too.
//!
//! The runner starts a chain at block 0 (the native harness can start it at
//! the test's `currentNumber`), so the sample is files whose transactions do
//! not read `NUMBER` or `BLOCKHASH`.

use std::collections::BTreeMap;

use alloy_primitives::keccak256;
use e2e::kernel;
use host::InboxMessage;
use pvm_runner::{
    EngineKind,
    genesis::{Genesis, GenesisAccount},
    inbox_file::FileLevel,
};
use zkos_kernel::bootloader::config::FEE_ACCOUNT;

/// Files of the sample, under GeneralStateTests.
const SAMPLE: [&str; 8] = [
    "stExample/add11.json",
    "stExample/accessListExample.json",
    "stExample/basefeeExample.json",
    "stExample/eip1559.json",
    "stPreCompiledContracts/idPrecomps.json",
    "stSStoreTest/sstore_0to0.json",
    "stLogTests/log0_nonEmptyMem.json",
    "stTransactionTest/CreateMessageSuccess.json",
];

#[test]
fn a_sample_of_state_tests_passes_through_the_runner_on_both_engines() {
    let wasm = kernel("zkos_kernel");
    let mut ran = 0;
    for file in SAMPLE {
        let path = conformance::tests_root().join(file);
        // At most three cases a file: every case starts a fresh runner,
        // and the fast engine compiles the kernel each time.
        let cases = conformance::cases(&path, FEE_ACCOUNT).unwrap();
        for (name, case) in cases.into_iter().filter_map(|(n, c)| Some((n, c.ok()?))).take(3) {
            let alloc: BTreeMap<_, _> = case
                .pre
                .iter()
                .map(|(a, acc)| {
                    let code = (!acc.code.is_empty()).then(|| acc.code.clone());
                    let account = GenesisAccount {
                        balance: acc.balance,
                        nonce: acc.nonce,
                        code,
                        storage: acc.storage.clone(),
                    };
                    (*a, account)
                })
                .collect();
            let genesis = Genesis { config: case.config, alloc };
            assert!(
                case.txbytes.len() <= conformance::MAX_TX_IN_MESSAGE,
                "sampled cases fit one message"
            );
            let framed = [&[0u8][..], &[0x5a; 20], &case.txbytes].concat();
            let level = FileLevel {
                timestamp: Some(case.timestamp),
                messages: vec![InboxMessage::External(framed)],
                ..FileLevel::default()
            };
            let mut roots = Vec::new();
            for engine in [EngineKind::Fast, EngineKind::Pvm] {
                let mut r = e2e::runner_with_genesis(engine, wasm.clone(), &genesis);
                let o = r.run_level(level.encode(1)).unwrap();
                let values = r.durable().values();
                let root = conformance::state_root(
                    values.iter().map(|(p, v)| (&p[..], &v[..])),
                    &FEE_ACCOUNT,
                )
                .unwrap();
                let receipt = r
                    .durable()
                    .get(
                        host::Path::new(layout::receipt(&keccak256(&case.txbytes)).as_bytes())
                            .unwrap(),
                    )
                    .map(<[u8]>::to_vec);
                let logs = conformance::logs_hash(receipt.as_deref()).unwrap();
                assert_eq!(root, case.hash, "{file} {name} on {engine:?}");
                assert_eq!(logs, case.logs, "{file} {name} on {engine:?}");
                roots.push(o.root);
            }
            assert_eq!(roots[0], roots[1], "{file} {name}: engines agree");
            ran += 1;
        }
    }
    assert!(ran >= 12, "the sample ran {ran} cases");
}
