//! RISC-V contracts through the bootloader's transaction path, on programs
//! hand-assembled in the test (`src/ee/riscv/test_elf.rs`): a deployment's
//! checks and record, a call that reads and writes storage, the code hash
//! across constants, a static-call violation in a RISC-V callee of the EVM,
//! and malformed ELFs refused at deploy without keeping anything. The Rust
//! contracts built for RISC-V (ERC-20, vault, probe) run in `e2e/`.

mod common;

#[path = "../src/ee/riscv/test_elf.rs"]
#[allow(dead_code, reason = "the frame's unit tests use the rest")]
mod test_elf;

use alloy_primitives::{Address, U256, keccak256};
use alloy_sol_types::{SolCall, sol};
use common::{Chain, bytecode};
use test_elf::program;
use wallet::{Call, Wallet};
use zkos_kernel::ee::{
    deploy::{Envelope, Meta, VmKind},
    evm::Status,
    riscv::abi::Syscall,
};

sol! {
    function relayStatic(address to, bytes data) returns (bool ok, bytes ret);
}

/// A counter: slot 0 += 1 (its last byte), then finishes with the new
/// value. At deployment (`a0` = 1) the same.
fn counter() -> Vec<u8> {
    use Syscall::{Finish, StorageRead, StorageWrite};
    program(&test_elf::counter([StorageRead, StorageWrite, Finish].map(Syscall::number)))
}

#[test]
fn a_riscv_contract_deploys_with_its_plan_and_counts_in_storage() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let code = counter();
    let init = Envelope { code: &code, constants: b"one", args: &[] }.join();
    let a = chain.deploy(&alice, init);
    assert_eq!(chain.mock.get(layout::code(&a).as_bytes()), Some(code.clone()));
    let record = chain.mock.get(layout::prepared(&a).as_bytes()).expect("a record");
    let meta = Meta::decode(&record).expect("a record");
    assert_eq!((meta.kind, meta.constants), (VmKind::RiscV, &b"one"[..]));
    assert_eq!(meta.prepared[0], b'R', "the loading plan is kept");
    assert_eq!(chain.slot(&a, U256::ZERO), U256::from(1), "the constructor ran");

    let inc = chain.call(&alice, a, vec![]);
    assert_eq!(inc.status, Status::Success);
    assert_eq!(inc.output, U256::from(2).to_be_bytes::<32>().to_vec());
    assert_eq!(chain.slot(&a, U256::ZERO), U256::from(2));

    // The same code with other constants: the same code hash.
    let init = Envelope { code: &code, constants: b"two", args: &[] }.join();
    let b = chain.deploy(&alice, init);
    let hash = |x: &Address| chain.mock.get(layout::code_hash(x).as_bytes());
    assert_eq!(hash(&a), hash(&b));
    assert_eq!(hash(&a), Some(keccak256(&code).to_vec()));
}

#[test]
fn a_write_in_a_static_call_fails_the_riscv_callee_only() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let a = chain.deploy(&alice, counter());
    let relay = chain.deploy(&alice, bytecode("Relay"));
    let input = relayStaticCall { to: a, data: vec![].into() }.abi_encode();
    let inc = chain.call(&alice, relay, input);
    assert_eq!(inc.status, Status::Success, "the EVM caller goes on");
    let ret = relayStaticCall::abi_decode_returns(&inc.output).expect("decodes");
    assert!(!ret.ok, "the callee failed");
    assert_eq!(chain.slot(&a, U256::ZERO), U256::from(1), "nothing written");
}

#[test]
fn malformed_riscv_deployments_fail_with_a_reason_and_keep_nothing() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let mut x86 = counter();
    x86[18] = 62;
    let mut hard_float = counter();
    hard_float[48] = 4;
    let cases = [b"\x7fELF garbage".to_vec(), x86, hard_float, program(&[])];
    for init in cases {
        let inc = chain.send(&alice, Call::create(init), 1_000_000);
        assert!(
            matches!(&inc.status, Status::Failed(why) if why.contains("invalid RISC-V")),
            "{:?}",
            inc.status
        );
        let created = alice.address().create(chain.nonce(&alice.address()) - 1);
        assert_eq!(chain.mock.get(layout::code(&created).as_bytes()), None);
    }
}
