//! Reading the files a command is given, and saying what is wrong with
//! them the way compilers do (`path:line:col: severity: message`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::python::{Finder, ModuleFile};
use retort_core::schema::Schema;
use retort_core::{Diagnostic, LineIndex, Severity, python, sql};

/// A file's text, or the exit code after saying why it cannot be read.
pub fn read_text(path: &Path) -> Result<String, ExitCode> {
    let bytes = std::fs::read(path).map_err(|error| {
        eprintln!("{}: cannot read: {error}", path.display());
        ExitCode::from(2)
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let line_col = LineIndex::new(&text).line_col(at);
        eprintln!(
            "{}:{}:{}: error: not UTF-8 (byte {at})",
            path.display(),
            line_col.line,
            line_col.column
        );
        ExitCode::from(2)
    })
}

/// `path:line:col: severity: message`, then the help, as compilers print them.
pub fn print_diagnostics(path: &Path, source: &str, diagnostics: &[Diagnostic]) {
    let index = LineIndex::new(source);
    for d in diagnostics {
        let at = index.line_col(d.span.start);
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        eprintln!(
            "{}:{}:{}: {severity}: {}",
            path.display(),
            at.line,
            at.column,
            d.message
        );
        if let Some(help) = &d.help {
            eprintln!("  help: {help}");
        }
    }
}

/// A model file (with the project modules it imports), a package folder of
/// models, or a SQL script, read: the schema, and each file read with its
/// diagnostics. `Err`: the exit code for input that cannot be read.
pub struct Input {
    pub schema: Schema,
    /// The files read, the one given (or the folder's) first.
    pub files: Vec<ReadFile>,
}

/// One file read, with what is wrong in it.
pub struct ReadFile {
    pub path: PathBuf,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Input {
    pub fn print_diagnostics(&self) {
        for file in &self.files {
            print_diagnostics(&file.path, &file.source, &file.diagnostics);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.severity == Severity::Error)
    }
}

pub fn read_input(path: &Path) -> Result<Input, ExitCode> {
    if path.is_dir() {
        return read_package(path);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("py") => {
            let source = read_text(path)?;
            let (root, module, package) = module_of(path);
            let entry = ModuleFile {
                path: path.display().to_string(),
                module,
                package,
                source,
            };
            Ok(read_modules(vec![entry], vec![root]))
        }
        Some("sql") => {
            let source = read_text(path)?;
            let (schema, diagnostics) = sql::read_schema(&source);
            Ok(Input {
                schema,
                files: vec![ReadFile {
                    path: path.to_path_buf(),
                    source,
                    diagnostics,
                }],
            })
        }
        _ => {
            eprintln!(
                "{}: retort reads SQLAlchemy model files (.py), a package folder of them, and PostgreSQL DDL (.sql)",
                path.display()
            );
            Err(ExitCode::from(2))
        }
    }
}

/// Every module under a folder, read as one program.
fn read_package(folder: &Path) -> Result<Input, ExitCode> {
    let mut paths = Vec::new();
    python_files(folder, &mut paths);
    paths.sort();
    if paths.is_empty() {
        eprintln!("{}: no Python files in this folder", folder.display());
        return Err(ExitCode::from(2));
    }
    let mut entries = Vec::new();
    let mut roots = Vec::new();
    for path in paths {
        let source = read_text(&path)?;
        let (root, module, package) = module_of(&path);
        if !roots.contains(&root) {
            roots.push(root);
        }
        entries.push(ModuleFile {
            path: path.display().to_string(),
            module,
            package,
            source,
        });
    }
    Ok(read_modules(entries, roots))
}

fn python_files(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            let skipped = name.starts_with('.')
                || matches!(&*name, "__pycache__" | "node_modules" | "site-packages");
            if !skipped {
                python_files(&path, out);
            }
        } else if name.ends_with(".py") {
            out.push(path);
        }
    }
}

/// The folder Python finds a file's top package in, the module name it
/// imports the file as, and whether it is a package's `__init__.py`
/// (`python::module_name`, with the folders on disk).
fn module_of(path: &Path) -> (PathBuf, String, bool) {
    let text = path.to_string_lossy();
    let (root, module, package) =
        python::module_name(&text, |dir| Path::new(dir).join("__init__.py").is_file());
    (PathBuf::from(root), module, package)
}

pub fn read_modules(entries: Vec<ModuleFile>, roots: Vec<PathBuf>) -> Input {
    let program = python::read_program(entries, &ModuleTree { roots });
    let mut files: Vec<ReadFile> = program
        .files
        .into_iter()
        .map(|file| ReadFile {
            path: PathBuf::from(file.path),
            source: file.source,
            diagnostics: Vec::new(),
        })
        .collect();
    for (index, diagnostic) in program.diagnostics {
        if let Some(file) = files.get_mut(index) {
            file.diagnostics.push(diagnostic);
        }
    }
    for file in &mut files {
        file.diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    }
    Input {
        schema: program.schema,
        files,
    }
}

/// Modules on disk, found below the folders that hold the entries' top
/// packages (as on Python's `sys.path`).
pub struct ModuleTree {
    pub roots: Vec<PathBuf>,
}

impl Finder for ModuleTree {
    fn find(&self, module: &str) -> Option<ModuleFile> {
        let relative: PathBuf = module.split('.').collect();
        for root in &self.roots {
            let base = root.join(&relative);
            for (path, package) in [
                (base.with_extension("py"), false),
                (base.join("__init__.py"), true),
            ] {
                // A module that cannot be read as text is left unfollowed:
                // what it defines is then reported where it is used.
                let Ok(source) = std::fs::read_to_string(&path) else {
                    continue;
                };
                return Some(ModuleFile {
                    path: path.display().to_string(),
                    module: module.to_string(),
                    package,
                    source,
                });
            }
        }
        None
    }
}

/// Exit 1 when something failed, else 0.
pub fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
