//! The bootloader: drives one `kernel_run` over the level's inbox.
//!
//! Each message is classified ([`inbox`]): a deposit is credited
//! ([`deposit`]), a transaction framed for this rollup is decoded and
//! applied ([`execute`]) — or, when it is a chunk of a transaction too large
//! for one message, stored until its last chunk completes it ([`chunks`]) —
//! and everything is counted. When the inbox is drained
//! the level's block is sealed ([`block`]). A level whose work does not fit
//! in one `kernel_run`'s tick budget ([`budget`]) continues after a reboot:
//! the block in progress is saved ([`progress`]), the message that did not
//! fit is carried over, and the next run of the level picks up exactly
//! there, so no transaction is lost, repeated or reordered.

pub mod block;
pub mod budget;
pub mod chunks;
pub mod config;
pub mod deposit;
pub mod execute;
pub mod inbox;
pub mod notes;
pub mod progress;

use layout::ChainConfig;
use tezos_smart_rollup_host::{input::Message as Input, path::RefPath, runtime::Runtime};

use budget::{Budget, Fit};
use execute::Included;
use inbox::Message;
use progress::{Carried, Progress};

use crate::{
    ee::evm::trace::{self, TraceFrame},
    system::{env::BlockEnv, resources::native},
    tx,
};

const HEAD_LEVEL: RefPath<'static> = RefPath::assert_from(b"/zkos/head/level");
const HEAD_TIMESTAMP: RefPath<'static> = RefPath::assert_from(b"/zkos/head/timestamp");
const HEAD_COUNTS: RefPath<'static> = RefPath::assert_from(b"/zkos/head/counts");
const LEVELS: RefPath<'static> = RefPath::assert_from(b"/zkos/levels");
const LATEST: RefPath<'static> = RefPath::assert_from(layout::LATEST_BLOCK);

/// One `kernel_run`: reads the level's inbox (or what is left of it) and
/// seals the block, or saves it and asks for a reboot when the tick budget
/// runs out.
pub fn run<H: Runtime>(host: &mut H) {
    run_as(host, false);
}

/// The same, with every transaction's frames written at
/// `ee::evm::trace::path(hash)`: the `zkos_trace` export, which a node
/// calls in place of `kernel_run` to re-run a committed level on a
/// throwaway copy of its pre-state. The PVM never calls it.
pub fn run_traced<H: Runtime>(host: &mut H) {
    run_as(host, true);
}

fn run_as<H: Runtime>(host: &mut H, trace: bool) {
    let rollup = host.reveal_metadata().raw_rollup_address;
    let config = match config::load(host) {
        Ok(c) => c,
        Err(e) => {
            host.write_debug(&format!("zkos: cannot read the chain configuration: {e}\n"));
            return;
        }
    };
    let (mut progress, resumed) = match Progress::start(host) {
        Ok(p) => p,
        Err(e) => {
            // Without the previous block (or the saved one) the chain cannot
            // be extended; the level's messages are left unread so nothing is
            // lost silently.
            host.write_debug(&format!("zkos: cannot start a block: {e}\n"));
            return;
        }
    };
    let mut budget = Budget::new(config.ticks_per_run, resumed);
    let mut record_bytes = resumed;
    // A transaction its last chunk completed, processed before the next
    // inbox message.
    let mut assembled: Option<Input> = None;
    loop {
        let msg = if let Some(m) = assembled.take() {
            m
        } else if let Some(c) = progress.carry.take() {
            Input::new(c.level, c.id, c.bytes)
        } else {
            match host.read_input() {
                Ok(Some(m)) => m,
                _ => break,
            }
        };
        // Parsed once: the plan and the processing read the same message.
        let parsed = Message::parse(msg.as_ref(), &rollup);
        if let Some(why) = over_ceiling(&parsed, &config) {
            refuse(host, &mut progress, &msg, &parsed, why);
            budget.spend(native::PER_MESSAGE);
            continue;
        }
        let cost = cost_of(&parsed);
        let reserve = budget::reserve(progress.block.len(), record_bytes, msg.as_ref().len());
        match budget.fit(cost, reserve) {
            Fit::Fits => {}
            Fit::NextRun => {
                progress.carry =
                    Some(Carried { level: msg.level, id: msg.id, bytes: msg.as_ref().to_vec() });
                match progress.save(host) {
                    Ok(_) => {
                        if let Err(e) = host.mark_for_reboot() {
                            host.write_debug(&format!("zkos: cannot ask for a reboot: {e}\n"));
                        }
                    }
                    Err(e) => host.write_debug(&format!("zkos: cannot save the block: {e}\n")),
                }
                return;
            }
            Fit::Never => {
                let why = format!(
                    "refused: needs {cost} ticks, more than a kernel_run's budget of {} holds \
                     beside this block",
                    config.ticks_per_run
                );
                refuse(host, &mut progress, &msg, &parsed, why);
                budget.spend(native::PER_MESSAGE);
                continue;
            }
        }
        budget.spend(cost);
        if let Some(tx) = handle(host, &config, &rollup, &mut progress, &msg, parsed, trace) {
            let framed = [&[1u8, 0][..], &rollup, &tx].concat();
            assembled = Some(Input::new(msg.level, msg.id, framed));
        }
        record_bytes += msg.as_ref().len() + 200;
    }
    let Some(level) = progress.level else { return };
    let timestamp = progress.timestamp;
    if let Err(e) = progress.block.seal(host, &config, block_time(timestamp)) {
        host.write_debug(&format!("zkos: cannot seal block: {e}\n"));
    }
    if let Err(e) = Progress::clear(host) {
        host.write_debug(&format!("zkos: cannot clear the saved block: {e}\n"));
    }
    let writes = [
        (HEAD_LEVEL, level.to_le_bytes().to_vec()),
        (HEAD_TIMESTAMP, timestamp.unwrap_or_default().to_le_bytes().to_vec()),
        (HEAD_COUNTS, progress.counts.encode()),
        (LEVELS, (read_u64(host, &LEVELS) + 1).to_le_bytes().to_vec()),
    ];
    for (path, value) in writes {
        if let Err(e) = host.store_write_all(&path, &value) {
            host.write_debug(&format!("zkos: cannot record the level: {e}\n"));
        }
    }
}

