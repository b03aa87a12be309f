//! The input files of a rollup run, shared by every front end of the
//! runner (the `pvm-runner` CLI, the node, the browser build in `web/`):
//!
//! - [`genesis`]: the chain configuration and the accounts written into
//!   durable storage at origination;
//! - [`inbox_file`]: the levels to run, in the format of Octez's wasm
//!   debugger (with [`micheline`] for the payloads of L1 transfers).
//!
//! It depends on no engine and no database, so it builds for
//! `wasm32-unknown-unknown`: the page reads the same files as the CLI and
//! refuses them with the same errors.
//!
//! ```
//! let levels = inputs::inbox_file::parse(r#"[[{"external_text": "hi"}]]"#, 1, [0x5a; 20])?;
//! assert_eq!(levels[0].encode(1).len(), 4); // StartOfLevel, InfoPerLevel, the message, EndOfLevel
//! # Ok::<(), inputs::inbox_file::InboxFileError>(())
//! ```
#![deny(rustdoc::broken_intra_doc_links)]

pub mod genesis;
pub mod inbox_file;
pub mod micheline;
