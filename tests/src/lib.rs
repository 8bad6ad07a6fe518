//! Shared helpers of the workspace's tests. The tests themselves are the `[[test]]` targets
//! next to this crate's Cargo.toml. The root README is compiled here as a doctest, so its
//! example keeps compiling.
#![doc = include_str!("../../README.md")]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// A file under `tests/fixtures/`, read to a string.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}
