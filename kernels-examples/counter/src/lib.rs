//! `counter`: a counter in durable storage, and the example kernel that
//! exercises the PVM's control flow.
//!
//! Per level:
//! - **first run**: adds one to `/counter/levels`, reads *one* input, sets
//!   `/counter/rebooted` and asks for a reboot;
//! - **second run**: reads the rest of the inbox, adds the number of external
//!   messages to `/counter/externals`, clears the flag and writes the counter
//!   (u64 little-endian) to the outbox.
//!
//! External messages it understands (after the `0x01` tag):
//! - `burn <n>`: spins `n` rounds of arithmetic after writing
//!   `/counter/burning`, so a low tick limit makes the run fail and the runner
//!   must roll the write back;
//! - `upgrade ‖ 33-byte hash`: reveals that preimage, a list of 33-byte
//!   page hashes, reveals each page and writes their concatenation to
//!   `/kernel/boot.wasm`, the SCORU way to install a kernel larger than one
//!   message (as Tezos' installer kernel does with DAC pages);
//! - `panic`: panics, so the run traps.

use tezos_smart_rollup_host::{path::RefPath, runtime::Runtime};

const LEVELS: RefPath<'static> = RefPath::assert_from(b"/counter/levels");
const EXTERNALS: RefPath<'static> = RefPath::assert_from(b"/counter/externals");
const REBOOTED: RefPath<'static> = RefPath::assert_from(b"/counter/rebooted");
const BURNING: RefPath<'static> = RefPath::assert_from(b"/counter/burning");
const BOOT: RefPath<'static> = RefPath::assert_from(b"/kernel/boot.wasm");
const HASH_LEN: usize = 33;

fn read_u64<H: Runtime>(host: &H, path: &RefPath<'_>) -> u64 {
    let mut buf = [0u8; 8];
    match host.store_read_slice(path, 0, &mut buf) {
        Ok(8) => u64::from_le_bytes(buf),
        _ => 0,
    }
}

fn write_u64<H: Runtime>(host: &mut H, path: &RefPath<'_>, v: u64) {
    if let Err(e) = host.store_write(path, &v.to_le_bytes(), 0) {
        host.write_debug(&format!("counter: cannot write: {e}\n"));
    }
}

/// One `kernel_run`.
pub fn run<H: Runtime>(host: &mut H) {
    let first_run = host.store_has(&REBOOTED).ok().flatten().is_none();
    if first_run {
        let levels = read_u64(host, &LEVELS) + 1;
        write_u64(host, &LEVELS, levels);
        let externals = host.read_input().ok().flatten().map_or(0, |m| handle(host, m.as_ref()));
        write_u64(host, &EXTERNALS, read_u64(host, &EXTERNALS) + externals);
        write_u64(host, &REBOOTED, 1);
        if let Err(e) = host.mark_for_reboot() {
            host.write_debug(&format!("counter: cannot reboot: {e}\n"));
        }
        return;
    }
    let mut externals = 0;
    while let Ok(Some(msg)) = host.read_input() {
        externals += handle(host, msg.as_ref());
    }
    write_u64(host, &EXTERNALS, read_u64(host, &EXTERNALS) + externals);
    let _ = host.store_delete(&REBOOTED);
    let levels = read_u64(host, &LEVELS);
    if let Err(e) = host.write_output(&levels.to_le_bytes()) {
        host.write_debug(&format!("counter: outbox: {e}\n"));
    }
}

/// Handles one inbox message; returns 1 for an external message.
fn handle<H: Runtime>(host: &mut H, msg: &[u8]) -> u64 {
    let [1, payload @ ..] = msg else { return 0 };
    if let Some(n) = payload.strip_prefix(b"burn ") {
        let n: u64 = std::str::from_utf8(n).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        write_u64(host, &BURNING, n);
        let mut x = 0u64;
        for i in 0..n {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
        }
        host.write_debug(&format!("counter: burned {n} rounds ({x})\n"));
    } else if let Some(hash) = payload.strip_prefix(b"upgrade ") {
        match install(host, hash) {
            Ok(size) => host.write_debug(&format!("counter: installed a {size}-byte kernel\n")),
            Err(e) => host.write_debug(&format!("counter: upgrade refused: {e}\n")),
        }
    } else if payload == b"panic" {
        panic!("asked to panic");
    }
    1
}

