use alloc::{format, string::String, vec, vec::Vec};

use proptest::prelude::*;

use super::*;
use crate::{Path, ValueType};

/// One storage operation, as a kernel would make it.
#[derive(Debug, Clone)]
enum Step {
    Has(String),
    Read(String),
    Write(String, usize, Vec<u8>),
    Set(String, Vec<u8>),
    Delete(String),
    DeleteValue(String),
    ListSize(String),
    Copy(String, String),
    Move(String, String),
    Checkpoint,
    Commit,
    Rollback,
}

fn p(s: &str) -> Path<'_> {
    Path::new(s.as_bytes()).unwrap()
}

/// Runs `steps` and returns every answer, so two trees can be compared.
fn run(d: &mut Durable, steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s {
            Step::Has(x) => format!("{:?}", d.has(p(x))),
            Step::Read(x) => format!("{:?}", d.read(p(x), 0, 64)),
            Step::Write(x, o, b) => format!("{:?}", d.write(p(x), *o, b)),
            Step::Set(x, b) => format!("{:?}", d.set(p(x), b.clone())),
            Step::Delete(x) => format!("{:?}", d.delete(p(x))),
            Step::DeleteValue(x) => format!("{:?}", d.delete_value(p(x))),
            Step::ListSize(x) => format!("{:?}", d.list_size(p(x))),
            Step::Copy(a, b) => format!("{:?}", d.copy(p(a), p(b))),
            Step::Move(a, b) => format!("{:?}", d.move_to(p(a), p(b))),
            Step::Checkpoint => format!("{:?}", d.checkpoint()),
            Step::Commit => format!("{:?}", d.commit()),
            Step::Rollback => format!("{:?}", d.rollback()),
        })
        .collect()
}

/// A state of `n` accounts with a balance and two storage slots each.
fn state(n: usize) -> Durable {
    let mut d = Durable::new();
    for i in 0..n {
        d.set(p(&format!("/evm/a{i:04}/balance")), vec![i as u8; 8]).unwrap();
        d.set(p(&format!("/evm/a{i:04}/s/1")), vec![1; 32]).unwrap();
        d.set(p(&format!("/evm/a{i:04}/s/2")), vec![2; 32]).unwrap();
    }
    d.set(p("/kernel/boot.wasm"), vec![0xaa; 3000]).unwrap();
    d.root();
    d
}

fn witness_of(pre: &mut Durable, steps: &[Step]) -> (Vec<u8>, Vec<String>, Hash) {
    let rec = Recorder::start(pre);
    let answers = run(pre, steps);
    let tree = rec.finish(pre).expect("the recorder replays its own log");
    let w = LevelWitness {
        level: 7,
        tick_limit: 1_000,
        metadata: RollupMetadata::default(),
        pre_root: rec_root(&tree),
        inbox: vec![b"msg".to_vec()],
        preimages: vec![],
        tree,
    };
    (w.encode(), answers, pre.root())
}

/// The root a bare encoded tree hashes to.
fn rec_root(tree: &[u8]) -> Hash {
    let mut r = codec::Reader::new(tree);
    codec::decode_tree(&mut r).unwrap().root()
}

fn replay(bytes: &[u8], steps: &[Step]) -> (Vec<String>, Result<Hash, crate::OutsideWitness>) {
    let mut rp = LevelWitness::decode(bytes).expect("a recorded witness decodes");
    let answers = run(&mut rp.durable, steps);
    (answers, rp.durable.try_root())
}

fn check(pre: &mut Durable, steps: &[Step]) -> usize {
    let before = pre.root();
    let (bytes, answers, post) = witness_of(pre, steps);
    let decoded = LevelWitness::decode(&bytes).unwrap();
    assert_eq!(decoded.witness.pre_root, before);
    let (replayed, root) = replay(&bytes, steps);
    assert_eq!(replayed, answers, "a replay from the witness sees what the run saw");
    assert_eq!(root, Ok(post), "and reaches the same root");
    bytes.len()
}

fn s(x: &str) -> String {
    x.into()
}

#[test]
fn a_level_replays_from_its_witness_alone() {
    let mut d = state(300);
    let steps = vec![
        Step::Checkpoint,
        Step::Read(s("/kernel/boot.wasm")),
        Step::Read(s("/evm/a0007/balance")),
        Step::Write(s("/evm/a0007/balance"), 2, vec![9, 9]),
        Step::Has(s("/evm/a9999")),
        Step::Set(s("/evm/a9999/balance"), vec![5]),
        Step::Delete(s("/evm/a0100")),
        Step::DeleteValue(s("/evm/a0101/s/1")),
        Step::ListSize(s("/evm/a0102/s")),
        Step::Commit,
        Step::Checkpoint,
        Step::Set(s("/evm/a0200/balance"), vec![1]),
        Step::Delete(s("/evm/a0201")),
        Step::Rollback,
        Step::Read(s("/evm/a0201/s/2")),
    ];
    let size = check(&mut d, &steps);
    // The witness holds a few paths, not the 900 values of the state.
    assert!(size < 3000 + 6000, "witness of {size} bytes");
}

