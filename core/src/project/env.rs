//! What a project's `env.py` hands Alembic, read without running it: the
//! `target_metadata` (followed through env.py's imports to the modules
//! that declare the models), the modules it imports for their side
//! effects, and the options it passes to `context.configure`.

use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};

use super::filter::Filter;
use crate::diagnostic::Diagnostic;
use crate::python::{self, Finder, ModuleFile};
use crate::text::Span;

/// The help every "cannot follow" diagnostic carries.
pub const NAME_MODELS: &str = "name the model modules instead: `--models PATH…`, or `[tool.retort] models = [\"…\"]` in pyproject.toml";

/// One metadata `target_metadata` names, as written: the dotted path from
/// a name env.py imports (`optuna.storages._rdb.models.BaseModel.metadata`,
/// `orm.Base.metadata` after `from jupyterhub import orm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataRef {
    /// The module path and attribute names, the import resolved
    /// (`["jupyterhub", "orm", "Base", "metadata"]`).
    pub path: Vec<String>,
    pub span: Span,
}

/// An `env.py`, read.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// The metadata objects `target_metadata` names (several for a list).
    /// Empty with a diagnostic when it cannot be followed; empty without
    /// one when it is `None`.
    pub metadata: Vec<MetadataRef>,
    /// Whether `target_metadata = None` (autogenerate then refuses to run).
    pub metadata_is_none: bool,
    /// Modules imported at the top level and never used by name: imported
    /// for their side effects (models registering their tables).
    pub side_effects: Vec<(String, Span)>,
    pub options: ConfigureOptions,
    pub diagnostics: Vec<Diagnostic>,
}

/// The `context.configure` options retort honours, as env.py gives them
/// (`None`: not given, Alembic's default applies).
#[derive(Debug, Clone, Default)]
pub struct ConfigureOptions {
    pub compare_type: Option<bool>,
    pub compare_server_default: Option<bool>,
    pub include_schemas: Option<bool>,
    pub render_as_batch: Option<bool>,
    pub transaction_per_migration: Option<bool>,
    pub include_object: Option<Filter>,
    pub include_name: Option<Filter>,
    pub version_table: Option<String>,
    pub version_table_schema: Option<String>,
}

impl ConfigureOptions {
    /// `compare_type`: on by default since Alembic 1.12.
    pub fn compares_types(&self) -> bool {
        self.compare_type.unwrap_or(true)
    }

    /// `compare_server_default`: off by default (Alembic's own template
    /// leaves it off).
    pub fn compares_server_defaults(&self) -> bool {
        self.compare_server_default.unwrap_or(false)
    }
}

