//! Where the other files of a document come from. The generator itself does no I/O: the caller
//! hands it a [`Files`], the CLI and `cargo xtask` the file system, tests a map in memory.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// A source of the files a document refers to with `$ref: './common.yaml#/..'`.
///
/// Paths are the referring file's path joined with the reference and normalized (`a/./b/../c`
/// -> `a/c`), with `/` separators, starting from the name the caller gave the entry file.
pub trait Files: Sync {
    /// The text of the file at `path`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read; the error becomes a located diagnostic at the `$ref`.
    fn read(&self, path: &Path) -> io::Result<String>;
}

/// Any function from a path to its text is a source of files (`|path| fs::read_to_string(..)`).
impl<F: Fn(&Path) -> io::Result<String> + Sync> Files for F {
    fn read(&self, path: &Path) -> io::Result<String> {
        self(path)
    }
}

/// The file system, paths read as they are (relative ones from the current directory).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSystem;

impl Files for FileSystem {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// No files at all: every reference to another file is an error that says so. What
/// [`crate::generate`] and [`crate::lower`] read with, so that they stay free of I/O.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &Path) -> io::Result<String> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this entry point reads no other files; call `generate_with` or `lower_with` with a source of files",
        ))
    }
}

/// Files held in memory, by path (for tests and for callers that read files elsewhere, such as
/// a git revision).
impl Files for BTreeMap<PathBuf, String> {
    fn read(&self, path: &Path) -> io::Result<String> {
        self.get(path).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "no such file among the files given",
            )
        })
    }
}

/// The path a reference names, relative to the file that holds it: `dir(from)/relative`,
/// with `.` and `..` resolved where they can be, `/`-separated. An absolute `relative` stands
/// on its own.
pub(crate) fn join(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute = if relative.starts_with('/') {
        true
    } else {
        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        push_all(&mut parts, dir);
        from.starts_with('/')
    };
    push_all(&mut parts, relative);
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn push_all<'a>(parts: &mut Vec<&'a str>, path: &'a str) {
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn paths_join_relative_to_the_referring_file() {
        assert_eq!(
            join("specs/a/openapi.yaml", "./common.yaml"),
            "specs/a/common.yaml"
        );
        assert_eq!(
            join("specs/a/openapi.yaml", "../errors.yaml"),
            "specs/errors.yaml"
        );
        assert_eq!(
            join("openapi.yaml", "common/money.yaml"),
            "common/money.yaml"
        );
        assert_eq!(join("openapi.yaml", "../x.yaml"), "../x.yaml");
        assert_eq!(join("/abs/openapi.yaml", "b/../c.json"), "/abs/c.json");
        assert_eq!(join("a/b.yaml", "/etc/c.yaml"), "/etc/c.yaml");
    }
}
