//! Transactions larger than one inbox message, sent in chunks.
//!
//! An inbox message carries at most 4096 bytes, and a creation's initcode
//! may be 48 KiB (EIP-3860), so a large transaction is split. The contents
//! of an external message framed for this rollup are then a **chunk**:
//!
//! ```text
//! 0x80 ‖ tx hash (32 bytes) ‖ index (u16 BE) ‖ count (u16 BE) ‖ bytes
//! ```
//!
//! (`0x80` starts no EIP-2718 transaction: typed ones start below `0x80`,
//! legacy ones at `0xc0` or above). The hash is the transaction's hash, the
//! keccak of its EIP-2718 bytes; `count` is between 2 and [`MAX_CHUNKS`],
//! the same in every chunk. Chunks may arrive in any order and over several
//! levels; they wait in durable storage under
//! `/zkos/chunks/<tx hash>/<index, 4 hex digits>` (with the count at
//! `/zkos/chunks/<tx hash>/count`). When the last one arrives the
//! transaction is assembled, its hash checked, the chunks deleted, and the
//! transaction is processed right there in the inbox order, like any
//! other. A chunk whose count disagrees, whose index is out of range or
//! that was already received is refused; an assembled transaction with
//! another hash is refused and its chunks deleted.
//!
//! Chunks of a transaction that never completes stay in storage (posting
//! them costs L1 fees); they are not collected yet.

use alloy_primitives::{B256, keccak256};
use tezos_smart_rollup_host::runtime::{Runtime, RuntimeError};

use crate::system::{SystemError, path, read};

/// The first byte of a chunk.
pub const CHUNK_TAG: u8 = 0x80;

/// The most chunks of one transaction (about 256 KiB).
pub const MAX_CHUNKS: u16 = 64;

/// The bytes before a chunk's data.
pub const HEADER: usize = 1 + 32 + 2 + 2;

/// A decoded chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The transaction's hash.
    pub hash: B256,
    /// Its place.
    pub index: u16,
    /// How many chunks the transaction has.
    pub count: u16,
    /// The bytes.
    pub data: &'a [u8],
}

/// Why a chunk was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// Shorter than its header.
    #[error("chunk shorter than its {HEADER}-byte header")]
    Truncated,
    /// A count below 2 or above the limit, or an index beyond it.
    #[error("chunk {index} of {count}: out of range (2 to {MAX_CHUNKS} chunks)")]
    Range {
        /// The chunk's index.
        index: u16,
        /// Its count.
        count: u16,
    },
    /// Another chunk of the transaction said another count.
    #[error("chunk count {found}, earlier chunks of {hash} said {expected}")]
    Count {
        /// The transaction.
        hash: B256,
        /// The stored count.
        expected: u16,
        /// This chunk's.
        found: u16,
    },
    /// Received already.
    #[error("chunk {index} of {hash} received already")]
    Duplicate {
        /// The transaction.
        hash: B256,
        /// The chunk.
        index: u16,
    },
    /// The chunks did not make the announced transaction.
    #[error("chunks of {expected} assemble to a transaction of hash {found}")]
    Hash {
        /// The announced hash.
        expected: B256,
        /// The assembled bytes' hash.
        found: B256,
    },
    /// Durable storage failed.
    #[error(transparent)]
    System(#[from] SystemError),
}

/// Whether framed contents are a chunk.
pub fn is_chunk(contents: &[u8]) -> bool {
    contents.first() == Some(&CHUNK_TAG)
}

/// Decodes a chunk (contents starting with [`CHUNK_TAG`]).
pub fn parse(contents: &[u8]) -> Result<Chunk<'_>, ChunkError> {
    if contents.len() < HEADER {
        return Err(ChunkError::Truncated);
    }
    let hash = B256::from_slice(&contents[1..33]);
    let index = u16::from_be_bytes([contents[33], contents[34]]);
    let count = u16::from_be_bytes([contents[35], contents[36]]);
    if !(2..=MAX_CHUNKS).contains(&count) || index >= count {
        return Err(ChunkError::Range { index, count });
    }
    Ok(Chunk { hash, index, count, data: &contents[HEADER..] })
}

fn dir(hash: &B256) -> String {
    format!("/zkos/chunks/{}", alloy_primitives::hex::encode(hash))
}

fn chunk_path(hash: &B256, index: u16) -> String {
    format!("{}/{index:04x}", dir(hash))
}

