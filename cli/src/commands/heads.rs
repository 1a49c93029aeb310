//! `retort heads`: the head revisions, as `alembic heads` prints them.

use crate::out::outln;
use std::process::ExitCode;

use retort_core::graph::Line;

use crate::files::exit;
use crate::versions::{FolderArgs, log_entry, open};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folder: FolderArgs,
    #[arg(short, long)]
    verbose: bool,
}

/// `alembic heads`.
pub fn run(args: &Args) -> ExitCode {
    let (folder, failed) = match open(&args.folder) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let graph = &folder.graph;
    for head in graph.heads() {
        let Some(i) = graph.find(head) else {
            continue;
        };
        if args.verbose {
            outln!("{}", log_entry(&folder, i, None));
        } else {
            outln!("{}", graph.line(i, Line::default(), &[]));
        }
    }
    exit(failed)
}
