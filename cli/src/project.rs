//! An Alembic project on disk, found as Alembic finds it: `alembic.ini`
//! (or `--config`) from the current folder upwards, `pyproject.toml`'s
//! `[tool.alembic]` next to it, then `script_location`, the versions
//! folders, `env.py`, and the model modules env.py's `target_metadata`
//! names (or `--models` / `[tool.retort] models`).
//!
//! Where Alembic resolves a relative `script_location` against the
//! current folder, retort resolves it against the configuration's folder:
//! the same folder whenever `alembic` itself would run, and still right
//! when retort is run from below it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::Severity;
use retort_core::project::config::{AlembicConfig, Ini, TomlValue, read_config, toml_text};
use retort_core::project::env::{Env, NAME_MODELS, model_modules, read_env};

use crate::config;
use crate::files::{Input, ModuleTree, print_diagnostics, read_input, read_modules, read_text};
use crate::versions::{Folder, load, load_all};

/// How a project command finds the project.
#[derive(Debug, Clone, clap::Args)]
pub struct ProjectArgs {
    /// Alembic's configuration: an `.ini` file or a `pyproject.toml`
    /// (default: `alembic.ini` in the current folder or above it).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The ini section to read (Alembic's `--name`).
    #[arg(short = 'n', long = "name", default_value = "alembic")]
    pub section: String,
    /// The model files or package folders, instead of following env.py's
    /// `target_metadata`.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub models: Vec<PathBuf>,
}

/// A project, found and read.
pub struct Project {
    /// The `.ini` (or the `pyproject.toml` when there is no ini).
    pub config_path: PathBuf,
    /// The folder the configuration is in.
    pub root: PathBuf,
    pub config: AlembicConfig,
    pub script_dir: PathBuf,
    pub version_dirs: Vec<PathBuf>,
    pub env_path: PathBuf,
    pub env_source: String,
    pub env: Env,
}

fn fail(message: String) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

/// Finds and reads the project (configuration, versions folders, env.py),
/// or says why not.
pub fn discover(args: &ProjectArgs) -> Result<Project, ExitCode> {
    let cwd = std::env::current_dir()
        .map_err(|e| fail(format!("cannot read the current folder: {e}")))?;
    let (ini_path, toml_path) = match &args.config {
        Some(path) if path.file_name().is_some_and(|n| n == "pyproject.toml") => {
            (None, Some(path.clone()))
        }
        Some(path) => {
            if !path.is_file() {
                return Err(fail(format!("{}: no such configuration file", path.display())));
            }
            let toml = path.parent().map(|p| p.join("pyproject.toml"));
            (Some(path.clone()), toml.filter(|t| t.is_file()))
        }
        None => find_upwards(&cwd).ok_or_else(|| {
            fail(format!(
                "no alembic.ini (or pyproject.toml with [tool.alembic]) in {} or above it\n  help: run retort inside the project, pass `--config path/to/alembic.ini`, or create one with `alembic init`",
                cwd.display()
            ))
        })?,
    };
    let config_path = ini_path.clone().or(toml_path.clone()).unwrap_or_default();
    let root = absolute(config_path.parent().unwrap_or(Path::new(".")), &cwd);
    let ini = match &ini_path {
        Some(path) => Some(Ini::parse(&read_text(path)?, &root.to_string_lossy())),
        None => None,
    };
    if let (Some(ini), Some(path)) = (&ini, &ini_path)
        && !ini.has_section(&args.section)
    {
        return Err(fail(format!(
            "{}: no [{}] section\n  help: Alembic reads its options there; pass `-n NAME` for another section",
            path.display(),
            args.section
        )));
    }
    let toml = match &toml_path {
        Some(path) => tool_alembic(path)?,
        None => Vec::new(),
    };
    let config = read_config(ini.as_ref(), &args.section, &toml);
    for problem in &config.problems {
        eprintln!("{}: error: {problem}", config_path.display());
    }
    if !config.problems.is_empty() {
        return Err(ExitCode::from(2));
    }
    let Some(location) = &config.script_location else {
        return Err(fail(format!(
            "{}: No 'script_location' key found in configuration.\n  help: Alembic needs it to find env.py and the versions folder",
            config_path.display()
        )));
    };
    let script_dir = match location.value.split_once(':') {
        // `package:path[:more]`, a package resource (prefect's
        // `prefect:server:database:_migrations`), as Alembic's
        // `coerce_resource_to_filename` splits it: found on the project's
        // paths.
        Some((package, rest))
            if !Path::new(&location.value).is_absolute() && !rest.starts_with('\\') =>
        {
            let base: PathBuf = package.split('.').chain(rest.split(':')).collect();
            let found = search_roots(&root, &config, &cwd)
                .into_iter()
                .map(|r| r.join(&base))
                .find(|p| p.is_dir());
            found.unwrap_or_else(|| root.join(&location.value))
        }
        _ => absolute(Path::new(&location.value), &root),
    };
    if !script_dir.is_dir() {
        return Err(fail(format!(
            "{}: script_location ({}) is {}, which does not exist\n  help: Alembic resolves it from the folder it runs in; fix the path or run `alembic init`",
            config_path.display(),
            location.origin,
            script_dir.display()
        )));
    }
    let version_dirs: Vec<PathBuf> = match &config.version_locations {
        Some(locations) => locations
            .iter()
            .map(|l| absolute(Path::new(l), &root))
            .collect(),
        None => vec![script_dir.join("versions")],
    };
    for dir in &version_dirs {
        if !dir.is_dir() {
            return Err(fail(format!(
                "{}: the versions folder {} does not exist\n  help: create it, or fix version_locations",
                config_path.display(),
                dir.display()
            )));
        }
    }
    let env_path = script_dir.join("env.py");
    let env_source = read_text(&env_path)?;
    let env = read_env(&env_source);
    Ok(Project {
        config_path,
        root,
        config,
        script_dir,
        version_dirs,
        env_path,
        env_source,
        env,
    })
}

