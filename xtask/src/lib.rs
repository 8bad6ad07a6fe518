//! The project's automation, as a library so tests can run it: regenerate every client crate
//! under `generated/` from `specs/` (and the test clients under `tests/generated/` from
//! `tests/specs/`), and check that the committed output is up to date.

pub mod audit;
pub mod cache;
pub mod compile_times;
pub mod diff;
pub mod profile;
pub mod real;
pub mod semver;

use std::fs;
use std::path::{Path, PathBuf};

use clientgen::output::{self, Plan};
use clientgen::{Generated, Settings};

/// A directory of specs and the directory their crates are generated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// Spec directories live here (`specs`), each with `openapi.yaml` and `client.toml`.
    pub specs: &'static str,
    /// Crates are generated here (`generated`), one directory per spec directory.
    pub out: &'static str,
}

/// The vendors' specs and clients, then the clients that only tests use (they exercise
/// runtime features no vendor spec has yet).
pub const SOURCES: [Source; 2] = [
    Source {
        specs: "specs",
        out: "generated",
    },
    Source {
        specs: "tests/specs",
        out: "tests/generated",
    },
];

/// One crate, generated in memory.
#[derive(Debug)]
pub struct CrateOutput {
    /// The directory name under the source's specs and output directories (`nudge`).
    pub vendor: String,
    /// The output directory relative to the root (`generated/nudge`), naming the crate in
    /// messages.
    pub label: String,
    /// Where the crate lives (`<root>/generated/nudge`).
    pub dir: PathBuf,
    /// The generator's output.
    pub generated: Generated,
}

/// The repository root of the checkout the current directory is in: the nearest ancestor
/// holding `xtask/Cargo.toml` and `specs/`. Found at run time, never where the binary was
/// built: with a `CARGO_TARGET_DIR` shared between checkouts, `cargo xtask` may run a binary
/// another checkout built, and must still read and write this checkout's files.
pub fn find_root() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir()
        .map_err(|err| format!("cannot read the current directory: {err}"))?;
    cwd.ancestors()
        .find(|dir| dir.join("xtask/Cargo.toml").is_file() && dir.join("specs").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not inside a clientgen checkout (no ancestor holds xtask/Cargo.toml and specs/); run cargo xtask from the checkout",
                cwd.display()
            )
        })
}

/// The repository root for tests: the checkout holding the current directory (tests run in
/// their package's directory), else the one this crate was built from.
pub fn repo_root() -> PathBuf {
    find_root().unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    })
}

/// The vendors with a spec: directories of `specs/` holding `openapi.yaml`, sorted.
pub fn vendors(root: &Path) -> Result<Vec<String>, String> {
    spec_dirs(root, SOURCES[0])
}

/// The directories of a source's specs holding `openapi.yaml`, sorted.
pub fn spec_dirs(root: &Path, source: Source) -> Result<Vec<String>, String> {
    let specs = root.join(source.specs);
    let entries =
        fs::read_dir(&specs).map_err(|err| format!("cannot read {}: {err}", specs.display()))?;
    let mut vendors: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("openapi.yaml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    vendors.sort();
    Ok(vendors)
}

/// Generates one vendor's crate (`specs/<vendor>` -> `generated/<vendor>`) in memory.
pub fn generate(root: &Path, vendor: &str) -> Result<CrateOutput, Vec<String>> {
    generate_from(root, SOURCES[0], vendor)
}

/// Generates the crate of one spec directory of `source` in memory.
pub fn generate_from(
    root: &Path,
    source: Source,
    vendor: &str,
) -> Result<CrateOutput, Vec<String>> {
    let inputs = Inputs::read(root, source, vendor)?;
    // Files the spec refers to, by their path from the checkout's root (as `spec_file` is).
    let files = |path: &Path| fs::read_to_string(root.join(path));
    inputs.generate(root, &files)
}

/// What generating one crate reads before the generator runs: the spec's text and the
/// resolved settings (`client.toml`, completed from the workspace's `Cargo.toml`). The files
/// the spec refers to are read while it runs, through a [`clientgen::Files`].
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The source the spec directory belongs to.
    pub source: Source,
    /// The spec directory's name (`nudge`).
    pub vendor: String,
    /// The spec's path from the root (`specs/nudge/openapi.yaml`).
    pub spec_file: String,
    /// The spec's text.
    pub spec: String,
    /// The settings the crate is generated with.
    pub settings: Settings,
}

