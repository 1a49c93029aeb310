//! What the linker needs to know of a module's statements: the imports
//! they make, the names they bind, the names and module attributes they
//! use, the `@compiles` functions of a class.

use rustc_hash::FxHashSet as HashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt, StmtImportFrom};

use super::top;

/// An import statement, as far as following it goes.
pub(super) enum Import {
    /// `import a.b.c [as x]`.
    Module(String, Option<String>),
    /// `from [.]a.b import x, y as z`: (name, local name) pairs.
    From {
        level: u32,
        from: Option<String>,
        names: Vec<(String, String)>,
    },
}

pub(super) fn collect_imports(stmt: &Stmt, out: &mut Vec<Import>) {
    match stmt {
        Stmt::Import(import) => {
            out.extend(import.names.iter().map(|alias| {
                Import::Module(
                    alias.name.id.to_string(),
                    alias.asname.as_ref().map(|a| a.id.to_string()),
                )
            }));
        }
        Stmt::ImportFrom(StmtImportFrom {
            module,
            names,
            level,
            ..
        }) => out.push(Import::From {
            level: *level,
            from: module.as_ref().map(|m| m.id.to_string()),
            names: names
                .iter()
                .map(|a| {
                    let local = a.asname.as_ref().unwrap_or(&a.name);
                    (a.name.id.to_string(), local.id.to_string())
                })
                .collect(),
        }),
        Stmt::If(_) | Stmt::Try(_) => {
            for stmt in nested(stmt) {
                collect_imports(stmt, out);
            }
        }
        _ => {}
    }
}

/// The statements inside a top-level `if` or `try` (every branch, every
/// handler): they run at import as the module's own.
fn nested(stmt: &Stmt) -> Vec<&Stmt> {
    match stmt {
        Stmt::If(block) => block
            .body
            .iter()
            .chain(block.elif_else_clauses.iter().flat_map(|c| &c.body))
            .collect(),
        Stmt::Try(block) => {
            let handlers = block.handlers.iter().flat_map(|h| match h {
                ruff_python_ast::ExceptHandler::ExceptHandler(h) => &h.body,
            });
            block
                .body
                .iter()
                .chain(handlers)
                .chain(&block.orelse)
                .chain(&block.finalbody)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The names a top-level statement binds in its module.
pub(super) fn bound_names(stmt: &Stmt, out: &mut Vec<String>) {
    let target = |expr: &Expr, out: &mut Vec<String>| {
        if let Expr::Name(name) = expr {
            out.push(name.id.to_string());
        }
    };
    match stmt {
        Stmt::ClassDef(class) => out.push(class.name.id.to_string()),
        Stmt::FunctionDef(def) => out.push(def.name.id.to_string()),
        Stmt::Assign(assign) => {
            for t in &assign.targets {
                match t {
                    Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| target(e, out)),
                    other => target(other, out),
                }
            }
        }
        Stmt::AnnAssign(assign) => target(&assign.target, out),
        Stmt::Import(import) => {
            for alias in &import.names {
                out.push(match &alias.asname {
                    Some(asname) => asname.id.to_string(),
                    None => top(alias.name.id.as_str()).to_string(),
                });
            }
        }
        Stmt::ImportFrom(import) => {
            for alias in &import.names {
                out.push(alias.asname.as_ref().unwrap_or(&alias.name).id.to_string());
            }
        }
        Stmt::If(_) | Stmt::Try(_) => {
            for stmt in nested(stmt) {
                bound_names(stmt, out);
            }
        }
        Stmt::For(for_loop) => {
            target(&for_loop.target, out);
            for stmt in &for_loop.body {
                bound_names(stmt, out);
            }
        }
        _ => {}
    }
}

/// The top-level functions decorated `@compiles(class, ...)`.
pub(super) fn compiled_by<'b>(
    body: &'b [Stmt],
    class: &'b str,
) -> impl Iterator<Item = usize> + 'b {
    body.iter().enumerate().filter_map(move |(index, stmt)| {
        let Stmt::FunctionDef(def) = stmt else {
            return None;
        };
        def.decorator_list
            .iter()
            .any(|d| {
                matches!(&d.expression, Expr::Call(call)
                    if matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == class)
                    && matches!(&*call.func, Expr::Name(f) if f.id.as_str() == "compiles"))
            })
            .then_some(index)
    })
}

/// The chains of attributes read on a name anywhere in a module, outside
/// function bodies (`sautils.Table` → `[Table]`, `schemas.states.StateType`
/// → `[states, StateType]`): what is used of a module imported as an
/// object.
pub(super) fn attributes_used(body: &[Stmt], name: &str) -> Vec<Vec<String>> {
    struct Attributes<'n> {
        name: &'n str,
        found: HashSet<Vec<String>>,
    }
    impl Attributes<'_> {
        /// `name.a.b` → `[a, b]`.
        fn chain(&self, expr: &Expr) -> Option<Vec<String>> {
            match expr {
                Expr::Name(n) if n.id.as_str() == self.name => Some(Vec::new()),
                Expr::Attribute(a) => {
                    let mut chain = self.chain(&a.value)?;
                    chain.push(a.attr.id.to_string());
                    Some(chain)
                }
                _ => None,
            }
        }
    }
    impl<'a> Visitor<'a> for Attributes<'_> {
        // What functions use of the module is used when they run, not when
        // the models are declared.
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Some(chain) = self.chain(expr) {
                if !chain.is_empty() {
                    self.found.insert(chain);
                }
                return;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut visitor = Attributes {
        name,
        found: HashSet::default(),
    };
    visitor.visit_body(body);
    let mut found: Vec<Vec<String>> = visitor.found.into_iter().collect();
    found.sort();
    found
}

/// Every name a statement reads: at import time (`names`), and inside the
/// bodies of the functions it defines (`later`), which run only when called.
#[derive(Default)]
pub(super) struct UsedNames {
    pub names: HashSet<String>,
    pub later: HashSet<String>,
    in_function: bool,
}

impl<'a> Visitor<'a> for UsedNames {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::FunctionDef(_) = stmt {
            let outer = std::mem::replace(&mut self.in_function, true);
            visitor::walk_stmt(self, stmt);
            self.in_function = outer;
        } else {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx == ExprContext::Load
        {
            let set = if self.in_function {
                &mut self.later
            } else {
                &mut self.names
            };
            set.insert(name.id.to_string());
        }
        visitor::walk_expr(self, expr);
    }
}
