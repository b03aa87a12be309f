//! The outbox of the level being run.
//!
//! Tezos keeps at most [`MAX_OUTPUTS_PER_LEVEL`] messages of at most
//! [`MAX_OUTPUT_SIZE`] bytes per level; beyond them `write_output` fails with
//! [`HostError::FullOutbox`] or [`HostError::InputOutputTooLarge`] and the
//! message is not kept.

use alloc::vec::Vec;

use crate::{
    HostError,
    hash::{Hash, hash_parts},
};

/// The largest outbox message.
pub const MAX_OUTPUT_SIZE: usize = 4096;
/// The most outbox messages one level may write.
pub const MAX_OUTPUTS_PER_LEVEL: usize = 100;

/// The messages written during one level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    messages: Vec<Vec<u8>>,
}

impl Outbox {
    /// Adds a message, within Tezos' limits.
    pub fn push(&mut self, message: &[u8]) -> Result<(), HostError> {
        if message.len() > MAX_OUTPUT_SIZE {
            return Err(HostError::InputOutputTooLarge);
        }
        if self.messages.len() >= MAX_OUTPUTS_PER_LEVEL {
            return Err(HostError::FullOutbox);
        }
        self.messages.push(message.to_vec());
        Ok(())
    }

    /// The messages, in the order written.
    pub fn messages(&self) -> &[Vec<u8>] {
        &self.messages
    }

    /// Keeps only the first `len` messages (undoing a failed `kernel_run`).
    pub fn truncate(&mut self, len: usize) {
        self.messages.truncate(len);
    }

    /// Takes the messages, leaving the outbox empty for the next level.
    pub fn take(&mut self) -> Vec<Vec<u8>> {
        core::mem::take(&mut self.messages)
    }

    /// A commitment to a level's outbox: `H(count u32 BE ‖ (len u32 BE ‖ msg)*)`,
    /// so engines can be compared, and proofs can commit, with one hash.
    pub fn commitment(messages: &[Vec<u8>]) -> Hash {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&(messages.len() as u32).to_be_bytes());
        for m in messages {
            bytes.extend_from_slice(&(m.len() as u32).to_be_bytes());
            bytes.extend_from_slice(m);
        }
        hash_parts(&[&bytes])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn enforces_size_and_count_limits() {
        let mut o = Outbox::default();
        assert_eq!(o.push(&vec![0; MAX_OUTPUT_SIZE + 1]), Err(HostError::InputOutputTooLarge));
        for _ in 0..MAX_OUTPUTS_PER_LEVEL {
            o.push(&vec![1; MAX_OUTPUT_SIZE]).unwrap();
        }
        assert_eq!(o.push(b"x"), Err(HostError::FullOutbox));
        assert_eq!(o.messages().len(), MAX_OUTPUTS_PER_LEVEL);
        assert_eq!(o.take().len(), MAX_OUTPUTS_PER_LEVEL);
        assert!(o.messages().is_empty());
    }

    #[test]
    fn commitment_separates_messages() {
        let a = Outbox::commitment(&[b"ab".to_vec()]);
        let b = Outbox::commitment(&[b"a".to_vec(), b"b".to_vec()]);
        assert_ne!(a, b);
    }
}
