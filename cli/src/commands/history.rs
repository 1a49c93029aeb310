//! `retort history`: revisions newest first, as `alembic history` lists
//! them.

use std::process::ExitCode;

use crate::files::exit;
use crate::versions::{FolderArgs, log_entry, open, resolve_one};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folder: FolderArgs,
    /// A range `[start]:[end]` (ids, prefixes, `base`, `heads`,
    /// `label@head`, `rev+N`…).
    #[arg(short = 'r', long = "rev-range")]
    range: Option<String>,
    /// Mark this revision `(current)` (the database's, as you know it).
    #[arg(long, value_name = "REV")]
    indicate_current: Option<String>,
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
    let current = match args.indicate_current.as_deref() {
        Some(ident) => match resolve_one(graph, ident) {
            Ok(nodes) => nodes.first().copied(),
            Err(code) => return code,
        },
        None => None,
    };
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
            println!("{}", log_entry(&folder, i, current));
        } else {
            println!("{}", graph.history_line(i, current.as_slice()));
        }
    }
    exit(failed)
}
