//! `retort lint`: migrations reviewed for what they do to a live
//! database (revision files, `versions/` folders, `.sql` scripts, standard
//! input), with fixes, ignores, the configuration file and the lock table.

use crate::out::out;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::lint::rules;
use retort_core::lint::{self, Finding, MigrationKind, Settings};
use retort_core::{Applicability, Diagnostic, LineIndex, Severity, Span};

use crate::config;
use crate::emit::{LintFormat, Printed, Reviewed, github, json, sarif, text};
use crate::files::print_diagnostics;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// The PostgreSQL major version the migration runs on.
    /// (Default: the configuration's, else the newest.)
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(retort_core::lint::OLDEST_POSTGRES)..=i64::from(retort_core::lint::NEWEST_POSTGRES)))]
    postgres: Option<u32>,
    /// `.sql` scripts run inside a transaction (as a tool that wraps
    /// each file in one would run them).
    #[arg(long)]
    assume_in_transaction: bool,
    /// Also print each file's lock table: per op, the lock it takes,
    /// on which table, what that blocks, and whether it rewrites.
    #[arg(long)]
    locks: bool,
    /// The configuration file (default: the nearest `retort.toml`, or
    /// `pyproject.toml` with `[tool.retort]`, from the first path up).
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    no_config: bool,
    /// Apply the safe fixes to the files (stdin: print the fixed text),
    /// then report what is left.
    #[arg(long)]
    fix: bool,
    /// With `--fix`: apply the unsafe fixes too.
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let config = if args.no_config {
        Ok(config::Config::default())
    } else if let Some(path) = &args.config {
        config::load(path)
    } else {
        let start = args
            .paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        config::discover(&start)
    };
    match config {
        Ok(config) => lint(
            &args.paths,
            &LintOptions {
                format: args.format,
                fix: args.fix.then_some(if args.unsafe_fixes {
                    Applicability::Unsafe
                } else {
                    Applicability::Safe
                }),
                settings: config.settings(args.postgres, args.assume_in_transaction),
                locks: args.locks,
                config,
            },
        ),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

struct LintOptions {
    format: LintFormat,
    /// Apply fixes of this level or better (`--fix`: safe; with
    /// `--unsafe-fixes`: unsafe too).
    fix: Option<Applicability>,
    settings: Settings,
    locks: bool,
    config: crate::config::Config,
}

/// One file's text and what it is.
struct Source {
    path: String,
    text: String,
    kind: MigrationKind,
}

fn is_sql(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "sql")
}

/// The `.py` and `.sql` files under `dir`, sorted, skipping `env.py`,
/// `__init__.py` and caches.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if name != "__pycache__" && !name.starts_with('.') {
                files_under(&path, out)?;
            }
        } else if (name.ends_with(".py") && name != "env.py" && !name.starts_with("__init__"))
            || name.ends_with(".sql")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Text of a file that may not be UTF-8: the error as a diagnostic.
fn text_of(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        (at, String::from_utf8_lossy(error.as_bytes()).into_owned())
    })
}

