//! Model files that import one another, read as one program: what importing
//! the entry modules puts in SQLAlchemy's `MetaData`.
//!
//! Python runs an import before the statements after it, so a base, an enum,
//! a mixin or a constant defined in another module is known where it is
//! used. [`read_program`] lays the modules' top-level statements out in that
//! order as one text, keeps a map from that text back to each file, and has
//! the model reader read it with each module's own imports (a name means
//! what its module's imports say, wherever the statement landed).
//!
//! Modules of the entries' own top-level packages are taken whole: once
//! imported, every table they declare is in the metadata. From a module of
//! another package (a library next to the project in `site-packages`) only
//! the statements that bind the imported names are taken, with the
//! statements those use, so a dependency's unrelated code is never read.
//! SQLAlchemy and the standard library are never followed: the reader knows
//! their names.

mod files;
mod syntax;

use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::Stmt;
use ruff_python_ast::visitor::Visitor;
use ruff_text_size::Ranged;

pub use files::{FileSet, module_name};
use syntax::{Import, UsedNames, attributes_used, bound_names, collect_imports, compiled_by};

use super::models::{Scope, read_linked};
use super::resolve::Imports;
use super::{PythonFile, parse};
use crate::diagnostic::Diagnostic;
use crate::schema::Schema;
use crate::text::Span;

/// One Python module: where it is, what Python imports it as, its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleFile {
    /// The path the user knows it by (diagnostics name it).
    pub path: String,
    /// The dotted name Python imports it as (`app.models.user`).
    pub module: String,
    /// An `__init__.py`: its relative imports start at the module itself.
    pub package: bool,
    pub source: String,
}

/// Finds the module Python would import for a dotted name.
pub trait Finder {
    fn find(&self, module: &str) -> Option<ModuleFile>;
}

/// Packages whose names the reader knows itself; their source is never read.
const KNOWN: [&str; 13] = [
    "sqlalchemy",
    "alembic",
    "flask_sqlalchemy",
    "typing",
    "typing_extensions",
    "enum",
    "datetime",
    "decimal",
    "uuid",
    "__future__",
    "builtins",
    "re",
    "os",
];

/// How many modules one read follows at most (a guard against following a
/// whole `site-packages`).
const MAX_MODULES: usize = 2_000;

/// What [`read_program`] read: the files, in the order they were laid out,
/// the schema, and each diagnostic with the index of its file.
#[derive(Debug)]
pub struct Program {
    pub files: Vec<ModuleFile>,
    pub schema: Schema,
    /// `(file index, diagnostic)`, the span in that file's text.
    pub diagnostics: Vec<(usize, Diagnostic)>,
    /// For each table of the schema, the file that declares it.
    pub table_files: Vec<usize>,
}

/// Reads `entries` and every module they import that `finder` finds, as
/// Python would import the entries one after another.
pub fn read_program(entries: Vec<ModuleFile>, finder: &dyn Finder) -> Program {
    read_program_cached(entries, finder, &ParseCache::default())
}

/// Modules parsed by earlier reads, by path: many reads over the same
/// project (a revision file each, all importing the project's types) parse
/// each of its modules once.
#[derive(Default)]
pub struct ParseCache {
    parsed: std::cell::RefCell<HashMap<String, Rc<ParsedModule>>>,
}

/// A module parsed, with its clean statements and its bindings.
struct ParsedModule {
    source: String,
    file: PythonFile,
    clean: Vec<bool>,
    bindings: HashMap<String, Vec<usize>>,
}

