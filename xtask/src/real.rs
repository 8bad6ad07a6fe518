//! `cargo xtask real`: the generator on real public OpenAPI documents. Each document under
//! `tests/fixtures/real/` (and any other given) is generated into a crate outside the
//! workspace (`$TMPDIR/clientgen-real/<name>/`), the
//! generation timed, and the crate checked with `cargo clippy -- -D warnings`. The figures are
//! printed as a Markdown table; the command fails when a document does not generate or its
//! crate does not pass clippy.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clientgen::{generate_with, FileSystem, Settings};

/// How many times each document is generated; the median time is reported.
const RUNS: usize = 5;

/// What happened to one document.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The document's file name.
    pub file: String,
    /// Its `openapi` version field.
    pub version: String,
    /// Operations, types and warnings, when it generated.
    pub generated: Option<(usize, usize, usize)>,
    /// The median generation time.
    pub time: Duration,
    /// `None` when clippy was not run; else whether it passed, with its last lines when not.
    pub clippy: Option<Result<(), String>>,
    /// The errors, when it did not generate.
    pub errors: Vec<String>,
}

impl Outcome {
    /// Whether the document generated and its crate passed clippy (when it was run).
    pub fn ok(&self) -> bool {
        self.generated.is_some() && !matches!(self.clippy, Some(Err(_)))
    }
}

/// The documents under `tests/fixtures/real/`, sorted by name.
pub fn documents(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("tests/fixtures/real");
    let entries =
        std::fs::read_dir(&dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    let is_document = |path: &Path| {
        path.is_file()
            && path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
    };
    // A directory is a document split over several files; its entry file is named after the
    // directory (`redocly-cafe/redocly-cafe.yaml`), else `openapi.yaml`.
    let mut docs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter_map(|path| {
            if !path.is_dir() {
                return is_document(&path).then_some(path);
            }
            let name = path.file_name()?.to_string_lossy().into_owned();
            ["yaml", "yml", "json"]
                .iter()
                .map(|ext| path.join(format!("{name}.{ext}")))
                .chain([path.join("openapi.yaml")])
                .find(|entry| is_document(entry))
        })
        .collect();
    docs.sort();
    Ok(docs)
}

/// A Cargo package name made from a file name (`twilio-bulkexports.json` ->
/// `twilio-bulkexports-client`).
fn crate_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-client", name.trim_matches('-'))
}

/// Generates `doc` into `out_root/<crate name>`, timing it, and runs clippy on the crate when
/// `clippy` is set (sharing `target_dir` between documents and the workspace's `Cargo.lock`).
pub fn run(root: &Path, doc: &Path, out_root: &Path, target_dir: &Path, clippy: bool) -> Outcome {
    let file = doc
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut outcome = Outcome {
        file: file.clone(),
        version: String::new(),
        generated: None,
        time: Duration::ZERO,
        clippy: None,
        errors: Vec::new(),
    };
    let text = match std::fs::read_to_string(doc) {
        Ok(text) => text,
        Err(err) => {
            outcome
                .errors
                .push(format!("cannot read {}: {err}", doc.display()));
            return outcome;
        }
    };
    outcome.version = text
        .lines()
        .find_map(|line| {
            let line = line.trim().trim_start_matches('"');
            let rest = line.strip_prefix("openapi")?.trim_start_matches('"');
            let value = rest.trim_start().strip_prefix(':')?;
            Some(
                value
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'' || c == ',')
                    .to_owned(),
            )
        })
        .unwrap_or_default();
    let name = crate_name(doc);
    let settings = Settings {
        runtime_path: root.join("generator/runtime").display().to_string(),
        generated_by: "cargo xtask real".to_owned(),
        ..Settings::new(name.clone())
    };
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        // The path as given, so that the files it refers to are found beside it.
        let generated = generate_with(&text, &doc.display().to_string(), &settings, &FileSystem);
        times.push(started.elapsed());
        result = Some(generated);
    }
    times.sort();
    outcome.time = times.get(RUNS / 2).copied().unwrap_or_default();
    let generated = match result {
        Some(Ok(generated)) => generated,
        Some(Err(problems)) => {
            outcome.errors = problems.iter().map(ToString::to_string).collect();
            return outcome;
        }
        None => return outcome,
    };
    outcome.generated = Some((
        generated.api.operations.len(),
        generated.api.types.len(),
        generated.warnings.len(),
    ));
    if !clippy {
        return outcome;
    }
    let out = out_root.join(&name);
    let written = clientgen::output::plan(&out, &generated.files)
        .and_then(|plan| clientgen::output::apply(&plan))
        .map_err(|err| err.to_string())
        .and_then(|()| {
            std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
                .map(drop)
                .map_err(|err| format!("cannot copy Cargo.lock: {err}"))
        });
    if let Err(err) = written {
        outcome.clippy = Some(Err(format!("cannot write {}: {err}", out.display())));
        return outcome;
    }
    let clippy = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target_dir)
        .output();
    outcome.clippy = Some(match clippy {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines.get(lines.len().saturating_sub(30)..).unwrap_or(&[]);
            Err(tail.join("\n"))
        }
        Err(err) => Err(format!("cannot run cargo clippy: {err}")),
    });
    outcome
}

/// The outcomes as a Markdown table.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| Document | OpenAPI | Operations | Types | Warnings | Generation (median of 5) | clippy -D warnings |\n|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let (ops, types, warnings) = match o.generated {
            Some((ops, types, warnings)) => {
                (ops.to_string(), types.to_string(), warnings.to_string())
            }
            None => ("-".into(), "-".into(), "-".into()),
        };
        let clippy = match (&o.generated, &o.clippy) {
            (None, _) => format!("does not generate ({} errors)", o.errors.len()),
            (Some(_), None) => "not run".to_owned(),
            (Some(_), Some(Ok(()))) => "clean".to_owned(),
            (Some(_), Some(Err(_))) => "FAILS".to_owned(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {ops} | {types} | {warnings} | {:.1} ms | {clippy} |\n",
            o.file,
            o.version,
            o.time.as_secs_f64() * 1000.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(
            crate_name(Path::new("a/twilio-bulkexports.json")),
            "twilio-bulkexports-client"
        );
        assert_eq!(
            crate_name(Path::new("Scalar Galaxy.v3.yaml")),
            "scalar-galaxy-v3-client"
        );
    }
}
