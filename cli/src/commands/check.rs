//! `retort check`: Alembic's `check` with no database. In an Alembic
//! project (found from the current folder, or `--config`): the history's
//! integrity, then the models compared with the schema the revisions
//! replay to at head, as autogenerate compares them. Given a versions
//! folder: the history's integrity only (every file reads, the expected
//! number of heads, no empty upgrade, every downgrade implemented, no
//! duplicate id, missing parent or cycle).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use retort_core::lint::{self, ignore};
use retort_core::project::check::{Difference, alembic_words, compare, differences};
use retort_core::revision::Body;
use retort_core::{LineIndex, Severity};

use crate::files::{exit, print_diagnostics};
use crate::out::outln;
use crate::project::{ProjectArgs, discover};
use crate::versions::{Folder, load, replay};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A versions folder: check only its history. Without it, the Alembic
    /// project around the current folder is checked, models included.
    dir: Option<PathBuf>,
    /// How many heads the history should have.
    #[arg(long, default_value_t = 1)]
    heads: usize,
    /// Read subfolders of DIR too (`recursive_version_locations`).
    #[arg(long)]
    recursive: bool,
    #[command(flatten)]
    project: ProjectArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Alembic's words.
    Text,
    /// `{"differences": [...], "problems": N}`.
    Json,
}

/// `retort check`.
pub fn run(args: &Args) -> ExitCode {
    if let Some(dir) = &args.dir {
        let folder = match load(dir, args.recursive, true) {
            Ok(folder) => folder,
            Err(code) => return code,
        };
        let problems = history(&folder, args.heads, &dir.display().to_string(), true);
        summary(&folder, problems);
        return exit(problems > 0);
    }
    let project = match discover(&args.project) {
        Ok(project) => project,
        Err(code) => return code,
    };
    let folder = match project.folder() {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let label = project
        .version_dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let problems = history(&folder, args.heads, &label, false);
    let models = match project.models(&args.project) {
        Ok(models) => models,
        Err(code) => return code,
    };
    let (head, _) = match replay(folder, "heads") {
        Ok(replayed) => replayed,
        Err(code) => return code,
    };
    let migration = compare(&head, &models.schema, &project.env.options);
    let found = differences(&migration.upgrade);
    match args.format {
        Format::Json => print_json(&found, problems),
        Format::Text => {
            if found.is_empty() {
                outln!("{}", alembic_words(&found));
            } else {
                eprintln!("FAILED: {}", alembic_words(&found));
            }
        }
    }
    exit(problems > 0 || !found.is_empty() || models.has_errors())
}

fn print_json(found: &[Difference], problems: usize) {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        differences: &'a [Difference],
        problems: usize,
    }
    match serde_json::to_string_pretty(&Report {
        differences: found,
        problems,
    }) {
        Ok(json) => outln!("{json}"),
        Err(error) => eprintln!("cannot print JSON: {error}"),
    }
}

/// The history's problems, said on stderr; how many.
fn history(folder: &Folder, heads: usize, label: &str, all_diagnostics: bool) -> usize {
    let mut problems = 0;
    for file in &folder.files {
        // In a project, what keeps a revision from being read (`retort
        // lint` says the rest); given a folder, everything.
        let shown: Vec<_> = file
            .diagnostics
            .iter()
            .filter(|d| all_diagnostics || d.severity == Severity::Error)
            .cloned()
            .collect();
        print_diagnostics(&file.path, &file.source, &shown);
        problems += shown
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let (ignores, _) = ignore::read(&file.source, &ignore::python_comments(&file.source));
        let index = LineIndex::new(&file.source);
        let mut say = |name: &str, rule: &str, message: &str| {
            let offset = file.source.find(&format!("def {name}(")).unwrap_or(0);
            let lc = index.line_col(offset);
            let ignored = ignores
                .iter()
                .any(|i| (i.file || i.line == lc.line) && i.rules.iter().any(|(r, _)| r == rule));
            if ignored {
                return;
            }
            eprintln!(
                "{}:{}:{}: error: {message}",
                file.path.display(),
                lc.line,
                lc.column
            );
            problems += 1;
        };
        match file.revision.upgrade_body {
            Body::Missing => say("upgrade", "empty-upgrade", "no upgrade() function"),
            Body::Empty => say(
                "upgrade",
                "empty-upgrade",
                "upgrade() does nothing (only `pass`)",
            ),
            Body::NotImplemented | Body::Ops => {}
        }
        // The review's judgement: an upgrade that leaves nothing to undo
        // (a backfill) needs no downgrade.
        let settings = lint::Settings::default();
        let subject = lint::revision_subject(&file.revision, &file.source, &settings);
        if let Some((_, why)) = lint::rules::cannot_roll_back(&subject) {
            say(
                "downgrade",
                "missing-downgrade",
                &format!("downgrade() {why}: the revision cannot be undone"),
            );
        }
    }
    for error in &folder.errors {
        eprintln!("{label}: error: {error}");
        problems += 1;
    }
    let found = folder.graph.heads();
    if found.len() != heads {
        eprintln!(
            "{label}: error: {} head{} ({}); expected {heads} (merge them with `alembic merge`, or pass --heads)",
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            found.join(", "),
        );
        problems += 1;
    }
    problems
}

fn summary(folder: &Folder, problems: usize) {
    let heads = folder.graph.heads().len();
    outln!(
        "{} revision{} read, {heads} head{}, {problems} problem{}",
        folder.files.len(),
        if folder.files.len() == 1 { "" } else { "s" },
        if heads == 1 { "" } else { "s" },
        if problems == 1 { "" } else { "s" }
    );
}
