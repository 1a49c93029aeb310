//! `retort show REV`: one revision in full, as `alembic show` prints it.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::files::exit;
use crate::versions::{load, log_entry, report, resolve_one};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A revision id, a unique prefix, `head`, a branch label…
    rev: String,
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[arg(long)]
    recursive: bool,
}

/// `alembic show REV`.
pub fn run(args: &Args) -> ExitCode {
    let folder = match load(&args.dir, args.recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    let nodes = match resolve_one(graph, &args.rev) {
        Ok(nodes) => nodes,
        Err(code) => return code,
    };
    for i in nodes {
        println!("{}", log_entry(&folder, i, None));
    }
    exit(failed)
}
