//! SQLAlchemy model file → [`Schema`], the way SQLAlchemy would build its
//! `MetaData`, without running Python.
//!
//! Reads 2.0 declarative classes (`DeclarativeBase`, `Mapped[...]`,
//! `mapped_column`), 1.x declarative (`declarative_base()`, `Column`), Core
//! `Table(...)` objects, mixins and `__abstract__` bases, `__table_args__`,
//! Python enum classes and naming conventions. What it cannot follow becomes
//! a [`Diagnostic`] at the place in the file; the column or table is still
//! produced with what could be read.

mod classes;
mod columns;
mod enums;
mod expressions;
mod indexes;
mod metadata;
mod names;
mod statements;
mod tables;
pub(super) mod values;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{
    Arguments, Expr, ExprCall, Keyword, Number, Operator, Stmt, StmtClassDef, StmtFor,
    StmtFunctionDef, UnaryOp,
};
use ruff_text_size::Ranged;

use super::regex::Pattern;
use super::resolve::Imports;
use super::symbol::{Family, Symbol};
use super::types::{self, Literal, TypeArgs};
use crate::diagnostic::Diagnostic;
use crate::naming::{ColumnName, ConstraintKind, NameContext, NamingConvention};
use crate::quote::py_repr;
use crate::schema::{
    Autoincrement, CheckConstraint, Column, EnumType, ExcludeConstraint, ForeignKey, Identity,
    Index, PrimaryKey, Schema, Sequence, SqlType, Table, UniqueConstraint,
};
use crate::text::Span;
use classes::{bases, named_assignments};
use enums::{enum_members, enum_repr, enum_values};
use tables::{split_targets, sql_function};
use values::{
    Values, boolean, constant_string, dotted, evaluate, fstring_value, integer, keyword, string,
    string_list, string_pairs, type_args, written_order,
};

/// Reads every table a model file defines. Never panics; the diagnostics
/// include the file's syntax errors.
pub fn read_schema(source: &str) -> (Schema, Vec<Diagnostic>) {
    read_module_schema(source, DEFAULT_MODULE)
}

/// The module name a model file is read as when none is given (what a
/// project's `env.py` would import it as is only known in a project).
pub const DEFAULT_MODULE: &str = "models";

/// [`read_schema`] of the file Python would import as `module` (a
/// `TypeDecorator` of the file is rendered as `module.Class(...)`, as
/// Alembic renders a type of a project's own module).
pub fn read_module_schema(source: &str, module: &str) -> (Schema, Vec<Diagnostic>) {
    let file = super::parse(source);
    let scope = Scope {
        start: 0,
        imports: Imports::from_statements(&file.module.body),
        module: module.to_string(),
        module_index: 0,
    };
    let (schema, mut diagnostics) = read_linked(&file.module.body, vec![scope], 1);
    diagnostics.splice(0..0, file.diagnostics);
    (schema, diagnostics)
}

/// Where one module's statements start in a linked program's text, and what
/// its names are bound to there.
pub(in crate::python) struct Scope {
    pub start: usize,
    /// The module's imports, read from the whole module.
    pub imports: Imports,
    /// The dotted name Python imports it as.
    pub module: String,
    /// Which module of the program it is.
    pub module_index: usize,
}

/// Reads the statements of one or more modules laid out one after another
/// (see [`super::program`]); `scopes` are in the order of their `start`.
pub(in crate::python) fn read_linked(
    body: &[Stmt],
    scopes: Vec<Scope>,
    entries: usize,
) -> (Schema, Vec<Diagnostic>) {
    let mut reader = ModelReader::new(body, scopes);
    reader.entries = entries;
    reader.read_module(body);
    reader.finish()
}

/// The scope (of `scopes`, in the order of their `start`) the text at `at`
/// is in.
fn scope_at(scopes: &[Scope], at: usize) -> Option<&Scope> {
    let after = scopes.partition_point(|s| s.start <= at);
    scopes.get(after.checked_sub(1)?)
}

/// Which `MetaData` a table is in (`app.db.Base.metadata`): shared, since
/// every class of a base carries it.
type MetadataKey = std::rc::Rc<str>;

/// Module-level functions, by name.
type Functions<'a> = HashMap<String, &'a StmtFunctionDef>;

/// A call of a `Table` that is not SQLAlchemy's (`sautils.Table(...)` of a
/// module that was not read).
fn is_unknown_table_call(symbol: &Symbol) -> bool {
    symbol.name == "Table" && symbol.family == Family::Other
}

fn span_of(node: &impl Ranged) -> Span {
    Span::new(node.start().to_usize(), node.end().to_usize())
}

/// Where a mapped class's table gets its naming convention and type map.
#[derive(Debug, Clone, Default)]
struct Registry {
    convention: NamingConvention,
    /// `type_annotation_map` entries: Python type path → SQL type expression.
    type_map: Vec<(Vec<String>, Typed)>,
    /// Flask-SQLAlchemy's `db.Model`: a class without `__tablename__` is
    /// named after itself in snake case.
    flask: bool,
    /// `declarative_base(cls=Mixin)`: the class every mapped class of the
    /// base inherits from.
    class: Option<String>,
    /// Which `MetaData` its tables go to (see [`ModelReader::metadata_key`]).
    metadata: Option<MetadataKey>,
}

/// A column being read, with what the table-level pass still needs.
#[derive(Debug, Clone)]
struct ColumnSpec {
    column: Column,
    /// The Python-side key (`Column("db_name", key=...)`, or the attribute).
    key: String,
    primary_key: bool,
    index: bool,
    unique: bool,
    foreign_keys: Vec<ForeignKeySpec>,
    /// `Column(..., CheckConstraint("..."))`: (name, condition, span).
    checks: Vec<(Option<String>, String, Span)>,
    /// No type was given: it comes from the foreign key's target column.
    type_from_foreign_key: bool,
}

