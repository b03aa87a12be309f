//! Finding (or building) the proving guest's ELF.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The guest's target.
pub const TARGET: &str = "riscv64imac-unknown-none-elf";
/// The cargo profile it is built with.
pub const PROFILE: &str = "guest";
/// Its package.
pub const PACKAGE: &str = "zkos-pvm-guest";

/// Why there is no guest.
#[derive(Debug, thiserror::Error)]
pub enum GuestError {
    /// Building it failed.
    #[error("building the proving guest failed ({0}); build it, or give its ELF with --guest")]
    Build(String),
    /// It cannot be read.
    #[error("cannot read the proving guest {0}: {1}")]
    Read(PathBuf, std::io::Error),
}

/// The workspace this runner was built from.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where `cargo build -p zkos-pvm-guest --profile guest --target
/// riscv64imac-unknown-none-elf` puts the guest in this workspace.
pub fn default_path() -> PathBuf {
    workspace().join("target").join(TARGET).join(PROFILE).join(PACKAGE)
}

/// Builds the guest in this runner's workspace (cargo skips the work when
/// nothing changed) and returns its path.
pub fn build() -> Result<PathBuf, GuestError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--locked", "-p", PACKAGE, "--profile", PROFILE, "--target", TARGET])
        .status()
        .map_err(|e| GuestError::Build(e.to_string()))?;
    if !status.success() {
        return Err(GuestError::Build(format!("cargo exited with {status}")));
    }
    Ok(default_path())
}

/// The guest's bytes: from `path` if given, else built (or found up to
/// date) in this runner's workspace.
pub fn load(path: Option<&Path>) -> Result<Vec<u8>, GuestError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => build()?,
    };
    std::fs::read(&path).map_err(|e| GuestError::Read(path, e))
}
