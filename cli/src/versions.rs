//! A `versions/` folder read as Alembic's `ScriptDirectory` reads it: the
//! revision files in its load order, each read, and their graph. The
//! history commands (`history`, `heads`, `branches`, `show`, `check`) all
//! start here.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::graph::{Graph, GraphError};
use retort_core::python::{Finder, ParseCache};
use retort_core::rehearse::{Chain, NotReplayed, schema_at};
use retort_core::revision::{self, Revision};
use retort_core::schema::Schema;
use retort_core::{Diagnostic, Severity};

use crate::files::{print_diagnostics, read_text};

/// The folder a history command reads.
#[derive(Debug, clap::Args)]
pub struct FolderArgs {
    /// The versions folder (default: the current one).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Read subfolders too (`recursive_version_locations`).
    #[arg(long)]
    pub recursive: bool,
}

/// Reads the folder's revision headers and says on stderr what is wrong:
/// the folder, and whether anything was an error.
pub fn open(args: &FolderArgs) -> Result<(Folder, bool), ExitCode> {
    let folder = load(&args.dir, args.recursive, false)?;
    let failed = report(&folder);
    Ok((folder, failed))
}

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

    /// The revisions read here, as a rehearsal's chain (not read again),
    /// and each file's path.
    pub fn into_chain(self) -> (Chain, Vec<String>) {
        let paths = self
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        let read = self
            .files
            .into_iter()
            .map(|f| (f.revision, f.source))
            .collect();
        (Chain::from_read(read), paths)
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
    let reader = |source: &str| {
        if with_ops {
            revision::read_revision(source)
        } else {
            revision::read_header(source)
        }
    };
    Ok(read_files(paths, &reader))
}

/// Reads several folders as one history (a project's
/// `version_locations`, in their order), ops and all, what the revisions
/// import from the project found through `finder`.
pub fn load_all(
    dirs: &[PathBuf],
    recursive: bool,
    finder: Option<&dyn Finder>,
) -> Result<Folder, ExitCode> {
    let mut paths = Vec::new();
    for dir in dirs {
        if let Err(error) = revision_files(dir, recursive, &mut paths) {
            eprintln!("{}: cannot read the folder: {error}", dir.display());
            return Err(ExitCode::from(2));
        }
    }
    let cache = ParseCache::default();
    let reader = |source: &str| match finder {
        Some(finder) => revision::read_revision_in(source, finder, &cache),
        None => revision::read_revision(source),
    };
    Ok(read_files(paths, &reader))
}

/// The files read and their graph.
fn read_files(paths: Vec<PathBuf>, reader: &dyn Fn(&str) -> (Revision, Vec<Diagnostic>)) -> Folder {
    let mut files = Vec::new();
    for path in paths {
        // A file that cannot be read (or is not UTF-8) is said and left out.
        let Ok(source) = read_text(&path) else {
            continue;
        };
        let (revision, diagnostics) = reader(&source);
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
    Folder {
        files,
        of: kept,
        graph,
        errors,
    }
}

/// Diagnostics of every file and the graph's errors, on stderr; whether
/// any is an error.
pub fn report(folder: &Folder) -> bool {
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
pub fn log_entry(folder: &Folder, i: usize, current: Option<usize>) -> String {
    let file = folder.file_of(i);
    folder.graph.log_entry(
        i,
        &file.path.display().to_string(),
        &file.revision.longdoc,
        current,
    )
}

pub fn resolve_one(graph: &Graph, ident: &str) -> Result<Vec<usize>, ExitCode> {
    graph.resolve(ident).map_err(|error| {
        eprintln!("{ident}: {error}");
        ExitCode::from(1)
    })
}

/// The schema the folder's revisions build up to `target`, replayed with
/// no database, and how many ops could not be replayed (each said on
/// stderr); `Err` after Alembic's error for the target.
pub fn replay(folder: Folder, target: &str) -> Result<(Schema, usize), ExitCode> {
    let (chain, paths) = folder.into_chain();
    match schema_at(&chain, target) {
        Ok((schema, problems)) => {
            say_not_replayed(&problems, &paths);
            Ok((schema, problems.len()))
        }
        Err(error) => {
            eprintln!("FAILED: {error}");
            Err(ExitCode::from(1))
        }
    }
}

/// What a replay could not run, as `path:line: warning: not replayed: …`.
fn say_not_replayed(problems: &[NotReplayed], paths: &[String]) {
    for problem in problems {
        match paths.get(problem.file) {
            Some(path) => eprintln!(
                "{path}:{}: warning: not replayed: {}",
                problem.line, problem.message
            ),
            None => eprintln!("warning: {}", problem.message),
        }
    }
}
