//! `retort history | heads | branches | show | check`: a `versions/` folder
//! read as Alembic's `ScriptDirectory` reads it, printed as Alembic's own
//! commands print it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::graph::{Graph, GraphError, Line};
use retort_core::revision::{self, Body, Revision};
use retort_core::{Diagnostic, LineIndex, Severity};

use crate::print_diagnostics;

/// One revision file, read.
pub struct File {
    pub path: PathBuf,
    pub source: String,
    pub revision: Revision,
    pub diagnostics: Vec<Diagnostic>,
}

/// A folder's revision files and their graph.
pub struct Folder {
    pub files: Vec<File>,
    /// `files[of[i]]` is graph node `i`.
    pub of: Vec<usize>,
    pub graph: Graph,
    pub errors: Vec<GraphError>,
}

impl Folder {
    pub fn file_of(&self, node: usize) -> &File {
        &self.files[self.of[node]]
    }
}

/// The `.py` files Alembic loads from `dir`, in its order: file names
/// sorted, `__init__.py` and editor droppings (`.#…`) left out; with
/// `recursive`, subfolders after the files, in name order.
fn revision_files(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if name != "__pycache__" {
                dirs.push(path);
            }
        } else if name.ends_with(".py") && !name.starts_with("__init__") && !name.starts_with(".#")
        {
            files.push(path);
        }
    }
    files.sort();
    out.extend(files);
    if recursive {
        dirs.sort();
        for sub in dirs {
            revision_files(&sub, true, out)?;
        }
    }
    Ok(())
}

/// Reads a folder (headers only unless `with_ops`). `Err`: the exit code
/// after saying why the folder cannot be read.
pub fn load(dir: &Path, recursive: bool, with_ops: bool) -> Result<Folder, ExitCode> {
    let mut paths = Vec::new();
    if let Err(error) = revision_files(dir, recursive, &mut paths) {
        eprintln!("{}: cannot read the folder: {error}", dir.display());
        return Err(ExitCode::from(2));
    }
    let mut files = Vec::new();
    for path in paths {
        // A file that cannot be read (or is not UTF-8) is said and left out.
        let Ok(source) = crate::read_text(&path) else {
            continue;
        };
        let (revision, diagnostics) = if with_ops {
            revision::read_revision(&source)
        } else {
            revision::read_header(&source)
        };
        files.push(File {
            path,
            source,
            revision,
            diagnostics,
        });
    }
    let mut of = Vec::new();
    let mut nodes = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if let Some(node) = file.revision.node() {
            of.push(i);
            nodes.push(node);
        }
    }
    let (graph, errors) = Graph::build(nodes);
    // A duplicate id is skipped by the graph: keep `of` in step with it.
    let mut kept = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &i in &of {
        if let Some(id) = &files[i].revision.id
            && seen.insert(id.clone())
        {
            kept.push(i);
        }
    }
    Ok(Folder {
        files,
        of: kept,
        graph,
        errors,
    })
}

/// Diagnostics of every file and the graph's errors, on stderr; whether
/// any is an error.
fn report(folder: &Folder) -> bool {
    let mut failed = false;
    for file in &folder.files {
        // Only what keeps the graph from being read: identifiers, syntax.
        let relevant: Vec<Diagnostic> = file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        print_diagnostics(&file.path, &file.source, &relevant);
        failed |= !relevant.is_empty();
    }
    for error in &folder.errors {
        eprintln!("error: {error}");
        failed = true;
    }
    failed
}

/// `alembic show`'s entry for graph node `i`.
fn log_entry(folder: &Folder, i: usize, current: Option<usize>) -> String {
    let file = folder.file_of(i);
    folder.graph.log_entry(
        i,
        &file.path.display().to_string(),
        &file.revision.longdoc,
        current,
    )
}

fn resolve_one(graph: &Graph, ident: &str) -> Result<Vec<usize>, ExitCode> {
    graph.resolve(ident).map_err(|error| {
        eprintln!("{ident}: {error}");
        ExitCode::from(1)
    })
}

pub struct HistoryOptions<'a> {
    pub range: Option<&'a str>,
    pub current: Option<&'a str>,
    pub verbose: bool,
    pub recursive: bool,
}

/// `alembic history`: newest first.
pub fn history(dir: &Path, options: HistoryOptions<'_>) -> ExitCode {
    let folder = match load(dir, options.recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    let current = match options.current {
        Some(ident) => match resolve_one(graph, ident) {
            Ok(nodes) => nodes.first().copied(),
            Err(code) => return code,
        },
        None => None,
    };
    let order = match options.range {
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
        if options.verbose {
            println!("{}", log_entry(&folder, i, current));
        } else {
            println!("{}", graph.history_line(i, current));
        }
    }
    exit(failed)
}

/// `alembic heads`.
pub fn heads(dir: &Path, verbose: bool, recursive: bool) -> ExitCode {
    let folder = match load(dir, recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    for head in graph.heads() {
        let Some(i) = graph.find(head) else {
            continue;
        };
        if verbose {
            println!("{}", log_entry(&folder, i, None));
        } else {
            println!("{}", graph.line(i, Line::default(), None));
        }
    }
    exit(failed)
}

/// `alembic branches`: each branch point and where it leads.
pub fn branches(dir: &Path, recursive: bool) -> ExitCode {
    let folder = match load(dir, recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    for i in graph.history() {
        if !graph.is_branch_point(i) {
            continue;
        }
        println!(
            "{}",
            graph.line(
                i,
                Line {
                    tree: true,
                    ..Line::default()
                },
                None
            )
        );
        let pad = " ".repeat(graph.node(i).id.len());
        for child in graph.children(i) {
            if let Some(c) = graph.find(child) {
                println!(
                    "{pad} -> {}",
                    graph.line(
                        c,
                        Line {
                            tree: true,
                            ..Line::default()
                        },
                        None
                    )
                );
            }
        }
        println!();
    }
    exit(failed)
}

/// `alembic show REV`.
pub fn show(dir: &Path, ident: &str, recursive: bool) -> ExitCode {
    let folder = match load(dir, recursive, false) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let failed = report(&folder);
    let graph = &folder.graph;
    let nodes = match resolve_one(graph, ident) {
        Ok(nodes) => nodes,
        Err(code) => return code,
    };
    for i in nodes {
        println!("{}", log_entry(&folder, i, None));
    }
    exit(failed)
}

/// `retort check`: the history's integrity, for CI.
pub fn check(dir: &Path, heads: usize, recursive: bool) -> ExitCode {
    let folder = match load(dir, recursive, true) {
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
        eprintln!("{}: error: {error}", dir.display());
        problems += 1;
    }
    let found = folder.graph.heads();
    if found.len() != heads {
        eprintln!(
            "{}: error: {} head{} ({}); expected {heads} (merge them with `alembic merge`, or pass --heads)",
            dir.display(),
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            found.join(", ")
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

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
