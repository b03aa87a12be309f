//! Durable-storage paths and their rules, in one place.
//!
//! A path is `(/[A-Za-z0-9._-]+)+`. The PVM stores a path as
//! `/durable<path>/@`, and that whole key may be at most 250 bytes, so the
//! kernel's path may be at most `250 - 8 - 2 = 240` bytes. The 0.2.2 SDK checks
//! 242 on the kernel side; where they disagree the PVM is what a kernel meets on
//! chain, so this host answers [`HostError::KeyTooLarge`] above 240.

use crate::HostError;

/// The longest path a kernel may use.
pub const MAX_PATH_LEN: usize = 250 - b"/durable".len() - b"/@".len();

/// The prefix the kernel may read but not change.
pub const READONLY_PREFIX: &[u8] = b"/readonly";

/// A validated path: a slice of bytes known to follow the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path<'a>(&'a [u8]);

impl<'a> Path<'a> {
    /// Checks `bytes` against the path rules.
    pub fn new(bytes: &'a [u8]) -> Result<Self, HostError> {
        if bytes.len() > MAX_PATH_LEN {
            return Err(HostError::KeyTooLarge);
        }
        if bytes.first() != Some(&b'/') {
            return Err(HostError::InvalidKey);
        }
        for step in bytes[1..].split(|b| *b == b'/') {
            if step.is_empty() || !step.iter().all(|b| is_step_byte(*b)) {
                return Err(HostError::InvalidKey);
            }
        }
        Ok(Self(bytes))
    }

    /// The path's bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The steps between the slashes, in order.
    pub fn steps(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0[1..].split(|b| *b == b'/')
    }

    /// Whether the kernel may not change this path (`/readonly` or below it).
    pub fn is_readonly(&self) -> bool {
        self.0 == READONLY_PREFIX
            || (self.0.starts_with(READONLY_PREFIX) && self.0[READONLY_PREFIX.len()] == b'/')
    }

    /// Whether `other` is this path or lies below it.
    pub fn contains(&self, other: &Path<'_>) -> bool {
        other.0 == self.0 || (other.0.starts_with(self.0) && other.0[self.0.len()] == b'/')
    }
}

impl core::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Valid paths are ASCII.
        for b in self.0 {
            core::fmt::Write::write_char(f, char::from(*b))?;
        }
        Ok(())
    }
}

fn is_step_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_paths() {
        for p in [&b"/a"[..], b"/a/b.c/D_e-9", b"/kernel/boot.wasm"] {
            assert!(Path::new(p).is_ok(), "{p:?}");
        }
    }

    #[test]
    fn rejects_invalid_paths_with_invalid_key() {
        for p in [&b""[..], b"/", b"a", b"/a/", b"//a", b"/a b", b"/a/@", b"/\xff"] {
            assert_eq!(Path::new(p), Err(HostError::InvalidKey), "{p:?}");
        }
    }

    #[test]
    fn rejects_long_paths_with_key_too_large() {
        let ok = [b'/'].into_iter().chain([b'a'; MAX_PATH_LEN - 1]).collect::<Vec<_>>();
        assert!(Path::new(&ok).is_ok());
        let long = [b'/'].into_iter().chain([b'a'; MAX_PATH_LEN]).collect::<Vec<_>>();
        assert_eq!(Path::new(&long), Err(HostError::KeyTooLarge));
    }

    #[test]
    fn readonly_is_the_prefix_and_below_only() {
        let ro = |p: &[u8]| Path::new(p).unwrap().is_readonly();
        assert!(ro(b"/readonly"));
        assert!(ro(b"/readonly/kernel/boot.wasm"));
        assert!(!ro(b"/readonlyx"));
        assert!(!ro(b"/kernel/readonly"));
    }

    #[test]
    fn contains_is_prefix_by_steps() {
        let p = |p: &'static [u8]| Path::new(p).unwrap();
        assert!(p(b"/a").contains(&p(b"/a")));
        assert!(p(b"/a").contains(&p(b"/a/b")));
        assert!(!p(b"/a").contains(&p(b"/ab")));
        assert!(!p(b"/a/b").contains(&p(b"/a")));
    }
}