/// What a name bound at env.py's top level is.
enum Bound<'a> {
    /// `import a.b.c` binds `a` to the module `a`; `import a.b as x`
    /// binds `x` to `a.b`.
    Module(Vec<String>),
    /// `from m import n` binds `n` to `m.n` (a module or a name in `m`).
    From(Vec<String>),
    /// `name = value`.
    Value(&'a Expr),
    /// `def name(...)`.
    Function(&'a StmtFunctionDef),
}

/// Reads `source`, an `env.py`.
pub fn read_env(source: &str) -> Env {
    let parsed = python::parse(source);
    let mut env = Env {
        diagnostics: parsed
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .collect(),
        ..Env::default()
    };
    let body = &parsed.module.body;
    let mut names: Vec<(String, Bound<'_>, Span)> = Vec::new();
    let mut statements = Vec::new();
    flatten(body, &mut statements);
    for stmt in &statements {
        bind(stmt, &mut names);
    }
    let lookup = |name: &str| names.iter().rev().find(|(n, _, _)| n == name);

    // target_metadata: the module-level binding, else the keyword of a
    // `configure(...)` call.
    let mut calls = Vec::new();
    for stmt in body {
        configure_calls(stmt, &mut calls, false);
    }
    let target = match lookup("target_metadata") {
        Some((_, Bound::Value(value), _)) => Some(*value),
        _ => calls
            .iter()
            .find_map(|(call, _)| python::keyword(&call.arguments, "target_metadata")),
    };
    match target {
        None => env.diagnostics.push(
            Diagnostic::error(
                Span::new(0, 0),
                "env.py names no `target_metadata`: autogenerate has no models to compare",
            )
            .with_help(NAME_MODELS),
        ),
        Some(Expr::NoneLiteral(_)) => env.metadata_is_none = true,
        Some(expr) => {
            let mut found = Vec::new();
            metadata_refs(expr, &lookup, &mut found, &mut env.diagnostics, 0);
            env.metadata = found;
        }
    }

    // Imports never used by name.
    for stmt in &statements {
        let (names_bound, module) = match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.id.to_string();
                    let local = alias.asname.as_ref().map_or_else(
                        || module.split('.').next().unwrap_or_default().to_string(),
                        |a| a.id.to_string(),
                    );
                    if !used(body, &local) {
                        env.side_effects.push((module, span_of(stmt)));
                    }
                }
                continue;
            }
            Stmt::ImportFrom(from) if from.level == 0 => (
                from.names
                    .iter()
                    .map(|a| {
                        let local = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
                        (a.name.id.to_string(), local)
                    })
                    .collect::<Vec<_>>(),
                from.module
                    .as_ref()
                    .map(|m| m.id.to_string())
                    .unwrap_or_default(),
            ),
            _ => continue,
        };
        for (name, local) in names_bound {
            if !used(body, &local) {
                env.side_effects
                    .push((format!("{module}.{name}"), span_of(stmt)));
            }
        }
    }

    // The options: an online run's `configure(...)` wins over an offline
    // one; keywords come from the call and from dicts splatted into it.
    calls.sort_by_key(|(_, online)| *online);
    let mut keywords: Vec<(&str, &Expr)> = Vec::new();
    for stmt in &statements {
        if let Stmt::Assign(assign) = stmt {
            dict_keywords(&assign.value, &mut keywords);
        }
    }
    for (call, _) in &calls {
        for keyword in &call.arguments.keywords {
            match &keyword.arg {
                Some(arg) => keywords.push((arg.id.as_str(), &keyword.value)),
                None => dict_keywords(&keyword.value, &mut keywords),
            }
        }
    }
    for (name, value) in keywords {
        option(name, value, &lookup, &mut env);
    }
    env
}

fn span_of(node: &impl ruff_text_size::Ranged) -> Span {
    let range = node.range();
    Span::new(range.start().to_usize(), range.end().to_usize())
}

/// A module's top level with the bodies of its `if`s and `try`s (which
/// run at import as its own).
fn flatten<'a>(body: &'a [Stmt], out: &mut Vec<&'a Stmt>) {
    for stmt in body {
        match stmt {
            Stmt::If(block) => {
                flatten(&block.body, out);
                for clause in &block.elif_else_clauses {
                    flatten(&clause.body, out);
                }
            }
            Stmt::Try(block) => {
                flatten(&block.body, out);
                flatten(&block.orelse, out);
            }
            other => out.push(other),
        }
    }
}

fn bind<'a>(stmt: &'a Stmt, names: &mut Vec<(String, Bound<'a>, Span)>) {
    let span = span_of(stmt);
    match stmt {
        Stmt::Import(import) => {
            for alias in &import.names {
                let path: Vec<String> = alias.name.id.split('.').map(str::to_string).collect();
                match &alias.asname {
                    Some(local) => names.push((local.id.to_string(), Bound::Module(path), span)),
                    None => {
                        let first = path[0].clone();
                        names.push((first.clone(), Bound::Module(vec![first]), span));
                    }
                }
            }
        }
        Stmt::ImportFrom(from) if from.level == 0 => {
            let module: Vec<String> = from
                .module
                .as_ref()
                .map(|m| m.id.split('.').map(str::to_string).collect())
                .unwrap_or_default();
            for alias in &from.names {
                let mut path = module.clone();
                path.push(alias.name.id.to_string());
                let local = alias.asname.as_ref().unwrap_or(&alias.name);
                names.push((local.id.to_string(), Bound::From(path), span));
            }
        }
        Stmt::Assign(assign) => {
            if let [Expr::Name(target)] = assign.targets.as_slice() {
                names.push((target.id.to_string(), Bound::Value(&assign.value), span));
            }
        }
        Stmt::AnnAssign(assign) => {
            if let (Expr::Name(target), Some(value)) = (&*assign.target, &assign.value) {
                names.push((target.id.to_string(), Bound::Value(value), span));
            }
        }
        Stmt::FunctionDef(def) => {
            names.push((def.name.id.to_string(), Bound::Function(def), span));
        }
        _ => {}
    }
}