/// The worst-case ticks of processing an inbox message.
fn cost_of(parsed: &Result<Message<'_>, inbox::DecodeError>) -> u64 {
    // Saturating: a gas limit near 2^64 is user input.
    native::PER_MESSAGE.saturating_add(match parsed {
        Ok(Message::ForUs(contents)) if chunks::is_chunk(contents) => native::CHUNK,
        Ok(Message::ForUs(contents)) => {
            native::transaction(tx::gas_limit_of(contents).unwrap_or(0), contents.len())
        }
        Ok(Message::Transfer(_)) => native::DEPOSIT,
        _ => 0,
    })
}

/// Why a transaction asks for more gas than any transaction may have on
/// this chain ([`budget::gas_ceiling`]), if it does.
fn over_ceiling(
    parsed: &Result<Message<'_>, inbox::DecodeError>,
    config: &ChainConfig,
) -> Option<String> {
    let Ok(Message::ForUs(contents)) = parsed else { return None };
    if chunks::is_chunk(contents) {
        return None;
    }
    let gas = tx::gas_limit_of(contents)?;
    let ceiling = budget::gas_ceiling(config, contents.len());
    (gas > ceiling).then(|| {
        format!("transaction refused: gas limit {gas} above the {ceiling} a transaction may have")
    })
}

/// Refuses `msg` unread, counting it and saying why.
fn refuse(
    host: &impl Runtime,
    progress: &mut Progress,
    msg: &Input,
    parsed: &Result<Message<'_>, inbox::DecodeError>,
    why: String,
) {
    progress.level = Some(msg.level);
    if let Ok(m) = parsed {
        progress.counts.add(m);
    }
    progress.counts.refused += 1;
    notes::write(host, msg.level, msg.id, why);
}

/// Processes one inbox message; answers the transaction a chunk completed.
fn handle<H: Runtime>(
    host: &mut H,
    config: &ChainConfig,
    rollup: &[u8; 20],
    progress: &mut Progress,
    msg: &Input,
    parsed: Result<Message<'_>, inbox::DecodeError>,
    trace: bool,
) -> Option<Vec<u8>> {
    progress.level = Some(msg.level);
    let (block, counts) = (&mut progress.block, &mut progress.counts);
    let m = match parsed {
        Ok(m) => m,
        Err(e) => {
            counts.undecodable += 1;
            notes::write(host, msg.level, msg.id, e);
            return None;
        }
    };
    let mut completed = None;
    match m {
        Message::InfoPerLevel { predecessor_timestamp, .. } => {
            progress.timestamp = Some(predecessor_timestamp);
        }
        Message::ForUs(contents) if chunks::is_chunk(contents) => {
            match chunks::parse(contents).and_then(|c| chunks::receive(host, &c)) {
                Ok(tx) => completed = tx,
                Err(e) => {
                    counts.refused += 1;
                    notes::write(host, msg.level, msg.id, format!("chunk refused: {e}"));
                }
            }
        }
        Message::ForUs(contents) => {
            let outcome = tx::decode(contents).map_err(execute::Refusal::from).and_then(|t| {
                let mut env = BlockEnv::new(config, block.number(), block_time(progress.timestamp));
                env.trace_calls = trace;
                let room = block.outbox_room();
                execute::apply(host, config, &env, &t, block.gas_used(), room).map(|i| (t, i))
            });
            match outcome {
                Ok((t, included)) => {
                    counts.transactions += 1;
                    let Included { receipt, info, outputs, trace: frames, .. } = included;
                    if trace {
                        write_trace(host, &t.hash, &frames);
                    }
                    block.add_outputs(outputs);
                    block.push(t.hash, contents.to_vec(), receipt, info);
                }
                Err(e) => {
                    counts.refused += 1;
                    notes::write(host, msg.level, msg.id, format!("transaction refused: {e}"));
                }
            }
        }
        Message::Transfer(_) => match deposit::parse(msg.as_ref(), rollup, &config.ticketer) {
            Ok(d) => match deposit::apply(host, &d) {
                Ok(()) => {
                    counts.deposits += 1;
                    block.push_deposit(d.receiver, d.wei());
                }
                Err(e) => {
                    notes::write(host, msg.level, msg.id, format!("deposit not credited: {e}"))
                }
            },
            Err(deposit::DepositError::NotForUs) => {}
            Err(e) => notes::write(host, msg.level, msg.id, format!("deposit refused: {e}")),
        },
        _ => {}
    }
    counts.add(&m);
    completed
}

