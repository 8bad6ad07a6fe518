//! The project's automation, as a library so tests can run it: regenerate every client crate
//! under `generated/` from `specs/`, and check that the committed output is up to date.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use clientgen::output::{self, Plan};
use clientgen::{Diagnostic, Generated, Settings};

/// One vendor's crate, generated in memory.
#[derive(Debug)]
pub struct CrateOutput {
    /// The directory name under `specs/` and `generated/` (`nudge`).
    pub vendor: String,
    /// Where the crate lives (`<root>/generated/nudge`).
    pub dir: PathBuf,
    /// The generator's output.
    pub generated: Generated,
}

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The vendors with a spec: directories of `specs/` holding `openapi.yaml`, sorted.
pub fn vendors(root: &Path) -> Result<Vec<String>, String> {
    let specs = root.join("specs");
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

/// Generates one vendor's crate in memory.
pub fn generate(root: &Path, vendor: &str) -> Result<CrateOutput, Vec<String>> {
    let spec_file = format!("specs/{vendor}/openapi.yaml");
    let settings_file = format!("specs/{vendor}/client.toml");
    let read = |file: &str| {
        fs::read_to_string(root.join(file))
            .map_err(|err| vec![format!("error: cannot read {file}: {err}")])
    };
    let spec = read(&spec_file)?;
    let settings = Settings::from_toml(&read(&settings_file)?)
        .map_err(|err| vec![format!("error: {settings_file} is not valid: {err}")])?;
    let generated = clientgen::generate(&spec, &spec_file, &settings).map_err(|problems| {
        problems
            .iter()
            .map(Diagnostic::to_string)
            .collect::<Vec<_>>()
    })?;
    Ok(CrateOutput {
        vendor: vendor.to_owned(),
        dir: root.join("generated").join(vendor),
        generated,
    })
}

/// Generates every crate; any problem in any spec fails the whole run.
pub fn generate_all(root: &Path) -> Result<Vec<CrateOutput>, Vec<String>> {
    let mut crates = Vec::new();
    let mut problems = Vec::new();
    for vendor in vendors(root).map_err(|err| vec![err])? {
        match generate(root, &vendor) {
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

/// What regenerating would change on disk, per crate, plus generated crates whose spec is gone.
pub fn plan(root: &Path, crates: &[CrateOutput]) -> Result<Vec<(String, Plan)>, String> {
    let mut plans = Vec::new();
    for output in crates {
        let plan = output::plan(&output.dir, &output.generated.files)
            .map_err(|err| format!("cannot read {}: {err}", output.dir.display()))?;
        plans.push((output.vendor.clone(), plan));
    }
    let generated = root.join("generated");
    if let Ok(entries) = fs::read_dir(&generated) {
        let mut orphans: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_dir() && !crates.iter().any(|c| &c.dir == path))
            .collect();
        orphans.sort();
        for dir in orphans {
            let vendor = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let plan = output::plan(&dir, &Default::default())
                .map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
            plans.push((vendor, plan));
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

/// One line per crate: operations, types, files changed.
pub fn summary(crates: &[CrateOutput], plans: &[(String, Plan)]) -> String {
    let mut text = String::new();
    for output in crates {
        let changed = plans
            .iter()
            .find(|(vendor, _)| vendor == &output.vendor)
            .map_or(0, |(_, plan)| plan.len());
        let name = output
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "generated/{name}: {} operations, {} types, {} files, {changed} changed{}",
            output.generated.api.operations.len(),
            output.generated.api.types.len(),
            output.generated.files.len(),
            match output.generated.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warnings"),
            }
        );
    }
    text
}
