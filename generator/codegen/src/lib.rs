//! `clientgen`: OpenAPI 3.0/3.1 documents in, typed async Rust client crates out.
//!
//! The pipeline is pure: [`generate`] takes spec text and [`Settings`] and returns the files of
//! the crate (path -> contents) or every problem found, and touches no disk. [`output`] is the
//! one module that writes, for the CLI and `cargo xtask`.
//!
//! `front` (text -> the OpenAPI model, in one straight line of steps; `validate`'s
//! whole-document checks, every problem at once, run inside it) -> `lower` (-> IR, where all
//! names are decided) -> `emit` (IR -> tokens) -> `render` (tokens -> formatted text).
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod diagnostics;
mod emit;
mod front;
pub mod ir;
mod lower;
pub mod output;
mod render;
mod report;
mod settings;
mod validate;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use diagnostics::{Diagnostic, Severity};
pub use front::{FileSystem, Files, NoFiles};
pub use report::render_all;
pub use settings::Settings;

/// A generated crate: its files and the warnings met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// Relative path (`src/lib.rs`) -> file contents, in path order.
    pub files: BTreeMap<String, String>,
    /// Problems that did not stop generation.
    pub warnings: Vec<Diagnostic>,
    /// The IR the files were emitted from (for reports and summaries).
    pub api: ir::Api,
}

/// Parses, checks and lowers a spec into the IR, without emitting anything.
///
/// `file` names the spec in diagnostics. Returns the IR with its warnings, or every problem
/// found when any of them is an error. Reads no other file: a reference to one is an error
/// (see [`lower_with`]).
pub fn lower(spec_text: &str, file: &str) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    lower_with(spec_text, file, &NoFiles)
}

/// [`lower`] for a document split over several files: a `$ref` to another file
/// (`./common.yaml#/components/schemas/Money`) is read from `files`, by its path relative to
/// the file that holds it, starting from `file`.
pub fn lower_with(
    spec_text: &str,
    file: &str,
    files: &dyn Files,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    on_large_stack(file, || lower_here(spec_text, file, files))
}

/// The stack the pipeline runs on. Reading the OpenAPI model (serde's untagged and flattened
/// forms), lowering and emitting recurse once per level of nesting, and a document may nest
/// as deep as the YAML parser allows (128 levels): in a debug build that takes several MiB,
/// more than the 2 MiB of a test or tokio thread. Only address space is reserved; pages are
/// used as the recursion reaches them.
const STACK_BYTES: usize = 64 << 20;

