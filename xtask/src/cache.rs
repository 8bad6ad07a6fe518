//! `cargo xtask regen` with a skip-unchanged cache, like cargo's fingerprints.
//!
//! Each crate's entry holds a *key*, the hash of everything its generation reads before the
//! generator runs (the generator's identity, the spec's path and text, the resolved
//! [`Settings`](clientgen::Settings)), the other files the generator read while running
//! (the spec's `$ref`s) with the hash of each one's text, and a *value*, the hash of the
//! crate's files as written (paths and contents). A crate is skipped only when its key is the
//! same, every file it read still hashes the same, its files on disk still hash to the value
//! and no other generated file (one `regen` would remove) lies in its directory; anything else
//! regenerates it exactly as an uncached run does. The cache lives in the target directory
//! (`target/xtask/regen-cache.json`), written atomically; a missing or unreadable cache
//! regenerates everything. It holds only what a run can rebuild: hashes, file names, and the
//! counts and rendered warnings `regen` prints for a skipped crate.
//!
//! Hashes are std's `DefaultHasher` (SipHash-1-3, 64 bits, as cargo's fingerprints):
//! its algorithm may change between Rust releases, but a rebuilt `xtask` has another identity
//! and so other keys, so hashes are only ever compared with ones the same binary made.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::{env, fs};

use serde::{Deserialize, Serialize};

use crate::{CrateOutput, Inputs, Source};

/// The cache file's format; another one is read as no cache.
const FORMAT: u32 = 1;

/// How `regen` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The cache file (`target/xtask/regen-cache.json`, [`cache_file`]).
    pub cache_file: PathBuf,
    /// The generator's identity ([`generator_identity`]); `None` when it cannot be told,
    /// which regenerates everything and keeps no cache.
    pub generator: Option<String>,
    /// Ignore the cache (`--force`): regenerate every crate; the cache is written afresh.
    pub force: bool,
}

/// One crate's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The hash of the generator's identity, the spec's path and text and the settings.
    pub key: String,
    /// The other files the generator read (by path from the root) and the hash of each one's
    /// text (`None`: it could not be read).
    pub reads: Vec<(String, Option<String>)>,
    /// The crate's files, relative to its directory, sorted.
    pub files: Vec<String>,
    /// The hash of those files' paths and contents as written.
    pub value: String,
    /// The crate's operations, for the summary line.
    pub operations: usize,
    /// The crate's types, for the summary line.
    pub types: usize,
    /// The generator's warnings, rendered, printed again when the crate is skipped.
    pub warnings: Vec<String>,
}

/// The cache file: entries by the crate's absolute directory (a target directory may be
/// shared between checkouts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    /// The version of this file's layout (`FORMAT`); another one is ignored.
    pub format: u32,
    /// The entries.
    pub crates: BTreeMap<String, Entry>,
}

impl Cache {
    /// The cache at `path`; empty when it is missing, unreadable or of another format.
    pub fn load(path: &Path) -> Self {
        fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<Self>(&text).ok())
            .filter(|cache| cache.format == FORMAT)
            .unwrap_or_default()
    }

    /// Writes the cache to `path` through a temporary file and a rename.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string(self).map_err(io::Error::other)?;
        let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
        fs::write(&temporary, text)?;
        fs::rename(&temporary, path).inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })
    }
}

/// What `regen` did to one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateReport {
    /// The output directory relative to the root (`generated/nudge`).
    pub label: String,
    /// Operations of the crate.
    pub operations: usize,
    /// Types of the crate.
    pub types: usize,
    /// Files of the crate.
    pub files: usize,
    /// Files written or removed.
    pub changed: usize,
    /// The generator's warnings, rendered.
    pub warnings: Vec<String>,
    /// Skipped: the cache showed it unchanged.
    pub skipped: bool,
}

/// What `regen` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every crate, in [`crate::jobs`] order.
    pub crates: Vec<CrateReport>,
    /// Crates whose spec is gone, with the number of generated files removed.
    pub orphans: Vec<(String, usize)>,
    /// Why the cache could not be written, when it could not (the run itself succeeded).
    pub cache_error: Option<String>,
}

impl Report {
    /// How many crates were skipped.
    pub fn skipped(&self) -> usize {
        self.crates.iter().filter(|c| c.skipped).count()
    }

    /// One line per crate: operations, types, files changed (or skipped).
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut text = String::new();
        for c in &self.crates {
            let warnings = match c.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warnings"),
            };
            let changed = if c.skipped {
                "unchanged (cached)".to_owned()
            } else {
                format!("{} changed", c.changed)
            };
            let _ = writeln!(
                text,
                "{}: {} operations, {} types, {} files, {changed}{warnings}",
                c.label, c.operations, c.types, c.files
            );
        }
        for (label, removed) in &self.orphans {
            let _ = writeln!(text, "{label}: no spec, {removed} generated files removed");
        }
        text
    }
}

