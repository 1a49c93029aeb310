//! `retort rehearse`: what an Alembic command would run against a
//! database at the given revisions: Alembic's log lines, then each
//! statement in order with the transaction steps. It connects to
//! nothing; the playground runs the same plan on PGlite, and the Alembic
//! check runs it on PostgreSQL next to real Alembic.

use crate::out::outln;
use std::process::ExitCode;

use retort_core::rehearse::{self, Action, AlembicCommand, RunOptions};

use crate::versions::{FolderArgs, load, report};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folder: FolderArgs,
    /// The database's `alembic_version` rows, in the table's order
    /// (repeat, or separate with commas; none: an empty table).
    #[arg(long, value_delimiter = ',')]
    current: Vec<String>,
    /// Commit after each revision (`transaction_per_migration=True`).
    #[arg(long)]
    transaction_per_migration: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    json: bool,
    /// The Alembic command: `upgrade head`, `downgrade -1`, `current`,
    /// `history --indicate-current`, `heads`, `stamp REV`.
    #[arg(last = true, required = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

pub fn run(args: &Args) -> ExitCode {
    let folder = match load(&args.folder.dir, args.folder.recursive, true) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let (chain, _) = folder.into_chain();
    let plan = match AlembicCommand::parse(&args.command.join(" ")) {
        Ok(command) => rehearse::plan(
            &chain,
            &args.current,
            &command,
            RunOptions {
                transaction_per_migration: args.transaction_per_migration,
                ..RunOptions::default()
            },
        ),
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&plan) {
            Ok(json) => outln!("{json}"),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        for line in &plan.output {
            eprintln!("{line}");
        }
        for action in &plan.actions {
            match action {
                Action::Begin => outln!("BEGIN;"),
                Action::Commit => outln!("COMMIT;"),
                Action::Start { run } => eprintln!("{}", plan.runs[*run].log),
                Action::Exec { sql, .. } | Action::Version { sql, .. } => outln!("{sql};"),
                Action::Fail { message, .. } => eprintln!("FAILED: {message}"),
            }
        }
    }
    if let Some(error) = &plan.error {
        eprintln!("FAILED: {error}");
        return ExitCode::from(1);
    }
    crate::files::exit(failed)
}
