//! `retort sql`: the PostgreSQL that Alembic revision files run, as
//! `alembic upgrade --sql` (or `downgrade --sql`) prints it.

use crate::out::out;
use std::path::PathBuf;
use std::process::ExitCode;

use retort_core::Severity;
use retort_core::render::script::{Direction, files_script};
use retort_core::revision::{Revision, read_revision};

use crate::files::{print_diagnostics, read_text};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Revision files (`.py`), in any order: they are run in the order
    /// their `down_revision`s chain them.
    #[arg(required = true)]
    revisions: Vec<PathBuf>,
    /// Print the downgrade (newest revision first) instead.
    #[arg(long)]
    downgrade: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let paths = &args.revisions;
    let mut read = Vec::new();
    let mut failed = false;
    for path in paths {
        let source = match read_text(path) {
            Ok(source) => source,
            Err(code) => return code,
        };
        let (rev, diagnostics) = read_revision(&source);
        print_diagnostics(path, &source, &diagnostics);
        failed |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        if rev.id.is_none() {
            eprintln!("{}: error: no `revision = '…'`: left out", path.display());
            failed = true;
        }
        read.push(rev);
    }
    let direction = if args.downgrade {
        Direction::Downgrade
    } else {
        Direction::Upgrade
    };
    let revisions: Vec<&Revision> = read.iter().collect();
    let written = files_script(&revisions, direction, "heads");
    for problem in &written.problems {
        eprintln!("error: {problem}");
    }
    for error in &written.script.errors {
        let path = read
            .iter()
            .position(|r| r.id.as_deref() == Some(error.rev_id.as_str()))
            .map_or(String::new(), |i| paths[i].display().to_string());
        eprintln!("{path}: error: {}", error.message);
    }
    out!("{}", written.script.text);
    if failed || !written.problems.is_empty() || !written.script.errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
