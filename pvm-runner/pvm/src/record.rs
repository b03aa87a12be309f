//! A level's witness, recorded while the level runs, for [`crate::replay`].
//!
//! The runner (`pvm-runner run --witness`) and the browser page record
//! witnesses with this one sequence, so a witness from either replays the
//! same way.

use alloc::vec::Vec;

use host::{
    Hash, Host,
    witness::{LevelWitness, Recorder, WitnessError},
};

use crate::Kernel;

/// A witness being recorded: [`Recording::start`] before the level runs,
/// [`Recording::finish`] after.
#[derive(Debug)]
pub struct Recording {
    recorder: Recorder,
}

impl Recording {
    /// Starts recording on `host`. A replay starts with no kernel loaded
    /// and no preimage revealed, so the recorded run does too: `loaded` is
    /// dropped (the level reads the kernel from storage, and the witness
    /// holds it) and the preimages used so far are forgotten.
    pub fn start(host: &mut Host, loaded: &mut Option<Kernel>) -> Self {
        *loaded = None;
        host.preimages.take_used();
        Self { recorder: Recorder::start(&mut host.durable) }
    }

    /// The durable-storage root before the level.
    pub fn pre_root(&self) -> Hash {
        self.recorder.pre_root()
    }

    /// Stops recording without a witness, for a level that stopped with
    /// nothing committed ([`crate::level::Stopped`]).
    pub fn abandon(self, host: &mut Host) {
        host.preimages.take_used();
        self.recorder.abandon(&mut host.durable);
    }

    /// Stops recording: the encoded witness of level `level`, run over
    /// `inbox` with `tick_limit` ticks per `kernel_run`. An error is a bug
    /// of the recorder, never of the kernel; the level's run stands.
    pub fn finish(
        self,
        host: &mut Host,
        level: u32,
        tick_limit: u64,
        inbox: Vec<Vec<u8>>,
    ) -> Result<Vec<u8>, WitnessError> {
        let pre_root = self.recorder.pre_root();
        let preimages = host.preimages.take_used();
        let tree = self.recorder.finish(&mut host.durable)?;
        let witness = LevelWitness {
            level,
            tick_limit,
            metadata: host.metadata,
            pre_root,
            inbox,
            preimages,
            tree,
        };
        Ok(witness.encode())
    }
}
