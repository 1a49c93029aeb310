//! `retort check`: the history's integrity, for CI: every file reads, the
//! expected number of heads, no empty upgrade, every downgrade
//! implemented, no duplicate id, missing parent or cycle.

use std::path::PathBuf;
use std::process::ExitCode;

use retort_core::revision::Body;
use retort_core::{LineIndex, Severity};

use crate::files::{exit, print_diagnostics};
use crate::versions::load;

#[derive(Debug, clap::Args)]
pub struct Args {
    dir: PathBuf,
    /// How many heads the history should have.
    #[arg(long, default_value_t = 1)]
    heads: usize,
    #[arg(long)]
    recursive: bool,
}

/// `retort check`.
pub fn run(args: &Args) -> ExitCode {
    let folder = match load(&args.dir, args.recursive, true) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let mut problems = 0;
    for file in &folder.files {
        print_diagnostics(&file.path, &file.source, &file.diagnostics);
        problems += file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let at = |name: &str| {
            let offset = file.source.find(&format!("def {name}(")).unwrap_or(0);
            LineIndex::new(&file.source).line_col(offset)
        };
        let mut say = |name: &str, message: &str| {
            let lc = at(name);
            eprintln!(
                "{}:{}:{}: error: {message}",
                file.path.display(),
                lc.line,
                lc.column
            );
            problems += 1;
        };
        match file.revision.upgrade_body {
            Body::Missing => say("upgrade", "no upgrade() function"),
            Body::Empty => say("upgrade", "upgrade() does nothing (only `pass`)"),
            Body::NotImplemented | Body::Ops => {}
        }
        match file.revision.downgrade_body {
            Body::Missing => say(
                "downgrade",
                "no downgrade() function: the revision cannot be undone",
            ),
            Body::Empty => say(
                "downgrade",
                "downgrade() is empty: the revision cannot be undone",
            ),
            Body::NotImplemented => say(
                "downgrade",
                "downgrade() raises NotImplementedError: the revision cannot be undone",
            ),
            Body::Ops => {}
        }
    }
    for error in &folder.errors {
        eprintln!("{}: error: {error}", args.dir.display());
        problems += 1;
    }
    let found = folder.graph.heads();
    if found.len() != args.heads {
        eprintln!(
            "{}: error: {} head{} ({}); expected {} (merge them with `alembic merge`, or pass --heads)",
            args.dir.display(),
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            found.join(", "),
            args.heads
        );
        problems += 1;
    }
    println!(
        "{} revision{} read, {} head{}, {problems} problem{}",
        folder.files.len(),
        if folder.files.len() == 1 { "" } else { "s" },
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if problems == 1 { "" } else { "s" }
    );
    exit(problems > 0)
}