impl Inputs {
    /// Reads the spec and the settings of one spec directory of `source`.
    pub fn read(root: &Path, source: Source, vendor: &str) -> Result<Self, Vec<String>> {
        let spec_file = format!("{}/{vendor}/openapi.yaml", source.specs);
        let settings_file = format!("{}/{vendor}/client.toml", source.specs);
        let read = |file: &str| {
            fs::read_to_string(root.join(file))
                .map_err(|err| vec![format!("error: cannot read {file}: {err}")])
        };
        let spec = read(&spec_file)?;
        let mut settings = Settings::from_toml(&read(&settings_file)?)
            .map_err(|err| vec![format!("error: {settings_file} is not valid: {err}")])?;
        let workspace = workspace_package(&read("Cargo.toml")?)
            .map_err(|err| vec![format!("error: Cargo.toml is not valid: {err}")])?;
        settings.license = settings.license.or(workspace.license);
        settings.repository = settings.repository.or(workspace.repository);
        // Test clients exist for this workspace's tests only.
        if source.out != SOURCES[0].out {
            settings.publish = false;
        }
        Ok(Self {
            source,
            vendor: vendor.to_owned(),
            spec_file,
            spec,
            settings,
        })
    }

    /// The output directory relative to the root (`generated/nudge`).
    pub fn label(&self) -> String {
        format!("{}/{}", self.source.out, self.vendor)
    }

    /// Where the crate lives (`<root>/generated/nudge`).
    pub fn dir(&self, root: &Path) -> PathBuf {
        root.join(self.source.out).join(&self.vendor)
    }

    /// Runs the generator, reading the files the spec refers to from `files` (by their path
    /// from the root); errors rendered with their snippets.
    pub fn generate(
        &self,
        root: &Path,
        files: &dyn clientgen::Files,
    ) -> Result<CrateOutput, Vec<String>> {
        let generated =
            clientgen::generate_with(&self.spec, &self.spec_file, &self.settings, files).map_err(
                |problems| {
                    clientgen::render_all(
                        &problems,
                        |file| fs::read_to_string(root.join(file)).ok(),
                        false,
                    )
                },
            )?;
        Ok(CrateOutput {
            vendor: self.vendor.clone(),
            label: self.label(),
            dir: self.dir(root),
            generated,
        })
    }
}

/// The package metadata the workspace gives its members (`[workspace.package]`), which the
/// generated crates take unless their `client.toml` says otherwise.
#[derive(Debug, Default, serde::Deserialize)]
struct WorkspacePackage {
    license: Option<String>,
    repository: Option<String>,
}

/// `[workspace.package]` of the root `Cargo.toml`.
fn workspace_package(manifest: &str) -> Result<WorkspacePackage, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        workspace: Option<Workspace>,
    }
    #[derive(serde::Deserialize)]
    struct Workspace {
        package: Option<WorkspacePackage>,
    }
    let manifest: Manifest = toml::from_str(manifest).map_err(|err| err.to_string())?;
    Ok(manifest
        .workspace
        .and_then(|w| w.package)
        .unwrap_or_default())
}

/// Generates every crate, on as many threads as the machine has cores (the crates are
/// independent; the result is in the same order whatever the threads do); any problem in
/// any spec fails the whole run.
pub fn generate_all(root: &Path) -> Result<Vec<CrateOutput>, Vec<String>> {
    let jobs = jobs(root).map_err(|err| vec![err])?;
    let mut crates = Vec::new();
    let mut problems = Vec::new();
    for result in parallel_map(&jobs, |(source, vendor)| {
        generate_from(root, *source, vendor)
    }) {
        match result {
            Ok(output) => crates.push(output),
            Err(errors) => problems.extend(errors),
        }
    }
    if problems.is_empty() {
        Ok(crates)
    } else {
        Err(problems)
    }
}