/// `alembic.ini` in `start` or a folder above it (with the
/// `pyproject.toml` beside it), else a `pyproject.toml` with
/// `[tool.alembic]`.
fn find_upwards(start: &Path) -> Option<(Option<PathBuf>, Option<PathBuf>)> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let ini = d.join("alembic.ini");
        let toml = d.join("pyproject.toml");
        if ini.is_file() {
            return Some((Some(ini), toml.is_file().then_some(toml)));
        }
        if toml.is_file()
            && std::fs::read_to_string(&toml).is_ok_and(|t| t.contains("[tool.alembic]"))
        {
            return Some((None, Some(toml)));
        }
        dir = d.parent();
    }
    None
}

fn absolute(path: &Path, base: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// `[tool.alembic]` of a pyproject.toml, `%(here)s` substituted.
fn tool_alembic(path: &Path) -> Result<Vec<(String, TomlValue)>, ExitCode> {
    let text = read_text(path)?;
    let value: toml::Table = toml::from_str(&text)
        .map_err(|e| fail(format!("{}: error: {}", path.display(), e.message())))?;
    let here = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let here = here.to_string_lossy();
    let Some(toml::Value::Table(table)) = value.get("tool").and_then(|t| t.get("alembic")) else {
        return Ok(Vec::new());
    };
    Ok(table
        .iter()
        .map(|(key, value)| {
            let value = match value {
                toml::Value::String(s) => TomlValue::Text(toml_text(s, &here)),
                toml::Value::Boolean(b) => TomlValue::Bool(*b),
                toml::Value::Integer(i) => TomlValue::Int(*i),
                toml::Value::Array(items) => TomlValue::List(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| toml_text(s, &here)))
                        .collect(),
                ),
                _ => TomlValue::Other,
            };
            (key.clone(), value)
        })
        .collect())
}

/// The folders Python would find the project's modules in: the
/// `prepend_sys_path` entries, the configuration's folder, its `src/`.
fn search_roots(root: &Path, config: &AlembicConfig, cwd: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = config
        .prepend_sys_path
        .iter()
        .map(|p| absolute(Path::new(p), root))
        .collect();
    roots.push(root.to_path_buf());
    roots.push(root.join("src"));
    roots.push(cwd.to_path_buf());
    roots.dedup();
    roots
}

