//! `cargo xtask profile`: where the generator's time goes. Runs each document through
//! [`clientgen::generate_timed`] several times and prints the median of each stage (front end,
//! lowering, emission, `syn` parsing, formatting) and of writing the crate to a fresh
//! directory, with the process's peak resident memory while it generated that document.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clientgen::{generate_timed, FileSystem, Settings, Timings};

/// One document's medians.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The document's file name.
    pub file: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Lines of generated Rust.
    pub lines: usize,
    /// Median of each stage over the runs (each stage's own median).
    pub stages: Timings,
    /// Median of the runs' wall times.
    pub total: Duration,
    /// Median time to write the files into an empty directory (`clientgen::output`).
    pub write: Duration,
    /// Peak resident memory (MiB) of this process while generating the document, where the
    /// system tells it (Linux: `VmHWM`, reset before each document through `clear_refs`).
    pub peak_mib: Option<u64>,
}

/// Profiles `doc` over `runs` runs, writing its files under `out`.
pub fn run(doc: &Path, out: &Path, runs: usize) -> Result<Profile, String> {
    let text = std::fs::read_to_string(doc)
        .map_err(|err| format!("cannot read {}: {err}", doc.display()))?;
    let file = doc
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let settings = Settings {
        generated_by: "cargo xtask profile".to_owned(),
        ..Settings::new("profiled-client")
    };
    let peak_reset = reset_peak();
    let runs = runs.max(1);
    let mut all = Vec::with_capacity(runs);
    let mut writes = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let (generated, timings) =
            generate_timed(&text, &doc.display().to_string(), &settings, &FileSystem).map_err(
                |problems| {
                    let errors: Vec<String> = problems
                        .iter()
                        .filter(|p| p.is_error())
                        .map(ToString::to_string)
                        .collect();
                    format!("{file} does not generate:\n{}", errors.join("\n"))
                },
            )?;
        lines = generated
            .files
            .iter()
            .filter(|(path, _)| path.ends_with(".rs"))
            .map(|(_, text)| text.lines().count())
            .sum();
        let _ = std::fs::remove_dir_all(out);
        let started = Instant::now();
        clientgen::output::plan(out, &generated.files)
            .and_then(|plan| clientgen::output::apply(&plan))
            .map_err(|err| format!("cannot write {}: {err}", out.display()))?;
        writes.push(started.elapsed());
        all.push(timings);
    }
    let peak_mib = if peak_reset { peak_rss_mib() } else { None };
    let median = |f: &dyn Fn(&Timings) -> Duration| {
        let mut v: Vec<Duration> = all.iter().map(f).collect();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    let total = median(&|t| t.wall);
    let stages = Timings {
        front: median(&|t| t.front),
        lower: median(&|t| t.lower),
        emit: median(&|t| t.emit),
        parse: median(&|t| t.parse),
        format: median(&|t| t.format),
        wall: total,
    };
    writes.sort();
    Ok(Profile {
        file,
        bytes: text.len(),
        lines,
        stages,
        total,
        write: writes.get(writes.len() / 2).copied().unwrap_or_default(),
        peak_mib,
    })
}

/// The default documents: the large real ones under `tests/fixtures/real/`.
pub fn default_documents(root: &Path) -> Vec<PathBuf> {
    ["stripe.json", "openai.yaml", "box.json"]
        .iter()
        .map(|name| root.join("tests/fixtures/real").join(name))
        .collect()
}

/// The profiles as a Markdown table, milliseconds.
pub fn table(profiles: &[Profile], runs: usize) -> String {
    let mut out = format!(
        "Median of {runs} runs, ms (release build). total: wall time. emit, parse and format: \
         time summed over the threads that share the files' shards, so on several cores more \
         than their share of total. Peak: this process's resident memory while generating.\n\n\
         | Document | MB | Lines | front | lower | emit | parse (syn) | format | total | write | peak MiB |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n"
    );
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    for p in profiles {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            p.file,
            p.bytes as f64 / 1e6,
            p.lines,
            ms(p.stages.front),
            ms(p.stages.lower),
            ms(p.stages.emit),
            ms(p.stages.parse),
            ms(p.stages.format),
            ms(p.total),
            ms(p.write),
            p.peak_mib
                .map_or_else(|| "n/a".to_owned(), |m| m.to_string()),
        );
    }
    out
}

/// Resets the process's peak resident set size (Linux 4.0+: `5` to `/proc/self/clear_refs`).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak resident set size since the last reset, from `/proc/self/status`.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