type Lookup<'l, 'a> = dyn Fn(&str) -> Option<&'l (String, Bound<'a>, Span)> + 'l;

/// The metadata objects `expr` names.
fn metadata_refs<'a>(
    expr: &Expr,
    lookup: &Lookup<'_, 'a>,
    out: &mut Vec<MetadataRef>,
    diagnostics: &mut Vec<Diagnostic>,
    depth: usize,
) {
    let cannot = |diagnostics: &mut Vec<Diagnostic>, why: String| {
        diagnostics.push(
            Diagnostic::error(span_of(expr), format!("target_metadata: {why}"))
                .with_help(NAME_MODELS),
        );
    };
    match expr {
        Expr::List(list) => {
            for item in &list.elts {
                metadata_refs(item, lookup, out, diagnostics, depth);
            }
            return;
        }
        Expr::Tuple(tuple) => {
            for item in &tuple.elts {
                metadata_refs(item, lookup, out, diagnostics, depth);
            }
            return;
        }
        _ => {}
    }
    let Some(mut written) = dotted(expr) else {
        return cannot(
            diagnostics,
            format!(
                "`{}` is computed when env.py runs; retort follows names and attributes only",
                short(expr)
            ),
        );
    };
    let first = written.remove(0);
    match lookup(&first) {
        Some((_, Bound::Module(path) | Bound::From(path), _)) => {
            let mut path = path.clone();
            path.extend(written);
            out.push(MetadataRef {
                path,
                span: span_of(expr),
            });
        }
        Some((_, Bound::Value(value), _)) if depth < 8 => {
            if dotted(value).is_none() && !matches!(value, Expr::List(_) | Expr::Tuple(_)) {
                return cannot(
                    diagnostics,
                    format!("`{first}` is `{}`, built when env.py runs", short(value)),
                );
            }
            if written.is_empty() {
                metadata_refs(value, lookup, out, diagnostics, depth + 1);
            } else {
                let Some(mut base) = dotted(value) else {
                    return cannot(
                        diagnostics,
                        format!("`{first}` is not a name retort can follow"),
                    );
                };
                let head = base.remove(0);
                match lookup(&head) {
                    Some((_, Bound::Module(path) | Bound::From(path), _)) => {
                        let mut path = path.clone();
                        path.extend(base);
                        path.extend(written);
                        out.push(MetadataRef {
                            path,
                            span: span_of(expr),
                        });
                    }
                    _ => cannot(
                        diagnostics,
                        format!(
                            "`{head}` is defined in env.py itself; retort reads models from the modules env.py imports"
                        ),
                    ),
                }
            }
        }
        Some(_) => cannot(
            diagnostics,
            format!("`{first}` is not a name retort can follow"),
        ),
        None => cannot(
            diagnostics,
            format!("`{first}` is neither imported nor assigned at env.py's top level"),
        ),
    }
}

/// `a.b.c` as its names.
fn dotted(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Name(name) => Some(vec![name.id.to_string()]),
        Expr::Attribute(attribute) => {
            let mut path = dotted(&attribute.value)?;
            path.push(attribute.attr.id.to_string());
            Some(path)
        }
        _ => None,
    }
}

