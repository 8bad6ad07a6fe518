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

/// How long each stage of one generation took, for `cargo xtask profile`. Each Rust file is
/// emitted, parsed and formatted before the next, so `emit`, `parse` and `format` are sums
/// over the files. Writing is not a stage of [`generate`]: the caller does it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Spec text to the OpenAPI model: parse, version, bundle, validate, normalize, repair,
    /// depth limit, model.
    pub front: Duration,
    /// The model to the IR, diagnostics located and sorted.
    pub lower: Duration,
    /// The IR to token streams (`quote`), summed over the files.
    pub emit: Duration,
    /// Token streams to `syn` syntax trees, summed over the files.
    pub parse: Duration,
    /// Syntax trees to text (`prettyplease`, blank lines between items, header), summed over
    /// the files, and the Cargo.toml and README templates.
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

/// One Rust file: its text and how long its stages took.
struct Rendered {
    path: &'static str,
    text: String,
    timings: Timings,
}

/// Emits and renders one Rust file.
fn render_file(
    api: &ir::Api,
    path: &'static str,
    emitter: emit::Emitter,
    settings: &Settings,
    source: &str,
) -> Result<Rendered, String> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let tokens = emitter(api);
    timings.emit = start.elapsed();
    let start = Instant::now();
    let parsed = render::parse(tokens)?;
    timings.parse = start.elapsed();
    let start = Instant::now();
    let text = render::rust_file(&parsed, settings, source);
    drop(parsed);
    timings.format = start.elapsed();
    Ok(Rendered {
        path,
        text,
        timings,
    })
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
    let mut files = BTreeMap::new();
    // One file at a time, so that only one file's tokens and syntax tree are alive at once.
    // (One thread per file was tried: on two busy cores it was slower, and Stripe's peak
    // memory doubled.)
    for (path, emitter) in emit::files(&api) {
        let rendered = render_file(&api, path, emitter, settings, file).map_err(internal)?;
        timings.emit += rendered.timings.emit;
        timings.parse += rendered.timings.parse;
        timings.format += rendered.timings.format;
        files.insert(rendered.path.to_owned(), rendered.text);
    }
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
