//! `Table(...)` calls and `__table_args__`: the constraints, indexes and
//! options declared beside the columns.

use super::*;

impl<'a> ModelReader<'a> {
    /// `Table("name", metadata, Column(...), ..., schema=...)`, bound to
    /// `target` (empty: to no name).
    pub(super) fn read_core_table(&mut self, call: &'a ExprCall, target: &str) {
        let args: Vec<&'a Expr> = call.arguments.args.iter().collect();
        let keywords: Vec<(&'a str, &'a Expr)> = call
            .arguments
            .keywords
            .iter()
            .filter_map(|k| Some((k.arg.as_ref()?.id.as_str(), &k.value)))
            .collect();
        self.read_table_call(&args, &keywords, call, target);
    }

    /// `Table(args…, keywords…)`, the call at `at` (its arguments may come
    /// from a helper's call, see [`Self::read_helper_table`]); the name
    /// `target` (if any) is bound to the table read, for the items and
    /// column objects written after it (`t.c.col`).
    fn read_table_call(
        &mut self,
        args: &[&'a Expr],
        keywords: &[(&'a str, &'a Expr)],
        at: &ExprCall,
        target: &str,
    ) {
        let keyword = |name: &str| keywords.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let Some(name) = args.first().and_then(|a| constant_string(a, &self.values)) else {
            self.error(
                at,
                "Table name is not a string constant; table not read",
                "write Table(\"name\", metadata, ...)",
            );
            return;
        };
        // Flask-SQLAlchemy's `db.Table(name, *items)` takes no metadata: it
        // is the instance's.
        let flask = self
            .symbol(&at.func)
            .is_some_and(|s| s.module == "flask_sqlalchemy")
            && matches!(args.get(1), Some(Expr::Call(_)));
        let (convention, first_item, metadata) = if flask {
            let registry = self.flask.as_ref();
            (
                registry.map(|r| r.convention.clone()).unwrap_or_default(),
                1,
                registry.and_then(|r| r.metadata.clone()),
            )
        } else {
            let convention = args
                .get(1)
                .map(|m| self.metadata_convention(m))
                .unwrap_or_default();
            (
                convention,
                2,
                args.get(1).and_then(|m| self.metadata_key(m)),
            )
        };
        let mut table = TableSpec {
            name,
            schema: keyword("schema").and_then(|s| constant_string(s, &self.values)),
            comment: keyword("comment").and_then(|c| constant_string(c, &self.values)),
            extend_existing: keyword("extend_existing")
                .and_then(boolean)
                .unwrap_or(false),
            convention,
            metadata,
            span: span_of(at),
            ..TableSpec::default()
        };
        let registry = Registry::default();
        for &item in args.iter().skip(first_item) {
            let Expr::Call(inner) = item else {
                self.warning(item, "Table item not read", "");
                continue;
            };
            if self.is(&inner.func, Family::Sqlalchemy, "Column") {
                let Some(column_name) = inner
                    .arguments
                    .args
                    .first()
                    .and_then(|n| constant_string(n, &self.values))
                else {
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
        if !target.is_empty() {
            self.table_vars
                .insert(target.to_string(), table.name.clone());
        }
        self.add_table(table);
    }

    /// A call of a helper function of this file whose body returns a
    /// `Table(...)` built from its parameters (`def _table(name, *columns,
    /// **kw): return sa.Table(name, metadata, *columns, **kw)`): the table,
    /// with the call's arguments put in for the parameters. Anything else
    /// is said, not guessed.
    pub(super) fn read_helper_table(
        &mut self,
        def: &'a StmtFunctionDef,
        call: &'a ExprCall,
        target: &str,
    ) {
        // The body: an optional docstring, then `return Table(...)`; other
        // dialects' options set on the keywords on the way are no part of
        // PostgreSQL's table (`kwargs["mysql_charset"] = "utf8"`).
        let kwarg_name = def.parameters.kwarg.as_ref().map(|p| p.name.id.as_str());
        let statements: Vec<&Stmt> = def
            .body
            .iter()
            .filter(|s| !matches!(s, Stmt::Expr(e) if matches!(&*e.value, Expr::StringLiteral(_))))
            .filter(|s| !other_dialect_option(s, kwarg_name))
            .collect();
        let is_table = |reader: &Self, e: Option<&Expr>| matches!(e, Some(Expr::Call(c)) if reader.is(&c.func, Family::Sqlalchemy, "Table"));
        let table_call = match statements.as_slice() {
            [Stmt::Return(ret)] if is_table(self, ret.value.as_deref()) => {
                match ret.value.as_deref() {
                    Some(Expr::Call(inner)) => inner,
                    _ => return,
                }
            }
            _ => {
                // It builds a table some other way: say so, rather than
                // leave the table out without a word.
                let builds = statements.iter().any(|stmt| match stmt {
                    Stmt::Return(ret) => is_table(self, ret.value.as_deref()),
                    Stmt::Assign(assign) => is_table(self, Some(&assign.value)),
                    Stmt::Expr(e) => is_table(self, Some(&e.value)),
                    _ => false,
                });
                if builds {
                    self.warning(
                        call,
                        format!(
                            "{}() builds a Table in a way retort does not follow (it follows a body that is `return Table(...)` of its parameters); the table is not read",
                            def.name.id.as_str()
                        ),
                        "",
                    );
                }
                return;
            }
        };
        let parameters = &def.parameters;
        let mut bound: HashMap<&str, &'a Expr> = HashMap::default();
        let mut extra_args: Vec<&'a Expr> = Vec::new();
        let positional: Vec<&str> = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .map(|p| p.parameter.name.id.as_str())
            .collect();
        for (i, arg) in call.arguments.args.iter().enumerate() {
            if matches!(arg, Expr::Starred(_)) {
                self.warning(
                    arg,
                    "*arguments passed to a table helper are not followed; the table is not read",
                    "pass the columns one by one",
                );
                return;
            }
            match positional.get(i) {
                Some(name) => {
                    bound.insert(name, arg);
                }
                None => extra_args.push(arg),
            }
        }
        let keyword_only: Vec<&str> = parameters
            .kwonlyargs
            .iter()
            .map(|p| p.parameter.name.id.as_str())
            .collect();
        let mut extra_keywords: Vec<(&'a str, &'a Expr)> = Vec::new();
        for keyword in call.arguments.keywords.iter() {
            match keyword.arg.as_ref().map(|a| a.id.as_str()) {
                Some(name) if positional.contains(&name) || keyword_only.contains(&name) => {
                    bound.insert(name, &keyword.value);
                }
                Some(name) => extra_keywords.push((name, &keyword.value)),
                None => {
                    self.warning(
                        keyword,
                        "**arguments passed to a table helper are not followed; the table is not read",
                        "pass the keywords one by one",
                    );
                    return;
                }
            }
        }
        // Defaults of the parameters the call leaves out.
        for p in parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
        {
            if let Some(default) = p.default.as_deref() {
                bound.entry(p.parameter.name.id.as_str()).or_insert(default);
            }
        }
        let vararg = parameters.vararg.as_ref().map(|p| p.name.id.as_str());
        let kwarg = parameters.kwarg.as_ref().map(|p| p.name.id.as_str());
        let mut args: Vec<&'a Expr> = Vec::new();
        for arg in &table_call.arguments.args {
            match arg {
                Expr::Starred(star) if matches!(&*star.value, Expr::Name(n) if Some(n.id.as_str()) == vararg) =>
                {
                    args.extend(extra_args.iter().copied());
                }
                Expr::Name(n) if bound.contains_key(n.id.as_str()) => {
                    args.push(bound[n.id.as_str()])
                }
                Expr::Name(n) if positional.contains(&n.id.as_str()) => {
                    self.warning(
                        call,
                        format!(
                            "the table helper's parameter {} is not given; the table is not read",
                            n.id.as_str()
                        ),
                        "",
                    );
                    return;
                }
                other => args.push(other),
            }
        }
        let mut keywords: Vec<(&'a str, &'a Expr)> = Vec::new();
        for keyword in table_call.arguments.keywords.iter() {
            match (keyword.arg.as_ref().map(|a| a.id.as_str()), &keyword.value) {
                (None, Expr::Name(n)) if Some(n.id.as_str()) == kwarg => {
                    keywords.extend(extra_keywords.iter().copied());
                }
                // `schema=schema`: the call's value for that parameter.
                (Some(name), Expr::Name(n)) if bound.contains_key(n.id.as_str()) => {
                    keywords.push((name, bound[n.id.as_str()]));
                }
                (Some(name), value) => keywords.push((name, value)),
                (None, _) => {
                    self.warning(
                        keyword,
                        "a **mapping in the table helper is not followed; the table is not read",
                        "",
                    );
                    return;
                }
            }
        }
        self.read_table_call(&args, &keywords, call, target);
    }

    /// `__table_args__`: a tuple of constraints/indexes, optionally ending
    /// with a dict, or a dict alone.
    pub(super) fn read_table_args(&mut self, expr: &'a Expr, table: &mut TableSpec) {
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
                            Some("schema") => {
                                table.schema = constant_string(&entry.value, &self.values);
                            }
                            Some("comment") => {
                                table.comment = constant_string(&entry.value, &self.values);
                            }
                            Some("extend_existing") => {
                                table.extend_existing = boolean(&entry.value).unwrap_or(false);
                            }
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
    pub(super) fn function_sql(&self, call: &ExprCall, table: &TableSpec) -> Option<String> {
        let symbol = self.symbol(&call.func)?;
        if symbol.family != Family::Func || !call.arguments.keywords.is_empty() {
            return None;
        }
        let mut args = Vec::new();
        for arg in &call.arguments.args {
            let key = match arg {
                Expr::Name(n) => Some(n.id.as_str()),
                // `cls.start_time` in a declared_attr's __table_args__.
                Expr::Attribute(a) if matches!(&*a.value, Expr::Name(_)) => {
                    Some(a.attr.id.as_str())
                }
                _ => None,
            };
            let sql = match arg {
                Expr::Name(_) | Expr::Attribute(_) => table
                    .columns
                    .iter()
                    .find(|c| Some(c.key.as_str()) == key)
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

    /// `col.desc()`, `sa.asc(func.x(col))`: the element and its order, as
    /// SQLAlchemy writes it in the index (`created DESC`).
    pub(super) fn ordered_element(
        &self,
        arg: &Expr,
        table: &TableSpec,
        column_ref: &dyn Fn(&Expr) -> Option<String>,
    ) -> Option<String> {
        let Expr::Call(call) = arg else {
            return None;
        };
        let (inner, order) = match &*call.func {
            Expr::Attribute(method)
                if call.arguments.is_empty()
                    && matches!(method.attr.id.as_str(), "desc" | "asc") =>
            {
                (&*method.value, method.attr.id.as_str())
            }
            func => {
                let symbol = self.symbol(func)?;
                if symbol.family != Family::Sqlalchemy || !matches!(symbol.name, "desc" | "asc") {
                    return None;
                }
                let [inner] = &call.arguments.args[..] else {
                    return None;
                };
                (inner, symbol.name)
            }
        };
        let inner = match inner {
            Expr::Call(function) => self.function_sql(function, table)?,
            other => column_ref(other)?,
        };
        Some(format!("{inner} {}", order.to_uppercase()))
    }

    /// SQL written as a string or `text("...")`.
    pub(super) fn sql_text(&self, e: &Expr) -> Option<String> {
        string(e).or_else(|| match e {
            Expr::Call(c) if self.is(&c.func, Family::Sqlalchemy, "text") => {
                c.arguments.args.first().and_then(string)
            }
            _ => None,
        })
    }

    pub(super) fn table_item(&mut self, call: &ExprCall, table: &mut TableSpec) {
        // `Index(...).ddl_if(dialect="postgresql")`.
        if let Expr::Attribute(method) = &*call.func
            && method.attr.id.as_str() == "ddl_if"
            && let Expr::Call(item) = &*method.value
        {
            // Alembic's autogenerate does not look at ddl_if: the item is in
            // the metadata, and in the revision, whatever the dialect.
            if let Some(dialect) = keyword(&call.arguments, "dialect").and_then(string)
                && dialect != "postgresql"
            {
                self.warning(
                    &*call.func,
                    format!("this item is created on {dialect} only (ddl_if), but Alembic's autogenerate compares it on PostgreSQL too"),
                    "exclude it with include_object in env.py, or drop the ddl_if",
                );
            }
            self.table_item(item, table);
            return;
        }
        let Some(symbol) = self.symbol(&call.func) else {
            self.warning(call, "table item not read", "");
            return;
        };
        let name = keyword(&call.arguments, "name").and_then(|n| constant_string(n, &self.values));
        let span = span_of(call);
        // A column is named by a string (its key) or, inside the class
        // body, by the attribute holding it (`Index("ix", state)`).
        // After the table, by the column object: `table.c.col`,
        // `table.c["col"]`, `Model.col`, `Model.__table__.c.col`.
        // Shared, not copied: the closure reads it while `self` is used.
        let values = std::rc::Rc::clone(&self.values);
        let column_ref = |e: &Expr| -> Option<String> {
            constant_string(e, &values).or_else(|| {
                let key = match e {
                    Expr::Name(n) => n.id.as_str(),
                    other => column_object_key(other)?,
                };
                table
                    .columns
                    .iter()
                    .find(|c| c.key == key)
                    .map(|c| c.key.clone())
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
                let text = self.check_text(call, Some(table));
                match text {
                    Some(text) => table.checks.push((name, text, span)),
                    None => self.warning(
                        call,
                        "CheckConstraint condition is not SQL text, nor a column comparison retort reads; not read",
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
                let index = self.index_spec(call, table, span, &column_ref);
                table.indexes.push(index);
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
}

/// `[schema.]table.column` targets → (schema, table, columns).
pub(super) fn split_targets(targets: &[String]) -> (Option<String>, String, Vec<String>) {
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

/// `kwargs["mysql_…"] = …` (any dialect but PostgreSQL's) in a table
/// helper.
fn other_dialect_option(stmt: &Stmt, kwarg: Option<&str>) -> bool {
    let Stmt::Assign(assign) = stmt else {
        return false;
    };
    let [Expr::Subscript(target)] = assign.targets.as_slice() else {
        return false;
    };
    let on_kwargs = matches!(&*target.value, Expr::Name(n) if Some(n.id.as_str()) == kwarg);
    let key = match &*target.slice {
        Expr::StringLiteral(s) => s.value.to_str(),
        _ => return false,
    };
    on_kwargs
        && ["mysql_", "mariadb_", "sqlite_", "mssql_", "oracle_"]
            .iter()
            .any(|d| key.starts_with(d))
}

/// `func.now()` → `now()`; the SQL-standard niladic functions SQLAlchemy
/// renders without parentheses, upper-cased.
pub(super) fn sql_function(name: &str) -> String {
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

impl<'a> ModelReader<'a> {
    /// A module-level `Index(...)` or `UniqueConstraint(...)` whose columns
    /// are column objects: SQLAlchemy attaches it to their table.
    pub(super) fn read_module_item(&mut self, call: &ExprCall) {
        let owner = call
            .arguments
            .args
            .iter()
            .find_map(|arg| self.column_object_table_in(arg, 0));
        let Some(owner) = owner else {
            // Column objects of a table this file does not define (or does
            // not map): SQLAlchemy adds the item to that table.
            // A check written with column objects, not SQL text, is attached
            // to their table too.
            let expression_check = self.is(&call.func, Family::Sqlalchemy, "CheckConstraint")
                && call
                    .arguments
                    .args
                    .first()
                    .is_some_and(|c| self.sql_text(c).is_none());
            if expression_check
                || call
                    .arguments
                    .args
                    .iter()
                    .any(|a| column_object_key(a).is_some())
            {
                self.warning(
                    call,
                    "this belongs to a table retort does not read; it is not read",
                    "define the table (or the mapped class) in the models read, or declare the item in its __table_args__",
                );
            }
            // Only string column names: SQLAlchemy attaches it to no table
            // either, and nothing is created.
            return;
        };
        self.with_table(&owner, call, |reader, table| reader.table_item(call, table));
    }

    /// `table.append_constraint(item)`: the item joins that table.
    pub(super) fn append_constraint(&mut self, table: &Expr, call: &ExprCall) {
        let Some(name) = self.table_named_by(table) else {
            self.warning(
                call,
                "append_constraint on a table retort does not know; the constraint is not read",
                "call it on a Table(...) bound to a module-level name, or on Model.__table__ of a class of the models",
            );
            return;
        };
        let Some(Expr::Call(item)) = call.arguments.args.first() else {
            self.warning(
                call,
                "append_constraint of something retort cannot read",
                "pass the constraint itself: append_constraint(CheckConstraint(...))",
            );
            return;
        };
        self.with_table(&name, call, |reader, table| reader.table_item(item, table));
    }

    /// Where the last table read by the name `name` is in `tables`.
    fn last_table(&self, name: &str) -> Option<usize> {
        self.table_positions.get(name)?.last().copied()
    }

    /// `read` on the table named `name` (the last one read by that name).
    fn with_table(
        &mut self,
        name: &str,
        at: &ExprCall,
        read: impl FnOnce(&mut Self, &mut TableSpec),
    ) {
        let Some(index) = self.last_table(name) else {
            self.warning(
                at,
                format!("table {name} is not read, so this is not either"),
                "",
            );
            return;
        };
        let mut table = std::mem::take(&mut self.tables[index]);
        read(self, &mut table);
        self.tables[index] = table;
    }

    /// The table of the first column object inside an expression
    /// (`t.c.x > 0`, `func.lower(User.email)`): SQLAlchemy attaches a
    /// module-level constraint or index to it.
    fn column_object_table_in(&self, expr: &Expr, depth: usize) -> Option<String> {
        if depth > 16 {
            return None;
        }
        if let Some(table) = self.column_object_table(expr) {
            return Some(table);
        }
        let next = |e: &Expr| self.column_object_table_in(e, depth + 1);
        match expr {
            Expr::Compare(c) => next(&c.left).or_else(|| c.comparators.iter().find_map(next)),
            Expr::BinOp(b) => next(&b.left).or_else(|| next(&b.right)),
            Expr::UnaryOp(u) => next(&u.operand),
            Expr::BoolOp(b) => b.values.iter().find_map(next),
            Expr::Call(c) => match &*c.func {
                Expr::Attribute(method) => next(&method.value),
                _ => None,
            }
            .or_else(|| c.arguments.args.iter().find_map(next)),
            _ => None,
        }
    }

    /// The table a column object belongs to (its name), when the object is
    /// `table.c.col`, `table.c["col"]`, `Model.col` or
    /// `Model.__table__.c.col` for a table or class of this file.
    pub(super) fn column_object_table(&self, expr: &Expr) -> Option<String> {
        column_object_key(expr)?;
        let owner = match expr {
            Expr::Attribute(a) => &*a.value,
            Expr::Subscript(s) => &*s.value,
            _ => return None,
        };
        match owner {
            // `.c` / `.columns` of a table.
            Expr::Attribute(c) if matches!(c.attr.id.as_str(), "c" | "columns") => {
                self.table_named_by(&c.value)
            }
            Expr::Name(class) => self.class_table(class.id.as_str()),
            _ => None,
        }
    }

    /// `[schema.]table.column` of a column object (`Model.col`,
    /// `table.c.col`) of a table already read: a `ForeignKey` target.
    pub(super) fn column_object_target(&self, expr: &Expr) -> Option<String> {
        let table = self.column_object_table(expr)?;
        let key = column_object_key(expr)?;
        let spec = self.tables.get(self.last_table(&table)?)?;
        let column = spec.columns.iter().find(|c| c.key == key)?;
        Some(match &spec.schema {
            Some(schema) => format!("{schema}.{table}.{}", column.column.name),
            None => format!("{table}.{}", column.column.name),
        })
    }

    /// The table an expression names: a module-level `Table(...)` name, or
    /// `Model.__table__`.
    fn table_named_by(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(name) => self.table_vars.get(name.id.as_str()).cloned(),
            Expr::Attribute(a) if a.attr.id.as_str() == "__table__" => match &*a.value {
                Expr::Name(class) => self.class_table(class.id.as_str()),
                _ => None,
            },
            // `Model.steps`: a `Table(...)` kept as a class attribute.
            Expr::Attribute(a) if matches!(&*a.value, Expr::Name(class) if self.classes.contains_key(class.id.as_str())) => {
                self.table_vars.get(a.attr.id.as_str()).cloned()
            }
            _ => None,
        }
    }

    /// The table of a mapped class of this file (a single-table subclass
    /// maps to its parent's).
    fn class_table(&self, class: &str) -> Option<String> {
        let class = *self.classes.get(class)?;
        self.mro(class, 0)
            .into_iter()
            .find(|c| self.is_mapped(c))
            .and_then(|c| self.table_name(c))
    }
}

/// The key a column object names, by its shape alone: `x.c.key`,
/// `x.columns.key`, `x.c["key"]`, `Model.key`.
pub(super) fn column_object_key(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Attribute(a) => match &*a.value {
            Expr::Name(_) => Some(a.attr.id.as_str()),
            Expr::Attribute(c) if matches!(c.attr.id.as_str(), "c" | "columns") => {
                Some(a.attr.id.as_str())
            }
            _ => None,
        },
        Expr::Subscript(s) => match (&*s.value, &*s.slice) {
            (Expr::Attribute(c), Expr::StringLiteral(key))
                if matches!(c.attr.id.as_str(), "c" | "columns") =>
            {
                Some(key.value.to_str())
            }
            _ => None,
        },
        _ => None,
    }
}