/// The arguments of a `Column(...)`/`mapped_column(...)`, possibly merged
/// from an `Annotated[..., mapped_column(...)]` and the explicit call.
struct ColumnArgs<'a> {
    args: Vec<&'a Expr>,
    keywords: Vec<&'a Keyword>,
    span: Span,
}

impl<'a> ColumnArgs<'a> {
    fn of(call: &'a ExprCall) -> Self {
        ColumnArgs {
            args: call.arguments.args.iter().collect(),
            keywords: call.arguments.keywords.iter().collect(),
            span: span_of(call),
        }
    }

    /// `base`'s arguments overridden by `explicit`'s (SQLAlchemy's merge of
    /// an `Annotated` mapped_column with the one on the attribute).
    fn merged(base: &'a ExprCall, explicit: Option<&'a ExprCall>) -> Self {
        let Some(explicit) = explicit else {
            return ColumnArgs::of(base);
        };
        let mut merged = ColumnArgs::of(explicit);
        if merged.args.is_empty() {
            merged.args = base.arguments.args.iter().collect();
        }
        for kw in base.arguments.keywords.iter() {
            let given = merged.keywords.iter().any(|k| {
                k.arg.as_ref().map(|a| a.id.as_str()) == kw.arg.as_ref().map(|a| a.id.as_str())
            });
            if !given {
                merged.keywords.push(kw);
            }
        }
        merged
    }
}

/// A `Mapped[...]` annotation, unwrapped: the Python type, whether it was
/// optional, and the `mapped_column(...)` of an `Annotated` alias.
#[derive(Clone, Copy)]
struct Annotation<'a> {
    ty: &'a Expr,
    optional: bool,
    annotated: Option<&'a ExprCall>,
}

#[derive(Debug, Clone)]
struct ForeignKeySpec {
    name: Option<String>,
    /// Column keys on this table.
    columns: Vec<String>,
    /// `[schema.]table.column` for each column.
    targets: Vec<String>,
    ondelete: Option<String>,
    onupdate: Option<String>,
    deferrable: Option<bool>,
    initially: Option<String>,
    span: Span,
}

#[derive(Debug, Clone)]
enum IndexElement {
    /// A column, by key.
    Column(String),
    /// An SQL expression (`text("lower(email)")`).
    Sql(String),
}

#[derive(Debug, Clone)]
struct IndexSpec {
    name: Option<String>,
    elements: Vec<IndexElement>,
    unique: bool,
    r#where: Option<String>,
    using: Option<String>,
    /// `postgresql_ops`, by column key.
    ops: Vec<(String, String)>,
    /// `postgresql_include`, by column key.
    include: Vec<String>,
    written_order: Vec<&'static str>,
    span: Span,
}

/// A table being read.
#[derive(Debug, Clone, Default)]
struct TableSpec {
    schema: Option<String>,
    name: String,
    comment: Option<String>,
    columns: Vec<ColumnSpec>,
    primary_key: Option<(Option<String>, Vec<String>, Span)>,
    foreign_keys: Vec<ForeignKeySpec>,
    uniques: Vec<(Option<String>, Vec<String>, Span)>,
    checks: Vec<(Option<String>, String, Span)>,
    indexes: Vec<IndexSpec>,
    excludes: Vec<ExcludeSpec>,
    /// `extend_existing=True`: a table of the same name read before is
    /// extended, not refused.
    extend_existing: bool,
    /// Which `MetaData` it is in: two of them may each hold a table of one
    /// name (dagster's `secondary_indexes`).
    metadata: Option<MetadataKey>,
    convention: NamingConvention,
    span: Span,
}

impl TableSpec {
    /// `other`'s columns (those this table has not, by name), constraints
    /// and indexes added to this table: a single-table subclass's, or a
    /// table declared again with `extend_existing=True`.
    fn absorb(&mut self, other: TableSpec) {
        for column in other.columns {
            if !self
                .columns
                .iter()
                .any(|c| c.column.name == column.column.name)
            {
                self.columns.push(column);
            }
        }
        self.foreign_keys.extend(other.foreign_keys);
        self.uniques.extend(other.uniques);
        self.checks.extend(other.checks);
        self.indexes.extend(other.indexes);
        self.excludes.extend(other.excludes);
    }
}

/// `postgresql.ExcludeConstraint((element, operator), ..., using=, where=)`.
#[derive(Debug, Clone)]
struct ExcludeSpec {
    name: Option<String>,
    using: String,
    elements: Vec<(IndexElement, String)>,
    r#where: Option<String>,
}

