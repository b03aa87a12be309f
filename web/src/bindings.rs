//! The JavaScript API: a [`Rollup`] wraps a [`Session`]; level reports and
//! storage nodes cross as JSON strings (`JSON.parse` on the other side), so
//! the views' serde form is the one contract between Rust and the page.

use wasm_bindgen::prelude::*;

use crate::session::{Session, Settings};

/// A rollup in the page.
#[wasm_bindgen]
pub struct Rollup {
    session: Session,
}

fn js<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Rollup {
    /// Originates `kernel` (with `genesis`, a genesis file's text) and
    /// reads `inbox` (an inbox file's text); `tick_limit` and `rollup` (an
    /// `sr1…` address) default to the runner's; `record_witness` keeps each
    /// level's witness for [`Rollup::replay`]. Throws an `Error` naming
    /// what is wrong with the files.
    #[wasm_bindgen(constructor)]
    pub fn new(
        kernel: Vec<u8>,
        genesis: Option<String>,
        inbox: &str,
        tick_limit: Option<u64>,
        rollup: Option<String>,
        record_witness: Option<bool>,
    ) -> Result<Rollup, JsError> {
        let mut settings =
            Settings { record_witness: record_witness.unwrap_or(false), ..Settings::default() };
        if let Some(t) = tick_limit {
            settings.tick_limit = t;
        }
        if let Some(a) = rollup {
            settings = settings.with_rollup_address(&a).map_err(js)?;
        }
        let session = Session::new(kernel, genesis.as_deref(), inbox, settings).map_err(js)?;
        Ok(Rollup { session })
    }

    /// Adds a preimage the kernel may reveal; answers its hash, hex.
    pub fn add_preimage(&mut self, data: Vec<u8>) -> String {
        self.session.add_preimage(data)
    }

    /// Levels in the inbox file.
    pub fn levels(&self) -> usize {
        self.session.levels()
    }

    /// Levels run so far.
    pub fn done(&self) -> usize {
        self.session.done()
    }

    /// Runs the next level; its report as JSON, or `undefined` when every
    /// level has run.
    pub fn step(&mut self) -> Result<Option<String>, JsError> {
        self.session.step().map_err(js)?.map(|v| serde_json::to_string(&v)).transpose().map_err(js)
    }

    /// The durable-storage root now, hex.
    pub fn root(&mut self) -> String {
        self.session.root()
    }

    /// The whole value at `path`, or `undefined`.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, JsError> {
        self.session.read(path).map_err(js)
    }

    /// Replays `level` from its witness alone and holds the statement
    /// against the run, as JSON; throws when the level has no witness.
    pub fn replay(&self, level: u32) -> Result<String, JsError> {
        let replayed = self.session.replay(level).map_err(js)?;
        serde_json::to_string(&replayed).map_err(js)
    }

    /// The witness recorded for `level` (`pvm-runner prove --witness-out`'s
    /// bytes), or `undefined`.
    pub fn witness(&self, level: u32) -> Option<Vec<u8>> {
        self.session.witness(level).map(<[u8]>::to_vec)
    }

    /// `path` for the storage browser (value preview, words, children), as JSON.
    pub fn node(&self, path: &str) -> Result<String, JsError> {
        let node = self.session.node(path).map_err(js)?;
        serde_json::to_string(&node).map_err(js)
    }
}
