//! Python files held in memory, found by module name.

use rustc_hash::FxHashSet as HashSet;

use super::{Finder, ModuleFile};

/// Python files held in memory (a dropped folder, a zip, a test), named as
/// Python would import them: a file's packages are the folders above it
/// that hold an `__init__.py`.
#[derive(Debug, Clone, Default)]
pub struct FileSet {
    files: Vec<ModuleFile>,
}

/// What Python imports the file at `path` (`/`-separated) as: the folders
/// above it for which `is_package` holds (they have an `__init__.py`) are
/// its packages. Returns the folder its top package is in (the `sys.path`
/// entry that finds it), the dotted name, and whether it is a package's
/// `__init__.py` (named after its folder).
pub fn module_name(path: &str, is_package: impl Fn(&str) -> bool) -> (&str, String, bool) {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file.strip_suffix(".py").unwrap_or(file);
    let package = stem == "__init__";
    let mut parts: Vec<&str> = Vec::new();
    let mut at = dir;
    while !at.is_empty() && is_package(at) {
        let (parent, last) = at.rsplit_once('/').unwrap_or(("", at));
        if last.is_empty() {
            break;
        }
        parts.push(last);
        at = if parent.is_empty() && path.starts_with('/') {
            "/"
        } else {
            parent
        };
    }
    parts.reverse();
    if !package || parts.is_empty() {
        parts.push(stem);
    }
    (at, parts.join("."), package)
}

impl FileSet {
    /// The `.py` files among `(path, text)` pairs; other files are left out.
    pub fn new(files: impl IntoIterator<Item = (String, String)>) -> Self {
        let files: Vec<(String, String)> = files
            .into_iter()
            .filter(|(path, _)| path.ends_with(".py"))
            .collect();
        let inits: HashSet<&str> = files
            .iter()
            .filter_map(|(path, _)| path.strip_suffix("__init__.py"))
            .map(|dir| dir.trim_end_matches('/'))
            .collect();
        let names: Vec<(String, bool)> = files
            .iter()
            .map(|(path, _)| {
                let (_, module, package) = module_name(path, |dir| inits.contains(dir));
                (module, package)
            })
            .collect();
        let mut modules: Vec<ModuleFile> = files
            .into_iter()
            .zip(names)
            .map(|((path, source), (module, package))| ModuleFile {
                path,
                module,
                package,
                source,
            })
            .collect();
        modules.sort_by(|a, b| a.path.cmp(&b.path));
        FileSet { files: modules }
    }

    /// Every module, by path.
    pub fn modules(&self) -> &[ModuleFile] {
        &self.files
    }

    /// The module at `path`.
    pub fn at(&self, path: &str) -> Option<&ModuleFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

impl Finder for FileSet {
    fn find(&self, module: &str) -> Option<ModuleFile> {
        if let Some(file) = self.files.iter().find(|f| f.module == module) {
            return Some(file.clone());
        }
        // A folder without `__init__.py` is a namespace package: match the
        // end of the path.
        let path = module.replace('.', "/");
        let as_file = format!("{path}.py");
        let as_package = format!("{path}/__init__.py");
        self.files
            .iter()
            .find(|f| {
                [&as_file, &as_package].iter().any(|end| {
                    f.path == **end
                        || f.path
                            .strip_suffix(end.as_str())
                            .is_some_and(|p| p.ends_with('/'))
                })
            })
            .cloned()
    }
}
