//! `clientgen`: generate a typed async Rust client crate from an OpenAPI 3.0/3.1 document.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clientgen::{output, Settings};

/// mimalloc: generation makes and drops millions of small allocations (token trees, syntax
/// trees, strings), about a third of the time with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "clientgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate from an OpenAPI document (YAML or JSON).
    Generate {
        /// The OpenAPI 3.0 or 3.1 document.
        #[arg(long)]
        spec: PathBuf,
        /// The directory of the crate to create or update.
        #[arg(long)]
        out: PathBuf,
        /// The crate name (default: the output directory's name).
        #[arg(long)]
        name: Option<String>,
        /// The crate version.
        #[arg(long, default_value = "0.1.0")]
        version: String,
        /// The `clientgen-runtime` crate the generated crate depends on by path
        /// (default: the runtime next to this generator's sources).
        #[arg(long)]
        runtime: Option<PathBuf>,
        /// The crate's licence, an SPDX expression (`MIT OR Apache-2.0`), for its Cargo.toml.
        #[arg(long)]
        license: Option<String>,
        /// The URL of the repository the crate lives in, for its Cargo.toml.
        #[arg(long)]
        repository: Option<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate {
            spec,
            out,
            name,
            version,
            runtime,
            license,
            repository,
        } => generate(&spec, &out, name, version, runtime, license, repository),
    }
}

/// Each diagnostic with its source line: the spec's text as read, any other file the
/// diagnostic names read from disk; coloured when stderr is a terminal and `NO_COLOR` is unset.
fn render(problems: &[clientgen::Diagnostic], spec: &Path, text: &str) -> Vec<String> {
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let entry = spec.display().to_string();
    let read = |file: &str| {
        if file == entry {
            Some(text.to_owned())
        } else {
            std::fs::read_to_string(file).ok()
        }
    };
    clientgen::render_all(problems, read, styled)
}

fn generate(
    spec: &Path,
    out: &Path,
    name: Option<String>,
    version: String,
    runtime: Option<PathBuf>,
    license: Option<String>,
    repository: Option<String>,
) -> ExitCode {
    let text = match std::fs::read_to_string(spec) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    let name = match name {
        Some(name) if is_package_name(&name) => name,
        Some(name) => {
            eprintln!("error: `{name}` is not a valid crate name\n  = hint: use ASCII letters, digits, `-` and `_`, starting with a letter (`--name my-client`)");
            return ExitCode::FAILURE;
        }
        None => package_name(
            &out.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        ),
    };
    let runtime =
        runtime.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime"));
    let runtime = match runtime_path(&runtime) {
        Ok(path) => path,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let settings = Settings {
        version,
        runtime_path: runtime,
        generated_by: "clientgen generate".to_owned(),
        license,
        repository,
        ..Settings::new(name)
    };
    let generated = match clientgen::generate_with(
        &text,
        &spec.display().to_string(),
        &settings,
        &clientgen::FileSystem,
    ) {
        Ok(generated) => generated,
        Err(problems) => {
            for problem in render(&problems, spec, &text) {
                eprintln!("{problem}\n");
            }
            let errors = problems.iter().filter(|p| p.is_error()).count();
            let warnings = problems.len() - errors;
            eprintln!(
                "error: {errors} error(s) and {warnings} warning(s) in {}; nothing was written",
                spec.display()
            );
            return ExitCode::FAILURE;
        }
    };
    for warning in render(&generated.warnings, spec, &text) {
        eprintln!("{warning}\n");
    }
    let result = output::plan(out, &generated.files)
        .and_then(|plan| output::apply(&plan).map(|()| plan.len()));
    match result {
        Ok(changed) => {
            println!(
                "generated {} in {} ({} operations, {} types, {changed} files changed)",
                settings.name,
                out.display(),
                generated.api.operations.len(),
                generated.api.types.len()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: writing {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// Whether Cargo accepts `name` as a package name.
fn is_package_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A package name made from the output directory's name: other characters than ASCII letters,
/// digits, `-` and `_` become `-` (`petstore.v3` -> `petstore-v3`); `api-client` when nothing
/// is left or the name would not start with a letter.
fn package_name(dir: &str) -> String {
    let name: String = dir
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-');
    if is_package_name(name) {
        name.to_owned()
    } else if name.is_empty() {
        "api-client".to_owned()
    } else {
        format!("api-{name}")
    }
}

/// The runtime's path as the generated Cargo.toml should name it: absolute, so the crate
/// builds wherever it stands.
fn runtime_path(runtime: &Path) -> Result<String, String> {
    let runtime = runtime.canonicalize().map_err(|err| {
        format!(
            "the runtime crate {} cannot be found ({err}); pass --runtime",
            runtime.display()
        )
    })?;
    Ok(runtime.to_string_lossy().into_owned())
}
