//! `cargo xtask semver`: checks `cargo xtask diff`'s verdicts against cargo-semver-checks.
//!
//! Each [`Case`] is a small edit of one base spec (`tests/fixtures/semver/base.yaml`): a field,
//! an enum value, an operation or a parameter added, removed or made required. For each, the
//! base crate and the edited crate are generated into `target/semver/<case>/{old,new}`,
//! [`classify`] gives `diff`'s impact and proposed version (no cargo-semver-checks needed, so
//! tests call it), and [`run_case`] runs `cargo semver-checks check-release` on the two crates and
//! records its failed lints and the bump it requires. [`table`] sets them side by side.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clientgen::{Generated, Settings};
use serde_yaml::Value;

use crate::diff::{self, Change, CrateReport, Impact};

/// The base spec every case edits, from the checkout's root.
pub const BASE_SPEC: &str = "tests/fixtures/semver/base.yaml";

/// The version of both generated crates: cargo-semver-checks compares them as one release.
pub const BASE_VERSION: &str = "0.1.0";

/// The generated crates' name.
const CRATE_NAME: &str = "semver-pets";

/// One edit of the spec, as data: a JSON pointer into the YAML document and what to do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Set the member the pointer names (a map key, created when missing, or a list index)
    /// to this YAML value.
    Set(&'static str, &'static str),
    /// Append this YAML value to the list the pointer names.
    Push(&'static str, &'static str),
    /// Remove the map entry the pointer names, or the list element equal to the YAML value.
    Remove(&'static str, Option<&'static str>),
}

/// One spec change of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    /// A short name, also the scratch directory's (`enum_value_added`).
    pub name: &'static str,
    /// The edits that make the changed spec from the base one.
    pub edits: &'static [Edit],
}

const LIST_PARAMS: &str = "/paths/~1pets/get/parameters";

/// The table: every kind of change `diff` classifies that users meet most, each applied alone.
pub const CASES: &[Case] = &[
    Case {
        name: "response_optional_field_added",
        edits: &[Edit::Set(
            "/components/schemas/Pet/properties/color",
            "{type: string}",
        )],
    },
    Case {
        name: "request_optional_field_added",
        edits: &[Edit::Set(
            "/components/schemas/NewPet/properties/color",
            "{type: string}",
        )],
    },
    Case {
        name: "request_required_field_added",
        edits: &[
            Edit::Set(
                "/components/schemas/NewPet/properties/age",
                "{type: integer}",
            ),
            Edit::Push("/components/schemas/NewPet/required", "age"),
        ],
    },
    Case {
        name: "response_field_removed",
        edits: &[Edit::Remove("/components/schemas/Pet/properties/tag", None)],
    },
    Case {
        name: "request_optional_field_made_required",
        edits: &[Edit::Push("/components/schemas/NewPet/required", "tag")],
    },
    Case {
        name: "response_required_field_made_optional",
        edits: &[Edit::Remove("/components/schemas/Pet/required", Some("name"))],
    },
    Case {
        name: "enum_value_added",
        edits: &[Edit::Push("/components/schemas/Status/enum", "pending")],
    },
    Case {
        name: "enum_value_removed",
        edits: &[Edit::Remove("/components/schemas/Status/enum", Some("sold"))],
    },
    Case {
        name: "response_status_added",
        edits: &[Edit::Set(
            "/paths/~1pets~1{id}/get/responses/202",
            "{description: Accepted, the pet is being fetched.}",
        )],
    },
    Case {
        name: "operation_added",
        edits: &[Edit::Set(
            "/paths/~1pets~1{id}/delete",
            "{operationId: deletePet, parameters: [{name: id, in: path, required: true, schema: {type: integer}}], responses: {'204': {description: Deleted.}}}",
        )],
    },
    Case {
        name: "operation_removed",
        edits: &[Edit::Remove("/paths/~1pets~1{id}", None)],
    },
    Case {
        name: "optional_query_parameter_added",
        edits: &[Edit::Push(
            LIST_PARAMS,
            "{name: offset, in: query, schema: {type: integer}}",
        )],
    },
    Case {
        name: "required_query_parameter_added",
        edits: &[Edit::Push(
            LIST_PARAMS,
            "{name: owner, in: query, required: true, schema: {type: string}}",
        )],
    },
    Case {
        name: "optional_query_parameter_made_required",
        edits: &[Edit::Set("/paths/~1pets/get/parameters/0/required", "true")],
    },
    Case {
        name: "optional_query_parameter_removed",
        edits: &[Edit::Remove("/paths/~1pets/get/parameters/0", None)],
    },
];

