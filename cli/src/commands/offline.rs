//! `retort upgrade TARGET --sql` and `retort downgrade FROM:TO --sql`: the
//! SQL Alembic prints for the same command in offline mode, byte for byte,
//! for the project around the current folder (or `--versions DIR`).
//! retort never connects to a database, so `--sql` is required; `retort
//! rehearse` plans an online run.

use crate::out::out;
use std::path::PathBuf;
use std::process::ExitCode;

use retort_core::rehearse::offline_script;

use crate::project::{ProjectArgs, folder_or_project};
use crate::versions::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alembic's target: `head`, `heads`, `<rev>`, `<branch>@head`, `+N`,
    /// `<rev>+N`, `base`, or a range `FROM:TO` (`downgrade` needs one:
    /// `head:base`, `head:-1`, `<rev>:<rev>`).
    #[arg(allow_hyphen_values = true)]
    target: String,
    /// Print the SQL (offline mode). Required: retort runs nothing.
    #[arg(long)]
    sql: bool,
    /// A versions folder instead of the project's.
    #[arg(long, value_name = "DIR")]
    versions: Option<PathBuf>,
    #[command(flatten)]
    project: ProjectArgs,
}

pub fn upgrade(args: &Args) -> ExitCode {
    run(args, true)
}

pub fn downgrade(args: &Args) -> ExitCode {
    run(args, false)
}

fn run(args: &Args, upgrade: bool) -> ExitCode {
    let command = if upgrade { "upgrade" } else { "downgrade" };
    if !args.sql {
        eprintln!(
            "retort {command}: retort connects to no database; pass --sql for the script Alembic would run, or use `retort rehearse DIR --current REV -- {command} {}` for its plan",
            args.target
        );
        return ExitCode::from(2);
    }
    let folder = match folder_or_project(args.versions.as_deref(), &args.project) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    if report(&folder) {
        return ExitCode::from(1);
    }
    let paths: Vec<PathBuf> = folder.files.iter().map(|f| f.path.clone()).collect();
    let (chain, _) = folder.into_chain();
    match offline_script(&chain, upgrade, &args.target) {
        Ok(script) => {
            out!("{}", script.text);
            for error in &script.errors {
                let path = paths
                    .iter()
                    .find(|p| p.to_string_lossy().contains(&error.rev_id))
                    .map_or(String::new(), |p| format!("{}: ", p.display()));
                eprintln!("{path}error: revision {}: {}", error.rev_id, error.message);
            }
            if script.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(error) => {
            eprintln!("FAILED: {error}");
            ExitCode::from(1)
        }
    }
}