/// Runs `work` on a thread with [`STACK_BYTES`] of stack, so that no document overflows the
/// caller's stack. A panic is passed on to the caller as it is.
fn on_large_stack<T: Send>(
    file: &str,
    work: impl FnOnce() -> Result<T, Vec<Diagnostic>> + Send,
) -> Result<T, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("clientgen".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .map_err(|err| {
                vec![
                    Diagnostic::error(file, format!("cannot start the generator's thread: {err}"))
                        .hint("the system is out of threads or memory; try again"),
                ]
            })?;
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn lower_here(
    spec_text: &str,
    file: &str,
    files: &dyn Files,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    lower_loaded(front::load(spec_text, file, files)?, spec_text, file)
}

/// The rest of [`lower`] once the front end has read the document.
fn lower_loaded(
    loaded: front::Loaded,
    spec_text: &str,
    file: &str,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let front::Loaded {
        openapi,
        warnings: problems,
        bundle,
    } = loaded;
    let locator = diagnostics::Locator::new(spec_text);
    let (api, mut diagnostics) = lower::lower(&openapi, file);
    for diagnostic in &mut diagnostics {
        bundle.place(diagnostic);
    }
    diagnostics.splice(0..0, problems);
    for diagnostic in &mut diagnostics {
        if diagnostic.line_col.is_none() && bundle.in_entry(diagnostic) {
            if let Some((line, column)) =
                diagnostic.pointer.as_deref().and_then(|p| locator.find(p))
            {
                diagnostic.line_col = Some((line, column));
            }
        }
    }
    front::in_order(&mut diagnostics, &bundle);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok((api, diagnostics))
}

/// Generates a client crate from spec text (YAML or JSON, OpenAPI 3.0 or 3.1).
///
/// `file` is how the spec is named in diagnostics and in the generated files' headers. Reads no
/// other file: a reference to one is an error (see [`generate_with`]).
pub fn generate(
    spec_text: &str,
    file: &str,
    settings: &Settings,
) -> Result<Generated, Vec<Diagnostic>> {
    generate_with(spec_text, file, settings, &NoFiles)
}

/// [`generate`] for a document split over several files: a `$ref` to another file
/// (`./common.yaml#/components/schemas/Money`, `../errors.yaml`) is read from `files`, by its
/// path relative to the file that holds it, starting from `file`; a diagnostic about an
/// element of another file names that file, with its own line and column.
pub fn generate_with(
    spec_text: &str,
    file: &str,
    settings: &Settings,
    files: &dyn Files,
) -> Result<Generated, Vec<Diagnostic>> {
    on_large_stack(file, || generate_here(spec_text, file, settings, files))
}

fn generate_here(
    spec_text: &str,
    file: &str,
    settings: &Settings,
    files: &dyn Files,
) -> Result<Generated, Vec<Diagnostic>> {
    generate_timed_here(spec_text, file, settings, files).map(|(generated, _)| generated)
}

/// How long each stage of one generation took, for `cargo xtask profile`. The Rust files are
/// made in shards on several threads (`render_files`), so `emit`, `parse` and `format` are
/// each the sum over every shard of every file of the time its thread spent on that stage: the
/// work a stage costs, which on two or more threads adds up to more than `wall`. Writing is not
/// a stage of [`generate`]: the caller does it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Spec text to the OpenAPI model: parse, version, bundle, validate, normalize, repair,
    /// depth limit, model.
    pub front: Duration,
    /// The model to the IR, diagnostics located and sorted.
    pub lower: Duration,
    /// The IR to token streams (`quote`), summed over the shards.
    pub emit: Duration,
    /// Token streams to `syn` syntax trees, summed over the shards.
    pub parse: Duration,
    /// Syntax trees to text (`prettyplease`, summed over the shards), then each file's shards
    /// joined with blank lines between items and the header, and the Cargo.toml and README
    /// templates.
    pub format: Duration,
    /// The whole generation, as the caller waits for it.
    pub wall: Duration,
}

/// [`generate_with`], also returning how long each stage took. The files are the same.
pub fn generate_timed(
    spec_text: &str,
    file: &str,
    settings: &Settings,
    files: &dyn Files,
) -> Result<(Generated, Timings), Vec<Diagnostic>> {
    on_large_stack(file, || {
        generate_timed_here(spec_text, file, settings, files)
    })
}

/// Emits, parses and formats one shard of a Rust file, returning its text (without the header:
/// [`render::rust_file`] joins the shards and adds it) and how long each stage took.
fn render_shard(
    api: &ir::Api,
    emit: fn(&ir::Api, emit::Shard) -> proc_macro2::TokenStream,
    shard: emit::Shard,
) -> Result<(String, Timings), String> {
    let mut timings = Timings::default();
    let start = Instant::now();
    emit::clear_doc_lines();
    let tokens = emit(api, shard);
    timings.emit = start.elapsed();
    let start = Instant::now();
    let parsed = render::parse(tokens)?;
    timings.parse = start.elapsed();
    let start = Instant::now();
    let text = render::shard_text(&parsed, emit::restore_doc_lines);
    drop(parsed);
    timings.format = start.elapsed();
    Ok((text, timings))
}

/// At most this many threads render the Rust files.
const MAX_RENDER_THREADS: usize = 4;

/// Renders every Rust file of the crate, returning the texts by path and the stage times summed
/// over the shards.
///
/// Emitting, parsing and formatting are most of the generator's time, so the files' shards
/// (`emit::RustFile`) are shared out among up to [`MAX_RENDER_THREADS`] threads (as many as
/// the machine offers; this one is one of them), each taking the next shard nobody has taken
/// yet, in file order. `proc_macro2` token streams and `syn` trees cannot cross threads, so
/// each shard is emitted, parsed and formatted on the thread that took it, and only its text
/// comes back. A shard is a slice of a file, so the tokens and syntax trees alive at once are
/// at most one shard's per thread, less than one whole file's (one thread per whole file was
/// tried first: on two busy cores it was slower, and Stripe's peak memory doubled).
fn render_files(
    api: &ir::Api,
    settings: &Settings,
    source: &str,
) -> Result<(BTreeMap<String, String>, Timings), String> {
    render_sharded(api, &emit::files(api), settings, source)
}