/// Every spec directory of every source, in order.
pub fn jobs(root: &Path) -> Result<Vec<(Source, String)>, String> {
    let mut jobs = Vec::new();
    for source in SOURCES {
        for vendor in spec_dirs(root, source)? {
            jobs.push((source, vendor));
        }
    }
    Ok(jobs)
}

/// `work` applied to each job on up to `available_parallelism` threads; the results in the
/// jobs' order.
fn parallel_map<J: Sync, R: Send>(jobs: &[J], work: impl Fn(&J) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break };
                        done.push((index, work(job)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// What regenerating would change on disk, per crate, plus generated crates whose spec is gone.
pub fn plan(root: &Path, crates: &[CrateOutput]) -> Result<Vec<(String, Plan)>, String> {
    let mut plans = Vec::new();
    for output in crates {
        let plan = output::plan(&output.dir, &output.generated.files)
            .map_err(|err| format!("cannot read {}: {err}", output.dir.display()))?;
        plans.push((output.label.clone(), plan));
    }
    let dirs: Vec<PathBuf> = crates.iter().map(|c| c.dir.clone()).collect();
    plans.extend(orphans(root, &dirs)?);
    Ok(plans)
}

/// The plans that empty the generated crates whose spec is gone: directories of each source's
/// output directory that are not among `dirs` (the crates that have a spec), each labelled.
pub fn orphans(root: &Path, dirs: &[PathBuf]) -> Result<Vec<(String, Plan)>, String> {
    let mut plans = Vec::new();
    for source in SOURCES {
        let Ok(entries) = fs::read_dir(root.join(source.out)) else {
            continue;
        };
        let mut orphans: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_dir() && !dirs.contains(path))
            .collect();
        orphans.sort();
        for dir in orphans {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let plan = output::plan(&dir, &Default::default())
                .map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
            plans.push((format!("{}/{name}", source.out), plan));
        }
    }
    Ok(plans)
}

/// Paths of a plan relative to the root, for messages.
pub fn describe(root: &Path, plan: &Plan) -> Vec<String> {
    let relative = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut lines: Vec<String> = plan.writes.iter().map(|(path, _)| relative(path)).collect();
    lines.extend(
        plan.removals
            .iter()
            .map(|path| format!("{} (no longer generated)", relative(path))),
    );
    lines
}

/// The feature a subset check turns on alone: the group feature with the most operations (the
/// first by name among equals), so the check compiles the most gated code.
pub fn subset_feature(api: &clientgen::ir::Api) -> Option<&str> {
    api.features
        .iter()
        .rev()
        .max_by_key(|f| f.operations)
        .map(|f| f.name.as_str())
}

/// The cargo arguments of the feature subsets a crate with group features is also checked
/// with: no feature at all, and one group ([`subset_feature`]). None without group features.
pub fn feature_subsets(api: &clientgen::ir::Api) -> Vec<Vec<String>> {
    let Some(feature) = subset_feature(api) else {
        return Vec::new();
    };
    vec![
        vec!["--no-default-features".to_owned()],
        vec![
            "--no-default-features".to_owned(),
            "--features".to_owned(),
            feature.to_owned(),
        ],
    ]
}

/// The package name of a generated crate (its Cargo.toml's `name`).
pub fn package_name(generated: &Generated) -> Option<&str> {
    generated
        .files
        .get("Cargo.toml")?
        .lines()
        .find_map(|line| line.strip_prefix("name = \"")?.strip_suffix('"'))
}

/// Runs `cargo clippy <args> -- -D warnings` in `dir` (with `env`), quietly: `Ok` when it
/// passes, else the last 30 lines of its output.
pub fn clippy(dir: &Path, args: &[String], env: &[(&str, &Path)]) -> Result<(), String> {
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .args(["clippy", "--quiet"])
        .args(args)
        .args(["--", "-D", "warnings"])
        .current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    match command.output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines.get(lines.len().saturating_sub(30)..).unwrap_or(&[]);
            Err(tail.join("\n"))
        }
        Err(err) => Err(format!("cannot run cargo clippy: {err}")),
    }
}
