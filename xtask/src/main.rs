//! `cargo xtask`: project automation. Run `cargo xtask --help`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// The CLI's allocator (see `generator/codegen/src/main.rs`), so `regen` and `profile` time
/// what users of the CLI see.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "xtask",
    about = "Project automation for the clientgen workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every crate under generated/ from specs/ (writes only changed files). A crate
    /// whose inputs, generator and files on disk are unchanged since the last run is skipped
    /// (the cache is target/xtask/regen-cache.json).
    Regen {
        /// Ignore the cache: regenerate every crate.
        #[arg(long)]
        force: bool,
    },
    /// Fail, naming the stale files, when generated/ differs from what regen would write;
    /// then check each crate with group features with `cargo clippy -p <crate> -- -D warnings`
    /// with no feature and with one group alone.
    Check,
    /// Print a Markdown report of the API changes between the specs at a git revision and
    /// the working tree, per crate, each classified as breaking or not, with the semver bump.
    Diff {
        /// The revision to compare with.
        #[arg(long, default_value = "HEAD")]
        base: String,
        /// Exit with status 1 when any change breaks users of a generated client.
        #[arg(long)]
        fail_on_breaking: bool,
    },
    /// Check specs against the captured vendor pages they are reconstructed from: operations,
    /// parameters, samples, required headers and auth the page states but the spec lacks,
    /// spec facts on no page without `x-inferred`, marks on stated facts, examples that do not
    /// validate. Exits 1 on any finding the spec does not accept with `x-page-differs`.
    Audit {
        /// One vendor (a directory of specs/); all of them when absent.
        vendor: Option<String>,
        /// Another capture of the vendor's page (after the vendor changed it): first prints
        /// what changed since the recorded facts, then what the spec lacks.
        #[arg(long, requires = "vendor")]
        page: Option<std::path::PathBuf>,
        /// Write the page's facts to specs/<vendor>/page-facts.json.
        #[arg(long)]
        update: bool,
        /// Check against the recorded specs/<vendor>/page-facts.json instead of a capture.
        #[arg(long, conflicts_with_all = ["page", "update"])]
        recorded: bool,
        /// Also print the findings the specs accept.
        #[arg(long)]
        verbose: bool,
    },
    /// Check `diff`'s verdicts against cargo-semver-checks: apply each change of a table
    /// (fields, enum values, operations, parameters added, removed, made required) to
    /// tests/fixtures/semver/base.yaml, generate the old and new crates under target/semver/,
    /// and compare `diff`'s impact and version with `cargo semver-checks check-release`'s
    /// lints and required bump. Prints a Markdown table; fails when any case disagrees.
    Semver {
        /// Only these cases (by name); all of them when absent.
        cases: Vec<String>,
        /// The cargo-semver-checks binary to run instead of `cargo semver-checks` (also
        /// from the environment variable CARGO_SEMVER_CHECKS).
        #[arg(long)]
        checker: Option<std::path::PathBuf>,
    },
    /// Generate every real public OpenAPI document under tests/fixtures/real (or only those
    /// given here) into a crate, time it, and check the crate with `cargo clippy -- -D
    /// warnings`; prints a Markdown table (with the places typed as JSON values) and fails
    /// when any document does not make a clean crate.
    Real {
        /// The documents to try instead of those under tests/fixtures/real.
        docs: Vec<std::path::PathBuf>,
        /// Only generate and time; do not build the crates.
        #[arg(long)]
        no_clippy: bool,
        /// Also print each document's warnings (on stderr).
        #[arg(long)]
        warnings: bool,
    },
    /// Time each stage of the generator (front end, lowering, emission, syn parsing,
    /// formatting, writing) on large documents (stripe.json, openai.yaml, box.json under
    /// tests/fixtures/real, or those given) and print the medians in ms with the peak memory.
    Profile {
        /// The documents to profile instead of the default ones.
        docs: Vec<std::path::PathBuf>,
        /// How many times each document is generated.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Time `cargo check` and `cargo build` of generated crates, whole and with one operation
    /// group alone, after their dependencies are built (stripe.json, openai.yaml and box.json
    /// under tests/fixtures/real generated here, or the documents and crate directories given).
    CompileTimes {
        /// Documents to generate, or directories of already generated crates.
        inputs: Vec<std::path::PathBuf>,
        /// The group feature to measure alone (default: the one gating most operations).
        #[arg(long)]
        group: Option<String>,
        /// How many times each command runs (the median is printed).
        #[arg(long, default_value_t = 1)]
        runs: usize,
    },
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let root = match xtask::find_root() {
        Ok(root) => root,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Regen { force } => regen(&root, force, started),
        Command::Check => check(&root),
        Command::Diff {
            base,
            fail_on_breaking,
        } => diff(&root, &base, fail_on_breaking),
        Command::Real {
            docs,
            no_clippy,
            warnings,
        } => real(&root, docs, !no_clippy, warnings),
        Command::Audit {
            vendor,
            page,
            update,
            recorded,
            verbose,
        } => audit(&root, vendor, page, update, recorded, verbose),
        Command::Semver { cases, checker } => semver(&root, &cases, checker),
        Command::Profile { docs, runs } => profile(&root, docs, runs),
        Command::CompileTimes {
            inputs,
            group,
            runs,
        } => compile_times(&root, inputs, group.as_deref(), runs),
    }
}

