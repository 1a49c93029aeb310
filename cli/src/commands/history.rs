//! `retort history`: revisions newest first, as `alembic history` lists
//! them.

use crate::out::outln;
use std::process::ExitCode;

use retort_core::rehearse::version_rows;

use crate::files::{exit, read_text};
use crate::versions::{FolderArgs, log_entry, open, resolve_one};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folder: FolderArgs,
    /// A range `[start]:[end]` (ids, prefixes, `base`, `heads`,
    /// `label@head`, `rev+N`…).
    #[arg(short = 'r', long = "rev-range")]
    range: Option<String>,
    /// Mark the database's revisions `(current)`, as Alembic does; retort
    /// reads no database, so they come from `--current` or `--current-from`.
    #[arg(long)]
    indicate_current: bool,
    /// The database's `alembic_version` rows (repeat, or separate with
    /// commas); they are marked `(current)`.
    #[arg(long, value_delimiter = ',', value_name = "REV")]
    current: Vec<String>,
    /// Read the `alembic_version` rows from a SQL file: a `pg_dump` of the
    /// database, or the offline script that built it.
    #[arg(long, value_name = "FILE.sql")]
    current_from: Option<std::path::PathBuf>,
    #[arg(short, long)]
    verbose: bool,
}

/// `alembic history`: newest first.
pub fn run(args: &Args) -> ExitCode {
    let (folder, failed) = match open(&args.folder) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let graph = &folder.graph;
    let mut given: Vec<String> = args.current.clone();
    if let Some(path) = &args.current_from {
        let sql = match read_text(path) {
            Ok(sql) => sql,
            Err(code) => return code,
        };
        match version_rows(&sql) {
            Some(rows) => given.extend(rows),
            None => {
                eprintln!(
                    "{}: no alembic_version rows in this SQL (a pg_dump with data, or an offline script)",
                    path.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    if args.indicate_current && given.is_empty() {
        eprintln!(
            "--indicate-current: retort reads no database; say where it is with --current REV or --current-from dump.sql"
        );
        return ExitCode::from(2);
    }
    let mut current: Vec<usize> = Vec::new();
    for ident in &given {
        match resolve_one(graph, ident) {
            Ok(nodes) => current.extend(nodes.first().copied()),
            Err(code) => return code,
        }
    }
    let order = match args.range.as_deref() {
        None => graph.history(),
        Some(range) => {
            let Some((lower, upper)) = range.split_once(':') else {
                eprintln!("-r {range}: a history range is [start]:[end], [start]: or :[end]");
                return ExitCode::from(2);
            };
            let lower = if lower.trim().is_empty() {
                "base"
            } else {
                lower
            };
            let upper = if upper.trim().is_empty() {
                "heads"
            } else {
                upper
            };
            match graph.range(lower, upper) {
                Ok(order) => order,
                Err(error) => {
                    eprintln!("-r {range}: {error}");
                    return ExitCode::from(1);
                }
            }
        }
    };
    for i in order {
        if args.verbose {
            outln!(
                "{}",
                log_entry(&folder, i, current.contains(&i).then_some(i))
            );
        } else {
            outln!("{}", graph.history_line(i, &current));
        }
    }
    exit(failed)
}