#[test]
fn copies_and_moves_replay() {
    let mut d = state(40);
    let steps = vec![
        Step::Copy(s("/evm/a0001"), s("/evm/copy")),
        Step::Read(s("/evm/copy/s/2")),
        Step::Write(s("/evm/copy/s/1"), 0, vec![7]),
        Step::Move(s("/evm/a0002"), s("/moved/x")),
        Step::Read(s("/moved/x/balance")),
        Step::Has(s("/evm/a0002")),
        Step::Move(s("/moved/x"), s("/evm/a0003")),
        Step::ListSize(s("/evm/a0003/s")),
    ];
    check(&mut d, &steps);
}

#[test]
fn deleting_down_to_one_child_collapses_the_index_as_the_full_tree_does() {
    // Few children per directory, so removals leave single leaves behind
    // whose kind the witness must show.
    let mut d = Durable::new();
    for i in 0..40 {
        d.set(p(&format!("/d/c{i}")), vec![i]).unwrap();
    }
    d.root();
    let steps: Vec<Step> = (0..39).map(|i| Step::Delete(format!("/d/c{i}"))).collect();
    check(&mut d, &steps);
}

#[test]
fn a_read_outside_the_witness_stops_the_replay() {
    let mut d = state(50);
    let (bytes, _, _) = witness_of(&mut d, &[Step::Read(s("/evm/a0001/balance"))]);
    let (answers, root) = replay(&bytes, &[Step::Read(s("/evm/a0002/balance"))]);
    assert_eq!(answers, vec![format!("{:?}", Err::<&[u8], _>(crate::HostError::NotAValue))]);
    let outside = root.expect_err("no root after a read outside the witness");
    assert_eq!(outside.0, b"/evm/a0002".to_vec());
    // A value shown only by its hash cannot be read either.
    let (bytes, _, _) = witness_of(&mut d, &[Step::Has(s("/kernel/boot.wasm"))]);
    let (answers, root) = replay(&bytes, &[Step::Read(s("/kernel/boot.wasm"))]);
    assert_eq!(answers.len(), 1);
    assert_eq!(root.unwrap_err().0, b"/kernel/boot.wasm".to_vec());
}

#[test]
fn a_tampered_witness_is_refused() {
    let mut d = state(20);
    let (bytes, _, _) = witness_of(&mut d, &[Step::Read(s("/evm/a0003/s/1"))]);
    assert!(LevelWitness::decode(&bytes).is_ok());
    let header = MAGIC.len() + 4 + 8 + 24 + 32;
    // Every byte of the tree and of the claimed root matters: flip each and
    // the witness no longer decodes to its root (or no longer decodes).
    let tree_start = bytes.len() - {
        let rp = LevelWitness::decode(&bytes).unwrap();
        rp.witness.tree.len()
    };
    for i in (header - 32..header).chain(tree_start..bytes.len()) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert!(LevelWitness::decode(&bad).is_err(), "flipping byte {i} went unnoticed");
    }
    assert!(matches!(
        LevelWitness::decode(&bytes[..bytes.len() - 1]),
        Err(WitnessError::Truncated(_))
    ));
    assert_eq!(LevelWitness::decode(b"not a witness").unwrap_err(), WitnessError::Magic);
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(LevelWitness::decode(&long).unwrap_err(), WitnessError::Trailing(1));
}

#[test]
fn a_partial_tree_answers_like_the_full_one_for_what_it_holds() {
    let mut d = state(10);
    let (bytes, _, _) = witness_of(&mut d, &[Step::Has(s("/evm/a0004/s"))]);
    let rp = LevelWitness::decode(&bytes).unwrap();
    assert_eq!(rp.durable.has(p("/evm/a0004/s")), ValueType::Subtree);
    assert_eq!(rp.durable.outside_witness(), None);
}

fn arb_path() -> impl Strategy<Value = String> {
    (0..24u8, prop::option::of(0..4u8)).prop_map(|(a, b)| match b {
        Some(b) => format!("/t/k{a}/v{b}"),
        None => format!("/t/k{a}"),
    })
}

fn arb_step() -> impl Strategy<Value = Step> {
    let bytes = prop::collection::vec(any::<u8>(), 0..4);
    prop_oneof![
        arb_path().prop_map(Step::Has),
        arb_path().prop_map(Step::Read),
        (arb_path(), 0..3usize, bytes.clone()).prop_map(|(a, o, b)| Step::Write(a, o, b)),
        (arb_path(), bytes).prop_map(|(a, b)| Step::Set(a, b)),
        arb_path().prop_map(Step::Delete),
        arb_path().prop_map(Step::DeleteValue),
        arb_path().prop_map(Step::ListSize),
        (arb_path(), arb_path()).prop_map(|(a, b)| Step::Copy(a, b)),
        (arb_path(), arb_path()).prop_map(|(a, b)| Step::Move(a, b)),
        Just(Step::Checkpoint),
        Just(Step::Commit),
        Just(Step::Rollback),
    ]
}

proptest! {
    #[test]
    fn any_sequence_replays_from_its_witness(
        init in prop::collection::vec((arb_path(), prop::collection::vec(any::<u8>(), 0..3)), 0..60),
        steps in prop::collection::vec(arb_step(), 0..60),
    ) {
        let mut d = Durable::new();
        for (path, v) in init {
            d.set(p(&path), v).unwrap();
        }
        d.root();
        check(&mut d, &steps);
    }
}
