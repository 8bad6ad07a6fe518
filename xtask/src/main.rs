//! `cargo xtask`: project automation. Run `cargo xtask --help`.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

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
    /// Regenerate every crate under generated/ from specs/ (writes only changed files).
    Regen,
    /// Fail, naming the stale files, when generated/ differs from what regen would write.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = xtask::repo_root();
    let started = Instant::now();
    let crates = match xtask::generate_all(&root) {
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
        for warning in &output.generated.warnings {
            eprintln!("{warning}\n");
        }
    }
    let plans = match xtask::plan(&root, &crates) {
        Ok(plans) => plans,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Regen => {
            for (vendor, plan) in &plans {
                if let Err(err) = clientgen::output::apply(plan) {
                    eprintln!("error: writing {vendor}: {err}");
                    return ExitCode::FAILURE;
                }
            }
            print!("{}", xtask::summary(&crates, &plans));
            println!("regenerated in {:.2?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Command::Check => {
            let stale: Vec<String> = plans
                .iter()
                .flat_map(|(_, plan)| xtask::describe(&root, plan))
                .collect();
            if stale.is_empty() {
                println!("generated/ is up to date ({} crates)", crates.len());
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "error: generated/ is stale; run `cargo xtask regen` and commit the result:"
                );
                for path in stale {
                    eprintln!("  {path}");
                }
                ExitCode::FAILURE
            }
        }
    }
}
