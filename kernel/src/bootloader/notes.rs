//! What the bootloader says of a message it did not take: one line of debug
//! output per message, `zkos: message <id> of level <level>: <why>`.
//!
//! The debug output is the only channel a kernel has besides its state and
//! outbox, and a refusal must not touch the state (a refused message leaves
//! the root as it was). So this line is an interface: the node reads it
//! back ([`parse`]) to drop a transaction the kernel refused and to tell
//! its sender why. Both sides use this module, so the format has one
//! owner.

use core::fmt::Display;

use tezos_smart_rollup_host::runtime::Runtime;

/// The start of every note.
const PREFIX: &str = "zkos: message ";

/// One note: which message, and why it was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<'a> {
    /// The inbox level.
    pub level: u32,
    /// The message's index in the level.
    pub id: u32,
    /// Why, in words.
    pub why: &'a str,
}

/// The note of message `id` of `level`, as the bootloader writes it.
pub fn line(level: u32, id: u32, why: impl Display) -> String {
    format!("{PREFIX}{id} of level {level}: {why}\n")
}

/// Writes the note of message `id` of `level` to the debug output.
pub fn write<H: Runtime>(host: &H, level: u32, id: u32, why: impl Display) {
    host.write_debug(&line(level, id, why));
}

/// The note one line of debug output holds, if it is one.
pub fn parse(line: &str) -> Option<Note<'_>> {
    let rest = line.strip_prefix(PREFIX)?;
    let (id, rest) = rest.split_once(" of level ")?;
    let (level, why) = rest.split_once(": ")?;
    Some(Note { level: level.parse().ok()?, id: id.parse().ok()?, why: why.trim_end() })
}

/// Every note in a level's debug output, in order.
pub fn all(debug: &str) -> impl Iterator<Item = Note<'_>> {
    debug.lines().filter_map(parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_reads_back_as_written() {
        let l = line(7, 3, "transaction refused: nonce 2, the sender's next nonce is 4");
        let n = parse(&l).unwrap();
        assert_eq!(n.level, 7);
        assert_eq!(n.id, 3);
        assert_eq!(n.why, "transaction refused: nonce 2, the sender's next nonce is 4");
    }

    #[test]
    fn other_debug_lines_are_not_notes() {
        let debug = format!(
            "zkos: cannot seal block: x\n{}zkos: message x of level 1: y\nhello\n{}",
            line(1, 2, "a"),
            line(1, 5, "b: c")
        );
        let notes: Vec<_> = all(&debug).map(|n| (n.id, n.why)).collect();
        assert_eq!(notes, [(2, "a"), (5, "b: c")]);
    }
}