/// Reveals the page list at `root`, then each page, into `/kernel/boot.wasm`.
fn install<H: Runtime>(host: &mut H, root: &[u8]) -> Result<usize, String> {
    let root: [u8; HASH_LEN] = root.try_into().map_err(|_| "root hash is not 33 bytes")?;
    let mut list = [0u8; 4096];
    let n = host.reveal_preimage(&root, &mut list).map_err(|e| format!("root page: {e}"))?;
    if n % HASH_LEN != 0 {
        return Err("root page is not a list of hashes".into());
    }
    let mut kernel = Vec::new();
    for page_hash in list[..n].chunks(HASH_LEN) {
        let hash: [u8; HASH_LEN] = page_hash.try_into().map_err(|_| "bad hash")?;
        let mut page = [0u8; 4096];
        let len = host.reveal_preimage(&hash, &mut page).map_err(|e| format!("page: {e}"))?;
        kernel.extend_from_slice(&page[..len]);
    }
    host.store_write_all(&BOOT, &kernel).map_err(|e| format!("boot.wasm: {e}"))?;
    Ok(kernel.len())
}

kernel_entry::entry!(run);

#[cfg(test)]
mod tests {
    use super::*;
    use host::InboxMessage;
    use mock_host::MockHost;

    fn ext(b: &[u8]) -> InboxMessage {
        InboxMessage::External(b.to_vec())
    }

    #[test]
    fn counts_levels_and_externals_with_one_reboot_per_level() {
        let mut mock = MockHost::default();
        let r1 = mock.run_level(&[ext(b"a"), ext(b"b")], run);
        assert_eq!(r1.runs.len(), 2);
        assert_eq!(r1.outbox, vec![1u64.to_le_bytes().to_vec()]);
        let r2 = mock.run_level(&[ext(b"c")], run);
        assert_eq!(r2.outbox, vec![2u64.to_le_bytes().to_vec()]);
        assert_eq!(mock.get(b"/counter/externals"), Some(3u64.to_le_bytes().to_vec()));
        assert_eq!(mock.get(b"/counter/rebooted"), None);
    }

    #[test]
    fn a_panic_rolls_back_the_run() {
        let mut mock = MockHost::default();
        mock.run_level(&[], run);
        // The first run reads StartOfLevel; the second meets the panic.
        let r = mock.run_level(&[ext(b"panic")], run);
        assert_eq!(r.runs.len(), 2);
        assert!(r.runs[1].failure.is_some());
        assert!(r.outbox.is_empty());
        // the first run's writes are kept, the second's are not
        assert_eq!(mock.get(b"/counter/levels"), Some(2u64.to_le_bytes().to_vec()));
        assert_eq!(mock.get(b"/counter/rebooted"), Some(1u64.to_le_bytes().to_vec()));
    }

    #[test]
    fn installs_a_kernel_from_revealed_pages() {
        let mut mock = MockHost::default();
        let blob: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut list = Vec::new();
        for page in blob.chunks(4096) {
            list.extend_from_slice(&mock.add_preimage(page.to_vec()));
        }
        let root = mock.add_preimage(list);
        let msg = [b"upgrade ".as_slice(), &root].concat();
        mock.run_level(&[ext(&msg)], run);
        // StartOfLevel is read in the first run; the upgrade in the second.
        assert_eq!(mock.get(b"/kernel/boot.wasm"), Some(blob));
        assert!(mock.debug_log().contains("installed a 10000-byte kernel"));
    }

    #[test]
    fn a_bad_upgrade_is_refused_without_harm() {
        let mut mock = MockHost::default();
        let msg = [b"upgrade ".as_slice(), &[0u8; 5]].concat();
        let r = mock.run_level(&[ext(&msg)], run);
        assert!(r.runs.iter().all(|r| r.failure.is_none()));
        assert!(mock.debug_log().contains("upgrade refused"));
        assert_eq!(mock.get(b"/kernel/boot.wasm"), None);
    }
}
