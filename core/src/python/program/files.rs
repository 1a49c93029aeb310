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
        let mut modules: Vec<ModuleFile> = files
            .iter()
            .map(|(path, source)| {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
                let stem = name.trim_end_matches(".py");
                let package = stem == "__init__";
                let mut parts: Vec<&str> = Vec::new();
                let mut at = dir;
                while !at.is_empty() && inits.contains(at) {
                    let (parent, last) = at.rsplit_once('/').unwrap_or(("", at));
                    parts.push(last);
                    at = parent;
                }
                parts.reverse();
                if !package || parts.is_empty() {
                    parts.push(stem);
                }
                ModuleFile {
                    path: path.clone(),
                    module: parts.join("."),
                    package,
                    source: source.clone(),
                }
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
    fn find(&mut self, module: &str) -> Option<ModuleFile> {
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