/// An expression's kind, for messages.
fn short(expr: &Expr) -> String {
    match expr {
        Expr::Call(call) => match dotted(&call.func) {
            Some(path) => format!("{}(…)", path.join(".")),
            None => "a call".to_string(),
        },
        Expr::Subscript(_) => "a subscript".to_string(),
        _ => "an expression".to_string(),
    }
}

/// Whether `name` is read anywhere in `body` (beyond being bound).
fn used(body: &[Stmt], name: &str) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Reads<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'x> Visitor<'x> for Reads<'_> {
        fn visit_expr(&mut self, expr: &'x Expr) {
            if let Expr::Name(n) = expr
                && n.id.as_str() == self.name
                && n.ctx.is_load()
            {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads { name, found: false };
    for stmt in body {
        reads.visit_stmt(stmt);
    }
    reads.found
}

/// Every `….configure(...)` call, with whether it is in a function whose
/// name says it runs online.
fn configure_calls<'a>(
    stmt: &'a Stmt,
    out: &mut Vec<(&'a ruff_python_ast::ExprCall, bool)>,
    online: bool,
) {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Calls<'a, 'o> {
        out: &'o mut Vec<(&'a ruff_python_ast::ExprCall, bool)>,
        online: bool,
    }
    impl<'a> Visitor<'a> for Calls<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(def) = stmt {
                let before = self.online;
                self.online = before || def.name.id.contains("online");
                visitor::walk_stmt(self, stmt);
                self.online = before;
                return;
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && let Expr::Attribute(attribute) = &*call.func
                && attribute.attr.id.as_str() == "configure"
            {
                self.out.push((call, self.online));
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls { out, online };
    calls.visit_stmt(stmt);
}

/// The keywords of `dict(k=v, …)` and the string keys of `{"k": v, …}`.
fn dict_keywords<'a>(expr: &'a Expr, out: &mut Vec<(&'a str, &'a Expr)>) {
    match expr {
        Expr::Call(call) if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "dict") => {
            for keyword in &call.arguments.keywords {
                if let Some(arg) = &keyword.arg {
                    out.push((arg.id.as_str(), &keyword.value));
                }
            }
        }
        Expr::Dict(dict) => {
            for item in &dict.items {
                if let (Some(Expr::StringLiteral(key)), value) = (&item.key, &item.value) {
                    out.push((key.value.to_str(), value));
                }
            }
        }
        _ => {}
    }
}

/// One `configure` keyword, read into `env.options`.
fn option<'a>(name: &str, value: &'a Expr, lookup: &Lookup<'_, 'a>, env: &mut Env) {
    let flag = |env: &mut Env, default: &str| -> Option<bool> {
        match value {
            Expr::BooleanLiteral(b) => Some(b.value),
            _ => {
                env.diagnostics.push(
                    Diagnostic::warning(
                        span_of(value),
                        format!("`{name}=` is computed when env.py runs; retort uses {default}"),
                    )
                    .with_help("write True or False for retort to honour it"),
                );
                None
            }
        }
    };
    match name {
        "compare_type" => env.options.compare_type = flag(env, "True, Alembic's default"),
        "compare_server_default" => {
            env.options.compare_server_default = flag(env, "False, Alembic's default");
        }
        "include_schemas" => env.options.include_schemas = flag(env, "False, Alembic's default"),
        "render_as_batch" => env.options.render_as_batch = flag(env, "False, Alembic's default"),
        "transaction_per_migration" => {
            env.options.transaction_per_migration = flag(env, "False, Alembic's default");
        }
        "version_table" => env.options.version_table = python::string(value),
        "version_table_schema" => env.options.version_table_schema = python::string(value),
        "include_object" | "include_name" => {
            let function = match value {
                Expr::Name(n) => match lookup(n.id.as_str()) {
                    Some((_, Bound::Function(def), _)) => Some(*def),
                    _ => None,
                },
                _ => None,
            };
            let filter = function.and_then(|def| {
                let constants = |n: &str| match lookup(n) {
                    Some((_, Bound::Value(v), _)) => Some(*v),
                    _ => None,
                };
                match Filter::read(def, name == "include_name", &constants) {
                    Ok(filter) => Some(filter),
                    Err(span) => {
                        env.diagnostics.push(
                            Diagnostic::warning(
                                span,
                                format!(
                                    "`{name}` does more than compare names and types; retort cannot follow it and includes every object"
                                ),
                            )
                            .with_help("retort follows `if`/`return` over `name`, `type_`, `reflected`, `compare_to is None`, `==`, `in` and `startswith`"),
                        );
                        None
                    }
                }
            });
            if function.is_none() {
                env.diagnostics.push(Diagnostic::warning(
                    span_of(value),
                    format!("`{name}=` is not a function defined in env.py; retort includes every object"),
                ));
            }
            if name == "include_name" {
                env.options.include_name = filter;
            } else {
                env.options.include_object = filter;
            }
        }
        _ => {}
    }
}