/// Why `regen` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Some spec has errors (rendered); nothing was written.
    Specs(Vec<String>),
    /// Reading or writing a crate failed.
    Io(String),
}

/// The target directory: `CARGO_TARGET_DIR` when set, else the nearest ancestor of the running
/// executable that is a cargo target directory (it holds `CACHEDIR.TAG` and
/// `.rustc_info.json`; that honours `build.target-dir` and a target directory shared between
/// checkouts), else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        let dir = PathBuf::from(dir);
        return match env::current_dir() {
            Ok(cwd) if dir.is_relative() => cwd.join(dir),
            _ => dir,
        };
    }
    env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .skip(1)
                .find(|dir| {
                    dir.join("CACHEDIR.TAG").is_file() && dir.join(".rustc_info.json").is_file()
                })
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| root.join("target"))
}

/// `<target>/xtask/regen-cache.json`.
pub fn cache_file(root: &Path) -> PathBuf {
    target_dir(root).join("xtask/regen-cache.json")
}

/// The running executable (which contains the generator): its path, length and modification
/// time, so any rebuild changes it. `None` when they cannot be read.
pub fn generator_identity() -> Option<String> {
    let exe = env::current_exe().ok()?;
    let metadata = fs::metadata(&exe).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {}",
        exe.display(),
        metadata.len(),
        modified.as_nanos()
    ))
}

fn hex(hasher: &DefaultHasher) -> String {
    format!("{:016x}", hasher.finish())
}

fn hash_bytes(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hex(&hasher)
}

/// The key: every input read before the generator runs.
fn key(generator: &str, inputs: &Inputs) -> String {
    let mut hasher = DefaultHasher::new();
    FORMAT.hash(&mut hasher);
    generator.hash(&mut hasher);
    inputs.source.specs.hash(&mut hasher);
    inputs.source.out.hash(&mut hasher);
    inputs.vendor.hash(&mut hasher);
    inputs.spec_file.hash(&mut hasher);
    inputs.spec.hash(&mut hasher);
    inputs.settings.hash(&mut hasher);
    hex(&hasher)
}

/// The value: the files' paths and contents, in path order.
fn value<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hasher = DefaultHasher::new();
    for (path, contents) in files {
        path.hash(&mut hasher);
        contents.hash(&mut hasher);
    }
    hex(&hasher)
}

/// The file system under the root, recording each file read and the hash of its text.
struct Recorder<'a> {
    root: &'a Path,
    reads: Mutex<BTreeMap<String, Option<String>>>,
}

impl clientgen::Files for Recorder<'_> {
    fn read(&self, path: &Path) -> io::Result<String> {
        let result = fs::read_to_string(self.root.join(path));
        let hash = result.as_ref().ok().map(|text| hash_bytes(text.as_bytes()));
        self.reads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path.to_string_lossy().into_owned(), hash);
        result
    }
}

/// Whether every file the entry's generation read still hashes the same.
fn reads_unchanged(root: &Path, entry: &Entry) -> bool {
    entry.reads.iter().all(|(path, hash)| {
        let now = fs::read_to_string(root.join(path))
            .ok()
            .map(|text| hash_bytes(text.as_bytes()));
        now == *hash
    })
}

/// Whether the crate's directory holds exactly the entry's files as written, and no other
/// generated file (which `regen` would remove).
fn outputs_unchanged(dir: &Path, entry: &Entry) -> bool {
    let mut contents = Vec::with_capacity(entry.files.len());
    for file in &entry.files {
        match fs::read(dir.join(file)) {
            Ok(bytes) => contents.push(bytes),
            Err(_) => return false,
        }
    }
    let on_disk = value(
        entry
            .files
            .iter()
            .map(String::as_str)
            .zip(contents.iter().map(Vec::as_slice)),
    );
    if on_disk != entry.value {
        return false;
    }
    let listed: BTreeSet<PathBuf> = entry.files.iter().map(|f| dir.join(f)).collect();
    no_other_generated(dir, &listed).unwrap_or(false)
}

