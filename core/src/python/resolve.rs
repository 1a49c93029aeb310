//! What a name in a model file refers to, from the file's imports alone.
//!
//! `sa.String`, `String` after `from sqlalchemy import String`, `types.String`
//! after `from sqlalchemy import types`, `postgresql.JSONB`… all resolve to a
//! [`Symbol`] in one of the families below. Names that the file defines
//! itself are not resolved here (the reader looks them up first).

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::{Expr, Stmt};

use super::symbol::{Family, Symbol};
use super::types::is_sqlalchemy_type;

/// What an imported local name is bound to: the dotted path, split.
#[derive(Debug, Clone)]
struct Binding(Vec<String>);

fn split(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_string).collect()
}

/// The imports of one file.
#[derive(Debug, Clone, Default)]
pub struct Imports {
    bindings: HashMap<String, Binding>,
    /// Modules imported with `from M import *`, in order, split.
    star: Vec<Vec<String>>,
}

impl Imports {
    /// Reads the module-level imports (and those inside `if TYPE_CHECKING:`).
    pub fn from_statements(body: &[Stmt]) -> Self {
        let mut imports = Imports::default();
        imports.read(body);
        imports
    }

    fn read(&mut self, body: &[Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let module = alias.name.id.as_str().to_string();
                        match &alias.asname {
                            Some(asname) => {
                                self.bindings
                                    .insert(asname.id.as_str().into(), Binding(split(&module)));
                            }
                            None => {
                                // `import sqlalchemy.orm` binds `sqlalchemy`.
                                let top = module.split('.').next().unwrap_or(&module).to_string();
                                self.bindings.insert(top.clone(), Binding(vec![top]));
                            }
                        }
                    }
                }
                Stmt::ImportFrom(import) => {
                    // A relative import (`from .base import Base`) is bound
                    // to a path starting with its dots: a module of the
                    // project, never a library's.
                    let mut module: Vec<String> = Vec::new();
                    if import.level > 0 {
                        module.push(".".repeat(import.level as usize));
                    }
                    match &import.module {
                        Some(name) => module.extend(split(name.id.as_str())),
                        None if import.level == 0 => continue,
                        None => {}
                    }
                    for alias in &import.names {
                        let name = alias.name.id.as_str();
                        if name == "*" {
                            self.star.push(module.clone());
                            continue;
                        }
                        let local = alias.asname.as_ref().map_or(name, |a| a.id.as_str());
                        let mut path = module.clone();
                        path.push(name.to_string());
                        self.bindings.insert(local.to_string(), Binding(path));
                    }
                }
                Stmt::If(block) => {
                    self.read(&block.body);
                    for clause in &block.elif_else_clauses {
                        self.read(&clause.body);
                    }
                }
                Stmt::Try(block) => self.read(&block.body),
                // `_Column = Column`, `relationship = orm.relationship`: a
                // new name for a name already bound.
                Stmt::Assign(assign) => {
                    if let [Expr::Name(target)] = assign.targets.as_slice() {
                        self.alias(target.id.as_str(), &assign.value);
                        self.flask_instance(target.id.as_str(), &assign.value);
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let (Expr::Name(target), Some(value)) = (&*assign.target, &assign.value) {
                        self.alias(target.id.as_str(), value);
                    }
                }
                _ => {}
            }
        }
    }

    /// `db = SQLAlchemy(...)` (Flask-SQLAlchemy): `db.Column`, `db.String`,
    /// `db.relationship` are SQLAlchemy's names, `db.Model` its model base.
    fn flask_instance(&mut self, name: &str, value: &Expr) {
        if let Expr::Call(call) = value
            && self
                .path(&call.func)
                .is_some_and(|p| p == [FLASK_SQLALCHEMY, "SQLAlchemy"])
        {
            self.bindings.insert(
                name.to_string(),
                Binding(vec![FLASK_SQLALCHEMY.into(), FLASK_INSTANCE.into()]),
            );
        }
    }

    /// Every name bound by an import, with its path.
    pub fn bindings(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.bindings
            .iter()
            .map(|(name, binding)| (name.as_str(), binding.0.as_slice()))
    }

    /// The dotted path a name of the module is bound to by an import (or an
    /// alias of one).
    pub fn binding(&self, name: &str) -> Option<&[String]> {
        self.bindings.get(name).map(|b| b.0.as_slice())
    }

    /// Rebinds each imported name for which `relink` gives a new path: a
    /// name imported from a project module that itself imported it (a
    /// re-export) is bound to what it is there.
    pub fn relink(&mut self, mut relink: impl FnMut(&[String]) -> Option<Vec<String>>) {
        for binding in self.bindings.values_mut() {
            if let Some(path) = relink(&binding.0) {
                binding.0 = path;
            }
        }
    }

    /// Binds `name` to what `value` names, when that is an imported name or
    /// an attribute of one (a module-level alias of a library name).
    fn alias(&mut self, name: &str, value: &Expr) {
        if !matches!(value, Expr::Name(_) | Expr::Attribute(_)) {
            return;
        }
        let Some(path) = self.path(value) else {
            return;
        };
        if path.first() == Some(&"builtins") {
            return;
        }
        let path = path.iter().map(|part| part.to_string()).collect();
        self.bindings.insert(name.to_string(), Binding(path));
    }

    /// The dotted path an expression names (`sa.types.String` →
    /// `sqlalchemy.types.String`), or `None` for anything that is not a name
    /// or attribute chain.
    pub fn path<'s>(&'s self, expr: &'s Expr) -> Option<Vec<&'s str>> {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                Some(match self.bindings.get(id) {
                    Some(Binding(path)) => path.iter().map(String::as_str).collect(),
                    None => match self.star.iter().find(|m| m[0] == "sqlalchemy") {
                        Some(module) if is_sqlalchemy_export(id) => {
                            let mut path: Vec<&str> = module.iter().map(String::as_str).collect();
                            path.push(id);
                            path
                        }
                        _ => vec!["builtins", id],
                    },
                })
            }
            Expr::Attribute(attribute) => {
                let mut path = self.path(&attribute.value)?;
                path.push(attribute.attr.id.as_str());
                Some(path)
            }
            _ => None,
        }
    }

    /// The symbol an expression names, classified by family.
    pub fn symbol<'s>(&'s self, expr: &'s Expr) -> Option<Symbol<'s>> {
        let path = self.path(expr)?;
        let (&name, module) = path.split_last()?;
        let family = match module {
            ["sqlalchemy", "dialects", "postgresql", ..] => Family::Postgresql,
            ["sqlalchemy", .., "func"] | ["sqlalchemy", "sql", "functions", ..] => Family::Func,
            ["sqlalchemy", "orm", ..] | ["sqlalchemy", "ext", "declarative"] => Family::Orm,
            [FLASK_SQLALCHEMY, FLASK_INSTANCE, "func"] => Family::Func,
            [FLASK_SQLALCHEMY, FLASK_INSTANCE] if is_orm_export(name) => Family::Orm,
            [FLASK_SQLALCHEMY, FLASK_INSTANCE] => Family::Sqlalchemy,
            ["sqlalchemy", ..] => Family::Sqlalchemy,
            ["enum"] => Family::Enum,
            ["typing" | "typing_extensions"] => Family::Typing,
            ["builtins" | "datetime" | "decimal" | "uuid"] => Family::Python,
            _ => Family::Other,
        };
        Some(Symbol {
            family,
            module: module.first().copied().unwrap_or(""),
            name,
        })
    }
}