/// The base spec's text.
pub fn base_spec(root: &Path) -> Result<String, String> {
    std::fs::read_to_string(root.join(BASE_SPEC))
        .map_err(|err| format!("cannot read {BASE_SPEC}: {err}"))
}

fn yaml(text: &str) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|err| format!("`{text}` is not YAML: {err}"))
}

/// The member a JSON pointer names, for writing.
fn at<'a>(doc: &'a mut Value, tokens: &[String]) -> Result<&'a mut Value, String> {
    let mut here = doc;
    for token in tokens {
        here = match here {
            Value::Mapping(map) => map
                .get_mut(token.as_str())
                .ok_or_else(|| format!("no `{token}`"))?,
            Value::Sequence(list) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| list.get_mut(i))
                .ok_or_else(|| format!("no element `{token}`"))?,
            _ => return Err(format!("`{token}` inside a scalar")),
        };
    }
    Ok(here)
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The spec text with the edits applied, in order.
pub fn apply(base: &str, edits: &[Edit]) -> Result<String, String> {
    let mut doc = yaml(base)?;
    for edit in edits {
        let (pointer, result) = match *edit {
            Edit::Set(pointer, value) => {
                let mut tokens = tokens(pointer);
                let last = tokens.pop().unwrap_or_default();
                let value = yaml(value)?;
                let result = at(&mut doc, &tokens).and_then(|parent| match parent {
                    Value::Mapping(map) => {
                        map.insert(Value::String(last.clone()), value);
                        Ok(())
                    }
                    Value::Sequence(list) => {
                        let slot = last
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| list.get_mut(i))
                            .ok_or_else(|| format!("no element `{last}`"))?;
                        *slot = value;
                        Ok(())
                    }
                    _ => Err("not a map or list".to_owned()),
                });
                (pointer, result)
            }
            Edit::Push(pointer, value) => {
                let value = yaml(value)?;
                let result = at(&mut doc, &tokens(pointer)).and_then(|list| match list {
                    Value::Sequence(list) => {
                        list.push(value);
                        Ok(())
                    }
                    _ => Err("not a list".to_owned()),
                });
                (pointer, result)
            }
            Edit::Remove(pointer, element) => {
                let mut tokens = tokens(pointer);
                let result = match element {
                    Some(element) => {
                        let element = yaml(element)?;
                        at(&mut doc, &tokens).and_then(|list| match list {
                            Value::Sequence(list) => {
                                let before = list.len();
                                list.retain(|v| *v != element);
                                if list.len() == before {
                                    Err("no such element".to_owned())
                                } else {
                                    Ok(())
                                }
                            }
                            _ => Err("not a list".to_owned()),
                        })
                    }
                    None => {
                        let last = tokens.pop().unwrap_or_default();
                        at(&mut doc, &tokens).and_then(|parent| match parent {
                            Value::Mapping(map) => map
                                .remove(last.as_str())
                                .map(drop)
                                .ok_or_else(|| format!("no `{last}`")),
                            Value::Sequence(list) => match last.parse::<usize>() {
                                Ok(i) if i < list.len() => {
                                    list.remove(i);
                                    Ok(())
                                }
                                _ => Err(format!("no element `{last}`")),
                            },
                            _ => Err("not a map or list".to_owned()),
                        })
                    }
                };
                (pointer, result)
            }
        };
        result.map_err(|err| format!("cannot edit `{pointer}`: {err}"))?;
    }
    serde_yaml::to_string(&doc).map_err(|err| format!("cannot write YAML: {err}"))
}

/// Generates a spec into a crate named `semver-pets` at `version`, its runtime the checkout's.
pub fn generate(root: &Path, spec: &str, version: &str) -> Result<Generated, String> {
    let settings = Settings {
        version: version.to_owned(),
        runtime_path: root.join("generator/runtime").display().to_string(),
        generated_by: "cargo xtask semver".to_owned(),
        ..Settings::new(CRATE_NAME)
    };
    clientgen::generate(spec, BASE_SPEC, &settings).map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// `diff`'s verdict on a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The worst impact (`None`: no change at all).
    pub impact: Option<Impact>,
    /// The version `diff` proposes after [`BASE_VERSION`].
    pub version: String,
    /// The changes, as `diff` reports them.
    pub changes: Vec<Change>,
}

/// `diff`'s verdict on a case, from the IRs of the base and the changed spec.
pub fn classify(root: &Path, base: &str, case: &Case) -> Result<Verdict, String> {
    let old = generate(root, base, BASE_VERSION)?;
    let new = generate(root, &apply(base, case.edits)?, BASE_VERSION)?;
    Ok(verdict(&old, &new))
}