/// Stores `chunk`; answers the whole transaction when it was the last one
/// missing.
pub fn receive<H: Runtime>(host: &mut H, chunk: &Chunk<'_>) -> Result<Option<Vec<u8>>, ChunkError> {
    let count_path = format!("{}/count", dir(&chunk.hash));
    match read(host, count_path.clone())? {
        Some(b) => {
            let expected = u16::from_be_bytes(b.as_slice().try_into().map_err(|_| {
                SystemError::Corrupt(layout::LayoutError::Size("chunk count", b.len()))
            })?);
            if expected != chunk.count {
                return Err(ChunkError::Count { hash: chunk.hash, expected, found: chunk.count });
            }
        }
        None => host
            .store_write_all(&path(count_path)?, &chunk.count.to_be_bytes())
            .map_err(SystemError::from)?,
    }
    let own = path(chunk_path(&chunk.hash, chunk.index))?;
    match host.store_has(&own) {
        Ok(Some(_)) => {
            return Err(ChunkError::Duplicate { hash: chunk.hash, index: chunk.index });
        }
        Ok(None) | Err(RuntimeError::PathNotFound) => {}
        Err(e) => return Err(SystemError::from(e).into()),
    }
    host.store_write_all(&own, chunk.data).map_err(SystemError::from)?;
    // Every chunk and the count are children of the directory.
    let children = host.store_count_subkeys(&path(dir(&chunk.hash))?).map_err(SystemError::from)?;
    if children < u64::from(chunk.count) + 1 {
        return Ok(None);
    }
    let mut tx = Vec::new();
    for i in 0..chunk.count {
        let part = read(host, chunk_path(&chunk.hash, i))?
            .ok_or(SystemError::Invariant("a counted chunk is stored"))?;
        tx.extend_from_slice(&part);
    }
    match host.store_delete(&path(dir(&chunk.hash))?) {
        Ok(()) | Err(RuntimeError::PathNotFound) => {}
        Err(e) => return Err(SystemError::from(e).into()),
    }
    let found = keccak256(&tx);
    if found != chunk.hash {
        return Err(ChunkError::Hash { expected: chunk.hash, found });
    }
    Ok(Some(tx))
}

/// Splits a signed transaction into the contents of chunk messages of at
/// most `max` bytes each (for wallets and tests; `max` > [`HEADER`]).
pub fn split(tx: &[u8], max: usize) -> Vec<Vec<u8>> {
    let hash = keccak256(tx);
    let parts: Vec<&[u8]> = tx.chunks(max.saturating_sub(HEADER).max(1)).collect();
    let count = u16::try_from(parts.len()).unwrap_or(u16::MAX);
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let index = u16::try_from(i).unwrap_or(u16::MAX);
            let mut c = vec![CHUNK_TAG];
            c.extend_from_slice(hash.as_slice());
            c.extend_from_slice(&index.to_be_bytes());
            c.extend_from_slice(&count.to_be_bytes());
            c.extend_from_slice(part);
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mock_host::MockHost;

    #[test]
    fn chunks_in_any_order_assemble_once() {
        let tx: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let parts = split(&tx, 4000);
        assert_eq!(parts.len(), 3);
        let mut mock = MockHost::default();
        let hash = keccak256(&tx);
        assert_eq!(receive(&mut mock, &parse(&parts[2]).unwrap()), Ok(None));
        assert_eq!(
            receive(&mut mock, &parse(&parts[2]).unwrap()),
            Err(ChunkError::Duplicate { hash, index: 2 })
        );
        assert_eq!(receive(&mut mock, &parse(&parts[0]).unwrap()), Ok(None));
        assert_eq!(receive(&mut mock, &parse(&parts[1]).unwrap()), Ok(Some(tx)));
        assert!(mock.host().durable.values().iter().all(|(p, _)| !p.starts_with(b"/zkos/chunks")));
    }

    #[test]
    fn bad_chunks_are_refused_with_their_reason() {
        let tx = vec![7u8; 5000];
        let parts = split(&tx, 4000);
        assert_eq!(parse(&parts[0][..10]), Err(ChunkError::Truncated));
        let mut one = parts[0].clone();
        one[35..37].copy_from_slice(&1u16.to_be_bytes());
        assert_eq!(parse(&one), Err(ChunkError::Range { index: 0, count: 1 }));
        let mut mock = MockHost::default();
        receive(&mut mock, &parse(&parts[0]).unwrap()).unwrap();
        let mut other_count = parts[1].clone();
        other_count[35..37].copy_from_slice(&3u16.to_be_bytes());
        assert!(matches!(
            receive(&mut mock, &parse(&other_count).unwrap()),
            Err(ChunkError::Count { expected: 2, found: 3, .. })
        ));
        let mut forged = parts[1].clone();
        forged[HEADER] ^= 1;
        assert!(matches!(
            receive(&mut mock, &parse(&forged).unwrap()),
            Err(ChunkError::Hash { .. })
        ));
    }
}
