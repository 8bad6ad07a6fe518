//! `cargo xtask compile-times`: what a generated crate costs its user to compile. Each crate
//! (generated here from a document, or an already generated crate directory) is checked and
//! built twice: whole (its default features) and with one operation group only
//! (`--no-default-features --features <group>`). Before each timed command only that crate's
//! own artifacts are removed (`cargo clean -p`), so the figures are the crate itself, not its
//! dependencies, which are compiled once beforehand into a shared target directory.
//!
//! The figures are wall times of `cargo`, so they depend on the machine and its load: compare
//! runs made on the same machine at the same time, never assert them in a test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall time and CPU time (user + system, of cargo and every process it waited for) of one
/// command. CPU time depends much less on what else the machine runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spent {
    /// Wall time.
    pub wall: Duration,
    /// CPU time of the children.
    pub cpu: Duration,
}

/// CPU time (user + system) of this process's waited-for children so far: on Linux,
/// `cutime` and `cstime` of `/proc/self/stat` (fields 16 and 17, in USER_HZ, which Linux
/// fixes at 100 per second for user space); zero elsewhere.
fn children_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    // `rest` starts at field 3 (the state), so fields 16 and 17 are its 14th and 15th.
    let ticks: u64 = rest
        .split_whitespace()
        .skip(13)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// One crate's figures.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The crate's package name.
    pub name: String,
    /// Lines of Rust under `src/`.
    pub lines: usize,
    /// The group measured alone, when the crate has group features.
    pub group: Option<String>,
    /// Median `cargo check` of the whole crate.
    pub check: Spent,
    /// Median `cargo check` with only `group`.
    pub check_group: Option<Spent>,
    /// Median `cargo build` (dev profile) of the whole crate.
    pub build: Spent,
    /// Median `cargo build` with only `group`.
    pub build_group: Option<Spent>,
}

/// The package name in a crate's Cargo.toml.
fn package_name(manifest: &str) -> Option<String> {
    let value: toml::Value = manifest.parse().ok()?;
    Some(value.get("package")?.get("name")?.as_str()?.to_owned())
}

/// The crate's operation-group features: every feature `full` enables.
pub fn groups(manifest: &str) -> Vec<String> {
    let Ok(value) = manifest.parse::<toml::Value>() else {
        return Vec::new();
    };
    value
        .get("features")
        .and_then(|f| f.get("full"))
        .and_then(toml::Value::as_array)
        .map(|full| {
            full.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The group to measure alone: `wanted` when given and present, otherwise the group gating the
/// most items of `src/operations.rs` (the largest one, so the figure is not flattering).
pub fn pick_group(manifest: &str, operations: &str, wanted: Option<&str>) -> Option<String> {
    let groups = groups(manifest);
    if let Some(wanted) = wanted {
        return groups.iter().find(|g| *g == wanted).cloned();
    }
    groups
        .iter()
        .map(|g| (operations.matches(&format!("feature = \"{g}\"")).count(), g))
        // The most gated items; ties go to the first name.
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, g)| g.clone())
}

/// Lines of `.rs` files under `dir/src`.
fn rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    total
}

fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Spent, String> {
    let started = Instant::now();
    let cpu = children_cpu();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let spent = Spent {
        wall: started.elapsed(),
        cpu: children_cpu().saturating_sub(cpu),
    };
    if output.status.success() {
        Ok(spent)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines.get(lines.len().saturating_sub(20)..).unwrap_or(&[]);
        Err(format!(
            "`cargo {}` failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            tail.join("\n")
        ))
    }
}

/// The median of `runs` timings of `cargo <args>`, each after removing the crate's artifacts.
fn timed(
    dir: &Path,
    target_dir: &Path,
    name: &str,
    args: &[&str],
    runs: usize,
) -> Result<Spent, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        cargo(dir, target_dir, &["clean", "-p", name])?;
        times.push(cargo(dir, target_dir, args)?);
    }
    times.sort();
    Ok(times.get(times.len() / 2).copied().unwrap_or_default())
}

/// Measures the crate in `dir` (which has its own Cargo.toml outside any workspace), with
/// dependencies compiled into `target_dir` first.
pub fn measure(
    dir: &Path,
    target_dir: &Path,
    group: Option<&str>,
    runs: usize,
) -> Result<Timing, String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|err| format!("cannot read {}/Cargo.toml: {err}", dir.display()))?;
    let name = package_name(&manifest)
        .ok_or_else(|| format!("{}/Cargo.toml names no package", dir.display()))?;
    let operations = std::fs::read_to_string(dir.join("src/operations.rs")).unwrap_or_default();
    let group = pick_group(&manifest, &operations, group);
    // Dependencies (and the crate once) for both profiles, untimed.
    cargo(dir, target_dir, &["build"])?;
    cargo(dir, target_dir, &["check"])?;
    let only = group
        .as_deref()
        .map(|g| ["--no-default-features", "--features", g]);
    let with = |base: &'static str| -> Vec<&str> {
        let mut args = vec![base];
        if let Some(only) = &only {
            args.extend_from_slice(only);
        }
        args
    };
    let check = timed(dir, target_dir, &name, &["check"], runs)?;
    let check_group = match &only {
        Some(_) => Some(timed(dir, target_dir, &name, &with("check"), runs)?),
        None => None,
    };
    let build = timed(dir, target_dir, &name, &["build"], runs)?;
    let build_group = match &only {
        Some(_) => Some(timed(dir, target_dir, &name, &with("build"), runs)?),
        None => None,
    };
    Ok(Timing {
        lines: rust_lines(dir),
        name,
        group,
        check,
        check_group,
        build,
        build_group,
    })
}