fn verdict(old: &Generated, new: &Generated) -> Verdict {
    let report = CrateReport {
        name: CRATE_NAME.to_owned(),
        version: BASE_VERSION.to_owned(),
        changes: diff::compare(&old.api, &new.api),
        new: false,
    };
    Verdict {
        impact: report.changes.iter().map(|c| c.impact).min(),
        version: report.next_version(),
        changes: report.changes,
    }
}

/// The release cargo-semver-checks requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Required {
    /// No lint failed.
    None,
    /// A minor release (before 1.0: the patch number).
    Minor,
    /// A major release (before 1.0: the minor number).
    Major,
}

/// What cargo-semver-checks said about a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The lints that failed, by name (`enum_variant_missing`).
    pub lints: Vec<String>,
    /// The bump it requires.
    pub required: Required,
    /// Whether it accepts the new crate at `diff`'s proposed version (checked only when it
    /// requires a bump, by a second run at that version).
    pub accepts_proposed: bool,
    /// How long the runs took.
    pub time: Duration,
}

impl Checked {
    /// The smallest release after [`BASE_VERSION`] it accepts: `0.2.0` for a major bump of a
    /// 0.x crate, `0.1.1` otherwise.
    pub fn version(&self) -> String {
        match self.required {
            Required::Major => "0.2.0".to_owned(),
            Required::Minor | Required::None => "0.1.1".to_owned(),
        }
    }
}

/// How to run cargo-semver-checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checker {
    /// The `cargo-semver-checks` binary; `None`: `cargo semver-checks` (found on `PATH`).
    pub binary: Option<PathBuf>,
    /// The target directory every build shares.
    pub target_dir: PathBuf,
}

impl Checker {
    fn command(&self) -> Command {
        let mut command = match &self.binary {
            Some(binary) => Command::new(binary),
            None => {
                let mut command =
                    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
                command.env_remove("CARGO");
                command
            }
        };
        command
            .arg("semver-checks")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTC_WRAPPER");
        command
    }

    /// Fails with how to install cargo-semver-checks when it does not run.
    pub fn available(&self) -> Result<String, String> {
        let which = self.binary.as_ref().map_or_else(
            || "`cargo semver-checks`".to_owned(),
            |b| format!("`{}`", b.display()),
        );
        let install = "install it with `cargo install cargo-semver-checks --locked`, or name another binary with --checker or CARGO_SEMVER_CHECKS";
        match self.command().arg("--version").output() {
            Ok(output) if output.status.success() => {
                Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
            }
            Ok(_) => Err(format!("{which} does not run: {install}")),
            Err(err) => Err(format!("cannot run {which} ({err}): {install}")),
        }
    }

    /// One `check-release` of `new` against `old`: its failed lints and required bump.
    fn run(&self, old: &Path, new: &Path) -> Result<(Vec<String>, Required), String> {
        let output = self
            .command()
            .args(["check-release", "--manifest-path"])
            .arg(new.join("Cargo.toml"))
            .arg("--baseline-root")
            .arg(old)
            .output()
            .map_err(|err| format!("cannot run cargo-semver-checks: {err}"))?;
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let lints: Vec<String> = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("--- failure "))
            .filter_map(|rest| rest.split(':').next())
            .map(|lint| lint.trim().to_owned())
            .collect();
        let summary = text
            .lines()
            .find(|line| line.trim_start().starts_with("Summary"))
            .unwrap_or_default();
        let required = if summary.contains("requires new major") {
            Required::Major
        } else if summary.contains("requires new minor") {
            Required::Minor
        } else if summary.contains("no semver update required") {
            Required::None
        } else {
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines.get(lines.len().saturating_sub(30)..).unwrap_or(&[]);
            return Err(format!(
                "cargo-semver-checks gave no verdict:\n{}",
                tail.join("\n")
            ));
        };
        Ok((lints, required))
    }
}

/// Writes a generated crate into `dir`, outside our workspace (an empty `[workspace]`).
fn write(root: &Path, dir: &Path, generated: &Generated) -> Result<(), String> {
    let mut files = generated.files.clone();
    if let Some(manifest) = files.get_mut("Cargo.toml") {
        manifest.push_str("\n# Not a member of the clientgen workspace.\n[workspace]\n");
    }
    clientgen::output::plan(dir, &files)
        .and_then(|plan| clientgen::output::apply(&plan))
        .map_err(|err| format!("cannot write {}: {err}", dir.display()))?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map(drop)
        .map_err(|err| format!("cannot copy Cargo.lock: {err}"))
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The case.
    pub case: Case,
    /// `diff`'s verdict.
    pub ours: Verdict,
    /// cargo-semver-checks' verdict, or why there is none.
    pub theirs: Result<Checked, String>,
}