const FLASK_SQLALCHEMY: &str = "flask_sqlalchemy";
/// The path component that stands for a `SQLAlchemy()` instance.
const FLASK_INSTANCE: &str = "SQLAlchemy()";

/// Names a Flask-SQLAlchemy instance has from `sqlalchemy.orm` (and its
/// `Model` base, in the same family).
fn is_orm_export(name: &str) -> bool {
    matches!(
        name,
        "Model"
            | "relationship"
            | "backref"
            | "mapped_column"
            | "column_property"
            | "synonym"
            | "deferred"
            | "composite"
            | "dynamic_loader"
            | "declared_attr"
            | "Mapped"
            | "DynamicMapped"
            | "foreign"
            | "remote"
            | "validates"
            | "reconstructor"
    )
}

/// Names `from sqlalchemy import *` brings in that model files use.
fn is_sqlalchemy_export(name: &str) -> bool {
    is_sqlalchemy_type(name)
        || matches!(
            name,
            "Column"
                | "Table"
                | "MetaData"
                | "ForeignKey"
                | "ForeignKeyConstraint"
                | "Index"
                | "UniqueConstraint"
                | "CheckConstraint"
                | "PrimaryKeyConstraint"
                | "Identity"
                | "Sequence"
                | "Computed"
                | "func"
                | "text"
                | "true"
                | "false"
                | "null"
                | "literal"
                | "FetchedValue"
                | "DefaultClause"
        )
}
