//! The negative return codes of the `smart_rollup_core` functions, mapped once.
//!
//! The numbers are the PVM's (`tezos-smart-rollup-core` 0.2.2 names -1 to -11;
//! the PVM adds -12 and -13 for `store_get_nth_key` and `store_create`, which
//! the 0.2.2 SDK does not declare and this host therefore does not export).

/// An error a host function reports to the kernel as a negative `i32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[repr(i32)]
pub enum HostError {
    /// The path is longer than [`crate::path::MAX_PATH_LEN`].
    #[error("store key too large")]
    KeyTooLarge = -1,
    /// The path is not of the form `(/[A-Za-z0-9._-]+)+`.
    #[error("invalid store key")]
    InvalidKey = -2,
    /// There is no value at the path.
    #[error("not a value")]
    NotAValue = -3,
    /// An offset beyond the end of the value.
    #[error("invalid access (offset out of bounds)")]
    InvalidAccess = -4,
    /// The value would grow beyond [`crate::MAX_VALUE_SIZE`].
    #[error("value size exceeded")]
    ValueSizeExceeded = -5,
    /// A pointer and length that do not lie inside guest memory.
    #[error("guest memory access out of bounds")]
    MemoryInvalidAccess = -6,
    /// An input or output over its limit (a store chunk over 2048 bytes, an
    /// outbox message over 4096 bytes).
    #[error("input or output too large")]
    InputOutputTooLarge = -7,
    /// Anything else (for example an unknown reveal).
    #[error("generic invalid access")]
    GenericInvalidAccess = -8,
    /// A write, delete or move under `/readonly`.
    #[error("read-only value")]
    ReadOnlyValue = -9,
    /// There is no node (value or subtree) at the path.
    #[error("not a node")]
    NotANode = -10,
    /// The outbox of this level already holds [`crate::MAX_OUTPUTS_PER_LEVEL`] messages.
    #[error("full outbox")]
    FullOutbox = -11,
}

impl HostError {
    /// The code the kernel sees.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The error for a code, if it is one of ours.
    pub const fn from_code(code: i32) -> Option<Self> {
        Some(match code {
            -1 => Self::KeyTooLarge,
            -2 => Self::InvalidKey,
            -3 => Self::NotAValue,
            -4 => Self::InvalidAccess,
            -5 => Self::ValueSizeExceeded,
            -6 => Self::MemoryInvalidAccess,
            -7 => Self::InputOutputTooLarge,
            -8 => Self::GenericInvalidAccess,
            -9 => Self::ReadOnlyValue,
            -10 => Self::NotANode,
            -11 => Self::FullOutbox,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_the_sdk_numbers() {
        let all = [
            (HostError::KeyTooLarge, -1),
            (HostError::InvalidKey, -2),
            (HostError::NotAValue, -3),
            (HostError::InvalidAccess, -4),
            (HostError::ValueSizeExceeded, -5),
            (HostError::MemoryInvalidAccess, -6),
            (HostError::InputOutputTooLarge, -7),
            (HostError::GenericInvalidAccess, -8),
            (HostError::ReadOnlyValue, -9),
            (HostError::NotANode, -10),
            (HostError::FullOutbox, -11),
        ];
        for (e, code) in all {
            assert_eq!(e.code(), code);
            assert_eq!(HostError::from_code(code), Some(e));
        }
        assert_eq!(HostError::from_code(0), None);
        assert_eq!(HostError::from_code(-12), None);
    }
}