impl Row {
    /// Both say breaking, or both do not, and cargo-semver-checks accepts the version `diff`
    /// proposes, which is the smallest release it accepts.
    pub fn agrees(&self) -> bool {
        let Ok(theirs) = &self.theirs else {
            return false;
        };
        let breaking = self.ours.impact == Some(Impact::Breaking);
        breaking == (theirs.required == Required::Major)
            && theirs.accepts_proposed
            && self.ours.version == theirs.version()
    }
}

/// Runs one case: generates both crates under `target/semver/<case>/`, classifies, checks.
pub fn run_case(root: &Path, base: &str, case: &Case, checker: &Checker) -> Result<Row, String> {
    let dir = root.join("target/semver").join(case.name);
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    let changed = apply(base, case.edits)?;
    let old = generate(root, base, BASE_VERSION)?;
    let new = generate(root, &changed, BASE_VERSION)?;
    let ours = verdict(&old, &new);
    write(root, &old_dir, &old)?;
    write(root, &new_dir, &new)?;
    let started = Instant::now();
    let theirs = checker
        .run(&old_dir, &new_dir)
        .and_then(|(lints, required)| {
            // At the same version it fails on any lint; then check that it accepts `diff`'s
            // proposed version (cargo-semver-checks reads 0.1.0 -> 0.2.0 as a major release).
            let accepts_proposed = if required == Required::None {
                true
            } else {
                let proposed = generate(root, &changed, &ours.version)?;
                write(root, &new_dir, &proposed)?;
                let (_, again) = checker.run(&old_dir, &new_dir)?;
                again == Required::None
            };
            Ok(Checked {
                lints,
                required,
                accepts_proposed,
                time: started.elapsed(),
            })
        });
    Ok(Row {
        case: *case,
        ours,
        theirs,
    })
}

/// Every case (or those named), in table order.
pub fn run(root: &Path, only: &[String], checker: &Checker) -> Result<Vec<Row>, String> {
    let version = checker.available()?;
    eprintln!("using {version}");
    let base = base_spec(root)?;
    let cases: Vec<&Case> = CASES
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.name))
        .collect();
    if cases.is_empty() {
        return Err(format!(
            "no such case; the cases are: {}",
            CASES.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        ));
    }
    let mut rows = Vec::new();
    for case in cases {
        eprintln!("checking {}", case.name);
        rows.push(run_case(root, &base, case, checker)?);
    }
    Ok(rows)
}

fn impact_name(impact: Option<Impact>) -> &'static str {
    match impact {
        Some(Impact::Breaking) => "breaking",
        Some(Impact::Addition) => "addition",
        Some(Impact::Other) => "other",
        None => "no change",
    }
}

/// The Markdown table: case, `diff`'s impact and version, cargo-semver-checks' lints and
/// version, agreement.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| Case | `xtask diff` | Version | cargo-semver-checks | Version | Agree |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let (lints, version) = match &row.theirs {
            Ok(theirs) if theirs.lints.is_empty() => ("passed".to_owned(), theirs.version()),
            Ok(theirs) => (
                format!(
                    "failed: {}",
                    theirs
                        .lints
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                theirs.version(),
            ),
            Err(err) => (
                format!("error: {}", err.lines().next().unwrap_or_default()),
                "?".to_owned(),
            ),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {lints} | {version} | {} |",
            row.case.name,
            impact_name(row.ours.impact),
            row.ours.version,
            if row.agrees() { "yes" } else { "**no**" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_set_push_and_remove_at_pointers_and_fail_where_nothing_is() {
        let base = "a: {b: [x, y], c: 1}\n";
        let edited = apply(
            base,
            &[
                Edit::Set("/a/d~1e", "{f: 2}"),
                Edit::Push("/a/b", "z"),
                Edit::Remove("/a/b", Some("x")),
                Edit::Remove("/a/c", None),
                Edit::Set("/a/b/0", "w"),
            ],
        )
        .unwrap();
        assert_eq!(
            serde_yaml::from_str::<Value>(&edited).unwrap(),
            serde_yaml::from_str::<Value>("a: {b: [w, z], d/e: {f: 2}}").unwrap()
        );
        let err = apply(base, &[Edit::Remove("/a/b", Some("q"))]).unwrap_err();
        assert!(err.contains("`/a/b`"), "{err}");
        assert!(apply(base, &[Edit::Push("/a/nope", "1")]).is_err());
    }

    #[test]
    fn a_missing_checker_says_how_to_install_it() {
        let checker = Checker {
            binary: Some(PathBuf::from("/nonexistent/cargo-semver-checks")),
            target_dir: PathBuf::from("/nonexistent"),
        };
        let err = checker.available().unwrap_err();
        assert!(
            err.contains("cargo install cargo-semver-checks --locked"),
            "{err}"
        );
    }
}
