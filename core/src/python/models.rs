//! SQLAlchemy model file → [`Schema`], the way SQLAlchemy would build its
//! `MetaData`, without running Python.
//!
//! Reads 2.0 declarative classes (`DeclarativeBase`, `Mapped[...]`,
//! `mapped_column`), 1.x declarative (`declarative_base()`, `Column`), Core
//! `Table(...)` objects, mixins and `__abstract__` bases, `__table_args__`,
//! Python enum classes and naming conventions. What it cannot follow becomes
//! a [`Diagnostic`] at the place in the file; the column or table is still
//! produced with what could be read.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::{
    Arguments, Expr, ExprCall, Keyword, Number, Operator, Stmt, StmtClassDef, UnaryOp,
};
use ruff_text_size::Ranged;

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

/// Reads every table a model file defines. Never panics; the diagnostics
/// include the file's syntax errors.
pub fn read_schema(source: &str) -> (Schema, Vec<Diagnostic>) {
    let file = super::parse(source);
    let mut reader = Reader::new(&file.module.body);
    reader.diagnostics = file.diagnostics;
    reader.read_module(&file.module.body);
    reader.finish()
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
    convention: NamingConvention,
    span: Span,
}

/// `postgresql.ExcludeConstraint((element, operator), ..., using=, where=)`.
#[derive(Debug, Clone)]
struct ExcludeSpec {
    name: Option<String>,
    using: String,
    elements: Vec<(IndexElement, String)>,
    r#where: Option<String>,
}

