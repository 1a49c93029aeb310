//! What a name in a model file refers to, from the file's imports alone.
//!
//! `sa.String`, `String` after `from sqlalchemy import String`, `types.String`
//! after `from sqlalchemy import types`, `postgresql.JSONB`… all resolve to a
//! [`Symbol`] in one of the families below. Names that the file defines
//! itself are not resolved here (the reader looks them up first).

use std::collections::HashMap;

use ruff_python_ast::{Expr, Stmt};

/// Where a symbol lives, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `sqlalchemy`, `sqlalchemy.types`, `sqlalchemy.schema`, `sqlalchemy.sql…`.
    Sqlalchemy,
    /// `sqlalchemy.orm`, `sqlalchemy.ext.declarative`.
    Orm,
    /// `sqlalchemy.dialects.postgresql`.
    Postgresql,
    /// `sqlalchemy.func.<name>` (and `sqlalchemy.sql.functions`).
    Func,
    /// `enum`.
    Enum,
    /// `typing`, `typing_extensions`.
    Typing,
    /// Python's builtins and the `datetime`, `decimal`, `uuid` modules.
    Python,
    /// Anything else (another package, a relative import…).
    Other,
}

/// A resolved name: its family and its last component (`String`, `now`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub family: Family,
    /// The module path, for messages (`sqlalchemy.dialects.postgresql`).
    pub module: String,
    pub name: String,
}

impl Symbol {
    pub fn is(&self, family: Family, name: &str) -> bool {
        self.family == family && self.name == name
    }
}

/// What an imported local name is bound to.
#[derive(Debug, Clone)]
enum Binding {
    Module(String),
    Member { module: String, name: String },
}

/// The imports of one file.
#[derive(Debug, Clone, Default)]
pub struct Imports {
    bindings: HashMap<String, Binding>,
    /// Modules imported with `from M import *`, in order.
    star: Vec<String>,
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
                                    .insert(asname.id.as_str().into(), Binding::Module(module));
                            }
                            None => {
                                // `import sqlalchemy.orm` binds `sqlalchemy`.
                                let top = module.split('.').next().unwrap_or(&module).to_string();
                                self.bindings.insert(top.clone(), Binding::Module(top));
                            }
                        }
                    }
                }
                Stmt::ImportFrom(import) if import.level == 0 => {
                    let Some(module) = &import.module else {
                        continue;
                    };
                    let module = module.id.as_str().to_string();
                    for alias in &import.names {
                        let name = alias.name.id.as_str();
                        if name == "*" {
                            self.star.push(module.clone());
                            continue;
                        }
                        let local = alias.asname.as_ref().map_or(name, |a| a.id.as_str());
                        self.bindings.insert(
                            local.to_string(),
                            Binding::Member {
                                module: module.clone(),
                                name: name.to_string(),
                            },
                        );
                    }
                }
                Stmt::If(block) => {
                    self.read(&block.body);
                    for clause in &block.elif_else_clauses {
                        self.read(&clause.body);
                    }
                }
                Stmt::Try(block) => self.read(&block.body),
                _ => {}
            }
        }
    }

    /// The dotted path an expression names (`sa.types.String` →
    /// `sqlalchemy.types.String`), or `None` for anything that is not a name
    /// or attribute chain.
    pub fn path(&self, expr: &Expr) -> Option<Vec<String>> {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                Some(match self.bindings.get(id) {
                    Some(Binding::Module(module)) => {
                        module.split('.').map(str::to_string).collect()
                    }
                    Some(Binding::Member { module, name }) => {
                        let mut path: Vec<String> = module.split('.').map(str::to_string).collect();
                        path.push(name.clone());
                        path
                    }
                    None => match self.star.iter().find(|m| m.starts_with("sqlalchemy")) {
                        Some(module) if is_sqlalchemy_export(id) => {
                            let mut path: Vec<String> =
                                module.split('.').map(str::to_string).collect();
                            path.push(id.to_string());
                            path
                        }
                        _ => vec!["builtins".to_string(), id.to_string()],
                    },
                })
            }
            Expr::Attribute(attribute) => {
                let mut path = self.path(&attribute.value)?;
                path.push(attribute.attr.id.as_str().to_string());
                Some(path)
            }
            _ => None,
        }
    }

    /// The symbol an expression names, classified by family.
    pub fn symbol(&self, expr: &Expr) -> Option<Symbol> {
        let path = self.path(expr)?;
        let (name, module) = path.split_last()?;
        let module = module.join(".");
        let family = if module == "sqlalchemy.dialects.postgresql"
            || module.starts_with("sqlalchemy.dialects.postgresql.")
        {
            Family::Postgresql
        } else if module == "sqlalchemy.func"
            || module.ends_with(".func")
            || module.starts_with("sqlalchemy.sql.functions")
        {
            Family::Func
        } else if module == "sqlalchemy.orm"
            || module.starts_with("sqlalchemy.orm.")
            || module == "sqlalchemy.ext.declarative"
        {
            Family::Orm
        } else if module == "sqlalchemy" || module.starts_with("sqlalchemy.") {
            Family::Sqlalchemy
        } else if module == "enum" {
            Family::Enum
        } else if module == "typing" || module == "typing_extensions" {
            Family::Typing
        } else if matches!(
            module.as_str(),
            "builtins" | "datetime" | "decimal" | "uuid"
        ) {
            Family::Python
        } else {
            Family::Other
        };
        Some(Symbol {
            family,
            module,
            name: name.clone(),
        })
    }
}

/// Names `from sqlalchemy import *` brings in that model files use.
fn is_sqlalchemy_export(name: &str) -> bool {
    crate::python::types::is_sqlalchemy_type(name)
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