struct ModelReader<'a> {
    /// Each module's imports and name, by where its statements start.
    scopes: Vec<Scope>,
    /// How many of the modules (the first ones) were asked for: the
    /// metadata their tables are in is what is read.
    entries: usize,
    /// Classes defined at module level, by name (the last one of a name).
    classes: HashMap<String, &'a StmtClassDef>,
    /// Every class of a name, in order: modules read together may each
    /// define one (see [`Self::class_at`]).
    class_defs: HashMap<String, Vec<&'a StmtClassDef>>,
    /// Module-level `name = value` assignments (shared: a table item reads
    /// them while the reader is borrowed mutably).
    values: std::rc::Rc<Values<'a>>,
    /// Python enum classes: member names in order.
    py_enums: HashMap<String, Vec<String>>,
    /// Their members' values, where each is a string literal.
    py_enum_values: HashMap<String, Vec<String>>,
    /// `Base = declarative_base(...)` variables and their registries.
    base_vars: HashMap<String, Registry>,
    /// `class Base(DeclarativeBase)` classes and their registries.
    base_classes: HashMap<String, Registry>,
    /// The registry of Flask-SQLAlchemy's `db.Model`, from `db =
    /// SQLAlchemy(metadata=...)` when the models read have one.
    flask: Option<Registry>,
    tables: Vec<TableSpec>,
    /// Where each name is in `tables`, in order (tables are only added
    /// while the modules are read): a 50 MB model file declares hundreds
    /// of thousands of tables, each looked up when it is added.
    table_positions: HashMap<String, Vec<usize>>,
    /// Module-level names bound to a `Table(...)`: the table's name.
    table_vars: HashMap<String, String>,
    /// Module-level functions, by name (a helper that builds a `Table`).
    functions: Functions<'a>,
    /// `@compiles(Element, "dialect")` functions of the models: (class name,
    /// dialect) → the function giving its SQL.
    compiled: HashMap<(String, Option<String>), &'a StmtFunctionDef>,
    /// The same, by (module, name): `module.helper(...)`.
    module_functions: HashMap<(String, String), &'a StmtFunctionDef>,
    /// Mapped classes whose base retort does not follow (each warned).
    unread_classes: Vec<Span>,
    enums: Vec<EnumType>,
    sequences: Vec<Sequence>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> ModelReader<'a> {
    fn new(body: &'a [Stmt], scopes: Vec<Scope>) -> Self {
        let mut classes = HashMap::default();
        let mut class_defs: HashMap<String, Vec<&'a StmtClassDef>> = HashMap::default();
        for stmt in body {
            if let Stmt::ClassDef(class) = stmt {
                classes.insert(class.name.id.as_str().to_string(), class);
                class_defs
                    .entry(class.name.id.to_string())
                    .or_default()
                    .push(class);
            }
        }
        let mut values: Values<'a> = named_assignments(body)
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        // `Class.NAME` and `module.NAME` (a module of the models imported as
        // an object) are constants too, under their dotted names.
        let mut by_module: HashMap<&str, Vec<(&'a str, &'a Expr)>> = HashMap::default();
        for stmt in body {
            if let Stmt::ClassDef(class) = stmt {
                // Constants and types only: a mapped class's columns and
                // relationships are most of its body, and no constant.
                let mapped_attribute = |value: &Expr| {
                    matches!(value, Expr::Call(call) if matches!(
                        dotted(&call.func).as_deref().map(|f| f.rsplit('.').next().unwrap_or(f)),
                        Some("Column" | "mapped_column" | "relationship" | "column_property"
                            | "synonym" | "deferred" | "backref" | "association_proxy")
                    ))
                };
                for (name, value) in named_assignments(&class.body) {
                    if !mapped_attribute(value) {
                        values.insert(format!("{}.{name}", class.name.id.as_str()), value);
                    }
                }
            }
            if let Some(scope) = scope_at(&scopes, stmt.start().to_usize()) {
                by_module
                    .entry(scope.module.as_str())
                    .or_default()
                    .extend(named_assignments(std::slice::from_ref(stmt)));
            }
        }
        for scope in &scopes {
            for (local, path) in scope.imports.bindings() {
                let imported = path.join(".");
                // The module and its submodules: `schemas.core.NAME`.
                for (module, assignments) in &by_module {
                    let Some(rest) = module.strip_prefix(imported.as_str()) else {
                        continue;
                    };
                    if !rest.is_empty() && !rest.starts_with('.') {
                        continue;
                    }
                    for (name, value) in assignments {
                        values.insert(format!("{local}{rest}.{name}"), value);
                    }
                }
            }
        }
        let mut reader = ModelReader {
            entries: 1,
            class_defs,
            scopes,
            module_functions: HashMap::default(),
            compiled: HashMap::default(),
            classes,
            values: std::rc::Rc::new(values),
            py_enums: HashMap::default(),
            py_enum_values: HashMap::default(),
            base_vars: HashMap::default(),
            base_classes: HashMap::default(),
            flask: None,
            tables: Vec::new(),
            table_positions: HashMap::default(),
            table_vars: HashMap::default(),
            functions: HashMap::default(),
            unread_classes: Vec::new(),
            enums: Vec::new(),
            sequences: Vec::new(),
            diagnostics: Vec::new(),
        };
        // Functions, by name and by (module, name), and the `@compiles`
        // ones by the element they compile.
        for stmt in body {
            let Stmt::FunctionDef(def) = stmt else {
                continue;
            };
            let name = def.name.id.to_string();
            if let Some(scope) = reader.scope(def) {
                reader
                    .module_functions
                    .insert((scope.module.clone(), name.clone()), def);
            }
            reader.functions.insert(name, def);
            for decorator in &def.decorator_list {
                let Expr::Call(call) = &decorator.expression else {
                    continue;
                };
                if !reader.is(&call.func, Family::Sqlalchemy, "compiles") {
                    continue;
                }
                let args = &call.arguments.args;
                if let Some(Expr::Name(class)) = args.first() {
                    let dialect = args.get(1).and_then(string);
                    reader.compiled.insert((class.id.to_string(), dialect), def);
                }
            }
        }
        reader
    }

    /// The class `name` means where `at` is written: the one its own
    /// module defines, else the one of the module it imports the name from,
    /// else the last of that name.
    fn class_at(&self, name: &str, at: &impl Ranged) -> Option<&'a StmtClassDef> {
        let scope = self.scope(at)?;
        // `from .base import Base as ModelBase`: the class by its own name.
        let imported = scope.imports.binding(name).and_then(|p| p.split_last());
        let lookup = match imported {
            Some((original, _)) if !self.class_defs.contains_key(name) => original.as_str(),
            _ => name,
        };
        let candidates = self.class_defs.get(lookup)?;
        if let [only] = candidates.as_slice() {
            return Some(only);
        }
        let module_of = |class: &&'a StmtClassDef| self.scope(*class).map(|s| s.module_index);
        if let Some(own) = candidates
            .iter()
            .rev()
            .find(|c| module_of(c) == Some(scope.module_index))
        {
            return Some(own);
        }
        if let Some((_, owner)) = imported {
            let owner = owner.join(".");
            if let Some(imported) = candidates
                .iter()
                .find(|c| self.scope(**c).is_some_and(|s| s.module == owner))
            {
                return Some(imported);
            }
        }
        candidates.last().copied()
    }

    /// The class a dotted name reaches through a module import
    /// (`prefect.server.utilities.database.Timestamp` after `import
    /// prefect`): the class of that name in the module the path names.
    fn class_by_path(&self, expr: &Expr) -> Option<&'a StmtClassDef> {
        let Expr::Attribute(_) = expr else {
            return None;
        };
        let written = values::dotted(expr)?;
        let mut parts = written.split('.');
        let first = parts.next()?;
        let scope = self.scope(expr)?;
        let mut path: Vec<&str> = scope
            .imports
            .binding(first)?
            .iter()
            .map(String::as_str)
            .collect();
        path.extend(parts);
        let (name, owner) = path.split_last()?;
        let owner = owner.join(".");
        self.class_defs
            .get(*name)?
            .iter()
            .find(|c| self.scope(**c).is_some_and(|s| s.module == owner))
            .copied()
    }

    /// The declarative base variable a name is, where `at` is written
    /// (also by an alias it was imported under).
    fn base_var(&self, name: &str, at: &impl Ranged) -> Option<&Registry> {
        self.base_vars.get(name).or_else(|| {
            let path = self.scope(at)?.imports.binding(name)?;
            self.base_vars.get(path.last()?)
        })
    }

    /// The scope of the module a node was written in.
    fn scope(&self, node: &impl Ranged) -> Option<&Scope> {
        self.scope_at(node.start().to_usize())
    }

    /// The scope of the module the text at `at` is in.
    fn scope_at(&self, at: usize) -> Option<&Scope> {
        scope_at(&self.scopes, at)
    }

    /// The imports of the module `expr` was written in.
    fn imports<'s>(&'s self, expr: &Expr) -> Option<&'s Imports> {
        self.scope(expr).map(|s| &s.imports)
    }

    fn symbol<'s>(&'s self, expr: &'s Expr) -> Option<Symbol<'s>> {
        self.imports(expr)?.symbol(expr)
    }

    fn is(&self, expr: &Expr, family: Family, name: &str) -> bool {
        self.symbol(expr).is_some_and(|s| s.is(family, name))
    }

    fn error(&mut self, node: &impl Ranged, message: impl Into<String>, help: &str) {
        self.report(Diagnostic::error(span_of(node), message), help);
    }

    fn warning(&mut self, node: &impl Ranged, message: impl Into<String>, help: &str) {
        self.report(Diagnostic::warning(span_of(node), message), help);
    }

    fn report(&mut self, diagnostic: Diagnostic, help: &str) {
        self.diagnostics.push(if help.is_empty() {
            diagnostic
        } else {
            diagnostic.with_help(help)
        });
    }

    // ------------------------------------------------------------ module

    /// Registers an enum class under `key` (its name, or `Outer.Name`).
    fn add_enum_class(&mut self, key: String, class: &StmtClassDef) {
        self.py_enums.insert(key.clone(), enum_members(class));
        if let Some(values) = enum_values(class, &self.values) {
            self.py_enum_values.insert(key, values);
        }
    }

    /// The key of the enum class an expression names: `Kind`, or
    /// `Employee.Kind` for one nested in a class.
    fn enum_class_key(&self, expr: &Expr) -> Option<String> {
        let key = match expr {
            Expr::Name(name) => name.id.as_str().to_string(),
            Expr::Attribute(a) => match &*a.value {
                Expr::Name(outer) => format!("{}.{}", outer.id.as_str(), a.attr.id.as_str()),
                _ => a.attr.id.to_string(),
            },
            _ => return None,
        };
        if self.py_enums.contains_key(&key) {
            return Some(key);
        }
        // `schemas.states.StateType`: an enum class of a module imported as
        // an object, by its own name.
        let Expr::Attribute(a) = expr else {
            return None;
        };
        let name = a.attr.id.to_string();
        let through_module = self
            .imports(expr)
            .and_then(|imports| imports.path(&a.value))
            .is_some_and(|path| path.first() != Some(&"builtins"));
        (through_module && self.py_enums.contains_key(&name)).then_some(name)
    }

    // ------------------------------------------------------------ classes

    // ------------------------------------------------------------ columns

    // ------------------------------------------------------------ tables

    // ------------------------------------------------------------ finish

    fn finish(mut self) -> (Schema, Vec<Diagnostic>) {
        self.keep_entries_metadata();
        // Mapped classes, and not one table read: the file is not what the
        // model is, and an empty schema must not pass for it.
        if self.tables.is_empty()
            && let Some(&first) = self.unread_classes.first()
        {
            self.diagnostics.push(
                Diagnostic::error(
                    first,
                    format!(
                        "no table is read from this file, which maps {} class{} on bases retort does not follow",
                        self.unread_classes.len(),
                        if self.unread_classes.len() == 1 { "" } else { "es" }
                    ),
                )
                .with_help("see the warning on each class; the schema retort prints here is not the model's"),
            );
        }
        // A foreign key to a table the file does not declare: SQLAlchemy's
        // create_all (and a migration) fails on it.
        let mut missing = Vec::new();
        for table in &self.tables {
            let column_fks = table.columns.iter().flat_map(|c| c.foreign_keys.iter());
            for fk in column_fks.chain(table.foreign_keys.iter()) {
                let Some(target) = fk.targets.first() else {
                    continue;
                };
                let (schema, name, _) = split_targets(std::slice::from_ref(target));
                let known = self.table_at(schema.as_deref(), &name).is_some();
                if !known {
                    missing.push(
                        Diagnostic::error(
                            fk.span,
                            format!("foreign key to {target}: no table {name} in the models read"),
                        )
                        .with_help("declare the table in the model, or check the name"),
                    );
                }
            }
        }
        self.diagnostics.extend(missing);
        // Columns typed by their foreign key take the target column's type.
        let mut resolved: Vec<(usize, usize, Typed)> = Vec::new();
        for (t, table) in self.tables.iter().enumerate() {
            for (c, spec) in table.columns.iter().enumerate() {
                if !spec.type_from_foreign_key {
                    continue;
                }
                let target = spec.foreign_keys.first().and_then(|fk| fk.targets.first());
                match target.and_then(|target| self.target_column_type(target)) {
                    Some(ty) => resolved.push((t, c, ty)),
                    None => self.diagnostics.push(
                        Diagnostic::error(spec.column.span, format!("column {} takes its type from its foreign key, whose target is not in the models read", spec.column.name))
                            .with_help("give the column a type explicitly"),
                    ),
                }
            }
        }
        for (t, c, (ty, sa_type)) in resolved {
            let column = &mut self.tables[t].columns[c].column;
            column.ty = ty;
            column.sa_type = sa_type;
        }
        let tables: Vec<TableSpec> = std::mem::take(&mut self.tables);
        let tables = tables.into_iter().map(|t| self.build_table(t)).collect();
        self.diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        (
            Schema {
                tables,
                enums: self.enums,
                sequences: self.sequences,
            },
            self.diagnostics,
        )
    }

    fn target_column_type(&self, target: &str) -> Option<Typed> {
        let (table, column) = target.rsplit_once('.')?;
        let (schema, table) = match table.rsplit_once('.') {
            Some((schema, table)) => (Some(schema), table),
            None => (None, table),
        };
        let spec = self.tables.get(self.table_at(schema, table)?)?;
        let column = spec.columns.iter().find(|c| c.column.name == column)?;
        Some((column.column.ty.clone(), column.column.sa_type.clone()))
    }

    fn build_table(&mut self, spec: TableSpec) -> Table {
        let key_to_name: HashMap<&str, &str> = spec
            .columns
            .iter()
            .map(|c| (c.key.as_str(), c.column.name.as_str()))
            .collect();
        let names = |keys: &[String]| -> Vec<ColumnName> {
            keys.iter()
                .map(|k| ColumnName {
                    name: key_to_name
                        .get(k.as_str())
                        .map_or(k.clone(), |n| (*n).to_string()),
                    key: k.clone(),
                })
                .collect()
        };
        let mut diagnostics = Vec::new();
        let mut convention_names = Vec::new();
        let mut name_for = |kind: ConstraintKind,
                            columns: &[ColumnName],
                            explicit: Option<&str>,
                            referred: Option<(&str, &[String])>,
                            span: Span| {
            let ctx = NameContext {
                table_schema: spec.schema.as_deref(),
                table_name: &spec.name,
                columns,
                referred_table: referred.map(|r| r.0),
                referred_columns: referred.map_or(&[], |r| r.1),
                explicit_name: explicit,
            };
            match spec.convention.name(kind, &ctx) {
                Ok(name) => {
                    if let Some(name) = &name
                        && explicit != Some(name.as_str())
                    {
                        convention_names.push(name.clone());
                    }
                    name
                }
                Err(error) => {
                    diagnostics.push(Diagnostic::error(span, error.to_string()));
                    None
                }
            }
        };

        let mut table = Table {
            schema: spec.schema.clone(),
            name: spec.name.clone(),
            comment: spec.comment.clone(),
            span: spec.span,
            ..Table::default()
        };
        let pk_keys: Vec<String> = match &spec.primary_key {
            Some((_, keys, _)) => keys.clone(),
            None => {
                // primary_key=True on columns: the DDL names the column
                // marked autoincrement=True first (SQLAlchemy's
                // `columns_autoinc_first`).
                let mut keys: Vec<&ColumnSpec> =
                    spec.columns.iter().filter(|c| c.primary_key).collect();
                if keys.len() > 1 {
                    keys.sort_by_key(|c| c.column.autoincrement != Autoincrement::True);
                }
                keys.into_iter().map(|c| c.key.clone()).collect()
            }
        };
        if !pk_keys.is_empty() {
            let (explicit, span) = match &spec.primary_key {
                Some((name, _, span)) => (name.as_deref(), *span),
                None => (None, spec.span),
            };
            let columns = names(&pk_keys);
            table.primary_key = Some(PrimaryKey {
                name: name_for(ConstraintKind::PrimaryKey, &columns, explicit, None, span),
                columns: columns.iter().map(|c| c.name.clone()).collect(),
            });
        }
        let column_fks = spec.columns.iter().flat_map(|c| c.foreign_keys.iter());
        for fk in column_fks.chain(spec.foreign_keys.iter()) {
            let columns = names(&fk.columns);
            let (referred_schema, referred_table, referred_columns) = split_targets(&fk.targets);
            table.foreign_keys.push(ForeignKey {
                name: name_for(
                    ConstraintKind::ForeignKey,
                    &columns,
                    fk.name.as_deref(),
                    Some((&referred_table, &referred_columns)),
                    fk.span,
                ),
                columns: columns.iter().map(|c| c.name.clone()).collect(),
                referred_schema,
                referred_table,
                referred_columns,
                ondelete: fk.ondelete.clone(),
                onupdate: fk.onupdate.clone(),
                deferrable: fk.deferrable,
                initially: fk.initially.clone(),
            });
        }
        for c in &spec.columns {
            let columns = names(std::slice::from_ref(&c.key));
            if c.index {
                table.indexes.push(Index {
                    name: name_for(ConstraintKind::Index, &columns, None, None, c.column.span),
                    unique: c.unique,
                    expressions: vec![c.column.name.clone()],
                    r#where: None,
                    using: None,
                    ..Default::default()
                });
            } else if c.unique {
                table.unique_constraints.push(UniqueConstraint {
                    name: name_for(ConstraintKind::Unique, &columns, None, None, c.column.span),
                    columns: vec![c.column.name.clone()],
                });
            }
        }
        for (explicit, keys, span) in &spec.uniques {
            let columns = names(keys);
            table.unique_constraints.push(UniqueConstraint {
                name: name_for(
                    ConstraintKind::Unique,
                    &columns,
                    explicit.as_deref(),
                    None,
                    *span,
                ),
                columns: columns.iter().map(|c| c.name.clone()).collect(),
            });
        }
        let table_checks = spec.checks.iter().map(|c| (c, false));
        let column_checks = spec
            .columns
            .iter()
            .flat_map(|c| c.checks.iter().map(|check| (check, true)));
        for ((explicit, sqltext, span), on_column) in table_checks.chain(column_checks) {
            table.check_constraints.push(CheckConstraint {
                name: name_for(ConstraintKind::Check, &[], explicit.as_deref(), None, *span),
                sqltext: sqltext.clone(),
                on_column,
            });
        }
        let to_name = |k: &str| key_to_name.get(k).map_or(k.to_string(), |n| n.to_string());
        for index in &spec.indexes {
            let column_keys: Vec<String> = index
                .elements
                .iter()
                .filter_map(|e| match e {
                    IndexElement::Column(k) => Some(k.clone()),
                    IndexElement::Sql(_) => None,
                })
                .collect();
            let columns = names(&column_keys);
            table.indexes.push(Index {
                name: name_for(
                    ConstraintKind::Index,
                    &columns,
                    index.name.as_deref(),
                    None,
                    index.span,
                ),
                unique: index.unique,
                expressions: index
                    .elements
                    .iter()
                    .map(|e| match e {
                        IndexElement::Column(k) => to_name(k),
                        IndexElement::Sql(sql) => sql.clone(),
                    })
                    .collect(),
                r#where: index.r#where.clone(),
                using: index.using.clone(),
                ops: index
                    .ops
                    .iter()
                    .map(|(k, class)| (to_name(k), class.clone()))
                    .collect(),
                include: index.include.iter().map(|k| to_name(k)).collect(),
                written_order: index.written_order.clone(),
                reflected: false,
            });
        }
        for exclude in &spec.excludes {
            table.exclude_constraints.push(ExcludeConstraint {
                name: exclude.name.clone(),
                using: exclude.using.clone(),
                elements: exclude
                    .elements
                    .iter()
                    .map(|(e, op)| {
                        let element = match e {
                            IndexElement::Column(k) => key_to_name
                                .get(k.as_str())
                                .map_or(k.clone(), |n| (*n).to_string()),
                            IndexElement::Sql(sql) => sql.clone(),
                        };
                        (element, op.clone())
                    })
                    .collect(),
                r#where: exclude.r#where.clone(),
            });
        }
        table.columns = spec
            .columns
            .into_iter()
            .map(|c| {
                let mut column = c.column;
                if c.primary_key || pk_keys.contains(&c.key) {
                    column.nullable = false;
                }
                column
            })
            .collect();
        self.diagnostics.extend(diagnostics);
        table.convention_names = convention_names;
        table
    }
}