struct Reader<'a> {
    imports: Imports,
    /// Classes defined at module level, by name.
    classes: HashMap<String, &'a StmtClassDef>,
    /// Module-level `name = value` assignments.
    values: Values<'a>,
    /// Python enum classes: member names in order.
    py_enums: HashMap<String, Vec<String>>,
    /// Their members' values, where each is a string literal.
    py_enum_values: HashMap<String, Vec<String>>,
    /// `Base = declarative_base(...)` variables and their registries.
    base_vars: HashMap<String, Registry>,
    /// `class Base(DeclarativeBase)` classes and their registries.
    base_classes: HashMap<String, Registry>,
    tables: Vec<TableSpec>,
    enums: Vec<EnumType>,
    sequences: Vec<Sequence>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn new(body: &'a [Stmt]) -> Self {
        let mut classes = HashMap::default();
        for stmt in body {
            if let Stmt::ClassDef(class) = stmt {
                classes.insert(class.name.id.as_str().to_string(), class);
            }
        }
        let values = named_assignments(body)
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        Reader {
            imports: Imports::from_statements(body),
            classes,
            values,
            py_enums: HashMap::default(),
            py_enum_values: HashMap::default(),
            base_vars: HashMap::default(),
            base_classes: HashMap::default(),
            tables: Vec::new(),
            enums: Vec::new(),
            sequences: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn symbol<'s>(&'s self, expr: &'s Expr) -> Option<Symbol<'s>> {
        self.imports.symbol(expr)
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

    fn read_module(&mut self, body: &'a [Stmt]) {
        // Enum classes first: columns anywhere in the file may use them.
        for stmt in body {
            if let Stmt::ClassDef(class) = stmt
                && self.is_enum_class(class)
            {
                let members = enum_members(class);
                self.py_enums
                    .insert(class.name.id.as_str().to_string(), members);
                if let Some(values) = enum_values(class, &self.values) {
                    self.py_enum_values
                        .insert(class.name.id.as_str().to_string(), values);
                }
            }
        }
        // Declarative base classes next, each read once (their conventions
        // and type maps apply to every class mapped on them).
        for stmt in body {
            if let Stmt::ClassDef(class) = stmt
                && let Some(registry) = self.declarative_base_class(class)
            {
                self.base_classes
                    .insert(class.name.id.as_str().to_string(), registry);
            }
        }
        for stmt in body {
            match stmt {
                Stmt::Assign(assign) => {
                    let Some(Expr::Name(target)) = assign.targets.first() else {
                        continue;
                    };
                    self.read_module_assignment(target.id.as_str(), &assign.value);
                }
                Stmt::ClassDef(class) => self.read_class(class),
                // `Table("name", metadata, ...)` not bound to a name is still
                // in the metadata.
                Stmt::Expr(statement) => self.read_module_assignment("", &statement.value),
                _ => {}
            }
        }
    }

    fn read_module_assignment(&mut self, target: &str, value: &'a Expr) {
        let Expr::Call(call) = value else { return };
        let Some(symbol) = self.symbol(&call.func) else {
            return;
        };
        if symbol.is(Family::Orm, "declarative_base") {
            let convention = keyword(&call.arguments, "metadata")
                .map(|m| self.metadata_convention(m))
                .unwrap_or_default();
            self.base_vars.insert(
                target.to_string(),
                Registry {
                    convention,
                    type_map: Vec::new(),
                },
            );
        } else if symbol.is(Family::Sqlalchemy, "Table") {
            self.read_core_table(call);
        } else if symbol.is(Family::Sqlalchemy, "Sequence")
            && keyword(&call.arguments, "metadata").is_some()
        {
            // A sequence of its own, created with the metadata.
            self.sequence(call);
        }
    }

    /// The naming convention of a `MetaData(...)` call, a name bound to one,
    /// or a declarative base's `Base.metadata`.
    fn metadata_convention(&mut self, expr: &'a Expr) -> NamingConvention {
        if let Expr::Attribute(attribute) = expr
            && attribute.attr.id.as_str() == "metadata"
            && let Expr::Name(base) = &*attribute.value
        {
            let base = base.id.as_str();
            if let Some(registry) = self.base_classes.get(base).or(self.base_vars.get(base)) {
                return registry.convention.clone();
            }
        }
        let expr = self.follow(expr);
        let Expr::Call(call) = expr else {
            return NamingConvention::default();
        };
        if !self.is(&call.func, Family::Sqlalchemy, "MetaData") {
            return NamingConvention::default();
        }
        match keyword(&call.arguments, "naming_convention") {
            Some(conv) => self.naming_convention(conv),
            None => NamingConvention::default(),
        }
    }

    /// A module-level name's value, or the expression itself.
    fn follow(&self, expr: &'a Expr) -> &'a Expr {
        match expr {
            Expr::Name(name) => self.values.get(name.id.as_str()).copied().unwrap_or(expr),
            _ => expr,
        }
    }

    fn naming_convention(&mut self, expr: &'a Expr) -> NamingConvention {
        let Expr::Dict(dict) = self.follow(expr) else {
            self.warning(
                expr,
                "naming_convention is not a dict literal retort can read",
                "write the convention as a dict of string templates in this file",
            );
            return NamingConvention::default();
        };
        let mut templates = Vec::new();
        for item in &dict.items {
            let (Some(key), Some(template)) =
                (item.key.as_ref().and_then(string), string(&item.value))
            else {
                self.warning(
                    &item.value,
                    "naming convention entry not read: retort reads string keys (\"ix\", \"uq\", \"ck\", \"fk\", \"pk\") with string templates",
                    "use %(token)s templates; callables cannot be evaluated without Python",
                );
                continue;
            };
            match ConstraintKind::from_key(&key) {
                Some(kind) => templates.push((kind, template)),
                None => self.warning(
                    &item.value,
                    format!("naming convention key {key:?} is not one of ix, uq, ck, fk, pk"),
                    "custom token keys are not supported yet",
                ),
            }
        }
        NamingConvention::new(templates)
    }

    // ------------------------------------------------------------ classes

    fn is_enum_class(&self, class: &StmtClassDef) -> bool {
        bases(class).iter().any(|b| {
            self.symbol(b).is_some_and(|s| {
                s.family == Family::Enum && matches!(s.name, "Enum" | "StrEnum" | "IntEnum")
            })
        })
    }

    fn local_class(&self, expr: &Expr) -> Option<&'a StmtClassDef> {
        match expr {
            Expr::Name(name) => self.classes.get(name.id.as_str()).copied(),
            _ => None,
        }
    }

    /// A `DeclarativeBase` subclass: its registry.
    fn declarative_base_class(&mut self, class: &'a StmtClassDef) -> Option<Registry> {
        let is_base = bases(class).iter().any(|b| {
            self.symbol(b).is_some_and(|s| {
                s.family == Family::Orm
                    && matches!(s.name, "DeclarativeBase" | "DeclarativeBaseNoMeta")
            })
        });
        if !is_base {
            return None;
        }
        let mut registry = Registry::default();
        for (target, value) in named_assignments(&class.body) {
            match target {
                "metadata" => registry.convention = self.metadata_convention(value),
                "type_annotation_map" => registry.type_map = self.type_annotation_map(value),
                _ => {}
            }
        }
        Some(registry)
    }

    fn type_annotation_map(&mut self, expr: &'a Expr) -> Vec<(Vec<String>, Typed)> {
        let Expr::Dict(dict) = self.follow(expr) else {
            return Vec::new();
        };
        let mut map = Vec::new();
        for item in &dict.items {
            let Some(key) = item.key.as_ref().and_then(|k| self.imports.path(k)) else {
                continue;
            };
            let key: Vec<String> = key.into_iter().map(str::to_string).collect();
            if let Some(ty) = self.type_expr(&item.value) {
                map.push((key, ty));
            }
        }
        map
    }

    /// The registry a mapped class belongs to, through its (local) bases.
    fn registry_of(&self, class: &'a StmtClassDef, seen: &mut HashSet<String>) -> Option<Registry> {
        if !seen.insert(class.name.id.as_str().to_string()) {
            return None;
        }
        for base in bases(class) {
            if let Expr::Name(name) = base
                && let Some(registry) = self.base_vars.get(name.id.as_str())
            {
                return Some(registry.clone());
            }
            if let Some(parent) = self.local_class(base) {
                if let Some(registry) = self.base_classes.get(parent.name.id.as_str()) {
                    return Some(registry.clone());
                }
                if let Some(registry) = self.registry_of(parent, seen) {
                    return Some(registry);
                }
            }
        }
        None
    }

    /// Local classes in method resolution order (C3), starting with `class`.
    fn mro(&self, class: &'a StmtClassDef, depth: usize) -> Vec<&'a StmtClassDef> {
        if depth > 64 {
            return vec![class];
        }
        let parents: Vec<&'a StmtClassDef> = bases(class)
            .iter()
            .filter_map(|b| self.local_class(b))
            .collect();
        let mut sequences: Vec<Vec<&'a StmtClassDef>> =
            parents.iter().map(|p| self.mro(p, depth + 1)).collect();
        sequences.push(parents);
        let mut result = vec![class];
        loop {
            sequences.retain(|s| !s.is_empty());
            if sequences.is_empty() {
                return result;
            }
            let head = sequences.iter().map(|s| s[0]).find(|candidate| {
                !sequences
                    .iter()
                    .any(|s| s[1..].iter().any(|c| std::ptr::eq(*c, *candidate)))
            });
            // An inconsistent hierarchy (Python would refuse it): fall back
            // to the first head so reading goes on.
            let head = head.unwrap_or(sequences[0][0]);
            result.push(head);
            for s in &mut sequences {
                if std::ptr::eq(s[0], head) {
                    s.remove(0);
                }
            }
        }
    }

    fn read_class(&mut self, class: &'a StmtClassDef) {
        if self.py_enums.contains_key(class.name.id.as_str()) {
            return;
        }
        if self.base_classes.contains_key(class.name.id.as_str()) {
            // Not mapped itself; its columns are read, like a mixin's, into
            // every class mapped under it.
            return;
        }
        let Some(registry) = self.registry_of(class, &mut HashSet::default()) else {
            // A mixin or an unrelated class (read when used as a base) —
            // unless it names a table: then its base is one retort does not
            // recognise, and saying nothing would drop the table silently.
            if ClassAttributes::of(class, &self.values, class.name.id.as_str())
                .table_name
                .is_some()
            {
                self.warning(
                    &class.name,
                    format!(
                        "{} has a __tablename__ but no declarative base retort recognises; its table is not read",
                        class.name.id.as_str()
                    ),
                    "retort recognises subclasses of DeclarativeBase and bases made by declarative_base() in the same file",
                );
            }
            return;
        };
        let attributes = ClassAttributes::of(class, &self.values, class.name.id.as_str());
        if attributes.is_abstract {
            return;
        }
        let Some(table_name) = self.table_name(class) else {
            let parent = self
                .mro(class, 0)
                .into_iter()
                .skip(1)
                .find(|c| self.is_mapped(c));
            match parent {
                Some(parent) => self.read_single_table_subclass(class, parent, &registry),
                None => self.error(
                    &class.name,
                    format!(
                        "mapped class {} has no __tablename__",
                        class.name.id.as_str()
                    ),
                    "add __tablename__ = \"...\" (SQLAlchemy refuses to map it otherwise)",
                ),
            }
            return;
        };
        let mut table = TableSpec {
            name: table_name,
            convention: registry.convention.clone(),
            span: span_of(&class.name),
            ..TableSpec::default()
        };
        self.read_columns(class, &registry, &mut table);
        if let Some(args) = self.table_args(class) {
            self.read_table_args(args, &mut table);
        }
        self.tables.push(table);
    }

    /// Own columns first, then those of mixins and abstract bases in MRO
    /// order; a mapped parent's columns stay in the parent's table.
    fn read_columns(
        &mut self,
        class: &'a StmtClassDef,
        registry: &Registry,
        table: &mut TableSpec,
    ) {
        let mut seen_attributes = HashSet::default();
        for owner in self.mro(class, 0) {
            if !std::ptr::eq(owner, class) && self.is_mapped(owner) {
                continue;
            }
            for stmt in attribute_order(owner) {
                self.read_class_statement(stmt, registry, table, &mut seen_attributes);
            }
        }
    }

    /// A class SQLAlchemy maps (to its own table or its parent's): under a
    /// declarative base, not abstract, not the base itself.
    fn is_mapped(&self, class: &'a StmtClassDef) -> bool {
        !self.base_classes.contains_key(class.name.id.as_str())
            && !ClassAttributes::of(class, &self.values, "").is_abstract
            && self.registry_of(class, &mut HashSet::default()).is_some()
    }

    /// The table a mapped class declares: its own `__tablename__`, else one
    /// from its bases — a `@declared_attr` from any of them, a plain string
    /// only from a class that is not mapped itself (a mixin, an abstract
    /// base). `None`: single-table inheritance (or no name at all).
    fn table_name(&self, class: &'a StmtClassDef) -> Option<String> {
        let name = class.name.id.as_str();
        self.mro(class, 0).into_iter().find_map(|owner| {
            let attributes = ClassAttributes::of(owner, &self.values, name);
            let applies = std::ptr::eq(owner, class)
                || attributes.declared_table_name
                || !self.is_mapped(owner);
            attributes.table_name.filter(|_| applies)
        })
    }

    /// `__table_args__` from the class or, like `__tablename__`, a base.
    fn table_args(&self, class: &'a StmtClassDef) -> Option<&'a Expr> {
        let name = class.name.id.as_str();
        self.mro(class, 0).into_iter().find_map(|owner| {
            let attributes = ClassAttributes::of(owner, &self.values, name);
            let applies = std::ptr::eq(owner, class) || !self.is_mapped(owner);
            attributes.table_args.filter(|_| applies)
        })
    }

    /// Single-table inheritance: a mapped subclass without a table of its
    /// own adds its columns to the table of the class it inherits from.
    fn read_single_table_subclass(
        &mut self,
        class: &'a StmtClassDef,
        parent: &'a StmtClassDef,
        registry: &Registry,
    ) {
        let parent_table = self.mro(parent, 0).into_iter().find_map(|c| {
            if self.is_mapped(c) {
                self.table_name(c)
            } else {
                None
            }
        });
        let Some(parent_table) = parent_table else {
            self.error(
                &class.name,
                format!(
                    "mapped class {} has no __tablename__, and neither has {}",
                    class.name.id.as_str(),
                    parent.name.id.as_str()
                ),
                "add __tablename__ = \"...\" (SQLAlchemy refuses to map it otherwise)",
            );
            return;
        };
        let mut extra = TableSpec {
            name: parent_table.clone(),
            convention: registry.convention.clone(),
            span: span_of(&class.name),
            ..TableSpec::default()
        };
        self.read_columns(class, registry, &mut extra);
        let Some(table) = self
            .tables
            .iter_mut()
            .rev()
            .find(|t| t.name == parent_table)
        else {
            self.warning(
                &class.name,
                format!(
                    "single-table inheritance: table {parent_table:?} of {} is not read, so the columns of {} are not either",
                    parent.name.id.as_str(),
                    class.name.id.as_str()
                ),
                "declare the parent class before its subclasses",
            );
            return;
        };
        for column in extra.columns {
            if !table
                .columns
                .iter()
                .any(|c| c.column.name == column.column.name)
            {
                table.columns.push(column);
            }
        }
        table.foreign_keys.extend(extra.foreign_keys);
        table.uniques.extend(extra.uniques);
        table.checks.extend(extra.checks);
        table.indexes.extend(extra.indexes);
        table.excludes.extend(extra.excludes);
    }

    fn read_class_statement(
        &mut self,
        stmt: &'a Stmt,
        registry: &Registry,
        table: &mut TableSpec,
        seen: &mut HashSet<String>,
    ) {
        let (attribute, annotation, value) = match stmt {
            Stmt::AnnAssign(assign) => match &*assign.target {
                Expr::Name(name) => (
                    name.id.as_str(),
                    Some(&*assign.annotation),
                    assign.value.as_deref(),
                ),
                _ => return,
            },
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [Expr::Name(name)] => (name.id.as_str(), None, Some(&*assign.value)),
                _ => return,
            },
            Stmt::FunctionDef(function) => match declared_attr(stmt) {
                Some((name, returns, value)) => (name, returns, Some(value)),
                None => {
                    if function
                        .decorator_list
                        .iter()
                        .any(|d| mentions_declared_attr(&d.expression))
                    {
                        self.warning(
                                &function.name,
                                format!(
                                    "declared_attr {} is not evaluated: its body is more than one return",
                                    function.name.id.as_str()
                                ),
                                "retort does not run Python; write it as `return <expression>` or declare the column directly",
                            );
                    }
                    return;
                }
            },
            _ => return,
        };
        if attribute.starts_with("__") || seen.contains(attribute) {
            return;
        }
        let mapped = annotation
            .and_then(|a| self.mapped_inner(a))
            .map(|inner| self.annotation(inner));
        let call = match value {
            Some(Expr::Call(call)) => Some(call),
            _ => None,
        };
        let callee = call.and_then(|c| self.symbol(&c.func));
        let annotated = mapped.and_then(|m| m.annotated);
        let spec = match (&callee, mapped) {
            (Some(s), _) if s.is(Family::Orm, "mapped_column") => {
                let Some(call) = call else { return };
                let args = match annotated {
                    Some(base) => ColumnArgs::merged(base, Some(call)),
                    None => ColumnArgs::of(call),
                };
                self.column_call(&args, attribute, mapped, true, registry)
            }
            (Some(s), _) if s.is(Family::Sqlalchemy, "Column") => {
                let Some(call) = call else { return };
                self.column_call(&ColumnArgs::of(call), attribute, mapped, false, registry)
            }
            (Some(s), _) if s.family == Family::Orm => return, // relationship(), column_property()…
            (_, Some(annotation)) if value.is_none() => match annotation.annotated {
                Some(base) => {
                    let mut args = ColumnArgs::of(base);
                    args.span = span_of(stmt);
                    self.column_call(&args, attribute, mapped, true, registry)
                }
                None => self.annotation_only_column(attribute, annotation, stmt, registry),
            },
            (_, Some(_)) => {
                if let Some(value) = value {
                    self.warning(
                        value,
                        format!("attribute {attribute} is Mapped[...] but its value is not mapped_column(...); not read as a column"),
                        "write it as mapped_column(...) for retort to read it",
                    );
                }
                return;
            }
            _ => return,
        };
        seen.insert(attribute.to_string());
        table.columns.push(spec);
    }

    /// `Mapped[X]` → `X`.
    fn mapped_inner(&self, annotation: &'a Expr) -> Option<&'a Expr> {
        let Expr::Subscript(subscript) = annotation else {
            return None;
        };
        self.is(&subscript.value, Family::Orm, "Mapped")
            .then_some(&*subscript.slice)
    }

    fn annotation_only_column(
        &mut self,
        attribute: &str,
        annotation: Annotation<'a>,
        stmt: &Stmt,
        registry: &Registry,
    ) -> ColumnSpec {
        let (ty, repr) = self.annotation_type(annotation.ty, registry);
        let mut column = Column::new(attribute, ty);
        column.sa_type = repr;
        column.nullable = annotation.optional;
        column.span = span_of(stmt);
        ColumnSpec {
            column,
            key: attribute.to_string(),
            primary_key: false,
            index: false,
            unique: false,
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            type_from_foreign_key: false,
        }
    }

    /// Unwraps `Optional`/`| None` and `Annotated[...]` (inline or through a
    /// module-level alias), in either nesting.
    fn annotation(&self, inner: &'a Expr) -> Annotation<'a> {
        let (ty, optional) = self.unwrap_optional(inner);
        let (ty, annotated) = self.unwrap_annotated(ty);
        let (ty, optional_inside) = self.unwrap_optional(ty);
        Annotation {
            ty,
            optional: optional || optional_inside,
            annotated,
        }
    }

    /// `Annotated[T, mapped_column(...)]` → (`T`, the mapped_column call).
    fn unwrap_annotated(&self, expr: &'a Expr) -> (&'a Expr, Option<&'a ExprCall>) {
        let Expr::Subscript(subscript) = self.follow(expr) else {
            return (expr, None);
        };
        if !self.is(&subscript.value, Family::Typing, "Annotated") {
            return (expr, None);
        }
        let Expr::Tuple(parts) = &*subscript.slice else {
            return (expr, None);
        };
        let Some((ty, extras)) = parts.elts.split_first() else {
            return (expr, None);
        };
        let call = extras.iter().find_map(|e| match e {
            Expr::Call(call) if self.is(&call.func, Family::Orm, "mapped_column") => Some(call),
            _ => None,
        });
        (ty, call)
    }

    /// `Optional[X]`, `X | None`, `Union[X, None]` → (`X`, true).
    fn unwrap_optional(&self, expr: &'a Expr) -> (&'a Expr, bool) {
        match expr {
            Expr::Subscript(subscript) if self.is(&subscript.value, Family::Typing, "Optional") => {
                (&*subscript.slice, true)
            }
            Expr::Subscript(subscript) if self.is(&subscript.value, Family::Typing, "Union") => {
                if let Expr::Tuple(tuple) = &*subscript.slice {
                    let others: Vec<&Expr> = tuple
                        .elts
                        .iter()
                        .filter(|e| !e.is_none_literal_expr())
                        .collect();
                    if others.len() == 1 && others.len() < tuple.elts.len() {
                        return (others[0], true);
                    }
                }
                (expr, false)
            }
            Expr::BinOp(binop) if binop.op == Operator::BitOr => {
                if binop.right.is_none_literal_expr() {
                    (&*binop.left, true)
                } else if binop.left.is_none_literal_expr() {
                    (&*binop.right, true)
                } else {
                    (expr, false)
                }
            }
            _ => (expr, false),
        }
    }

    /// The SQL type of a `Mapped[...]` annotation's Python type.
    fn annotation_type(&mut self, expr: &'a Expr, registry: &Registry) -> Typed {
        if let Some(path) = self.imports.path(expr)
            && let Some((_, ty)) = registry
                .type_map
                .iter()
                .find(|(k, _)| k.iter().eq(path.iter()))
        {
            return ty.clone();
        }
        if let Expr::Name(name) = expr
            && let Some(members) = self.py_enums.get(name.id.as_str()).cloned()
        {
            let enum_name = name.id.as_str().to_lowercase();
            let repr = enum_repr("sa.", &members, Some(&enum_name), None, true, None);
            return (self.register_enum(None, &enum_name, members), repr);
        }
        if let Some(symbol) = self.symbol(expr)
            && let (Some(ty), Some(repr)) = (
                types::python_default(&symbol),
                types::python_default_repr(&symbol),
            )
        {
            return (ty, repr.to_string());
        }
        self.error(
            expr,
            "no SQL type for this annotation: SQLAlchemy's type map has no entry for it",
            "give the type explicitly: mapped_column(String(50)), or add it to type_annotation_map",
        );
        (SqlType::Named("NULL".into()), "sa.NullType()".into())
    }

    fn register_enum(
        &mut self,
        schema: Option<String>,
        name: &str,
        values: Vec<String>,
    ) -> SqlType {
        if !self
            .enums
            .iter()
            .any(|e| e.name == name && e.schema == schema)
        {
            self.enums.push(EnumType {
                schema: schema.clone(),
                name: name.to_string(),
                values,
            });
        }
        SqlType::Enum {
            schema,
            name: name.to_string(),
        }
    }

    // ------------------------------------------------------------ columns

    /// `Column(...)` or `mapped_column(...)`.
    fn column_call(
        &mut self,
        call: &ColumnArgs<'a>,
        attribute: &str,
        mapped: Option<Annotation<'a>>,
        is_mapped_column: bool,
        registry: &Registry,
    ) -> ColumnSpec {
        let mut name: Option<String> = None;
        let mut ty: Option<Typed> = None;
        let mut foreign_keys = Vec::new();
        let mut checks = Vec::new();
        let mut computed = None;
        let mut identity = None;
        for (i, &arg) in call.args.iter().enumerate() {
            if i == 0
                && let Some(s) = string(arg)
            {
                name = Some(s);
                continue;
            }
            if let Expr::Call(inner) = arg {
                let callee = self.symbol(&inner.func);
                match callee.as_ref().map(|s| (s.family, s.name)) {
                    Some((Family::Sqlalchemy, "ForeignKey")) => {
                        if let Some(fk) = self.foreign_key(inner) {
                            foreign_keys.push(fk);
                        }
                        continue;
                    }
                    Some((Family::Sqlalchemy, "Identity")) => {
                        identity = Some(Identity {
                            always: keyword(&inner.arguments, "always")
                                .and_then(boolean)
                                .unwrap_or(false),
                            start: keyword(&inner.arguments, "start").and_then(integer),
                            increment: keyword(&inner.arguments, "increment").and_then(integer),
                        });
                        continue;
                    }
                    Some((Family::Sqlalchemy, "Sequence")) => {
                        self.sequence(inner);
                        continue;
                    }
                    Some((Family::Sqlalchemy, "CheckConstraint")) => {
                        match self.check_text(inner) {
                            Some(text) => checks.push((
                                keyword(&inner.arguments, "name").and_then(string),
                                text,
                                span_of(inner),
                            )),
                            None => self.warning(
                                inner,
                                "CheckConstraint condition is not a string; not read",
                                "write the condition as SQL text",
                            ),
                        }
                        continue;
                    }
                    Some((Family::Sqlalchemy, "Computed")) => {
                        computed = inner.arguments.args.first().and_then(|e| self.sql_text(e));
                        if computed.is_none() {
                            self.warning(
                                arg,
                                "Computed expression is not SQL text; the column is read without it",
                                "write it as Computed(\"price * quantity\")",
                            );
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            if matches!(arg, Expr::NoneLiteral(_)) {
                // `Column(None, ForeignKey(...))`: typed by the foreign key.
                continue;
            }
            if ty.is_none() {
                ty = self.type_expr(arg);
            } else {
                self.warning(arg, "argument not understood; ignored", "");
            }
        }
        let mut nullable = None;
        let mut primary_key = false;
        let mut index = false;
        let mut unique = false;
        let mut server_default = None;
        let mut comment = None;
        let mut autoincrement = Autoincrement::Auto;
        let mut key = attribute.to_string();
        for &kw in &call.keywords {
            let Some(arg) = &kw.arg else { continue };
            match arg.id.as_str() {
                "nullable" => nullable = boolean(&kw.value),
                "primary_key" => primary_key = boolean(&kw.value).unwrap_or(false),
                "index" => index = boolean(&kw.value).unwrap_or(false),
                "unique" => unique = boolean(&kw.value).unwrap_or(false),
                "server_default" => server_default = self.server_default(&kw.value),
                "comment" => comment = string(&kw.value),
                "name" => name = string(&kw.value),
                "key" => key = string(&kw.value).unwrap_or(key),
                "type_" => ty = self.type_expr(&kw.value),
                "autoincrement" => {
                    autoincrement = match &kw.value {
                        Expr::BooleanLiteral(b) if b.value => Autoincrement::True,
                        Expr::BooleanLiteral(_) => Autoincrement::False,
                        _ => Autoincrement::Auto,
                    }
                }
                // Python-side and ORM-only settings: no effect on the schema.
                "default"
                | "onupdate"
                | "server_onupdate"
                | "doc"
                | "info"
                | "init"
                | "repr"
                | "kw_only"
                | "default_factory"
                | "compare"
                | "hash"
                | "deferred"
                | "deferred_group"
                | "deferred_raiseload"
                | "active_history"
                | "sort_order"
                | "insert_default"
                | "quote"
                | "system"
                | "use_existing_column"
                | "dataclass_metadata" => {}
                other => self.warning(
                    kw,
                    format!("argument {other}= is not one retort knows; ignored"),
                    "",
                ),
            }
        }
        let type_from_foreign_key = ty.is_none() && mapped.is_none() && !foreign_keys.is_empty();
        let ty = match (ty, mapped) {
            (Some(ty), _) => ty,
            (None, Some(annotation)) => self.annotation_type(annotation.ty, registry),
            (None, None) if type_from_foreign_key => {
                (SqlType::Named("NULL".into()), "sa.NullType()".into())
            }
            (None, None) => {
                self.diagnostics.push(
                    Diagnostic::error(call.span, format!("column {attribute} has no type"))
                        .with_help("pass a type: Column(String(50)) or annotate Mapped[str]"),
                );
                (SqlType::Named("NULL".into()), "sa.NullType()".into())
            }
        };
        let (ty, sa_type) = ty;
        let nullable = if primary_key {
            false
        } else {
            match (nullable, is_mapped_column, mapped) {
                (Some(n), _, _) => n,
                (None, true, Some(annotation)) => annotation.optional,
                _ => true,
            }
        };
        let mut column = Column::new(name.unwrap_or_else(|| attribute.to_string()), ty);
        column.sa_type = sa_type;
        column.nullable = nullable;
        column.server_default = server_default;
        column.identity = identity;
        column.computed = computed;
        column.autoincrement = autoincrement;
        column.comment = comment;
        column.span = call.span;
        for fk in &mut foreign_keys {
            fk.columns = vec![key.clone()];
        }
        ColumnSpec {
            column,
            key,
            primary_key,
            index,
            unique,
            foreign_keys,
            checks,
            type_from_foreign_key,
        }
    }

    /// The SQL of a `CheckConstraint("...")` or `CheckConstraint(text("..."))`.
    fn check_text(&self, call: &ExprCall) -> Option<String> {
        let condition = call.arguments.args.first()?;
        string(condition).or_else(|| match condition {
            Expr::Call(c) if self.is(&c.func, Family::Sqlalchemy, "text") => {
                c.arguments.args.first().and_then(string)
            }
            _ => None,
        })
    }

    fn foreign_key(&mut self, call: &ExprCall) -> Option<ForeignKeySpec> {
        let Some(target) = call.arguments.args.first().and_then(string) else {
            self.warning(
                call,
                "ForeignKey target is not a \"table.column\" string; foreign key not read",
                "write ForeignKey(\"table.column\")",
            );
            return None;
        };
        Some(ForeignKeySpec {
            name: keyword(&call.arguments, "name").and_then(string),
            columns: Vec::new(),
            targets: vec![target],
            ondelete: keyword(&call.arguments, "ondelete").and_then(string),
            onupdate: keyword(&call.arguments, "onupdate").and_then(string),
            deferrable: keyword(&call.arguments, "deferrable").and_then(boolean),
            initially: keyword(&call.arguments, "initially").and_then(string),
            span: span_of(call),
        })
    }

    fn sequence(&mut self, call: &ExprCall) {
        let Some(name) = call.arguments.args.first().and_then(string) else {
            self.warning(call, "Sequence without a literal name; not read", "");
            return;
        };
        self.sequences.push(Sequence {
            schema: keyword(&call.arguments, "schema").and_then(string),
            name,
            start: keyword(&call.arguments, "start").and_then(integer),
            increment: keyword(&call.arguments, "increment").and_then(integer),
        });
    }

    /// `server_default=` as the SQL text SQLAlchemy puts in the DDL.
    fn server_default(&mut self, expr: &Expr) -> Option<String> {
        if let Some(s) = string(expr) {
            return Some(format!("'{}'", s.replace('\'', "''")));
        }
        if let Expr::Call(call) = expr
            && let Some(symbol) = self.symbol(&call.func)
        {
            match (symbol.family, symbol.name) {
                (Family::Sqlalchemy, "text") => {
                    if let Some(text) = call.arguments.args.first().and_then(string) {
                        return Some(text);
                    }
                }
                (Family::Sqlalchemy, "false") => return Some("false".into()),
                (Family::Sqlalchemy, "true") => return Some("true".into()),
                (Family::Sqlalchemy, "null") => return Some("NULL".into()),
                // The database fills the value in by itself: nothing in the DDL.
                (Family::Sqlalchemy, "FetchedValue") => return None,
                (Family::Func, name) if call.arguments.is_empty() => {
                    return Some(sql_function(name));
                }
                _ => {}
            }
        }
        self.warning(
            expr,
            "server_default not understood; the column is read without it",
            "use a string, text(\"...\"), func.name() or sa.true()/sa.false()",
        );
        None
    }

    /// A type expression: `String`, `String(50)`, `postgresql.ARRAY(Integer)`,
    /// `Enum(Status)`, or a type from `type_annotation_map`.
    fn type_expr(&mut self, expr: &Expr) -> Option<Typed> {
        let (func, arguments) = match expr {
            Expr::Call(call) => (&*call.func, Some(&call.arguments)),
            other => (other, None),
        };
        let Some(symbol) = self.symbol(func) else {
            self.error(
                expr,
                "not a type retort can read",
                "use a SQLAlchemy type such as String(50)",
            );
            return None;
        };
        if matches!(symbol.family, Family::Sqlalchemy | Family::Postgresql) {
            match symbol.name {
                "Enum" | "ENUM" => {
                    let prefix = if symbol.name == "ENUM" && symbol.family == Family::Postgresql {
                        "postgresql."
                    } else {
                        "sa."
                    };
                    return Some(self.enum_type(expr, arguments, prefix));
                }
                "ARRAY" => {
                    let prefix = if symbol.family == Family::Postgresql {
                        "postgresql."
                    } else {
                        "sa."
                    };
                    let arguments = arguments?;
                    let (element, element_repr) = arguments
                        .args
                        .first()
                        .or_else(|| keyword(arguments, "item_type"))
                        .and_then(|e| self.type_expr(e))?;
                    let given = keyword(arguments, "dimensions")
                        .and_then(integer)
                        .and_then(|d| u32::try_from(d).ok());
                    let repr = match given {
                        Some(d) => format!("{prefix}ARRAY({element_repr}, dimensions={d})"),
                        None => format!("{prefix}ARRAY({element_repr})"),
                    };
                    return Some((
                        SqlType::Array {
                            element: Box::new(element),
                            dimensions: given.unwrap_or(1),
                        },
                        repr,
                    ));
                }
                _ => {}
            }
        }
        let args = arguments
            .map(|a| type_args(a, &self.values))
            .unwrap_or_default();
        if let Some(ty) = types::sql_type(&symbol, &args) {
            let repr =
                types::type_repr(&symbol, &args).unwrap_or_else(|| format!("sa.{}()", symbol.name));
            return Some((ty, repr));
        }
        let written = symbol.name.to_string();
        self.error(
            func,
            format!("unknown type {written}: not a SQLAlchemy or PostgreSQL type retort knows"),
            "types imported from other modules cannot be followed without running Python; use the SQLAlchemy type it is built on",
        );
        Some((SqlType::Named(written.clone()), format!("{written}()")))
    }

    /// `Enum(PyEnum)`, `Enum("a", "b", name="x")`, with `native_enum`.
    fn enum_type(&mut self, expr: &Expr, arguments: Option<&Arguments>, prefix: &str) -> Typed {
        let Some(arguments) = arguments else {
            self.error(
                expr,
                "Enum needs its values",
                "Enum(MyEnum) or Enum(\"a\", \"b\", name=\"x\")",
            );
            return (SqlType::Named("NULL".into()), "sa.NullType()".into());
        };
        let explicit_name = keyword(arguments, "name").and_then(string);
        let (values, class_name) = match arguments.args.first() {
            Some(Expr::Name(name)) if self.py_enums.contains_key(name.id.as_str()) => (
                self.py_enums[name.id.as_str()].clone(),
                Some(name.id.as_str().to_lowercase()),
            ),
            _ => {
                let values: Option<Vec<String>> = arguments.args.iter().map(string).collect();
                match values {
                    Some(values) => (values, None),
                    None => {
                        self.error(
                            expr,
                            "Enum values not read: retort reads string values or an enum class defined in this file",
                            "define the enum.Enum class in the model file",
                        );
                        (Vec::new(), None)
                    }
                }
            }
        };
        let mut values = values;
        if let Some(callable) = keyword(arguments, "values_callable") {
            let member_values = match (arguments.args.first(), is_member_values(callable)) {
                (Some(Expr::Name(name)), true) => {
                    self.py_enum_values.get(name.id.as_str()).cloned()
                }
                _ => None,
            };
            match member_values {
                Some(member_values) => values = member_values,
                None => self.warning(
                    callable,
                    "values_callable is not evaluated; the enum's member names are used",
                    "retort reads `lambda e: [m.value for m in e]` over an enum whose values are strings",
                ),
            }
        }
        let native = keyword(arguments, "native_enum")
            .and_then(boolean)
            .unwrap_or(true);
        let name = explicit_name.or(class_name);
        let schema = keyword(arguments, "schema").and_then(string);
        let longest = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let longest = u32::try_from(longest).unwrap_or(u32::MAX);
        let given_length = keyword(arguments, "length")
            .and_then(integer)
            .and_then(|l| u32::try_from(l).ok());
        let repr = enum_repr(
            prefix,
            &values,
            name.as_deref(),
            schema.as_deref(),
            native,
            given_length.filter(|l| *l != longest),
        );
        if !native {
            let length = given_length.unwrap_or(longest);
            return (
                SqlType::Varchar {
                    length: Some(length),
                },
                repr,
            );
        }
        let Some(name) = name else {
            self.error(
                expr,
                "a PostgreSQL enum needs a name",
                "add name=\"...\" to Enum(...)",
            );
            return (SqlType::Named("NULL".into()), repr);
        };
        (self.register_enum(schema, &name, values), repr)
    }

    // ------------------------------------------------------------ tables

    /// `Table("name", metadata, Column(...), ..., schema=...)`.
    fn read_core_table(&mut self, call: &'a ExprCall) {
        let args = &call.arguments.args;
        let Some(name) = args.first().and_then(|a| constant_string(a, &self.values)) else {
            self.error(
                call,
                "Table name is not a string constant; table not read",
                "write Table(\"name\", metadata, ...)",
            );
            return;
        };
        let convention = args
            .get(1)
            .map(|m| self.metadata_convention(m))
            .unwrap_or_default();
        let mut table = TableSpec {
            name,
            schema: keyword(&call.arguments, "schema").and_then(string),
            comment: keyword(&call.arguments, "comment").and_then(string),
            convention,
            span: span_of(call),
            ..TableSpec::default()
        };
        let registry = Registry::default();
        for item in args.iter().skip(2) {
            let Expr::Call(inner) = item else {
                self.warning(item, "Table item not read", "");
                continue;
            };
            if self.is(&inner.func, Family::Sqlalchemy, "Column") {
                let Some(column_name) = inner.arguments.args.first().and_then(string) else {
                    self.error(
                        inner,
                        "a Column in Table(...) needs its name first",
                        "Column(\"name\", Type, ...)",
                    );
                    continue;
                };
                let spec =
                    self.column_call(&ColumnArgs::of(inner), &column_name, None, false, &registry);
                table.columns.push(spec);
            } else {
                self.table_item(inner, &mut table);
            }
        }
        self.tables.push(table);
    }

    /// `__table_args__`: a tuple of constraints/indexes, optionally ending
    /// with a dict, or a dict alone.
    fn read_table_args(&mut self, expr: &'a Expr, table: &mut TableSpec) {
        let items: Vec<&Expr> = match expr {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            Expr::List(list) => list.elts.iter().collect(),
            Expr::Dict(_) => vec![expr],
            other => {
                self.warning(
                    other,
                    "__table_args__ not read: expected a tuple or dict",
                    "",
                );
                return;
            }
        };
        for item in items {
            match item {
                Expr::Dict(dict) => {
                    for entry in &dict.items {
                        match entry.key.as_ref().and_then(string).as_deref() {
                            Some("schema") => table.schema = string(&entry.value),
                            Some("comment") => table.comment = string(&entry.value),
                            _ => {}
                        }
                    }
                }
                Expr::Call(call) => self.table_item(call, table),
                other => self.warning(other, "__table_args__ item not read", ""),
            }
        }
    }

    /// `func.lower(email)` as SQLAlchemy compiles it in DDL: `lower(email)`;
    /// arguments are columns (by attribute or key string... as SQLAlchemy
    /// reads a bare string here: a literal), numbers, or nested functions.
    fn function_sql(&self, call: &ExprCall, table: &TableSpec) -> Option<String> {
        let symbol = self.symbol(&call.func)?;
        if symbol.family != Family::Func || !call.arguments.keywords.is_empty() {
            return None;
        }
        let mut args = Vec::new();
        for arg in &call.arguments.args {
            let sql = match arg {
                Expr::Name(n) => table
                    .columns
                    .iter()
                    .find(|c| c.key == n.id.as_str())
                    .map(|c| c.column.name.clone())?,
                Expr::StringLiteral(s) => format!("'{}'", s.value.to_str().replace('\'', "''")),
                Expr::NumberLiteral(_) => {
                    let Some(Literal::Int(n)) = evaluate(arg, &self.values, 0) else {
                        return None;
                    };
                    n.to_string()
                }
                Expr::Call(inner) => self.function_sql(inner, table)?,
                _ => return None,
            };
            args.push(sql);
        }
        Some(format!("{}({})", symbol.name, args.join(", ")))
    }

    /// SQL written as a string or `text("...")`.
    fn sql_text(&self, e: &Expr) -> Option<String> {
        string(e).or_else(|| match e {
            Expr::Call(c) if self.is(&c.func, Family::Sqlalchemy, "text") => {
                c.arguments.args.first().and_then(string)
            }
            _ => None,
        })
    }

    fn table_item(&mut self, call: &ExprCall, table: &mut TableSpec) {
        let Some(symbol) = self.symbol(&call.func) else {
            self.warning(call, "table item not read", "");
            return;
        };
        let name = keyword(&call.arguments, "name").and_then(string);
        let span = span_of(call);
        // A column is named by a string (its key) or, inside the class
        // body, by the attribute holding it (`Index("ix", state)`).
        let column_ref = |e: &Expr| -> Option<String> {
            string(e).or_else(|| match e {
                Expr::Name(n) => table
                    .columns
                    .iter()
                    .find(|c| c.key == n.id.as_str())
                    .map(|c| c.key.clone()),
                _ => None,
            })
        };
        let string_args = |start: usize| -> Vec<String> {
            call.arguments
                .args
                .iter()
                .skip(start)
                .filter_map(column_ref)
                .collect()
        };
        match (symbol.family, symbol.name) {
            (Family::Sqlalchemy, "UniqueConstraint") => {
                table.uniques.push((name, string_args(0), span))
            }
            (Family::Sqlalchemy, "PrimaryKeyConstraint") => {
                table.primary_key = Some((name, string_args(0), span));
            }
            (Family::Sqlalchemy, "CheckConstraint") => {
                let text = self.check_text(call);
                match text {
                    Some(text) => table.checks.push((name, text, span)),
                    None => self.warning(
                        call,
                        "CheckConstraint condition is not a string; not read",
                        "write the condition as SQL text",
                    ),
                }
            }
            (Family::Sqlalchemy, "ForeignKeyConstraint") => {
                let list =
                    |e: Option<&Expr>, read: &dyn Fn(&Expr) -> Option<String>| -> Vec<String> {
                        match e {
                            Some(Expr::List(l)) => l.elts.iter().filter_map(read).collect(),
                            Some(Expr::Tuple(t)) => t.elts.iter().filter_map(read).collect(),
                            _ => Vec::new(),
                        }
                    };
                let columns = list(call.arguments.args.first(), &column_ref);
                let targets = list(call.arguments.args.get(1), &string);
                if columns.is_empty() || columns.len() != targets.len() {
                    self.warning(
                        call,
                        "ForeignKeyConstraint columns not read",
                        "use lists of string column names and \"table.column\" targets",
                    );
                    return;
                }
                table.foreign_keys.push(ForeignKeySpec {
                    name,
                    columns,
                    targets,
                    ondelete: keyword(&call.arguments, "ondelete").and_then(string),
                    onupdate: keyword(&call.arguments, "onupdate").and_then(string),
                    deferrable: keyword(&call.arguments, "deferrable").and_then(boolean),
                    initially: keyword(&call.arguments, "initially").and_then(string),
                    span,
                });
            }
            (Family::Sqlalchemy, "Index") => {
                let index_name = call.arguments.args.first().and_then(string);
                let mut elements = Vec::new();
                let columns: Vec<Option<String>> =
                    call.arguments.args.iter().skip(1).map(column_ref).collect();
                for (arg, column) in call.arguments.args.iter().skip(1).zip(columns) {
                    if let Some(column) = column {
                        elements.push(IndexElement::Column(column));
                    } else if let Expr::Call(c) = arg {
                        if self.is(&c.func, Family::Sqlalchemy, "text")
                            && let Some(sql) = c.arguments.args.first().and_then(string)
                        {
                            elements.push(IndexElement::Sql(sql));
                            continue;
                        }
                        if let Some(sql) = self.function_sql(c, table) {
                            elements.push(IndexElement::Sql(sql));
                            continue;
                        }
                        self.warning(
                            arg,
                            "index expression not read",
                            "use column names or text(\"...\")",
                        );
                    } else {
                        self.warning(
                            arg,
                            "index expression not read",
                            "use column names or text(\"...\")",
                        );
                    }
                }
                let sql_text = |reader: &Self, e: &Expr| -> Option<String> {
                    string(e).or_else(|| match e {
                        Expr::Call(c) if reader.is(&c.func, Family::Sqlalchemy, "text") => {
                            c.arguments.args.first().and_then(string)
                        }
                        _ => None,
                    })
                };
                table.indexes.push(IndexSpec {
                    name: index_name,
                    elements,
                    unique: keyword(&call.arguments, "unique")
                        .and_then(boolean)
                        .unwrap_or(false),
                    r#where: keyword(&call.arguments, "postgresql_where")
                        .and_then(|e| sql_text(self, e)),
                    using: keyword(&call.arguments, "postgresql_using").and_then(string),
                    span,
                });
            }
            (Family::Postgresql, "ExcludeConstraint") => {
                let mut elements = Vec::new();
                for arg in &call.arguments.args {
                    let pair = match arg {
                        Expr::Tuple(t) if t.elts.len() == 2 => Some((&t.elts[0], &t.elts[1])),
                        _ => None,
                    };
                    let element = pair.and_then(|(e, op)| {
                        let element = match column_ref(e) {
                            Some(key) => IndexElement::Column(key),
                            None => IndexElement::Sql(self.sql_text(e)?),
                        };
                        Some((element, string(op)?))
                    });
                    match element {
                        Some(element) => elements.push(element),
                        None => {
                            self.warning(
                                arg,
                                "exclusion element not read",
                                "write it as (\"column\", \"operator\") or (text(\"expression\"), \"operator\")",
                            );
                        }
                    }
                }
                let r#where = keyword(&call.arguments, "where").and_then(|e| self.sql_text(e));
                table.excludes.push(ExcludeSpec {
                    name,
                    using: keyword(&call.arguments, "using")
                        .and_then(string)
                        .unwrap_or_else(|| "gist".into())
                        .to_lowercase(),
                    elements,
                    r#where,
                });
            }
            _ => self.warning(
                call,
                format!("{} in a table definition is not read", symbol.name),
                "",
            ),
        }
    }

    // ------------------------------------------------------------ finish

    fn finish(mut self) -> (Schema, Vec<Diagnostic>) {
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
                let known = self
                    .tables
                    .iter()
                    .any(|t| t.name == name && t.schema == schema);
                if !known {
                    missing.push(
                        Diagnostic::error(
                            fk.span,
                            format!("foreign key to {target}: no table {name} in this file"),
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
                        Diagnostic::error(spec.column.span, format!("column {} takes its type from its foreign key, whose target is not in this file", spec.column.name))
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
        let spec = self
            .tables
            .iter()
            .find(|t| t.name == table && t.schema.as_deref() == schema)?;
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
                        IndexElement::Column(k) => key_to_name
                            .get(k.as_str())
                            .map_or(k.clone(), |n| (*n).to_string()),
                        IndexElement::Sql(sql) => sql.clone(),
                    })
                    .collect(),
                r#where: index.r#where.clone(),
                using: index.using.clone(),
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

/// The special attributes of a class body.
#[derive(Default)]
struct ClassAttributes<'a> {
    table_name: Option<String>,
    /// `__tablename__` comes from a `@declared_attr` function: it applies to
    /// subclasses even when this class is mapped itself.
    declared_table_name: bool,
    table_args: Option<&'a Expr>,
    is_abstract: bool,
}

impl<'a> ClassAttributes<'a> {
    /// The class's own settings, `cls.__name__` read as `class_name` (the
    /// mapped class whose table is being named).
    fn of(class: &'a StmtClassDef, values: &Values<'_>, class_name: &str) -> Self {
        let mut attributes = ClassAttributes::default();
        for (target, value) in named_assignments(&class.body) {
            match target {
                "__tablename__" => attributes.table_name = constant_string(value, values),
                "__table_args__" => attributes.table_args = Some(value),
                "__abstract__" => attributes.is_abstract = boolean(value).unwrap_or(false),
                _ => {}
            }
        }
        for (name, _, value) in class.body.iter().filter_map(declared_attr) {
            match name {
                "__tablename__" => {
                    attributes.table_name = class_name_expression(value, values, class_name);
                    attributes.declared_table_name = true;
                }
                "__table_args__" => attributes.table_args = Some(value),
                _ => {}
            }
        }
        attributes
    }
}

/// A `@declared_attr` (or `@declared_attr.directive`, `.cascading`) function
/// whose body is one `return value`: SQLAlchemy calls it with the mapped
/// class, which is the same as the attribute `name: returns = value`.
fn declared_attr(stmt: &Stmt) -> Option<(&str, Option<&Expr>, &Expr)> {
    let Stmt::FunctionDef(function) = stmt else {
        return None;
    };
    if !function
        .decorator_list
        .iter()
        .any(|d| mentions_declared_attr(&d.expression))
    {
        return None;
    }
    let body: Vec<&Stmt> = function
        .body
        .iter()
        .filter(|s| !matches!(s, Stmt::Expr(e) if e.value.is_string_literal_expr()))
        .collect();
    match body.as_slice() {
        [Stmt::Return(ret)] => Some((
            function.name.id.as_str(),
            function.returns.as_deref(),
            ret.value.as_deref()?,
        )),
        _ => None,
    }
}

fn mentions_declared_attr(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "declared_attr",
        Expr::Attribute(attr) => {
            attr.attr.id.as_str() == "declared_attr" || mentions_declared_attr(&attr.value)
        }
        Expr::Call(call) => mentions_declared_attr(&call.func),
        _ => false,
    }
}

/// `cls.__name__`, `cls.__name__.lower()` or a constant string.
fn class_name_expression(expr: &Expr, values: &Values<'_>, class_name: &str) -> Option<String> {
    match expr {
        Expr::Attribute(attr) if attr.attr.id.as_str() == "__name__" => {
            Some(class_name.to_string())
        }
        Expr::Call(call) if call.arguments.is_empty() => match &*call.func {
            Expr::Attribute(attr) if attr.attr.id.as_str() == "lower" => {
                class_name_expression(&attr.value, values, class_name).map(|n| n.to_lowercase())
            }
            _ => None,
        },
        _ => constant_string(expr, values),
    }
}

/// A class body's statements in the order SQLAlchemy's declarative scan
/// meets their attributes: it merges the class `__dict__` (names with a
/// value, in definition order) with `__annotations__` (annotated names) the
/// way `sqlalchemy.util.merge_lists_w_ordering` does — follow one list until
/// a name both share, then switch to the other. Annotation-only attributes
/// can therefore come after later assignments. Statements that bind no
/// attribute name this way (methods, declared_attr functions) come first.
fn attribute_order(class: &StmtClassDef) -> Vec<&Stmt> {
    let mut by_name: HashMap<&str, &Stmt> = HashMap::default();
    let mut in_dict: Vec<&str> = Vec::new();
    let mut annotated: Vec<&str> = Vec::new();
    let mut unnamed = Vec::new();
    for stmt in &class.body {
        let (name, has_value, is_annotated) = match stmt {
            Stmt::AnnAssign(a) => match &*a.target {
                Expr::Name(n) => (n.id.as_str(), a.value.is_some(), true),
                _ => continue,
            },
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] => (n.id.as_str(), true, false),
                _ => continue,
            },
            // A declared_attr function is a class attribute like any other.
            Stmt::FunctionDef(_) if declared_attr(stmt).is_some() => match declared_attr(stmt) {
                Some((name, _, _)) => (name, true, false),
                None => continue,
            },
            // Other methods are never annotated, so they cannot change the
            // merge; they are read first.
            _ => {
                unnamed.push(stmt);
                continue;
            }
        };
        // Python keeps a name's first position and its last value.
        by_name.insert(name, stmt);
        if has_value && !in_dict.contains(&name) {
            in_dict.push(name);
        }
        if is_annotated && !annotated.contains(&name) {
            annotated.push(name);
        }
    }
    let names = merge_lists_with_ordering(&in_dict, &annotated);
    unnamed
        .into_iter()
        .chain(names.iter().filter_map(|n| by_name.get(n).copied()))
        .collect()
}

/// `sqlalchemy.util.merge_lists_w_ordering`, exactly.
fn merge_lists_with_ordering<'n>(a: &[&'n str], b: &[&'n str]) -> Vec<&'n str> {
    let mut overlap: HashSet<&str> = a.iter().filter(|x| b.contains(x)).copied().collect();
    let mut result = Vec::new();
    let (mut current, mut other) = (a.iter(), b.iter());
    loop {
        let mut switched = false;
        for &element in current.by_ref() {
            if overlap.remove(element) {
                std::mem::swap(&mut current, &mut other);
                switched = true;
                break;
            }
            result.push(element);
        }
        if !switched {
            result.extend(other.copied());
            return result;
        }
    }
}

/// `name = value` and `name: T = value` statements of a body, in order;
/// `a = b = value` binds both names, as in Python.
fn named_assignments(body: &[Stmt]) -> impl Iterator<Item = (&str, &Expr)> {
    body.iter().flat_map(|stmt| {
        let (targets, value): (&[Expr], Option<&Expr>) = match stmt {
            Stmt::Assign(a) => (&a.targets, Some(&*a.value)),
            Stmt::AnnAssign(a) => (std::slice::from_ref(&*a.target), a.value.as_deref()),
            _ => (&[], None),
        };
        targets
            .iter()
            .filter_map(move |target| match (target, value) {
                (Expr::Name(name), Some(value)) => Some((name.id.as_str(), value)),
                _ => None,
            })
    })
}

fn bases(class: &StmtClassDef) -> &[Expr] {
    class.arguments.as_deref().map_or(&[], |a| &a.args)
}

fn enum_members(class: &StmtClassDef) -> Vec<String> {
    class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] if !n.id.as_str().starts_with('_') => {
                    Some(n.id.as_str().to_string())
                }
                _ => None,
            },
            Stmt::AnnAssign(a) if a.value.is_some() => match &*a.target {
                Expr::Name(n) if !n.id.as_str().starts_with('_') => Some(n.id.as_str().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// A type as Alembic renders it: the SQL type and its `sa.`/`postgresql.`
/// repr.
type Typed = (SqlType, String);

/// `sa.Enum('a', 'b', name='x', schema='s', native_enum=False, length=20)`:
/// SQLAlchemy's `Enum.__repr__` (values, then what differs from the
/// defaults).
fn enum_repr(
    prefix: &str,
    values: &[String],
    name: Option<&str>,
    schema: Option<&str>,
    native: bool,
    length: Option<u32>,
) -> String {
    let mut parts: Vec<String> = values.iter().map(|v| py_repr(v)).collect();
    if let Some(name) = name {
        parts.push(format!("name={}", py_repr(name)));
    }
    if let Some(schema) = schema {
        parts.push(format!("schema={}", py_repr(schema)));
    }
    if !native {
        parts.push("native_enum=False".into());
    }
    if let Some(length) = length {
        parts.push(format!("length={length}"));
    }
    let class = if prefix == "postgresql." {
        "ENUM"
    } else {
        "Enum"
    };
    format!("{prefix}{class}({})", parts.join(", "))
}

/// The string values of an enum class's members, if every one is a string.
fn enum_values(class: &StmtClassDef, values: &Values<'_>) -> Option<Vec<String>> {
    class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] if !n.id.as_str().starts_with('_') => Some(&*a.value),
                _ => None,
            },
            Stmt::AnnAssign(a) => match (&*a.target, a.value.as_deref()) {
                (Expr::Name(n), Some(value)) if !n.id.as_str().starts_with('_') => Some(value),
                _ => None,
            },
            _ => None,
        })
        .map(|value| constant_string(value, values))
        .collect()
}

/// `lambda x: [e.value for e in x]`: the values of the enum's members.
fn is_member_values(expr: &Expr) -> bool {
    let Expr::Lambda(lambda) = expr else {
        return false;
    };
    let Some(parameter) = lambda
        .parameters
        .as_deref()
        .and_then(|p| p.args.first())
        .map(|p| p.parameter.name.id.as_str())
    else {
        return false;
    };
    let Expr::ListComp(list) = &*lambda.body else {
        return false;
    };
    let [generator] = list.generators.as_slice() else {
        return false;
    };
    let (Expr::Name(target), Expr::Name(iter)) = (&generator.target, &generator.iter) else {
        return false;
    };
    matches!(&*list.elt, Expr::Attribute(attr)
        if attr.attr.id.as_str() == "value"
            && matches!(&*attr.value, Expr::Name(n) if n.id == target.id))
        && iter.id.as_str() == parameter
        && generator.ifs.is_empty()
}

/// `[schema.]table.column` targets → (schema, table, columns).
fn split_targets(targets: &[String]) -> (Option<String>, String, Vec<String>) {
    let mut schema = None;
    let mut table = String::new();
    let mut columns = Vec::new();
    for target in targets {
        let (owner, column) = target.rsplit_once('.').unwrap_or(("", target));
        let (s, t) = match owner.rsplit_once('.') {
            Some((s, t)) => (Some(s.to_string()), t.to_string()),
            None => (None, owner.to_string()),
        };
        schema = s;
        table = t;
        columns.push(column.to_string());
    }
    (schema, table, columns)
}

/// `func.now()` → `now()`; the SQL-standard niladic functions SQLAlchemy
/// renders without parentheses, upper-cased.
fn sql_function(name: &str) -> String {
    const NILADIC: [&str; 8] = [
        "current_timestamp",
        "current_date",
        "current_time",
        "localtime",
        "localtimestamp",
        "current_user",
        "session_user",
        "user",
    ];
    if NILADIC.contains(&name.to_lowercase().as_str()) {
        name.to_uppercase()
    } else {
        format!("{name}()")
    }
}

/// The value of keyword argument `name`.
pub(crate) fn keyword<'e>(arguments: &'e Arguments, name: &str) -> Option<&'e Expr> {
    arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == name))
        .map(|k| &k.value)
}

/// A string literal's value.
pub(crate) fn string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

fn boolean(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

fn integer(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => i.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(u) if u.op == UnaryOp::USub => integer(&u.operand).map(|i| -i),
        _ => None,
    }
}

/// Module-level `name = value` assignments, for constants.
type Values<'a> = HashMap<String, &'a Expr>;

/// The value of a constant expression, as Python would compute it at import:
/// literals, module-level names bound to constants (`ID_LEN = 250`), and
/// `+`, `-`, `*` on them (`TABLE_PREFIX + "role"`, `SHORT * 3`).
fn evaluate(expr: &Expr, values: &Values<'_>, depth: usize) -> Option<Literal> {
    if depth > 32 {
        return None;
    }
    match expr {
        Expr::StringLiteral(_) => string(expr).map(Literal::Str),
        Expr::BooleanLiteral(b) => Some(Literal::Bool(b.value)),
        Expr::NoneLiteral(_) => Some(Literal::None),
        Expr::Name(name) => evaluate(values.get(name.id.as_str())?, values, depth + 1),
        Expr::BinOp(binop) => {
            let left = evaluate(&binop.left, values, depth + 1)?;
            let right = evaluate(&binop.right, values, depth + 1)?;
            match (left, binop.op, right) {
                (Literal::Str(a), Operator::Add, Literal::Str(b)) => Some(Literal::Str(a + &b)),
                (Literal::Int(a), Operator::Add, Literal::Int(b)) => {
                    a.checked_add(b).map(Literal::Int)
                }
                (Literal::Int(a), Operator::Sub, Literal::Int(b)) => {
                    a.checked_sub(b).map(Literal::Int)
                }
                (Literal::Int(a), Operator::Mult, Literal::Int(b)) => {
                    a.checked_mul(b).map(Literal::Int)
                }
                _ => None,
            }
        }
        _ => integer(expr).map(Literal::Int),
    }
}

/// A constant string (a literal, or a module-level constant).
fn constant_string(expr: &Expr, values: &Values<'_>) -> Option<String> {
    match evaluate(expr, values, 0)? {
        Literal::Str(s) => Some(s),
        _ => None,
    }
}

fn type_args(arguments: &Arguments, values: &Values<'_>) -> TypeArgs {
    TypeArgs {
        positional: arguments
            .args
            .iter()
            .filter_map(|a| evaluate(a, values, 0))
            .collect(),
        keywords: arguments
            .keywords
            .iter()
            .filter_map(|k| {
                Some((
                    k.arg.as_ref()?.id.as_str().to_string(),
                    evaluate(&k.value, values, 0)?,
                ))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::diagnostic::Severity;

    const FIXTURES: [&str; 23] = [
        include_str!("../../../tests/fixtures/models/01_declarative_basic.py"),
        include_str!("../../../tests/fixtures/models/02_python_type_map.py"),
        include_str!("../../../tests/fixtures/models/03_legacy_declarative.py"),
        include_str!("../../../tests/fixtures/models/04_table_function.py"),
        include_str!("../../../tests/fixtures/models/05_naming_convention.py"),
        include_str!("../../../tests/fixtures/models/06_enums.py"),
        include_str!("../../../tests/fixtures/models/07_postgresql_types.py"),
        include_str!("../../../tests/fixtures/models/08_mixins_abstract.py"),
        include_str!("../../../tests/fixtures/models/09_server_defaults.py"),
        include_str!("../../../tests/fixtures/models/10_identity_sequence.py"),
        include_str!("../../../tests/fixtures/models/11_annotated_type_map.py"),
        include_str!("../../../tests/fixtures/models/12_star_import_aliases.py"),
        include_str!("../../../tests/fixtures/models/13_joined_inheritance.py"),
        include_str!("../../../tests/fixtures/models/14_table_args_constraints.py"),
        include_str!("../../../tests/fixtures/models/15_enum_variants.py"),
        include_str!("../../../tests/fixtures/models/16_fastapi_template.py"),
        include_str!("../../../tests/fixtures/models/17_module_constants.py"),
        include_str!("../../../tests/fixtures/models/18_association_tables.py"),
        include_str!("../../../tests/fixtures/models/19_column_level_constraints.py"),
        include_str!("../../../tests/fixtures/models/20_dataclass_mapping.py"),
        include_str!("../../../tests/fixtures/models/21_superset_style.py"),
        include_str!("../../../tests/fixtures/models/22_mlflow_style.py"),
        include_str!("../../../tests/fixtures/models/23_schemas_and_timezones.py"),
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
        assert!(d.help.as_deref().unwrap().contains("running Python"));
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
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("Thing has a __tablename__ but no declarative base")
        );
        assert_eq!(
            &source[diagnostics[0].span.start..diagnostics[0].span.end],
            "Thing"
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
