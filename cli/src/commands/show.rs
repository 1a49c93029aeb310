//! `retort show REV`: one revision in full, as `alembic show` prints it.

use crate::out::outln;
use std::process::ExitCode;

use crate::files::exit;
use crate::versions::{FolderArgs, log_entry, open, resolve_one};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A revision id, a unique prefix, `head`, a branch label…
    rev: String,
    #[command(flatten)]
    folder: FolderArgs,
}

/// `alembic show REV`.
pub fn run(args: &Args) -> ExitCode {
    let (folder, failed) = match open(&args.folder) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let graph = &folder.graph;
    let nodes = match resolve_one(graph, &args.rev) {
        Ok(nodes) => nodes,
        Err(code) => return code,
    };
    for i in nodes {
        outln!("{}", log_entry(&folder, i, None));
    }
    exit(failed)
}