/// A type as Alembic renders it: the SQL type and its `sa.`/`postgresql.`
/// repr.
type Typed = (SqlType, String);

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::classes::merge_lists_with_ordering;
    use super::*;
    use crate::diagnostic::Severity;

    const FIXTURES: [&str; 32] = [
        include_str!("../../../../tests/fixtures/models/01_declarative_basic.py"),
        include_str!("../../../../tests/fixtures/models/02_python_type_map.py"),
        include_str!("../../../../tests/fixtures/models/03_legacy_declarative.py"),
        include_str!("../../../../tests/fixtures/models/04_table_function.py"),
        include_str!("../../../../tests/fixtures/models/05_naming_convention.py"),
        include_str!("../../../../tests/fixtures/models/06_enums.py"),
        include_str!("../../../../tests/fixtures/models/07_postgresql_types.py"),
        include_str!("../../../../tests/fixtures/models/08_mixins_abstract.py"),
        include_str!("../../../../tests/fixtures/models/09_server_defaults.py"),
        include_str!("../../../../tests/fixtures/models/10_identity_sequence.py"),
        include_str!("../../../../tests/fixtures/models/11_annotated_type_map.py"),
        include_str!("../../../../tests/fixtures/models/12_star_import_aliases.py"),
        include_str!("../../../../tests/fixtures/models/13_joined_inheritance.py"),
        include_str!("../../../../tests/fixtures/models/14_table_args_constraints.py"),
        include_str!("../../../../tests/fixtures/models/15_enum_variants.py"),
        include_str!("../../../../tests/fixtures/models/16_fastapi_template.py"),
        include_str!("../../../../tests/fixtures/models/17_module_constants.py"),
        include_str!("../../../../tests/fixtures/models/18_association_tables.py"),
        include_str!("../../../../tests/fixtures/models/19_column_level_constraints.py"),
        include_str!("../../../../tests/fixtures/models/20_dataclass_mapping.py"),
        include_str!("../../../../tests/fixtures/models/21_superset_style.py"),
        include_str!("../../../../tests/fixtures/models/22_mlflow_style.py"),
        include_str!("../../../../tests/fixtures/models/23_schemas_and_timezones.py"),
        include_str!("../../../../tests/fixtures/models/42_variants_wrappers_aliases.py"),
        include_str!("../../../../tests/fixtures/models/43_module_level_items.py"),
        include_str!("../../../../tests/fixtures/models/44_constant_names_and_defaults.py"),
        include_str!("../../../../tests/fixtures/models/45_tables_built_by_code.py"),
        include_str!("../../../../tests/fixtures/models/46_extend_existing_nested_enum.py"),
        include_str!("../../../../tests/fixtures/models/47_type_decorators.py"),
        include_str!("../../../../tests/fixtures/models/48_declared_attr_names.py"),
        include_str!("../../../../tests/fixtures/models/49_flask_sqlalchemy.py"),
        include_str!("../../../../tests/fixtures/models/50_expressions_class_tables.py"),
    ];

    const HEADER: &str = "\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from myapp.types import Money