/// [`read_program`], parsing each module at most once per `cache`.
pub fn read_program_cached(
    entries: Vec<ModuleFile>,
    finder: &dyn Finder,
    cache: &ParseCache,
) -> Program {
    let own: HashSet<String> = entries.iter().map(|e| top(&e.module).to_string()).collect();
    let mut linker = Linker {
        cache,
        finder,
        own,
        modules: Vec::new(),
        by_name: HashMap::default(),
        executed: HashSet::default(),
        taken: HashSet::default(),
        order: Vec::new(),
        over_budget: false,
        entries: 0,
    };
    let first: Vec<usize> = entries.into_iter().map(|e| linker.add(e, true)).collect();
    linker.entries = first.len();
    for module in first {
        linker.execute(module);
    }
    linker.read()
}

/// Whether a (syntax) diagnostic falls in a statement: the statement is
/// then not laid out, and the diagnostic is the statement's module's.
fn overlaps(diagnostic: &Diagnostic, stmt: &Stmt) -> bool {
    diagnostic.span.start < stmt.end().to_usize() && diagnostic.span.end >= stmt.start().to_usize()
}

/// A module's tree, clean statements and bindings.
fn parse_module(source: &str) -> ParsedModule {
    let file = parse(source);
    let body = &file.module.body;
    let clean = body
        .iter()
        .map(|stmt| !file.diagnostics.iter().any(|d| overlaps(d, stmt)))
        .collect();
    let mut bindings: HashMap<String, Vec<usize>> = HashMap::default();
    for (index, stmt) in body.iter().enumerate() {
        let mut names = Vec::new();
        bound_names(stmt, &mut names);
        for name in names {
            bindings.entry(name).or_default().push(index);
        }
    }
    ParsedModule {
        source: source.to_string(),
        file,
        clean,
        bindings,
    }
}

fn top(module: &str) -> &str {
    module.split('.').next().unwrap_or(module)
}

/// A module found and parsed, with what each of its top-level names is
/// bound by.
struct Loaded {
    file: ModuleFile,
    /// Its tree; `clean`: top-level statements that do not overlap a
    /// syntax error; `bindings`: name → the top-level statements that
    /// bind it.
    shared: Rc<ParsedModule>,
    /// Its text has what declaring a table takes (`Column(`, `Table(`,
    /// `mapped_column(`, `Mapped[`, `__tablename__`), or it is an entry.
    declares: bool,
}

struct Linker<'f> {
    cache: &'f ParseCache,
    finder: &'f dyn Finder,
    /// Top-level packages taken whole.
    own: HashSet<String>,
    modules: Vec<Loaded>,
    /// Module name → its index in `modules` (`None`: not found).
    by_name: HashMap<String, Option<usize>>,
    /// Own modules executed (or being executed: an import cycle).
    executed: HashSet<usize>,
    /// Statements laid out, as (module, statement).
    taken: HashSet<(usize, usize)>,
    order: Vec<(usize, usize)>,
    over_budget: bool,
    /// How many modules were given (the first ones of `modules`).
    entries: usize,
}

