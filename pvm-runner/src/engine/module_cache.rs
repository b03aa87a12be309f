//! Compiled kernels kept on disk between processes, for the `fast` engine.
//!
//! Compiling the OS kernel with cranelift takes seconds (3.2 s for its
//! 4 MB; 15–17 s for a 6.5 MB kernel), paid by every process that runs a
//! kernel once: a node's restart, a one-level `pvm-runner run`. So the
//! engine keeps each compiled module in a directory, one file per kernel,
//! named by the kernel's hash and by everything else the machine code
//! depends on ([`ModuleCache::key`]: the compiler, its settings, the
//! target), and the next process loads it in milliseconds.
//!
//! Loading machine code is trusting it, so a file holds a BLAKE2b hash of
//! its artifact, checked before wasmer reads it (and wasmer checks the
//! artifact's own header): a truncated or damaged file is compiled afresh
//! and replaced, never run. A file is written to a temporary name and
//! renamed, so processes sharing the directory never see half of one.
//!
//! The directory is `$ZKOS_MODULE_CACHE` if set (`off` turns the cache
//! off), else `$XDG_CACHE_HOME/zkos/modules`, else `~/.cache/zkos/modules`.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
};

use host::{Hash, hash::hash_parts};
use wasmer::Module;

/// A directory of compiled modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleCache {
    dir: PathBuf,
}

impl ModuleCache {
    /// What a compiled module depends on besides the kernel: the compiler
    /// (wasmer 7.4 with cranelift), the engine's settings (canonical NaNs,
    /// one metering point per operator), this crate's version and the
    /// machine. Change the first part with any of the settings.
    pub fn key() -> String {
        format!(
            "wasmer7.4-cranelift-nan-meter1-{}-{}-{}",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::ARCH,
            std::env::consts::OS
        )
    }

    /// A cache in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache the environment names (see the module docs), if any.
    pub fn from_env() -> Option<Self> {
        match std::env::var_os("ZKOS_MODULE_CACHE") {
            Some(v) if v == "off" => return None,
            Some(v) if !v.is_empty() => return Some(Self::new(v)),
            _ => {}
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
        Some(Self::new(base.join("zkos").join("modules")))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, kernel: &Hash) -> PathBuf {
        self.dir.join(format!("{}-{}.module", hex::encode(kernel), Self::key()))
    }

    /// The module compiled for `kernel`, if a sound one is kept.
    pub fn load(&self, engine: &wasmer::Engine, kernel: &Hash) -> Option<Module> {
        let bytes = std::fs::read(self.file(kernel)).ok()?;
        let (sum, artifact) = bytes.split_first_chunk::<32>()?;
        if *sum != hash_parts(&[artifact]) {
            return None;
        }
        // SAFETY: the artifact is one `store` wrote from a module wasmer
        // compiled with this engine's settings (the file name's key), and
        // its checksum shows it is whole; wasmer checks its header too.
        unsafe { Module::deserialize(engine, artifact.to_vec()) }.ok()
    }

    /// Keeps `module`, compiled for `kernel`. A cache that cannot be
    /// written costs only the next process's compile: the error is
    /// returned, and nothing else changes.
    pub fn store(&self, kernel: &Hash, module: &Module) -> Result<(), String> {
        static WRITES: AtomicUsize = AtomicUsize::new(0);
        let artifact = module.serialize().map_err(|e| e.to_string())?;
        let sum = hash_parts(&[&artifact]);
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let path = self.file(kernel);
        // A name no other writer uses, in this process or another.
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        std::fs::write(&tmp, [&sum[..], &artifact].concat()).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            e.to_string()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        engine::fast::{FastEngine, ModuleStats},
        kernel::Kernel,
    };
    use host::{Durable, Host, RollupMetadata, control::Failure};

    /// A kernel that loops until its ticks run out.
    const SPIN: &str = r#"(module (memory (export "memory") 1)
      (func (export "kernel_run") (loop $l (br $l))))"#;

    fn host() -> Host {
        Host::new(Durable::new(), RollupMetadata::default())
    }

    #[test]
    fn a_second_process_loads_the_module_and_meters_it_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let kernel = Kernel::new(wat::parse_str(SPIN).unwrap()).unwrap();
        let cache = || Some(ModuleCache::new(dir.path()));
        let mut first = FastEngine::with_cache(cache());
        let (_, f) = first.run(&mut host(), &kernel, 10_000);
        assert_eq!(f, Some(Failure::OutOfTicks));
        assert_eq!(first.stats(), ModuleStats { compiled: 1, loaded: 0, unwritten: 0 });
        // A new engine (a new process) finds it on disk, metering included.
        let mut second = FastEngine::with_cache(cache());
        let (_, f) = second.run(&mut host(), &kernel, 10_000);
        assert_eq!(f, Some(Failure::OutOfTicks));
        assert_eq!(second.stats(), ModuleStats { compiled: 0, loaded: 1, unwritten: 0 });
    }

    #[test]
    fn a_damaged_file_is_compiled_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let kernel = Kernel::new(wat::parse_str(SPIN).unwrap()).unwrap();
        let cache = ModuleCache::new(dir.path());
        FastEngine::with_cache(Some(cache.clone())).run(&mut host(), &kernel, 1_000);
        let file = cache.file(&kernel.hash);
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let mut engine = FastEngine::with_cache(Some(cache.clone()));
        let (_, f) = engine.run(&mut host(), &kernel, 1_000);
        assert_eq!(f, Some(Failure::OutOfTicks));
        assert_eq!(engine.stats().compiled, 1, "the damaged file was not run");
        assert_ne!(std::fs::read(&file).unwrap(), bytes, "and it was replaced");
        // A cache that cannot be written is no failure.
        let blocked = ModuleCache::new(file.join("not-a-dir"));
        let mut engine = FastEngine::with_cache(Some(blocked));
        assert_eq!(engine.run(&mut host(), &kernel, 1_000).1, Some(Failure::OutOfTicks));
        assert_eq!(engine.stats().unwritten, 1);
    }
}