class Base(DeclarativeBase):
    pass
";

    fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
        schema
            .table(None, name)
            .unwrap_or_else(|| panic!("no table {name}: {schema:#?}"))
    }

    #[test]
    fn fixtures_read_without_diagnostics() {
        for (i, source) in FIXTURES.iter().enumerate() {
            let (schema, diagnostics) = read_schema(source);
            assert_eq!(diagnostics, vec![], "fixture {}", i + 1);
            assert!(!schema.tables.is_empty(), "fixture {}", i + 1);
        }
    }

    #[test]
    fn a_module_level_index_on_a_table_not_read_here_is_said() {
        let source = format!(
            "{HEADER}from .other import Account\n\nsa.Index(\"ix_account_email\", Account.email)\nsa.Index(\"ix_strings\", \"email\")\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        assert!(schema.tables.is_empty());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .contains("table retort does not read")
        );
        let at = &source[diagnostics[0].span.start..diagnostics[0].span.end];
        assert!(at.starts_with("sa.Index(\"ix_account_email\""), "{at}");
    }

    #[test]
    fn a_table_helper_called_with_unpacked_arguments_is_said() {
        let source = "\
import sqlalchemy as sa

metadata = sa.MetaData()

def _table(name, *columns):
    return sa.Table(name, metadata, *columns)

COLUMNS = [sa.Column(\"id\", sa.Integer, primary_key=True)]
t = _table(\"t\", *COLUMNS)
u = _table(\"u\", sa.Column(\"id\", sa.Integer, primary_key=True))
";
        let (schema, diagnostics) = read_schema(source);
        assert_eq!(schema.tables.len(), 1);
        assert_eq!(schema.tables[0].name, "u");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("*arguments passed to a table helper")
        );
        assert_eq!(
            &source[diagnostics[0].span.start..diagnostics[0].span.end],
            "*COLUMNS"
        );
    }

    #[test]
    fn a_table_declared_twice_without_extend_existing_is_an_error() {
        let source = "\
import sqlalchemy as sa

metadata = sa.MetaData()
a = sa.Table(\"t\", metadata, sa.Column(\"id\", sa.Integer, primary_key=True))
b = sa.Table(\"t\", metadata, sa.Column(\"other\", sa.Integer))
";
        let (schema, diagnostics) = read_schema(source);
        assert_eq!(schema.tables.len(), 1);
        assert_eq!(schema.tables[0].columns.len(), 1);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert!(diagnostics[0].message.contains("declared a second time"));
        assert!(
            source[diagnostics[0].span.start..]
                .starts_with("sa.Table(\"t\", metadata, sa.Column(\"other\"")
        );
    }

    #[test]
    fn ddl_run_by_an_event_listener_is_said() {
        let source = format!(
            "{HEADER}from sqlalchemy import DDL, event\n\nclass T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n\nevent.listen(T.__table__, \"after_create\", DDL(\"CREATE INDEX i ON t (id)\"))\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        assert_eq!(schema.tables.len(), 1);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert!(source[diagnostics[0].span.start..].starts_with("DDL(\"CREATE INDEX"));
    }

    #[test]
    fn an_unknown_type_is_a_diagnostic_and_the_column_stays() {
        let source = format!(
            "{HEADER}\n\nclass Invoice(Base):\n    __tablename__ = \"invoice\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    total: Mapped[int] = mapped_column(Money(2), nullable=False)\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        let invoice = table(&schema, "invoice");
        let total = invoice.column("total").unwrap();
        assert_eq!(total.ty, SqlType::Named("Money".into()));
        assert!(!total.nullable);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let d = &diagnostics[0];
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(&source[d.span.start..d.span.end], "Money");
        assert!(d.message.contains("unknown type Money"));
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("imported from a module that was not read")
        );
    }

    #[test]
    fn a_half_typed_class_keeps_every_complete_table() {
        let source = format!(
            "{HEADER}\n\nclass A(Base):\n    __tablename__ = \"a\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n\n\nclass B(Base):\n    __tablename__ = \"b\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str] = mapped_column(sa.String(\n\n\nclass C(Base):\n    __tablename__ = \"c\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.starts_with("syntax error"))
        );
        assert!(schema.table(None, "a").is_some());
        assert!(schema.table(None, "c").is_some(), "{schema:#?}");
    }

    #[test]
    fn a_foreign_key_to_a_missing_table_is_an_error_at_the_key() {
        let source = format!(
            "{HEADER}\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    author_id: Mapped[int] = mapped_column(sa.ForeignKey(\"authors.id\"))\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        assert!(table(&schema, "posts").column("author_id").is_some());
        let d = diagnostics
            .iter()
            .find(|d| d.message.contains("no table authors"))
            .expect("a diagnostic");
        assert_eq!(d.severity, Severity::Error);
        assert!(source[d.span.start..d.span.end].starts_with("sa.ForeignKey("));
    }

    #[test]
    fn what_is_not_followed_is_said() {
        let source = format!(
            "{HEADER}\n\nclass Parent(Base):\n    __tablename__ = \"parent\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    kind: Mapped[str]\n\n\nclass Child(Parent):\n    extra: Mapped[str | None]\n\n    @declared_attr\n    def computed(cls):\n        name = cls.__name__\n        return mapped_column(name)\n\n\nclass NoName(Base):\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
        );
        let (schema, diagnostics) = read_schema(&source);
        assert_eq!(schema.tables.len(), 1);
        // Single-table inheritance: the subclass's column joins the parent's table.
        let parent = table(&schema, "parent");
        assert!(parent.column("extra").is_some_and(|c| c.nullable));
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("declared_attr computed is not evaluated")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("has no __tablename__")),
            "{messages:?}"
        );
    }

    #[test]
    fn a_convention_problem_is_reported_once_however_many_classes_use_it() {
        let source = "\
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={\"pk\": make_pk_name})

class A(Base):
    __tablename__ = \"a\"
    id: Mapped[int] = mapped_column(primary_key=True)

class B(Base):
    __tablename__ = \"b\"
    id: Mapped[int] = mapped_column(primary_key=True)
";
        let (schema, diagnostics) = read_schema(source);
        assert_eq!(schema.tables.len(), 2);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("naming convention entry not read")
        );
    }

    #[test]
    fn a_mapped_class_on_an_unknown_base_is_reported_not_dropped() {
        let source = "\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import registry

mapper_registry = registry()
Base = mapper_registry.generate_base()

class Thing(Base):
    __tablename__ = \"thing\"
    id = Column(Integer, primary_key=True)
";
        let (schema, diagnostics) = read_schema(source);
        assert!(schema.tables.is_empty());
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("Thing is mapped on a base retort does not follow")
        );
        // The help says what the base is, truly.
        assert!(
            diagnostics[0]
                .help
                .as_deref()
                .is_some_and(|h| h.starts_with("its base Base is defined in the models")),
            "{diagnostics:?}"
        );
        // Not one table read: an error, so the command fails.
        assert_eq!(diagnostics[1].severity, Severity::Error);
        assert!(
            diagnostics[1]
                .message
                .starts_with("no table is read from this file")
        );
        for d in &diagnostics {
            assert_eq!(&source[d.span.start..d.span.end], "Thing");
        }
    }

    #[test]
    fn flask_and_imported_bases_are_named_in_the_warning() {
        let source = "\
from sqlalchemy import Column, Integer
from .base import Base
from .app import db

class User(db.Model):
    id = Column(Integer, primary_key=True)

class Team(Base):
    __tablename__ = \"team\"
    id = Column(Integer, primary_key=True)
";
        let (schema, diagnostics) = read_schema(source);
        assert!(schema.tables.is_empty());
        let help = |class: &str| {
            diagnostics
                .iter()
                .find(|d| d.message.starts_with(&format!("{class} is mapped")))
                .and_then(|d| d.help.clone())
                .unwrap_or_default()
        };
        assert!(
            help("User").starts_with("its base db.Model looks like Flask-SQLAlchemy's"),
            "{diagnostics:?}"
        );
        assert!(
            help("Team").starts_with("its base Base is imported from a module that was not read"),
            "{diagnostics:?}"
        );
        assert!(
            diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && d.message.contains("maps 2 classes")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn column_order_follows_sqlalchemys_merge_of_dict_and_annotations() {
        // Checked against SQLAlchemy 2.0.58: id, a, b, c, e, d.
        let source = format!(
            "{HEADER}\n\nclass T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    a: Mapped[int]\n    b = mapped_column(sa.Integer)\n    c: Mapped[int] = mapped_column()\n    d: Mapped[int]\n    e = mapped_column(sa.Integer)\n"
        );
        let (schema, _) = read_schema(&source);
        let names: Vec<&str> = table(&schema, "t")
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["id", "a", "b", "c", "e", "d"]);
        assert_eq!(
            merge_lists_with_ordering(&["id", "b", "c", "e"], &["id", "a", "c", "d"]),
            ["id", "a", "b", "c", "e", "d"]
        );
    }

    #[test]
    fn every_prefix_of_every_fixture_reads_without_panic() {
        // The editor's states while someone types a fixture from scratch.
        for source in FIXTURES {
            let mut end = 0;
            while end <= source.len() {
                let prefix = &source[..end];
                let (_, diagnostics) = read_schema(prefix);
                for d in &diagnostics {
                    assert!(d.span.start <= d.span.end && d.span.end <= prefix.len());
                }
                end += 7;
                while end < source.len() && !source.is_char_boundary(end) {
                    end += 1;
                }
            }
        }
    }
}
