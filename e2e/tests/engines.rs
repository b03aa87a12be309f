//! Both engines give identical roots and outboxes.

use e2e::{kernel, run_both};
use host::InboxMessage;
use pvm_runner::runner::DEFAULT_TICK_LIMIT;

fn ext(s: &str) -> InboxMessage {
    InboxMessage::External(s.as_bytes().to_vec())
}

fn framed(payload: &[u8]) -> InboxMessage {
    InboxMessage::External([&[0u8][..], &[0x5a; 20], payload].concat())
}

fn assert_agree(stem: &str, levels: &[Vec<InboxMessage>]) -> Vec<host::Hash> {
    let [fast, pvm] = run_both(&kernel(stem), DEFAULT_TICK_LIMIT, &[], levels);
    assert_eq!(fast.len(), levels.len());
    let mut roots = Vec::new();
    for ((f, _), (p, outcome)) in fast.iter().zip(&pvm) {
        assert_eq!(f, p, "{stem}: engines disagree at level {}", f.level);
        assert!(f.failed.is_empty(), "{stem}: level {} failed: {:?}", f.level, outcome.report.runs);
        assert!(outcome.report.ticks() > 0, "pvm counts ticks");
        roots.push(p.root);
    }
    roots
}

#[test]
fn echo_agrees_and_echoes() {
    let levels = vec![vec![ext("a"), ext("bb")], vec![], vec![ext("ccc")]];
    assert_agree("echo_kernel", &levels);
    let [_, pvm] = run_both(&kernel("echo_kernel"), DEFAULT_TICK_LIMIT, &[], &levels);
    assert_eq!(pvm[0].0.outbox, vec![b"a".to_vec(), b"bb".to_vec()]);
    assert_eq!(pvm[2].0.outbox, vec![b"ccc".to_vec()]);
}

#[test]
fn counter_agrees_and_changes_the_root_every_level() {
    let levels = vec![vec![ext("x")], vec![ext("burn 1000"), ext("y")], vec![]];
    let roots = assert_agree("counter_kernel", &levels);
    assert_ne!(roots[0], roots[1]);
    assert_ne!(roots[1], roots[2]);
}

#[test]
fn engines_agree_on_failed_calls_too() {
    // level 2's second run panics (a trap); level 3's burns past the limit
    let levels = vec![vec![ext("a")], vec![ext("panic")], vec![ext("burn 100000000")], vec![]];
    let [fast, pvm] = run_both(&kernel("counter_kernel"), 5_000_000, &[], &levels);
    for ((f, _), (p, _)) in fast.iter().zip(&pvm) {
        assert_eq!(f, p, "engines disagree at level {}", f.level);
    }
    assert_eq!(pvm[1].0.failed, vec![1]);
    assert_eq!(pvm[2].0.failed, vec![0]);
}

#[test]
fn os_kernel_skeleton_agrees_and_checks_signed_transactions() {
    use wallet::{Call, Wallet};
    let alice = Wallet::from_seed(1);
    let bob = Wallet::from_seed(2).address();
    let chain = 0x5a4b;
    let transfer = alice.sign_1559(chain, &Call::transfer(bob, 10), 0, 2, 1, 21_000);
    let legacy = alice.sign_legacy(chain, &Call::transfer(bob, 10), 1, 2, 21_000);
    let levels = vec![
        vec![framed(&transfer), framed(&legacy), framed(b"not a transaction"), ext("elsewhere")],
        vec![InboxMessage::Raw(vec![7])],
    ];
    assert_agree("zkos_kernel", &levels);
    let mut r = e2e::runner(pvm_runner::EngineKind::Pvm, DEFAULT_TICK_LIMIT, kernel("zkos_kernel"));
    let o = r.run_level(e2e::level(1, &levels[0])).unwrap();
    let counts = r.durable().get(host::Path::new(b"/zkos/head/counts").unwrap()).unwrap().to_vec();
    let n = |i: usize| u32::from_le_bytes(counts[i * 4..i * 4 + 4].try_into().unwrap());
    assert_eq!((n(2), n(5), n(6)), (3, 2, 1), "3 framed: 2 transactions, 1 refused");
    assert!(String::from_utf8_lossy(&o.debug).contains("transaction refused"));
}
