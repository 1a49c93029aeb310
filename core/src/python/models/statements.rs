//! The statements at a module's top level: classes, `Table(...)`s,
//! declarative bases, Flask-SQLAlchemy instances, module-level indexes and
//! constraints, table helpers and the `for` loops that call them.

use std::rc::Rc;

use super::*;

impl<'a> ModelReader<'a> {
    pub(super) fn read_module(&mut self, body: &'a [Stmt]) {
        // Enum classes first: columns anywhere in the file may use them.
        for stmt in body {
            let Stmt::ClassDef(class) = stmt else {
                continue;
            };
            if self.is_enum_class(class) {
                self.add_enum_class(class.name.id.as_str().to_string(), class);
                continue;
            }
            // An enum class nested in a class (`class Employee: class
            // Kind(enum.Enum)`): `Kind` in that body, `Employee.Kind`
            // outside it.
            for inner in &class.body {
                if let Stmt::ClassDef(nested) = inner
                    && self.is_enum_class(nested)
                {
                    let name = nested.name.id.as_str();
                    self.add_enum_class(format!("{}.{name}", class.name.id.as_str()), nested);
                    if !self.py_enums.contains_key(name) {
                        self.add_enum_class(name.to_string(), nested);
                    }
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
            self.read_module_statement(stmt);
        }
    }

    /// One statement of the module (or of a `for` loop's body at module
    /// level).
    fn read_module_statement(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign) => {
                let Some(Expr::Name(target)) = assign.targets.first() else {
                    return;
                };
                self.read_module_assignment(target.id.as_str(), &assign.value);
            }
            // `Base: Any = declarative_base()`.
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(target), Some(value)) = (&*assign.target, &assign.value) {
                    self.read_module_assignment(target.id.as_str(), value);
                }
            }
            Stmt::ClassDef(class) => {
                self.read_class(class);
                self.read_class_tables(class);
            }
            // `Table("name", metadata, ...)` not bound to a name is still
            // in the metadata.
            Stmt::Expr(statement) => self.read_module_assignment("", &statement.value),
            Stmt::For(for_loop) => self.read_for_loop(for_loop),
            _ => {}
        }
    }

    /// `for name in ["a", "b"]: ...` at module level: the body once per
    /// element, the name bound to it (tables made per element).
    fn read_for_loop(&mut self, for_loop: &'a StmtFor) {
        let elements: &'a [Expr] = match &*for_loop.iter {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return,
        };
        let Expr::Name(target) = &*for_loop.target else {
            return;
        };
        if for_loop.is_async || !for_loop.orelse.is_empty() {
            return;
        }
        let name = target.id.as_str();
        for element in elements {
            self.with_names(&[(name, element)], |reader| {
                for stmt in &for_loop.body {
                    reader.read_module_statement(stmt);
                }
            });
        }
    }

    /// `read` with `names` bound to their values over the module's (a class
    /// body's names in its `__table_args__`, a `for` loop's variable), the
    /// module's bindings back afterwards.
    pub(super) fn with_names(&mut self, names: &[(&str, &'a Expr)], read: impl FnOnce(&mut Self)) {
        let before: Vec<Option<&'a Expr>> = names
            .iter()
            .map(|&(name, value)| Rc::make_mut(&mut self.values).insert(name.to_string(), value))
            .collect();
        read(self);
        for (&(name, _), before) in names.iter().zip(before).rev() {
            match before {
                Some(value) => Rc::make_mut(&mut self.values).insert(name.to_string(), value),
                None => Rc::make_mut(&mut self.values).remove(name),
            };
        }
    }

    /// `Table(...)`s kept as attributes of a class (`class Tables: users =
    /// Table(...)`): they are in the metadata like any other.
    fn read_class_tables(&mut self, class: &'a StmtClassDef) {
        for stmt in &class.body {
            let (target, call) = match stmt {
                Stmt::Assign(assign) => {
                    let Some(Expr::Name(target)) = assign.targets.first() else {
                        continue;
                    };
                    let Expr::Call(call) = &*assign.value else {
                        continue;
                    };
                    (target.id.as_str(), call)
                }
                // `Index("name", table.c.col)` after the class's tables.
                Stmt::Expr(statement) => {
                    let Expr::Call(call) = &*statement.value else {
                        continue;
                    };
                    if self.is(&call.func, Family::Sqlalchemy, "Index")
                        || self.is(&call.func, Family::Sqlalchemy, "UniqueConstraint")
                    {
                        self.read_module_item(call);
                    }
                    continue;
                }
                _ => continue,
            };
            if target == "__table__" {
                continue;
            }
            if let Some(def) = self.helper(&call.func) {
                self.read_helper_table(def, call, target);
                continue;
            }
            match self.symbol(&call.func) {
                Some(s) if s.is(Family::Sqlalchemy, "Table") => self.read_core_table(call, target),
                Some(s) if is_unknown_table_call(&s) => self.unknown_table_call(call),
                _ => {}
            }
        }
    }

    fn read_module_assignment(&mut self, target: &str, value: &'a Expr) {
        let Expr::Call(call) = value else { return };
        // `table.append_constraint(...)`, `Model.__table__.append_constraint(...)`.
        if let Expr::Attribute(method) = &*call.func
            && method.attr.id.as_str() == "append_constraint"
        {
            self.append_constraint(&method.value, call);
            return;
        }
        // `users = _table("users", Column(...), ...)`: a helper of the
        // models that passes its arguments on to `Table`.
        if let Some(def) = self.helper(&call.func) {
            self.read_helper_table(def, call, target);
            return;
        }
        let Some(symbol) = self.symbol(&call.func) else {
            return;
        };
        // `event.listen(table, "after_create", DDL("..."))`: create_all runs
        // the DDL, but it is not in the metadata.
        if symbol.is(Family::Sqlalchemy, "listen")
            && let Some(ddl) =
                call.arguments.args.iter().find(
                    |a| matches!(a, Expr::Call(c) if self.is(&c.func, Family::Sqlalchemy, "DDL")),
                )
        {
            self.warning(
                ddl,
                "DDL run by an event listener is not part of the schema retort reads (nor of what Alembic compares)",
                "create what it makes in a migration (op.execute), or declare it in the model",
            );
            return;
        }
        if symbol.is(Family::Other, "SQLAlchemy") && symbol.module == "flask_sqlalchemy" {
            let convention = keyword(&call.arguments, "metadata")
                .map(|m| self.metadata_convention(m))
                .unwrap_or_default();
            self.flask = Some(Registry {
                convention,
                flask: true,
                metadata: Some("flask_sqlalchemy.SQLAlchemy().metadata".into()),
                ..Registry::default()
            });
        } else if symbol.is(Family::Orm, "declarative_base") {
            let convention = keyword(&call.arguments, "metadata")
                .map(|m| self.metadata_convention(m))
                .unwrap_or_default();
            let class = keyword(&call.arguments, "cls").and_then(|c| match c {
                Expr::Name(name) => Some(name.id.to_string()),
                _ => None,
            });
            let metadata = match keyword(&call.arguments, "metadata") {
                Some(given) => self.metadata_key(given),
                None => {
                    let module = self.scope(call).map_or("", |s| s.module.as_str());
                    Some(format!("{module}.{target}.metadata").into())
                }
            };
            self.base_vars.insert(
                target.to_string(),
                Registry {
                    convention,
                    class,
                    metadata,
                    ..Registry::default()
                },
            );
        } else if symbol.is(Family::Sqlalchemy, "Table") {
            self.read_core_table(call, target);
        } else if is_unknown_table_call(&symbol) {
            self.unknown_table_call(call);
        } else if symbol.is(Family::Sqlalchemy, "Index")
            || symbol.is(Family::Sqlalchemy, "UniqueConstraint")
            || symbol.is(Family::Sqlalchemy, "CheckConstraint")
        {
            // Outside any table: it joins the table its columns belong to.
            self.read_module_item(call);
        } else if symbol.is(Family::Sqlalchemy, "Sequence")
            && keyword(&call.arguments, "metadata").is_some()
        {
            // A sequence of its own, created with the metadata.
            self.sequence(call);
        }
    }

    /// The helper function a call calls: a function of the models by name,
    /// or `module.function` of a module read with them.
    pub(super) fn helper(&self, func: &Expr) -> Option<&'a StmtFunctionDef> {
        match func {
            Expr::Name(name) => self.functions.get(name.id.as_str()).copied(),
            Expr::Attribute(attribute) => {
                let module = self.imports(func)?.path(&attribute.value)?.join(".");
                self.module_functions
                    .get(&(module, attribute.attr.id.to_string()))
                    .copied()
            }
            _ => None,
        }
    }

    /// A call of something named `Table` that is not SQLAlchemy's nor a
    /// helper retort follows: it most likely makes a table, so say so.
    fn unknown_table_call(&mut self, call: &ExprCall) {
        self.warning(
            &*call.func,
            "a Table made by a function retort does not read; the table is not read",
            "retort follows sqlalchemy.Table and helpers of the models whose body is `return Table(...)`; read the file inside its package, or the package folder, so the helper's module is read too",
        );
    }

    /// A module-level name's value (or a `Class.NAME`'s, a `module.NAME`'s),
    /// or the expression itself.
    pub(super) fn follow(&self, expr: &'a Expr) -> &'a Expr {
        self.values.dotted(expr).unwrap_or(expr)
    }
}
