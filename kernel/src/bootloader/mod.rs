//! The bootloader: drives one `kernel_run` over the level's inbox.

pub mod inbox;

use tezos_smart_rollup_host::{path::RefPath, runtime::Runtime};

use inbox::{Message, MessageCounts};

const HEAD_LEVEL: RefPath<'static> = RefPath::assert_from(b"/zkos/head/level");
const HEAD_TIMESTAMP: RefPath<'static> = RefPath::assert_from(b"/zkos/head/timestamp");
const HEAD_COUNTS: RefPath<'static> = RefPath::assert_from(b"/zkos/head/counts");
const LEVELS: RefPath<'static> = RefPath::assert_from(b"/zkos/levels");

/// One `kernel_run`: reads the whole inbox of the level and records it.
pub fn run<H: Runtime>(host: &mut H) {
    let rollup = host.reveal_metadata().raw_rollup_address;
    let mut counts = MessageCounts::default();
    let mut level = None;
    let mut timestamp = None;
    while let Ok(Some(msg)) = host.read_input() {
        level = Some(msg.level);
        match Message::parse(msg.as_ref(), &rollup) {
            Ok(m) => {
                if let Message::InfoPerLevel { predecessor_timestamp, .. } = m {
                    timestamp = Some(predecessor_timestamp);
                }
                counts.add(&m);
            }
            Err(e) => {
                counts.undecodable += 1;
                host.write_debug(&format!(
                    "zkos: message {} of level {}: {e}\n",
                    msg.id, msg.level
                ));
            }
        }
    }
    let Some(level) = level else { return };
    let writes = [
        (HEAD_LEVEL, level.to_le_bytes().to_vec()),
        (HEAD_TIMESTAMP, timestamp.unwrap_or_default().to_le_bytes().to_vec()),
        (HEAD_COUNTS, counts.encode()),
        (LEVELS, (read_u64(host, &LEVELS) + 1).to_le_bytes().to_vec()),
    ];
    for (path, value) in writes {
        if let Err(e) = host.store_write_all(&path, &value) {
            host.write_debug(&format!("zkos: cannot record the level: {e}\n"));
        }
    }
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
        assert_eq!((n(0), n(1), n(2), n(3), n(4)), (3, 0, 1, 1, 1));
        assert!(mock.debug_log().contains("empty external message"));
    }
}