/// The modules that hold what `env` names: for each metadata, the longest
/// prefix of its path that is a module, followed through `from x import
/// name` re-exports to the module that binds the name; then the modules
/// imported for their side effects. Diagnostics name what was not found.
pub fn model_modules(env: &Env, finder: &dyn Finder) -> (Vec<ModuleFile>, Vec<Diagnostic>) {
    let mut modules: Vec<ModuleFile> = Vec::new();
    let mut diagnostics = Vec::new();
    let add = |module: ModuleFile, modules: &mut Vec<ModuleFile>| {
        if !modules.iter().any(|m| m.module == module.module) {
            modules.push(module);
        }
    };
    for metadata in &env.metadata {
        let found = (1..=metadata.path.len()).rev().find_map(|n| {
            let module = metadata.path[..n].join(".");
            finder.find(&module).map(|file| (file, n))
        });
        let Some((mut file, n)) = found else {
            diagnostics.push(
                Diagnostic::error(
                    metadata.span,
                    format!(
                        "target_metadata: no module `{}` found on the project's paths",
                        metadata.path[..metadata.path.len().saturating_sub(1).max(1)].join(".")
                    ),
                )
                .with_help(NAME_MODELS),
            );
            continue;
        };
        // `from pkg import Name` where pkg re-exports Name from a submodule.
        if let Some(name) = metadata.path.get(n) {
            for _ in 0..8 {
                match reexported(&file, name).and_then(|m| finder.find(&m)) {
                    Some(next) if next.module != file.module => file = next,
                    _ => break,
                }
            }
        }
        add(file, &mut modules);
    }
    for (module, span) in &env.side_effects {
        // `from pkg import models`: a module; `from pkg import name`: its module.
        let file = finder.find(module).or_else(|| {
            let (parent, _) = module.rsplit_once('.')?;
            finder.find(parent)
        });
        match file {
            Some(file) => add(file, &mut modules),
            None if is_third_party(module) => {}
            None => diagnostics.push(Diagnostic::warning(
                *span,
                format!("`{module}` is imported but not found on the project's paths; not read"),
            )),
        }
    }
    (modules, diagnostics)
}

/// Modules env.py imports that never hold a project's models.
fn is_third_party(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or_default();
    matches!(
        top,
        "alembic"
            | "sqlalchemy"
            | "logging"
            | "os"
            | "sys"
            | "typing"
            | "asyncio"
            | "pathlib"
            | "contextlib"
            | "copy"
            | "re"
            | "dotenv"
            | "__future__"
            | "sqlmodel"
            | "flask"
            | "flask_sqlalchemy"
            | "geoalchemy2"
            | "sqlalchemy_utils"
    )
}

/// The module a name is imported from in `file`, if `file` only re-exports it.
fn reexported(file: &ModuleFile, name: &str) -> Option<String> {
    let parsed = python::parse(&file.source);
    let mut statements = Vec::new();
    flatten(&parsed.module.body, &mut statements);
    let mut from = None;
    for stmt in statements {
        match stmt {
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    if local.id.as_str() == name {
                        let base = import.module.as_ref().map(|m| m.id.to_string());
                        from = absolute(&file.module, file.package, import.level, base.as_deref());
                    }
                }
            }
            Stmt::ClassDef(def) if def.name.id.as_str() == name => from = None,
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name)) =>
            {
                from = None;
            }
            _ => {}
        }
    }
    from
}