/// `audit`: findings on stdout, one line each; exit 1 when any is not accepted, 2 when a
/// page or spec cannot be read.
fn audit(
    root: &Path,
    vendor: Option<String>,
    page: Option<std::path::PathBuf>,
    update: bool,
    recorded: bool,
    verbose: bool,
) -> ExitCode {
    use xtask::audit;
    let vendors = match vendor {
        Some(vendor) => vec![vendor],
        None => match xtask::vendors(root) {
            Ok(vendors) => vendors,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        },
    };
    let mut failed = false;
    for vendor in &vendors {
        let facts = if recorded {
            audit::read_facts(root, vendor)
        } else {
            page.clone()
                .map_or_else(|| audit::default_page(root, vendor), Ok)
                .and_then(|page| audit::read_page(&page))
        };
        let facts = match facts {
            Ok(facts) => facts,
            Err(err) => {
                eprintln!("error: {vendor}: {err}");
                return ExitCode::from(2);
            }
        };
        if update {
            let file = audit::facts_file(root, vendor);
            if let Err(err) = std::fs::write(&file, audit::render_facts(&facts)) {
                eprintln!("error: cannot write {}: {err}", file.display());
                return ExitCode::from(2);
            }
            println!(
                "wrote {}",
                file.strip_prefix(root).unwrap_or(&file).display()
            );
        } else if !recorded {
            // What the vendor changed since the facts were recorded.
            if let Ok(old) = audit::read_facts(root, vendor) {
                let changes = audit::changes(&old, &facts);
                if !changes.is_empty() {
                    println!("{vendor}: the page changed since specs/{vendor}/page-facts.json:");
                    for change in &changes {
                        println!("  {change}");
                    }
                    if page.is_none() {
                        // The recorded facts must be those of the capture client.toml names.
                        failed = true;
                        println!("  (run `cargo xtask audit {vendor} --update` once the spec covers them)");
                    }
                }
            }
        }
        let spec = match audit::read_spec(root, vendor) {
            Ok(spec) => spec,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        };
        let findings = audit::compare(&spec, &facts);
        let open: Vec<_> = findings.iter().filter(|f| f.accepted.is_none()).collect();
        println!(
            "{vendor} ({}, {} format, {} operations on the page): {} findings, {} accepted",
            facts.page,
            facts.format.name(),
            facts.operations.len(),
            open.len(),
            findings.len() - open.len()
        );
        for finding in &findings {
            if finding.accepted.is_none() || verbose {
                println!("  {finding}");
            }
        }
        failed |= !open.is_empty();
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `real`: the table on stdout, each failure's details on stderr.
fn real(root: &Path, given: Vec<std::path::PathBuf>, clippy: bool, warnings: bool) -> ExitCode {
    let docs = if given.is_empty() {
        match xtask::real::documents(root) {
            Ok(docs) => docs,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        given
    };
    let out_root = std::env::temp_dir().join("clientgen-real");
    // The CI step before this one checks a CLI-generated crate with the same target directory.
    let target_dir = root.join("target/cli-check");
    let mut outcomes = Vec::new();
    for doc in &docs {
        eprintln!("{} ...", doc.display());
        let outcome = xtask::real::run(root, doc, &out_root, &target_dir, clippy);
        for error in &outcome.errors {
            eprintln!("{error}\n");
        }
        if warnings {
            for warning in &outcome.warnings {
                eprintln!("{warning}\n");
            }
        }
        if let Some(Err(clippy)) = &outcome.clippy {
            eprintln!("{clippy}\n");
        }
        outcomes.push(outcome);
    }
    print!("{}", xtask::real::table(&outcomes));
    if outcomes.iter().all(xtask::real::Outcome::ok) {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: not every document makes a crate that passes clippy");
        ExitCode::FAILURE
    }
}

/// `semver`: the table on stdout, progress and disagreements on stderr; exit 1 when a case
/// disagrees, 2 when the table cannot be made (no cargo-semver-checks, a spec error).
fn semver(root: &Path, cases: &[String], checker: Option<std::path::PathBuf>) -> ExitCode {
    let started = Instant::now();
    let checker = xtask::semver::Checker {
        binary: checker.or_else(|| std::env::var_os("CARGO_SEMVER_CHECKS").map(Into::into)),
        target_dir: root.join("target/semver/target"),
    };
    let rows = match xtask::semver::run(root, cases, &checker) {
        Ok(rows) => rows,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    print!("{}", xtask::semver::table(&rows));
    println!("\n{} cases in {:.0?}", rows.len(), started.elapsed());
    let mut agree = true;
    for row in rows.iter().filter(|r| !r.agrees()) {
        agree = false;
        eprintln!("error: `{}` disagrees", row.case.name);
        for change in &row.ours.changes {
            eprintln!("  diff: {:?}: {}", change.impact, change.text);
        }
        match &row.theirs {
            Ok(theirs) => eprintln!("  cargo-semver-checks: {theirs:?}"),
            Err(err) => eprintln!("  cargo-semver-checks: {err}"),
        }
    }
    if agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `diff`: the report on stdout; exit 1 for a breaking change when asked, 2 when the
/// comparison itself failed.
fn diff(root: &Path, base: &str, fail_on_breaking: bool) -> ExitCode {
    match xtask::diff::diff(root, base) {
        Ok(reports) => {
            print!("{}", xtask::diff::render(base, &reports));
            if fail_on_breaking && reports.iter().any(|r| r.is_breaking()) {
                eprintln!("error: the specs change the generated API in a breaking way");
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// `profile`: a Markdown table of stage medians on stdout.
fn profile(root: &Path, docs: Vec<std::path::PathBuf>, runs: usize) -> ExitCode {
    let docs = if docs.is_empty() {
        xtask::profile::default_documents(root)
    } else {
        docs
    };
    let out = root.join("target/profile");
    let mut profiles = Vec::new();
    for doc in &docs {
        match xtask::profile::run(doc, &out, runs) {
            Ok(profile) => profiles.push(profile),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    print!("{}", xtask::profile::table(&profiles, runs));
    ExitCode::SUCCESS
}

/// `compile-times`: a Markdown table of compile times on stdout.
fn compile_times(
    root: &Path,
    inputs: Vec<std::path::PathBuf>,
    group: Option<&str>,
    runs: usize,
) -> ExitCode {
    let inputs = if inputs.is_empty() {
        xtask::profile::default_documents(root)
    } else {
        inputs
    };
    let out_root = std::env::temp_dir().join("clientgen-compile-times");
    let target_dir = root.join("target/compile-times");
    let mut timings = Vec::new();
    for input in &inputs {
        let dir = if input.is_dir() {
            Ok(input.clone())
        } else {
            xtask::compile_times::generate(root, input, &out_root)
        };
        match dir.and_then(|dir| xtask::compile_times::measure(&dir, &target_dir, group, runs)) {
            Ok(timing) => {
                eprintln!("measured {}", timing.name);
                timings.push(timing);
            }
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    print!("{}", xtask::compile_times::table(&timings, runs));
    ExitCode::SUCCESS
}

/// `regen`: writes what changed, skipping the crates the cache shows unchanged; one line per
/// crate, then the number skipped and the time taken.
fn regen(root: &Path, force: bool, started: Instant) -> ExitCode {
    let options = xtask::cache::Options {
        cache_file: xtask::cache::cache_file(root),
        generator: xtask::cache::generator_identity(),
        force,
    };
    let report = match xtask::cache::regen(root, &options) {
        Ok(report) => report,
        Err(xtask::cache::Failure::Specs(problems)) => {
            for problem in problems {
                eprintln!("{problem}\n");
            }
            eprintln!("error: the specs have errors; nothing was written");
            return ExitCode::FAILURE;
        }
        Err(xtask::cache::Failure::Io(err)) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    for warning in report.crates.iter().flat_map(|c| &c.warnings) {
        eprintln!("{warning}\n");
    }
    if let Some(err) = &report.cache_error {
        eprintln!("warning: {err}");
    }
    print!("{}", report.summary());
    println!(
        "regenerated {} crates, skipped {} unchanged, in {:.2?}",
        report.crates.len() - report.skipped(),
        report.skipped(),
        started.elapsed()
    );
    ExitCode::SUCCESS
}

/// `check`: regenerates every crate in memory (never from the cache) and fails naming the
/// files that differ from what `regen` would write.
fn check(root: &Path) -> ExitCode {
    let crates = match xtask::generate_all(root) {
        Ok(crates) => crates,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}\n");
            }
            eprintln!("error: the specs have errors; nothing was written");
            return ExitCode::FAILURE;
        }
    };
    for output in &crates {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        for warning in clientgen::render_all(&output.generated.warnings, read, false) {
            eprintln!("{warning}\n");
        }
    }
    let plans = match xtask::plan(root, &crates) {
        Ok(plans) => plans,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let stale: Vec<String> = plans
        .iter()
        .flat_map(|(_, plan)| xtask::describe(root, plan))
        .collect();
    if stale.is_empty() {
        println!("generated/ is up to date ({} crates)", crates.len());
        feature_subsets(root, &crates)
    } else {
        eprintln!("error: generated/ is stale; run `cargo xtask regen` and commit the result:");
        for path in stale {
            eprintln!("  {path}");
        }
        ExitCode::FAILURE
    }
}

/// `check`'s second half: every generated crate with group features passes clippy with no
/// feature and with one group alone, as it does with all (the workspace's own clippy run).
fn feature_subsets(root: &Path, crates: &[xtask::CrateOutput]) -> ExitCode {
    let started = Instant::now();
    let mut failed = false;
    let mut runs = 0;
    for output in crates {
        let Some(package) = xtask::package_name(&output.generated) else {
            continue;
        };
        for args in xtask::feature_subsets(&output.generated.api) {
            let mut args = args.clone();
            args.splice(0..0, ["-p".to_owned(), package.to_owned()]);
            runs += 1;
            if let Err(err) = xtask::clippy(root, &args, &[]) {
                eprintln!("error: `cargo clippy {}` fails:\n{err}\n", args.join(" "));
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("error: a generated crate is not clean with a subset of its group features");
        ExitCode::FAILURE
    } else {
        println!(
            "feature subsets pass clippy ({runs} runs, {:.1?})",
            started.elapsed()
        );
        ExitCode::SUCCESS
    }
}