/// No file under `dir` but those `listed` carries the `@generated` marker (the files
/// [`clientgen::output::plan`] would remove); `target` and `.git` are skipped as there.
fn no_other_generated(dir: &Path, listed: &BTreeSet<PathBuf>) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if !no_other_generated(&path, listed)? {
                return Ok(false);
            }
        } else if !listed.contains(&path) {
            let generated = fs::read_to_string(&path).is_ok_and(|text| {
                text.lines()
                    .next()
                    .is_some_and(|line| line.contains(clientgen::output::MARKER))
            });
            if generated {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// One crate's outcome before anything is written.
enum Job {
    Skipped(Entry),
    Generated {
        output: Box<CrateOutput>,
        key: Option<String>,
        reads: BTreeMap<String, Option<String>>,
        warnings: Vec<String>,
    },
}

fn job(
    root: &Path,
    source: Source,
    vendor: &str,
    options: &Options,
    previous: &Cache,
) -> Result<Job, Vec<String>> {
    let inputs = Inputs::read(root, source, vendor)?;
    let dir = inputs.dir(root);
    let key = options.generator.as_deref().map(|g| key(g, &inputs));
    if let (Some(key), false) = (&key, options.force) {
        if let Some(entry) = previous.crates.get(&dir.to_string_lossy().into_owned()) {
            if entry.key == *key && reads_unchanged(root, entry) && outputs_unchanged(&dir, entry) {
                return Ok(Job::Skipped(entry.clone()));
            }
        }
    }
    let recorder = Recorder {
        root,
        reads: Mutex::default(),
    };
    let output = inputs.generate(root, &recorder)?;
    let warnings = clientgen::render_all(
        &output.generated.warnings,
        |file| fs::read_to_string(root.join(file)).ok(),
        false,
    );
    Ok(Job::Generated {
        output: Box::new(output),
        key,
        reads: recorder
            .reads
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        warnings,
    })
}

/// Regenerates every crate whose entry does not show it unchanged, in parallel; any spec
/// error fails the run before anything is written. Then writes what changed, empties the
/// crates whose spec is gone, and saves the cache.
pub fn regen(root: &Path, options: &Options) -> Result<Report, Failure> {
    let previous = if options.force {
        Cache::default()
    } else {
        Cache::load(&options.cache_file)
    };
    let jobs = crate::jobs(root).map_err(Failure::Io)?;
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for result in crate::parallel_map(&jobs, |(source, vendor)| {
        job(root, *source, vendor, options, &previous)
    }) {
        match result {
            Ok(job) => done.push(job),
            Err(errors) => problems.extend(errors),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Specs(problems));
    }
    let mut report = Report::default();
    let mut cache = Cache {
        format: FORMAT,
        crates: BTreeMap::new(),
    };
    let mut dirs = Vec::new();
    for ((source, vendor), job) in jobs.iter().zip(done) {
        let dir = root.join(source.out).join(vendor);
        let label = format!("{}/{vendor}", source.out);
        let entry = match job {
            Job::Skipped(entry) => {
                report.crates.push(CrateReport {
                    label,
                    operations: entry.operations,
                    types: entry.types,
                    files: entry.files.len(),
                    changed: 0,
                    warnings: entry.warnings.clone(),
                    skipped: true,
                });
                Some(entry)
            }
            Job::Generated {
                output,
                key,
                reads,
                warnings,
            } => {
                let files = &output.generated.files;
                let plan = clientgen::output::plan(&dir, files)
                    .map_err(|err| Failure::Io(format!("cannot read {}: {err}", dir.display())))?;
                clientgen::output::apply(&plan)
                    .map_err(|err| Failure::Io(format!("writing {label}: {err}")))?;
                let entry = key.map(|key| Entry {
                    key,
                    reads: reads.into_iter().collect(),
                    files: files.keys().cloned().collect(),
                    value: value(files.iter().map(|(p, c)| (p.as_str(), c.as_bytes()))),
                    operations: output.generated.api.operations.len(),
                    types: output.generated.api.types.len(),
                    warnings: warnings.clone(),
                });
                report.crates.push(CrateReport {
                    label,
                    operations: output.generated.api.operations.len(),
                    types: output.generated.api.types.len(),
                    files: files.len(),
                    changed: plan.len(),
                    warnings,
                    skipped: false,
                });
                entry
            }
        };
        if let Some(entry) = entry {
            cache
                .crates
                .insert(dir.to_string_lossy().into_owned(), entry);
        }
        dirs.push(dir);
    }
    for (label, plan) in crate::orphans(root, &dirs).map_err(Failure::Io)? {
        if plan.is_empty() {
            continue;
        }
        clientgen::output::apply(&plan)
            .map_err(|err| Failure::Io(format!("writing {label}: {err}")))?;
        report.orphans.push((label, plan.len()));
    }
    if options.generator.is_some() {
        // Keep the entries of other checkouts sharing this target directory.
        let ours: Vec<PathBuf> = crate::SOURCES.iter().map(|s| root.join(s.out)).collect();
        let kept = Cache::load(&options.cache_file)
            .crates
            .into_iter()
            .filter(|(dir, _)| !ours.iter().any(|out| Path::new(dir).starts_with(out)));
        cache.crates.extend(kept);
        if let Err(err) = cache.save(&options.cache_file) {
            report.cache_error = Some(format!(
                "cannot write {}: {err}",
                options.cache_file.display()
            ));
        }
    }
    Ok(report)
}