/// Generates `doc` with this build's generator into `out_root/<name>`, with the workspace's
/// lock file, and returns the crate's directory.
pub fn generate(root: &Path, doc: &Path, out_root: &Path) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(doc)
        .map_err(|err| format!("cannot read {}: {err}", doc.display()))?;
    let name = crate::real::crate_name(doc);
    let settings = clientgen::Settings {
        runtime_path: root.join("generator/runtime").display().to_string(),
        generated_by: "cargo xtask compile-times".to_owned(),
        ..clientgen::Settings::new(name.clone())
    };
    let generated = clientgen::generate_with(
        &text,
        &doc.display().to_string(),
        &settings,
        &clientgen::FileSystem,
    )
    .map_err(|problems| {
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        format!(
            "{} does not generate:\n{}",
            doc.display(),
            errors.join("\n")
        )
    })?;
    let out = out_root.join(&name);
    let _ = std::fs::remove_dir_all(&out);
    clientgen::output::plan(&out, &generated.files)
        .and_then(|plan| clientgen::output::apply(&plan))
        .map_err(|err| format!("cannot write {}: {err}", out.display()))?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|err| format!("cannot copy Cargo.lock: {err}"))?;
    Ok(out)
}

/// The timings as a Markdown table.
pub fn table(timings: &[Timing], runs: usize) -> String {
    let secs = |d: Spent| {
        format!(
            "{:.1} ({:.1} CPU)",
            d.wall.as_secs_f64(),
            d.cpu.as_secs_f64()
        )
    };
    let maybe = |d: Option<Spent>| d.map_or_else(|| "-".to_owned(), secs);
    let mut out = format!(
        "Median of {runs} run(s) by wall time: seconds of `cargo` for the crate alone (its \
         dependencies already built), wall and (CPU: user + system of cargo and rustc).\n\n\
         | Crate | Lines | Group alone | check | check (group) | build | build (group) |\n\
         |---|---|---|---|---|---|---|\n"
    );
    for t in timings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            t.name,
            t.lines,
            t.group.as_deref().unwrap_or("-"),
            secs(t.check),
            maybe(t.check_group),
            secs(t.build),
            maybe(t.build_group),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "demo-client"
version = "0.1.0"

[features]
default = ["full"]
full = ["charges", "customers"]
charges = []
customers = []
mock = ["clientgen-runtime/mock"]
"#;

    #[test]
    fn groups_are_what_full_enables() {
        assert_eq!(groups(MANIFEST), ["charges", "customers"]);
        assert!(groups("[package]\nname = \"x\"\n").is_empty());
        assert_eq!(package_name(MANIFEST).as_deref(), Some("demo-client"));
    }

    #[test]
    fn the_largest_group_is_picked_unless_one_is_named() {
        let operations = r#"#[cfg(feature = "customers")] a #[cfg(feature = "customers")] b
            #[cfg(feature = "charges")] c"#;
        assert_eq!(
            pick_group(MANIFEST, operations, None).as_deref(),
            Some("customers")
        );
        assert_eq!(
            pick_group(MANIFEST, operations, Some("charges")).as_deref(),
            Some("charges")
        );
        assert_eq!(pick_group(MANIFEST, operations, Some("refunds")), None);
        // A tie goes to the first name.
        assert_eq!(pick_group(MANIFEST, "", None).as_deref(), Some("charges"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_waited_for_childs_cpu_time_is_counted() {
        let before = children_cpu();
        let status = Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"])
            .status()
            .expect("sh runs");
        assert!(status.success());
        assert!(children_cpu() > before);
    }

    #[test]
    fn the_table_has_a_dash_without_groups() {
        let table = table(
            &[Timing {
                name: "demo-client".to_owned(),
                lines: 10,
                group: None,
                check: Spent {
                    wall: Duration::from_millis(1500),
                    cpu: Duration::from_millis(2500),
                },
                check_group: None,
                build: Spent {
                    wall: Duration::from_secs(3),
                    cpu: Duration::from_secs(5),
                },
                build_group: None,
            }],
            1,
        );
        assert!(table.contains("| demo-client | 10 | - | 1.5 (2.5 CPU) | - | 3.0 (5.0 CPU) | - |"));
    }
}