impl Project {
    /// The versions folders' revisions, read with their ops (what they
    /// import from the project's modules followed).
    pub fn folder(&self) -> Result<Folder, ExitCode> {
        let tree = ModuleTree {
            roots: self.module_roots(),
        };
        load_all(
            &self.version_dirs,
            self.config.recursive_version_locations,
            Some(&tree),
        )
    }

    /// Where Python would find the project's modules: the configured
    /// paths, the folder that holds the package env.py is in (a project
    /// installed as a package keeps its migrations inside it), and the
    /// folders above env.py that hold the packages it imports.
    fn module_roots(&self) -> Vec<PathBuf> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut roots = search_roots(&self.root, &self.config, &cwd);
        let add = |dir: &Path, roots: &mut Vec<PathBuf>| {
            if !roots.iter().any(|r| r == dir) {
                roots.push(dir.to_path_buf());
            }
        };
        let mut dir = self.script_dir.as_path();
        while let Some(parent) = dir.parent() {
            if dir.join("__init__.py").is_file() && !parent.join("__init__.py").is_file() {
                add(parent, &mut roots);
                break;
            }
            dir = parent;
        }
        let firsts: Vec<&str> = self
            .env
            .metadata
            .iter()
            .filter_map(|m| m.path.first().map(String::as_str))
            .chain(
                self.env
                    .side_effects
                    .iter()
                    .filter_map(|(m, _)| m.split('.').next()),
            )
            .collect();
        let mut dir = self.env_path.parent();
        while let Some(d) = dir {
            if firsts.iter().any(|f| {
                d.join(f).join("__init__.py").is_file() || d.join(format!("{f}.py")).is_file()
            }) {
                add(d, &mut roots);
            }
            dir = d.parent();
        }
        roots
    }

    /// The models: `--models` or `[tool.retort] models` (the retort
    /// configuration of the project's folder) when given, else what
    /// env.py's `target_metadata` names. Diagnostics are printed; `Err`
    /// when there are no models to compare.
    pub fn models(&self, args: &ProjectArgs) -> Result<Input, ExitCode> {
        let configured = match config::discover(&self.root) {
            Ok(found) => found.models,
            Err(message) => {
                eprintln!("{message}");
                return Err(ExitCode::from(2));
            }
        };
        let named = if args.models.is_empty() {
            &configured
        } else {
            &args.models
        };
        if !named.is_empty() {
            let mut inputs = Vec::new();
            for path in named {
                inputs.push(read_input(path)?);
            }
            let mut input = inputs.remove(0);
            for more in inputs {
                input.schema.tables.extend(more.schema.tables);
                input.schema.enums.extend(more.schema.enums);
                input.schema.sequences.extend(more.schema.sequences);
                input.files.extend(more.files);
            }
            input.print_diagnostics();
            return Ok(input);
        }
        print_diagnostics(&self.env_path, &self.env_source, &self.env.diagnostics);
        if self.env.metadata_is_none {
            eprintln!(
                "{}: error: target_metadata = None: Alembic's autogenerate has no models to compare\n  help: {NAME_MODELS}",
                self.env_path.display()
            );
            return Err(ExitCode::from(2));
        }
        if self.env.metadata.is_empty() {
            return Err(ExitCode::from(2));
        }
        let tree = ModuleTree {
            roots: self.module_roots(),
        };
        let (entries, diagnostics) = model_modules(&self.env, &tree);
        print_diagnostics(&self.env_path, &self.env_source, &diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) || entries.is_empty() {
            return Err(ExitCode::from(2));
        }
        let input = read_modules(entries, tree.roots);
        input.print_diagnostics();
        Ok(input)
    }
}

/// The versions folder given, or the project's folders (found from the
/// current folder).
pub fn folder_or_project(dir: Option<&Path>, args: &ProjectArgs) -> Result<Folder, ExitCode> {
    match dir {
        Some(dir) => load(dir, false, true),
        None => discover(args).and_then(|project| project.folder()),
    }
}