/// [`render_files`] of these files, sharded as they say.
fn render_sharded(
    api: &ir::Api,
    files: &[emit::RustFile],
    settings: &Settings,
    source: &str,
) -> Result<(BTreeMap<String, String>, Timings), String> {
    let units: Vec<(usize, emit::Shard)> = files
        .iter()
        .enumerate()
        .flat_map(|(index, file)| {
            (0..file.shards).map(move |shard| (index, emit::Shard::new(shard, file.shards)))
        })
        .collect();
    let next = AtomicUsize::new(0);
    // Takes shards until none is left: (unit number, text, timings) of each.
    let work = || -> Result<Vec<(usize, String, Timings)>, String> {
        let mut done = Vec::new();
        loop {
            let unit = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(index, shard)) = units.get(unit) else {
                return Ok(done);
            };
            let Some(file) = files.get(index) else {
                return Err(format!("no file {index}"));
            };
            let (text, timings) = render_shard(api, file.emit, shard)?;
            done.push((unit, text, timings));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, MAX_RENDER_THREADS)
        .min(units.len());
    let results: Vec<_> = std::thread::scope(|scope| {
        // A helper that cannot be started leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("clientgen-render".to_owned())
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut results = vec![work()];
        results.extend(helpers.into_iter().map(|helper| {
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        results
    });
    let mut timings = Timings::default();
    let mut texts: Vec<Option<String>> = vec![None; units.len()];
    for result in results {
        for (unit, text, shard_timings) in result? {
            timings.emit += shard_timings.emit;
            timings.parse += shard_timings.parse;
            timings.format += shard_timings.format;
            if let Some(slot) = texts.get_mut(unit) {
                *slot = Some(text);
            }
        }
    }
    let start = Instant::now();
    let mut texts = texts.into_iter();
    let mut rendered = BTreeMap::new();
    for file in files {
        let shards: Vec<String> = texts
            .by_ref()
            .take(file.shards)
            .map(|text| text.ok_or_else(|| format!("{}: a shard was not rendered", file.path)))
            .collect::<Result<_, _>>()?;
        rendered.insert(
            file.path.to_owned(),
            render::rust_file(&shards, settings, source),
        );
    }
    timings.format += start.elapsed();
    Ok((rendered, timings))
}

fn generate_timed_here(
    spec_text: &str,
    file: &str,
    settings: &Settings,
    files: &dyn Files,
) -> Result<(Generated, Timings), Vec<Diagnostic>> {
    let wall = Instant::now();
    let mut timings = Timings::default();
    let start = Instant::now();
    let loaded = front::load(spec_text, file, files)?;
    timings.front = start.elapsed();
    let start = Instant::now();
    let (api, warnings) = lower_loaded(loaded, spec_text, file)?;
    timings.lower = start.elapsed();
    let internal = |message: String| {
        vec![
            Diagnostic::error(file, format!("internal generator error: {message}"))
                .hint("this is a bug in clientgen; please report it with the spec"),
        ]
    };
    let (mut files, render_timings) = render_files(&api, settings, file).map_err(internal)?;
    timings.emit = render_timings.emit;
    timings.parse = render_timings.parse;
    timings.format = render_timings.format;
    let start = Instant::now();
    for (path, text) in render::templates(&api, settings, file).map_err(internal)? {
        files.insert(path.to_owned(), text);
    }
    timings.format += start.elapsed();
    timings.wall = wall.elapsed();
    Ok((
        Generated {
            files,
            warnings,
            api,
        },
        timings,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// A file reads the same byte for byte however many shards it is made in, including more
    /// shards than it has items (empty shards).
    #[test]
    fn sharding_does_not_change_the_files() {
        let spec = include_str!("../../../specs/nudge/openapi.yaml");
        let (api, _) = lower(spec, "openapi.yaml").expect("nudge lowers");
        assert!(api.types.len() > 10 && api.operations.len() > 10);
        let settings = Settings::new("nudge-client");
        let files = emit::files(&api);
        let sharded = |count: usize| {
            let files: Vec<_> = files
                .iter()
                .map(|file| emit::RustFile {
                    shards: match file.path {
                        "src/types.rs" | "src/operations.rs" | "src/mock.rs" => count,
                        _ => 1,
                    },
                    ..*file
                })
                .collect();
            render_sharded(&api, &files, &settings, "openapi.yaml")
                .expect("renders")
                .0
        };
        let whole = sharded(1);
        assert_eq!(whole.len(), files.len());
        for count in [2, 3, 7, api.operations.len() + 5] {
            assert_eq!(sharded(count), whole, "{count} shards");
        }
    }
}