/// Keeps a traced transaction's frames where the node reads them.
fn write_trace<H: Runtime>(host: &mut H, hash: &alloy_primitives::B256, frames: &[TraceFrame]) {
    let written = crate::system::path(trace::path(hash)).map_err(|e| e.to_string()).and_then(|p| {
        host.store_write_all(&p, &trace::encode(frames)).map_err(|e| format!("{e:?}"))
    });
    if let Err(e) = written {
        host.write_debug(&format!("zkos: cannot keep the trace of {hash}: {e}\n"));
    }
}

/// The block's timestamp: the level's InfoPerLevel predecessor timestamp.
/// The block a transaction would run in now: the number after the latest
/// block (0 before any) and the latest level's timestamp.
pub fn head<H: Runtime>(host: &H) -> (u64, u64) {
    let mut latest = [0u8; 40];
    let number = match host.store_read_slice(&LATEST, 0, &mut latest) {
        Ok(40) => u64::from_be_bytes([
            latest[0], latest[1], latest[2], latest[3], latest[4], latest[5], latest[6], latest[7],
        ])
        .saturating_add(1),
        _ => 0,
    };
    (number, block_time(Some(read_u64(host, &HEAD_TIMESTAMP) as i64)))
}

fn block_time(timestamp: Option<i64>) -> u64 {
    timestamp.map_or(0, |t| u64::try_from(t).unwrap_or(0))
}

fn read_u64<H: Runtime>(host: &H, path: &RefPath<'_>) -> u64 {
    let mut buf = [0u8; 8];
    match host.store_read_slice(path, 0, &mut buf) {
        Ok(8) => u64::from_le_bytes(buf),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use host::InboxMessage;
    use mock_host::MockHost;

    fn framed(contents: &[u8]) -> InboxMessage {
        InboxMessage::External([&[0u8][..], &[0x5a; 20], contents].concat())
    }

    #[test]
    fn checks_the_transactions_framed_for_this_rollup() {
        use wallet::{Call, Wallet};
        let alice = Wallet::from_seed(1);
        let to = Wallet::from_seed(2).address();
        let chain = config::DEV.chain_id;
        let price = u128::from(config::DEV.base_fee_per_gas);
        let good = alice.sign_1559(chain, &Call::transfer(to, 5), 0, price, 0, 21_000);
        let wrong_chain = alice.sign_legacy(1, &Call::transfer(to, 5), 1, price, 21_000);
        let too_little_gas = alice.sign_legacy(chain, &Call::transfer(to, 5), 1, price, 20_999);
        let mut mock = MockHost::default();
        let funds = alloy_primitives::U256::from(10u128.pow(18));
        mock.set(layout::balance(&alice.address()).as_bytes(), &layout::encode_u256(&funds))
            .unwrap();
        let msgs = [
            framed(&good),
            framed(&wrong_chain),
            framed(&too_little_gas),
            framed(&good[..good.len() - 1]),
        ];
        mock.run_level(&msgs, run);
        let counts = mock.get(b"/zkos/head/counts").unwrap();
        let n = |i: usize| u32::from_le_bytes(counts[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!((n(2), n(5), n(6)), (4, 1, 3));
        let log = mock.debug_log();
        assert!(log.contains("wrong chain id 1"), "{log}");
        assert!(log.contains("intrinsic gas too low"), "{log}");
        assert!(log.contains("malformed transaction"), "{log}");
    }

    #[test]
    fn records_each_level_and_counts_its_messages() {
        let mut mock = MockHost::default();
        let own = [&[0u8][..], &[0x5a; 20], b"tx"].concat();
        let other = [&[0u8][..], &[0x11; 20], b"tx"].concat();
        let msgs = [
            InboxMessage::External(own),
            InboxMessage::External(other),
            InboxMessage::External(vec![]),
        ];
        mock.run_level(&msgs, run);
        mock.run_level(&[], run);
        assert_eq!(mock.get(b"/zkos/head/level"), Some(2u32.to_le_bytes().to_vec()));
        assert_eq!(mock.get(b"/zkos/levels"), Some(2u64.to_le_bytes().to_vec()));
        let first = mock.run_level(&msgs, run);
        assert_eq!(first.messages_read, first.messages_total);
        let counts = mock.get(b"/zkos/head/counts").unwrap();
        let n = |i: usize| u32::from_le_bytes(counts[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!((n(0), n(1), n(2), n(3), n(4), n(5), n(6)), (3, 0, 1, 1, 1, 0, 1));
        assert!(mock.debug_log().contains("empty external message"));
    }
}