impl Linker<'_> {
    fn add(&mut self, file: ModuleFile, entry: bool) -> usize {
        let cached = self
            .cache
            .parsed
            .borrow()
            .get(&file.path)
            .filter(|p| p.source == file.source)
            .cloned();
        let shared = cached.unwrap_or_else(|| {
            let parsed = Rc::new(parse_module(&file.source));
            if !entry {
                self.cache
                    .parsed
                    .borrow_mut()
                    .insert(file.path.clone(), parsed.clone());
            }
            parsed
        });
        let index = self.modules.len();
        self.by_name.insert(file.module.clone(), Some(index));
        let declares = entry
            || [
                "Column(",
                "Table(",
                "mapped_column(",
                "Mapped[",
                "__tablename__",
            ]
            .iter()
            .any(|marker| file.source.contains(marker));
        self.modules.push(Loaded {
            file,
            shared,
            declares,
        });
        index
    }

    /// The module a dotted name is, found and parsed once.
    fn load(&mut self, module: &str) -> Option<usize> {
        if module.is_empty() || KNOWN.contains(&top(module)) {
            return None;
        }
        if let Some(&known) = self.by_name.get(module) {
            return known;
        }
        if self.modules.len() >= MAX_MODULES {
            self.over_budget = true;
            return None;
        }
        match self.finder.find(module) {
            Some(file) => Some(self.add(file, false)),
            None => {
                self.by_name.insert(module.to_string(), None);
                None
            }
        }
    }

    /// Whether a module is taken whole: a module of the entries' own
    /// packages that may declare tables. (A project's other modules —
    /// services, views, utilities — are read like a library's: only what
    /// the models import from them.)
    fn is_whole(&self, module: usize) -> bool {
        self.is_own_package(module) && self.modules[module].declares
    }

    fn is_own_package(&self, module: usize) -> bool {
        self.own.contains(top(&self.modules[module].file.module))
    }

    /// A module imported: run if it is of the own packages, and the
    /// statements binding `names` taken if it is not taken whole.
    fn import(&mut self, module: usize, names: &[String]) {
        if self.is_own_package(module) {
            self.execute(module);
        }
        if !self.is_whole(module) {
            self.request(module, names);
        }
    }

    /// Runs a module of the own packages: after its parent packages
    /// (Python runs `a/__init__.py` before `a.b`), each statement after
    /// the modules it imports — all laid out when it is taken whole; else,
    /// for a package's `__init__`, only its imports followed.
    fn execute(&mut self, module: usize) {
        if !self.executed.insert(module) {
            return;
        }
        let name = self.modules[module].file.module.clone();
        let parts: Vec<&str> = name.split('.').collect();
        for end in 1..parts.len() {
            if let Some(parent) = self.load(&parts[..end].join("."))
                && self.is_own_package(parent)
            {
                self.execute(parent);
            }
        }
        let whole = self.is_whole(module);
        if !whole && !self.modules[module].file.package {
            return;
        }
        for index in 0..self.modules[module].shared.file.module.body.len() {
            if whole {
                self.follow_imports(module, index);
                self.take(module, index);
            } else {
                self.follow_submodules(module, index);
            }
        }
    }

    /// A package's `__init__` that declares no table: the modules below it
    /// that it imports are run (`from .user import User` puts the users
    /// table in the metadata); what it imports from elsewhere, and the
    /// names, matter only when something imports them from it.
    fn follow_submodules(&mut self, package: usize, index: usize) {
        let mut imports = Vec::new();
        collect_imports(
            &self.modules[package].shared.file.module.body[index],
            &mut imports,
        );
        let below = format!("{}.", self.modules[package].file.module);
        let mut targets: Vec<String> = Vec::new();
        for import in imports {
            match import {
                Import::Module(name, _) => targets.push(name),
                Import::From { level, from, names } => {
                    let Some(base) = self.absolute(package, level, from.as_deref()) else {
                        continue;
                    };
                    targets.extend(names.iter().map(|(name, _)| format!("{base}.{name}")));
                    targets.push(base);
                }
            }
        }
        for target in targets {
            if !target.starts_with(&below) {
                continue;
            }
            if let Some(found) = self.load(&target)
                && (self.is_whole(found) || self.modules[found].file.package)
            {
                self.execute(found);
            }
        }
    }

    /// Lays out one statement (once), after what it needs from its module
    /// when the module is not taken whole.
    fn take(&mut self, module: usize, index: usize) {
        if self.taken.contains(&(module, index)) {
            return;
        }
        self.taken.insert((module, index));
        if !self.is_whole(module) {
            let stmt = &self.modules[module].shared.file.module.body[index];
            let mut used = UsedNames::default();
            used.visit_stmt(stmt);
            // What function bodies use is followed within the module (a
            // table helper's constants, a declared_attr's naming helper),
            // not into the modules it imports: those calls happen at run
            // time, not when the models are declared.
            let loaded = &self.modules[module];
            let is_import = |&i: &usize| {
                matches!(
                    loaded.shared.file.module.body[i],
                    Stmt::Import(_) | Stmt::ImportFrom(_)
                )
            };
            let mut needed: Vec<usize> = used
                .names
                .iter()
                .filter_map(|name| loaded.shared.bindings.get(name))
                .flatten()
                .copied()
                .collect();
            needed.extend(
                used.later
                    .iter()
                    .filter_map(|name| loaded.shared.bindings.get(name))
                    .flatten()
                    .copied()
                    .filter(|i| !is_import(i)),
            );
            needed.retain(|&other| other != index);
            // A SQL element class brings the `@compiles` functions that
            // give its SQL (they bind other names, so nothing asks for them).
            if let Stmt::ClassDef(class) = stmt {
                needed.extend(compiled_by(
                    &loaded.shared.file.module.body,
                    class.name.as_str(),
                ));
            }
            for other in needed {
                self.take(module, other);
            }
            self.follow_imports(module, index);
        }
        self.order.push((module, index));
    }

    /// The imports in a top-level statement (or in the `if`/`try` blocks at
    /// top level): own modules executed, names of other modules taken.
    fn follow_imports(&mut self, module: usize, index: usize) {
        let mut imports = Vec::new();
        collect_imports(
            &self.modules[module].shared.file.module.body[index],
            &mut imports,
        );
        for import in imports {
            match import {
                Import::Module(name, alias) => {
                    let parts: Vec<&str> = name.split('.').collect();
                    for end in 1..=parts.len() {
                        let prefix = parts[..end].join(".");
                        if let Some(found) = self.load(&prefix)
                            && self.is_own_package(found)
                        {
                            self.execute(found);
                        }
                    }
                    // `import app.schemas as schemas`: what is read on it;
                    // `import app.schemas`: what is read on `app`.
                    let (local, target) = match &alias {
                        Some(alias) => (alias.clone(), name.clone()),
                        None => (parts[0].to_string(), parts[0].to_string()),
                    };
                    if let Some(found) = self.load(&target) {
                        let used =
                            attributes_used(&self.modules[module].shared.file.module.body, &local);
                        self.import_chains(found, &used);
                    }
                }
                Import::From { level, from, names } => {
                    let Some(base) = self.absolute(module, level, from.as_deref()) else {
                        continue;
                    };
                    let Some(found) = self.load(&base) else {
                        continue;
                    };
                    let wanted: Vec<String> = names.iter().map(|(n, _)| n.clone()).collect();
                    self.import(found, &wanted);
                    // `from pkg import module`: a module, not a name of pkg.
                    for (name, local) in &names {
                        if name == "*" {
                            continue;
                        }
                        let Some(sub) = self.load(&format!("{base}.{name}")) else {
                            continue;
                        };
                        let used =
                            attributes_used(&self.modules[module].shared.file.module.body, local);
                        self.import_chains(sub, &used);
                    }
                }
            }
        }
    }

    /// A module used as an object: each chain of attributes read on it
    /// (`states.StateType` of `schemas.states.StateType`) goes into the
    /// submodule it names, and its last part is imported from there.
    fn import_chains(&mut self, module: usize, chains: &[Vec<String>]) {
        let mut names: Vec<String> = Vec::new();
        for chain in chains {
            let Some((first, rest)) = chain.split_first() else {
                continue;
            };
            let sub = format!("{}.{first}", self.modules[module].file.module);
            if !rest.is_empty()
                && !self.modules[module].shared.bindings.contains_key(first)
                && let Some(found) = self.load(&sub)
            {
                self.import_chains(found, &[rest.to_vec()]);
            } else {
                names.push(first.clone());
            }
        }
        self.import(module, &names);
    }

    /// Takes the statements of a module of another package that bind
    /// `names` (`*`: every public name).
    fn request(&mut self, module: usize, names: &[String]) {
        let bindings = &self.modules[module].shared.bindings;
        let mut wanted: Vec<usize> = if names.iter().any(|n| n == "*") {
            bindings
                .iter()
                .filter(|(name, _)| !name.starts_with('_'))
                .flat_map(|(_, statements)| statements.iter().copied())
                .collect()
        } else {
            names
                .iter()
                .filter_map(|n| bindings.get(n))
                .flatten()
                .copied()
                .collect()
        };
        wanted.sort_unstable();
        wanted.dedup();
        for index in wanted {
            self.take(module, index);
        }
    }

    /// The dotted module a `from` import names, relative ones resolved
    /// from the importing module.
    fn absolute(&self, module: usize, level: u32, from: Option<&str>) -> Option<String> {
        if level == 0 {
            return from.map(str::to_string);
        }
        let file = &self.modules[module].file;
        let mut parts: Vec<&str> = file.module.split('.').collect();
        if !file.package {
            parts.pop();
        }
        for _ in 1..level {
            parts.pop()?;
        }
        if let Some(from) = from {
            parts.extend(from.split('.'));
        }
        Some(parts.join("."))
    }

    /// What a name imported from a project module is bound to there, when
    /// that module imported it in turn (`from app.extensions import db`,
    /// where `db` is a `SQLAlchemy()`; a type re-exported by a `compat`
    /// module). `None`: the module defines it, or was not read.
    fn reexported(
        &self,
        originals: &[Imports],
        module: usize,
        path: &[String],
        depth: usize,
    ) -> Option<Vec<String>> {
        if depth > 16 {
            return None;
        }
        let absolute = self.absolute_path(module, path)?;
        let (name, owner) = absolute.split_last()?;
        let &Some(owner) = self.by_name.get(&owner.join("."))? else {
            return None;
        };
        let next = originals[owner].binding(name)?;
        Some(
            self.reexported(originals, owner, next, depth + 1)
                .or_else(|| self.absolute_path(owner, next))
                .unwrap_or_else(|| next.to_vec()),
        )
    }

    /// A bound path with its leading dots (a relative import) resolved
    /// from `module`.
    fn absolute_path(&self, module: usize, path: &[String]) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        if !first.starts_with('.') {
            return Some(path.to_vec());
        }
        let base = self.absolute(module, first.len() as u32, None)?;
        let mut absolute: Vec<String> = base
            .split('.')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        absolute.extend(rest.iter().cloned());
        Some(absolute)
    }

    /// Lays the statements out as one text and reads it.
    fn read(self) -> Program {
        let mut text = String::new();
        // (start in `text`, module, start in the module's text, length).
        let mut segments: Vec<(usize, usize, usize, usize)> = Vec::new();
        for &(module, index) in &self.order {
            let loaded = &self.modules[module];
            if !loaded.shared.clean[index] {
                continue;
            }
            let range = loaded.shared.file.module.body[index].range();
            let (start, end) = (range.start().to_usize(), range.end().to_usize());
            let Some(source) = loaded.file.source.get(start..end) else {
                continue;
            };
            segments.push((text.len(), module, start, end - start));
            text.push_str(source);
            text.push('\n');
        }
        let mut diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
        for (index, loaded) in self.modules.iter().enumerate() {
            // Another package's syntax errors matter only where its
            // statements were needed.
            let own = self.is_own_package(index);
            let relevant = |d: &&Diagnostic| {
                own || loaded
                    .shared
                    .file
                    .module
                    .body
                    .iter()
                    .enumerate()
                    .any(|(i, stmt)| self.taken.contains(&(index, i)) && overlaps(d, stmt))
            };
            diagnostics.extend(
                loaded
                    .shared
                    .file
                    .diagnostics
                    .iter()
                    .filter(relevant)
                    .map(|d| (index, d.clone())),
            );
        }
        let linked = parse(&text);
        let originals: Vec<Imports> = self
            .modules
            .iter()
            .map(|m| Imports::from_statements(&m.shared.file.module.body))
            .collect();
        let mut scopes: Vec<Scope> = Vec::new();
        for &(start, module, _, _) in &segments {
            if scopes.last().is_some_and(|s| s.module_index == module) {
                continue;
            }
            let mut imports = originals[module].clone();
            imports.relink(|path| {
                self.reexported(&originals, module, path, 0).or_else(|| {
                    path.first()
                        .is_some_and(|p| p.starts_with('.'))
                        .then(|| self.absolute_path(module, path))
                        .flatten()
                })
            });
            scopes.push(Scope {
                start,
                imports,
                module: self.modules[module].file.module.clone(),
                module_index: module,
            });
        }
        let (mut schema, read) = read_linked(&linked.module.body, scopes, self.entries);
        let place = |span: Span| -> (usize, Span) {
            let at = segments.partition_point(|s| s.0 <= span.start);
            let Some(&(start, module, origin, len)) = at.checked_sub(1).map(|i| &segments[i])
            else {
                return (0, Span::new(0, 0));
            };
            let shift = |offset: usize| origin + offset.saturating_sub(start).min(len);
            (
                module,
                Span::new(shift(span.start), shift(span.end.max(span.start))),
            )
        };
        for d in linked.diagnostics.into_iter().chain(read) {
            let (module, span) = place(d.span);
            diagnostics.push((module, Diagnostic { span, ..d }));
        }
        if self.over_budget {
            diagnostics.push((
                0,
                Diagnostic::warning(
                    Span::new(0, 0),
                    format!("more than {MAX_MODULES} modules are imported; the rest are not read"),
                )
                .with_help("read the models' own package (a folder) rather than what it imports"),
            ));
        }
        let mut table_files = Vec::with_capacity(schema.tables.len());
        for table in &mut schema.tables {
            let (module, span) = place(table.span);
            table.span = span;
            for column in &mut table.columns {
                column.span = place(column.span).1;
            }
            table_files.push(module);
        }
        Program {
            files: self.modules.into_iter().map(|m| m.file).collect(),
            schema,
            diagnostics,
            table_files,
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// `m/base.py` and `m/a.py` of the package tests.
    const BASE: &str = "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n";
    const TABLE_A: &str = "from sqlalchemy import Column, Integer\nfrom .base import Base\n\
                           class A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n";

    fn files(list: &[(&str, &str)]) -> FileSet {
        FileSet::new(list.iter().map(|(p, t)| (p.to_string(), t.to_string())))
    }

    fn read(set: &FileSet, entry: &str) -> Program {
        let entry = set.at(entry).cloned().expect("entry in the set");
        read_program(vec![entry], set)
    }

    fn messages(program: &Program) -> Vec<String> {
        program
            .diagnostics
            .iter()
            .map(|(file, d)| {
                format!(
                    "{}:{}: {}",
                    program.files[*file].path, d.span.start, d.message
                )
            })
            .collect()
    }

    #[test]
    fn modules_are_named_by_their_packages() {
        let set = files(&[
            ("src/app/__init__.py", ""),
            ("src/app/models/__init__.py", ""),
            ("src/app/models/user.py", ""),
            ("src/tool.py", ""),
            ("README.md", ""),
        ]);
        let names: Vec<(&str, &str, bool)> = set
            .modules()
            .iter()
            .map(|m| (m.path.as_str(), m.module.as_str(), m.package))
            .collect();
        assert_eq!(
            names,
            [
                ("src/app/__init__.py", "app", true),
                ("src/app/models/__init__.py", "app.models", true),
                ("src/app/models/user.py", "app.models.user", false),
                ("src/tool.py", "tool", false),
            ]
        );
    }

    #[test]
    fn a_base_and_an_enum_from_other_modules_are_followed() {
        let set = files(&[
            ("app/__init__.py", ""),
            (
                "app/base.py",
                "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n",
            ),
            (
                "app/kinds.py",
                "import enum\nclass Kind(enum.Enum):\n    a = 1\n    b = 2\nNAME_LENGTH = 40\n",
            ),
            (
                "app/models.py",
                "import sqlalchemy as sa\nfrom sqlalchemy.orm import Mapped, mapped_column\n\
                 from .base import Base\nfrom app.kinds import Kind, NAME_LENGTH\n\
                 class User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    \
                 name: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))\n    kind: Mapped[Kind]\n",
            ),
        ]);
        let program = read(&set, "app/models.py");
        assert_eq!(messages(&program), Vec::<String>::new());
        let users = &program.schema.tables[0];
        assert_eq!(users.name, "users");
        let types: Vec<String> = users.columns.iter().map(|c| c.ty.to_string()).collect();
        assert_eq!(types, ["INTEGER", "VARCHAR(40)", "kind"]);
        assert_eq!(program.schema.enums[0].values, ["a", "b"]);
        assert_eq!(program.files[program.table_files[0]].path, "app/models.py");
    }

    #[test]
    fn a_package_that_reexports_its_modules_reads_every_table() {
        let set = files(&[
            (
                "m/__init__.py",
                "from .a import A\nfrom .b import *\n__all__ = ['A', 'B']\n",
            ),
            ("m/base.py", BASE),
            ("m/a.py", TABLE_A),
            (
                "m/b.py",
                "from sqlalchemy import Column, Integer, ForeignKey\nfrom m.base import Base\n\
                 class B(Base):\n    __tablename__ = 'b'\n    id = Column(Integer, primary_key=True)\n    \
                 a_id = Column(ForeignKey('a.id'))\n",
            ),
        ]);
        let program = read(&set, "m/__init__.py");
        assert_eq!(messages(&program), Vec::<String>::new());
        let names: Vec<&str> = program
            .schema
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        // Typed by its foreign key across modules.
        assert_eq!(
            program.schema.tables[1].columns[1].ty.to_string(),
            "INTEGER"
        );
        let files: Vec<&str> = program
            .table_files
            .iter()
            .map(|&f| program.files[f].path.as_str())
            .collect();
        assert_eq!(files, ["m/a.py", "m/b.py"]);
    }

    #[test]
    fn a_module_is_read_after_its_packages() {
        let set = files(&[
            ("m/__init__.py", "from . import a, b\n"),
            ("m/base.py", BASE),
            ("m/a.py", TABLE_A),
            (
                "m/b.py",
                "from sqlalchemy import Column, ForeignKey\nfrom .base import Base\n\
                 class B(Base):\n    __tablename__ = 'b'\n    a_id = Column(ForeignKey('a.id'), primary_key=True)\n",
            ),
        ]);
        // Importing m.b runs m/__init__.py first, which imports m.a.
        let program = read(&set, "m/b.py");
        assert_eq!(messages(&program), Vec::<String>::new());
        let names: Vec<&str> = program
            .schema
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn tables_of_another_metadata_are_not_the_entrys() {
        let table = |metadata: &str, extra: &str| {
            format!(
                "import sqlalchemy as sa\n{metadata} = sa.MetaData()\n\
                 index = sa.Table('secondary_indexes', {metadata}, sa.Column('id', sa.Integer, primary_key=True))\n{extra}"
            )
        };
        let runs = table(
            "RunsMetadata",
            "from app.events import EventsMetadata\nruns = sa.Table('runs', RunsMetadata, sa.Column('id', sa.Integer))\n",
        );
        let events = table("EventsMetadata", "");
        let set = files(&[
            ("app/__init__.py", ""),
            ("app/runs.py", &runs),
            ("app/events.py", &events),
        ]);
        let program = read(&set, "app/runs.py");
        // The same name in two MetaData objects is no clash; the events
        // metadata, filled by the import, is not the one runs.py fills.
        assert_eq!(messages(&program), Vec::<String>::new());
        let names: Vec<&str> = program
            .schema
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["secondary_indexes", "runs"]);
        assert_eq!(program.files[program.table_files[0]].path, "app/runs.py");
        // Both modules asked for: both metadata, one table of each name.
        let both = read_program(set.modules().to_vec(), &set);
        assert_eq!(both.schema.tables.len(), 2);
        assert!(
            both.diagnostics
                .iter()
                .any(|(_, d)| d.message.contains("also in another MetaData"))
        );
    }

    #[test]
    fn a_base_and_a_mixin_imported_under_other_names_are_followed() {
        let set = files(&[
            ("p/__init__.py", ""),
            (
                "p/base.py",
                "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\
                 Base = declarative_base()\nclass IdMixin:\n    id = Column(Integer, primary_key=True)\n",
            ),
            (
                "p/models.py",
                "from sqlalchemy import Column, String\nfrom .base import Base as ModelBase, IdMixin as WithId\n\
                 class User(WithId, ModelBase):\n    __tablename__ = 'users'\n    name = Column(String(20))\n",
            ),
        ]);
        let program = read(&set, "p/models.py");
        assert_eq!(messages(&program), Vec::<String>::new());
        let columns: Vec<&str> = program.schema.tables[0]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(columns, ["name", "id"]);
    }

    #[test]
    fn an_import_cycle_is_read_once() {
        let set = files(&[
            (
                "a.py",
                "from b import Base\nfrom sqlalchemy import Column, Integer\n\
                 class A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n",
            ),
            (
                "b.py",
                "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\nimport a\n",
            ),
        ]);
        let program = read(&set, "a.py");
        assert_eq!(messages(&program), Vec::<String>::new());
        assert_eq!(program.schema.tables.len(), 1);
    }

    #[test]
    fn from_another_package_only_what_is_imported_is_read() {
        let set = files(&[
            (
                "lib/__init__.py",
                "from .model import Model\nimport something_heavy\nclass Unrelated(Model):\n    __tablename__ = 'not_ours'\n",
            ),
            (
                "lib/model.py",
                "from sqlalchemy.orm import declarative_base\nfrom sqlalchemy import MetaData\n\
                 convention = {'pk': 'pk_%(table_name)s'}\nModel = declarative_base(metadata=MetaData(naming_convention=convention))\n\
                 def unrelated(:\n",
            ),
            (
                "app.py",
                "from lib import Model\nfrom sqlalchemy import Column, Integer\n\
                 class T(Model):\n    __tablename__ = 't'\n    id = Column(Integer, primary_key=True)\n",
            ),
        ]);
        let program = read(&set, "app.py");
        let names: Vec<&str> = program
            .schema
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["t"]);
        let pk = program.schema.tables[0].primary_key.as_ref().expect("pk");
        assert_eq!(pk.name.as_deref(), Some("pk_t"));
        // The library's syntax error is in code that is not needed.
        assert_eq!(messages(&program), Vec::<String>::new());
    }

    #[test]
    fn a_diagnostic_points_into_the_file_it_is_about() {
        let models = "from .base import Base\nfrom sqlalchemy import Column\n\
                      class A(Base):\n    __tablename__ = 'a'\n    id = Column(Mystery, primary_key=True)\n";
        let set = files(&[
            ("p/__init__.py", ""),
            (
                "p/base.py",
                "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n",
            ),
            ("p/models.py", models),
        ]);
        let program = read(&set, "p/models.py");
        let (file, diagnostic) = program
            .diagnostics
            .iter()
            .find(|(_, d)| d.message.contains("Mystery"))
            .expect("a diagnostic on the unknown type");
        assert_eq!(program.files[*file].path, "p/models.py");
        assert_eq!(
            &models[diagnostic.span.start..diagnostic.span.end],
            "Mystery"
        );
        let column = &program.schema.tables[0].columns[0];
        assert!(
            models[column.span.start..column.span.end].contains("Column(Mystery"),
            "{:?}",
            &models[column.span.start..column.span.end]
        );
    }
}
