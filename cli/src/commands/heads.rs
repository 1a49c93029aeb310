//! `retort heads`: the head revisions, as `alembic heads` prints them.

use std::path::PathBuf;
use std::process::ExitCode;

use retort_core::graph::Line;

use crate::files::exit;
use crate::versions::{load, log_entry, report};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[arg(short, long)]
    verbose: bool,
    #[arg(long)]
    recursive: bool,
}

/// `alembic heads`.
pub fn run(args: &Args) -> ExitCode {
    let folder = match load(&args.dir, args.recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    for head in graph.heads() {
        let Some(i) = graph.find(head) else {
            continue;
        };
        if args.verbose {
            println!("{}", log_entry(&folder, i, None));
        } else {
            println!("{}", graph.line(i, Line::default(), None));
        }
    }
    exit(failed)
}