fn lint(paths: &[PathBuf], options: &LintOptions) -> ExitCode {
    let mut sources: Vec<Source> = Vec::new();
    let mut problems = false;
    let mut folders: Vec<PathBuf> = Vec::new();
    let add = |path: &Path, bytes: Vec<u8>, sources: &mut Vec<Source>| {
        let shown = path.display().to_string();
        match text_of(bytes) {
            Ok(text) => {
                let sql = if shown == "-" {
                    !text.contains("def upgrade")
                } else {
                    is_sql(path)
                };
                sources.push(Source {
                    path: shown,
                    text,
                    kind: if sql {
                        MigrationKind::Sql
                    } else {
                        MigrationKind::Revision
                    },
                });
                false
            }
            Err((at, lossy)) => {
                let lc = LineIndex::new(&lossy).line_col(at);
                eprintln!(
                    "{shown}:{}:{}: error: not UTF-8 (byte {at}): not reviewed",
                    lc.line, lc.column
                );
                true
            }
        }
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("-: cannot read standard input: {error}");
                return ExitCode::from(2);
            }
            problems |= add(path, bytes, &mut sources);
        } else if path.is_dir() {
            let mut files = Vec::new();
            if let Err(error) = files_under(path, &mut files) {
                eprintln!("{}: cannot read the folder: {error}", path.display());
                return ExitCode::from(2);
            }
            for file in files {
                if options.config.excludes(&file) {
                    continue;
                }
                match std::fs::read(&file) {
                    Ok(bytes) => problems |= add(&file, bytes, &mut sources),
                    Err(error) => {
                        eprintln!("{}: cannot read: {error}", file.display());
                        problems = true;
                    }
                }
            }
            folders.push(path.clone());
        } else {
            match std::fs::read(path) {
                Ok(bytes) => problems |= add(path, bytes, &mut sources),
                Err(error) => {
                    eprintln!("{}: cannot read: {error}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
    }

    let mut fixed = 0;
    if let Some(level) = options.fix {
        for source in &mut sources {
            let (text, applied) =
                lint::fix_source(&source.text, source.kind, &options.settings, level);
            if applied == 0 {
                continue;
            }
            if source.path == "-" {
                // As ruff does: the fixed text on stdout, the rest after it.
                out!("{text}");
            } else if let Err(error) = std::fs::write(&source.path, &text) {
                eprintln!("{}: cannot write the fixes: {error}", source.path);
                problems = true;
                continue;
            }
            fixed += applied;
            source.text = text;
        }
    }
    let mut raw: Vec<Vec<Finding>> = Vec::new();
    let mut lock_tables: Vec<(String, Vec<String>)> = Vec::new();
    let mut revisions: Vec<(usize, retort_core::revision::Revision)> = Vec::new();
    // Each file's lines: for the lock tables and the printed positions.
    let indexes: Vec<LineIndex<'_>> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    for (i, source) in sources.iter().enumerate() {
        let (findings, diagnostics) = if source.kind == MigrationKind::Sql {
            let mut lines = Vec::new();
            let (findings, diagnostics) = judge_sql(&source.text, &options.settings, |steps| {
                if options.locks {
                    lines.extend(text::lock_lines(&indexes[i], steps, &options.settings));
                }
            });
            if options.locks {
                lock_tables.push((source.path.clone(), lines));
            }
            (findings, diagnostics)
        } else {
            let (revision, diagnostics) = retort_core::revision::read_revision(&source.text);
            let cx = lint::revision_subject(&revision, &source.text, &options.settings);
            if options.locks {
                lock_tables.push((
                    source.path.clone(),
                    text::lock_lines(&indexes[i], &cx.steps, &options.settings),
                ));
            }
            let findings = lint::findings(&cx, &source.text, MigrationKind::Revision);
            revisions.push((i, revision));
            (findings, diagnostics)
        };
        print_diagnostics(Path::new(&source.path), &source.text, &diagnostics);
        problems |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        raw.push(findings);
    }
    // A folder's history: one head.
    if !folders.is_empty() {
        multiple_heads(&sources, &revisions, &options.settings, &mut raw);
    }
    let kept: Vec<Vec<Finding>> = sources
        .iter()
        .zip(raw)
        .map(|(source, findings)| {
            lint::apply_ignores(&source.text, source.kind, findings, &options.settings)
        })
        .collect();
    let found: Vec<(usize, &Finding)> = kept
        .iter()
        .enumerate()
        .flat_map(|(i, findings)| findings.iter().map(move |f| (i, f)))
        .collect();

    let files: Vec<Reviewed<'_>> = sources
        .iter()
        .zip(&indexes)
        .map(|(source, index)| Reviewed {
            path: &source.path,
            index,
        })
        .collect();
    let printed = Printed {
        found: &found,
        files: &files,
    };
    match options.format {
        LintFormat::Text => text::print(&printed, &lock_tables, fixed, options.fix),
        LintFormat::Json => json::print(&printed),
        LintFormat::Github => github::print(&printed),
        LintFormat::Sarif => sarif::print(&printed),
    }
    let failing = found.iter().any(|(_, f)| f.severity >= Severity::Warning);
    // The process ends here: freeing what it read would only cost time.
    std::mem::forget(found);
    std::mem::forget(kept);
    std::mem::forget(sources);
    if failing || problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A SQL script's findings (with their fixes, before ignores) and
/// diagnostics. It is read [`lint::PART`] statements at a time, on every
/// core, and judged part by part as the parts come in (each statement is
/// read on its own, so the parts put end to end are what one pass reads);
/// `steps` sees each part's steps.
fn judge_sql(
    text: &str,
    settings: &Settings,
    mut steps: impl FnMut(&[lint::Step<'_>]),
) -> (Vec<Finding>, Vec<Diagnostic>) {
    use retort_core::sql::{ops, split};
    let pieces = split::split(text);
    let mut script = lint::ScriptJudge::new(text, settings);
    let mut diagnostics = Vec::new();
    retort_core::par::pipeline(
        &pieces.chunks(lint::PART).collect::<Vec<_>>(),
        |part| ops::read_ops_of(text, part),
        |(located, read)| {
            diagnostics.extend_from_slice(read);
            script.part(located, &mut steps);
        },
    );
    (script.finish(), diagnostics)
}

/// `multiple-heads` on the revisions read, each head's finding added to its
/// file's. Each history is judged apart: the revisions under one folder
/// named `versions` (its subfolders too, as `recursive_version_locations`
/// reads them), or else in one folder. A package holding two Alembic
/// projects (mlflow's tracking store and its auth server) has two.
fn multiple_heads(
    sources: &[Source],
    revisions: &[(usize, retort_core::revision::Revision)],
    settings: &Settings,
    raw: &mut [Vec<Finding>],
) {
    let Some(rule) = rules::rule("multiple-heads").filter(|r| settings.enabled(r)) else {
        return;
    };
    let history_of = |i: usize| {
        let path = Path::new(&sources[i].path);
        path.ancestors()
            .skip(1)
            .find(|dir| dir.file_name().is_some_and(|n| n == "versions"))
            .or_else(|| path.parent())
            .map(Path::to_path_buf)
    };
    // (the history's folder, its revisions as (source, node)).
    type History = (Option<PathBuf>, Vec<(usize, retort_core::graph::Node)>);
    let mut histories: Vec<History> = Vec::new();
    for (i, revision) in revisions {
        let Some(node) = revision.node() else {
            continue;
        };
        let key = history_of(*i);
        match histories.iter_mut().find(|(k, _)| *k == key) {
            Some((_, nodes)) => nodes.push((*i, node)),
            None => histories.push((key, vec![(*i, node)])),
        }
    }
    for (_, nodes) in histories {
        let (graph, _) =
            retort_core::graph::Graph::build(nodes.iter().map(|(_, n)| n.clone()).collect());
        for (node, message) in lint::multiple_heads(&graph) {
            let id = &graph.node(node).id;
            if let Some((i, _)) = nodes.iter().find(|(_, n)| &n.id == id) {
                let at = sources[*i]
                    .text
                    .find("revision")
                    .map_or(Span::new(0, 0), |p| Span::new(p, p + 8));
                raw[*i].push(Finding {
                    rule: rule.id,
                    severity: settings.severity(rule.id, rule.severity),
                    span: at,
                    message,
                    fix: None,
                });
            }
        }
    }
}