/// A relative import's module, from the importing module.
fn absolute(module: &str, package: bool, level: u32, from: Option<&str>) -> Option<String> {
    if level == 0 {
        return from.map(str::to_string);
    }
    let mut parts: Vec<&str> = module.split('.').collect();
    let up = if package { level - 1 } else { level };
    for _ in 0..up {
        parts.pop()?;
    }
    if let Some(from) = from {
        parts.push(from);
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::python::FileSet;

    fn paths(env: &Env) -> Vec<String> {
        env.metadata.iter().map(|m| m.path.join(".")).collect()
    }

    #[test]
    fn alembics_template_with_an_import() {
        let env = read_env(
            "from alembic import context\nfrom myapp import models\nconfig = context.config\n\
             target_metadata = models.Base.metadata\n\
             def run_migrations_offline():\n    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)\n\
             def run_migrations_online():\n    context.configure(connection=c, target_metadata=target_metadata, compare_server_default=True)\n",
        );
        assert_eq!(paths(&env), vec!["myapp.models.Base.metadata"]);
        assert_eq!(env.options.compare_server_default, Some(true));
        assert!(env.options.compares_types());
        assert!(env.diagnostics.is_empty(), "{:?}", env.diagnostics);
    }

    #[test]
    fn lists_dotted_imports_and_side_effects() {
        let env = read_env(
            "import optuna.storages._rdb.models\nimport app.models  # noqa\nfrom app.db import Base\n\
             metadata = Base.metadata\ntarget_metadata = [optuna.storages._rdb.models.BaseModel.metadata, metadata]\n\
             opts = dict(target_metadata=target_metadata, transaction_per_migration=True)\ncontext.configure(**opts)\n",
        );
        assert_eq!(
            paths(&env),
            vec![
                "optuna.storages._rdb.models.BaseModel.metadata",
                "app.db.Base.metadata"
            ]
        );
        assert_eq!(
            env.side_effects
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>(),
            vec!["app.models"]
        );
        assert_eq!(env.options.transaction_per_migration, Some(true));
    }

    #[test]
    fn metadata_built_at_run_time_is_named() {
        let source = "from prefect.server.database.dependencies import provide_database_interface\n\
                      db_interface = provide_database_interface()\ntarget_metadata = db_interface.Base.metadata\n";
        let env = read_env(source);
        assert!(env.metadata.is_empty());
        let d = &env.diagnostics[0];
        assert!(
            d.message.contains("provide_database_interface(…)"),
            "{}",
            d.message
        );
        assert_eq!(
            &source[d.span.start..d.span.end],
            "db_interface.Base.metadata"
        );
    }

    #[test]
    fn reexports_are_followed_to_the_defining_module() {
        let files = FileSet::new([
            ("app/__init__.py".to_string(), String::new()),
            (
                "app/storage/__init__.py".to_string(),
                "from .schema import Metadata as Metadata\n".to_string(),
            ),
            (
                "app/storage/schema.py".to_string(),
                "import sqlalchemy as sa\nMetadata = sa.MetaData()\n".to_string(),
            ),
        ]);
        let env = read_env("from app.storage import Metadata\ntarget_metadata = [Metadata]\n");
        let (modules, diagnostics) = model_modules(&env, &files);
        assert!(diagnostics.is_empty());
        assert_eq!(
            modules
                .iter()
                .map(|m| m.module.as_str())
                .collect::<Vec<_>>(),
            vec!["app.storage.schema"]
        );
    }

    #[test]
    fn no_target_metadata_is_an_error() {
        let env = read_env("from alembic import context\n");
        assert!(env.diagnostics[0].message.contains("no `target_metadata`"));
        let env = read_env("target_metadata = None\n");
        assert!(env.metadata_is_none && env.diagnostics.is_empty());
    }
}
