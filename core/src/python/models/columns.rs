//! Columns: `Mapped[...]` annotations (with `Optional`, `Annotated` and
//! the type map), `mapped_column(...)` and `Column(...)` calls with their
//! keywords, foreign keys, sequences, server defaults and type expressions.

use super::*;

impl<'a> ModelReader<'a> {
    /// `Mapped[X]` → `X`.
    pub(super) fn mapped_inner(&self, annotation: &'a Expr) -> Option<&'a Expr> {
        let Expr::Subscript(subscript) = annotation else {
            return None;
        };
        self.is(&subscript.value, Family::Orm, "Mapped")
            .then_some(&*subscript.slice)
    }

    pub(super) fn annotation_only_column(
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
    pub(super) fn annotation(&self, inner: &'a Expr) -> Annotation<'a> {
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
    pub(super) fn unwrap_annotated(&self, expr: &'a Expr) -> (&'a Expr, Option<&'a ExprCall>) {
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
    pub(super) fn unwrap_optional(&self, expr: &'a Expr) -> (&'a Expr, bool) {
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
    pub(super) fn annotation_type(&mut self, expr: &'a Expr, registry: &Registry) -> Typed {
        if let Some(path) = self.imports(expr).and_then(|i| i.path(expr))
            && let Some((_, ty)) = registry
                .type_map
                .iter()
                .find(|(k, _)| k.iter().eq(path.iter()))
        {
            return ty.clone();
        }
        if let Some(key) = self.enum_class_key(expr)
            && let Some(members) = self.py_enums.get(&key).cloned()
        {
            // SQLAlchemy names the type after the class, lower case.
            let enum_name = key.rsplit('.').next().unwrap_or(&key).to_lowercase();
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

    /// `Column(...)` or `mapped_column(...)`.
    pub(super) fn column_call(
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
                && let Some(s) = constant_string(arg, &self.values)
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
                        match self.check_text(inner, None) {
                            Some(text) => checks.push((
                                keyword(&inner.arguments, "name").and_then(string),
                                text,
                                span_of(inner),
                            )),
                            None => self.warning(
                                inner,
                                "CheckConstraint condition is not SQL text, nor a column comparison retort reads; not read",
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
    pub(super) fn check_text(&self, call: &ExprCall, table: Option<&TableSpec>) -> Option<String> {
        let condition = call.arguments.args.first()?;
        self.sql_text(condition)
            .or_else(|| self.sql_expression(condition, table))
    }

    pub(super) fn foreign_key(&mut self, call: &ExprCall) -> Option<ForeignKeySpec> {
        let target = call.arguments.args.first().and_then(|target| {
            constant_string(target, &self.values).or_else(|| self.column_object_target(target))
        });
        let Some(target) = target else {
            self.warning(
                call,
                "ForeignKey target is not a \"table.column\" string, nor a column of a table read; foreign key not read",
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

    pub(super) fn sequence(&mut self, call: &ExprCall) {
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

    /// The SQL of a class of the models made by SQLAlchemy's `@compiles`:
    /// the `"postgresql"` function's, else the one for every dialect, when
    /// its body returns a constant string.
    fn compiled_sql(&self, class: &Expr) -> Option<String> {
        let name = match class {
            Expr::Name(name) => name.id.as_str(),
            _ => return None,
        };
        let def = self
            .compiled
            .get(&(name.to_string(), Some("postgresql".to_string())))
            .or_else(|| self.compiled.get(&(name.to_string(), None)))?;
        constant_string(returned_expression(def)?, &self.values)
    }

    /// `server_default=` as the SQL text SQLAlchemy puts in the DDL.
    pub(super) fn server_default(&mut self, expr: &Expr) -> Option<String> {
        if let Some(s) = constant_string(expr, &self.values) {
            return Some(format!("'{}'", s.replace('\'', "''")));
        }
        if let Expr::Call(call) = expr
            && let Some(symbol) = self.symbol(&call.func)
        {
            match (symbol.family, symbol.name) {
                // What SQLAlchemy wraps a string or text() in anyway.
                (Family::Sqlalchemy, "DefaultClause") if call.arguments.args.len() == 1 => {
                    return self.server_default(&call.arguments.args[0]);
                }
                (Family::Sqlalchemy, "text") => {
                    if let Some(text) = call
                        .arguments
                        .args
                        .first()
                        .and_then(|t| constant_string(t, &self.values))
                    {
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
        // `server_default=GenerateUUID()`: a SQL element of the models whose
        // SQL a `@compiles` function gives.
        if let Expr::Call(call) = expr
            && call.arguments.is_empty()
            && let Some(sql) = self.compiled_sql(&call.func)
        {
            return Some(sql);
        }
        // `server_default=utc_now()`: a helper of the models that returns
        // `text(...)` or `func.x()` (followed one call deep).
        if let Expr::Call(call) = expr
            && call.arguments.is_empty()
            && let Some(def) = self.helper(&call.func)
            && let Some(returned) = returned_expression(def)
            && !matches!(returned, Expr::Call(inner) if self.helper(&inner.func).is_some())
        {
            return self.server_default(returned);
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
    pub(super) fn type_expr(&mut self, expr: &Expr) -> Option<Typed> {
        self.type_expr_at(expr, 0)
    }

    /// [`Self::type_expr`], `depth` module-level names deep.
    fn type_expr_at(&mut self, expr: &Expr, depth: usize) -> Option<Typed> {
        // A type kept in a module-level name (`BigIntegerType =
        // BigInteger().with_variant(...)`), followed a few names deep.
        if matches!(expr, Expr::Name(_) | Expr::Attribute(_))
            && depth < 8
            && let Some(value) = self.values.dotted(expr)
        {
            return self.type_expr_at(value, depth + 1);
        }
        if let Expr::Call(call) = expr
            && let Expr::Attribute(method) = &*call.func
        {
            match method.attr.id.as_str() {
                // `Base.with_variant(Other, "dialect", ...)`: PostgreSQL
                // gets the base type unless a variant names it.
                "with_variant" => return self.variant(&method.value, call, depth),
                // `MutableDict.as_mutable(JSON)` is the type itself, with
                // change tracking in Python.
                "as_mutable"
                    if self
                        .symbol(&method.value)
                        .is_some_and(|s| s.family == Family::Sqlalchemy)
                        && call.arguments.args.len() == 1 =>
                {
                    return self.type_expr_at(&call.arguments.args[0], depth);
                }
                _ => {}
            }
        }
        let (func, arguments) = match expr {
            Expr::Call(call) => (&*call.func, Some(&call.arguments)),
            other => (other, None),
        };
        self.type_call(expr, func, arguments, depth)
    }

    /// The type `func(arguments)` (or `func` alone) written at `expr`.
    fn type_call(
        &mut self,
        expr: &Expr,
        func: &Expr,
        arguments: Option<&Arguments>,
        depth: usize,
    ) -> Option<Typed> {
        // `class LowerString(TypeDecorator): impl = String(100)`.
        if let Expr::Name(name) = func
            && let Some(class) = self.class_at(name.id.as_str(), name)
            && self.is_type_decorator(class, 0)
        {
            return self.type_decorator(class, arguments, depth);
        }
        if let Some(class) = self.class_by_path(func)
            && self.is_type_decorator(class, 0)
        {
            return self.type_decorator(class, arguments, depth);
        }
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
                        .and_then(|e| self.type_expr_at(e, depth))?;
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
        let help = if matches!(func, Expr::Name(n) if self.classes.contains_key(n.id.as_str())) {
            "it is a class of the models that retort does not read as a type (it reads a TypeDecorator with an impl, and a subclass of a SQLAlchemy type); use the SQLAlchemy type it is built on"
        } else if symbol.family == Family::Other {
            "it is imported from a module that was not read: read the file inside its package (or the package folder) so the import is followed, or use the SQLAlchemy type it is built on"
        } else {
            "use a SQLAlchemy or PostgreSQL type such as String(50)"
        };
        self.error(
            func,
            format!("unknown type {written}: not a SQLAlchemy or PostgreSQL type retort knows"),
            help,
        );
        Some((SqlType::Named(written.clone()), format!("{written}()")))
    }
}

impl ModelReader<'_> {
    /// `base.with_variant(other, "dialect", …)`: the type PostgreSQL gets
    /// (the variant named `postgresql`, else the base), written as Alembic
    /// renders a variant type (the base, then one `.with_variant(…)` per
    /// dialect in name order).
    fn variant(&mut self, base: &Expr, call: &ExprCall, depth: usize) -> Option<Typed> {
        // The variants of a chain, innermost first.
        let mut variants: Vec<(String, Typed)> = Vec::new();
        let (mut base, mut call) = (base, call);
        loop {
            let Some((first, dialects)) = call.arguments.args.split_first() else {
                self.error(
                    call,
                    "with_variant() without a type",
                    "write with_variant(Type(), \"postgresql\")",
                );
                return self.type_expr_at(base, depth);
            };
            let only_other_dialects = dialects
                .iter()
                .all(|d| string(d).is_some_and(|d| d != "postgresql"));
            let ty = match self.other_dialect_type(first) {
                Some(ty) if only_other_dialects => ty,
                _ => self.type_expr_at(first, depth)?,
            };
            for dialect in dialects {
                let Some(name) = string(dialect) else {
                    self.error(
                        dialect,
                        "a dialect name retort cannot read",
                        "name the dialect as a string, e.g. \"postgresql\"",
                    );
                    continue;
                };
                variants.push((name, ty.clone()));
            }
            match base {
                Expr::Call(inner) if matches!(&*inner.func, Expr::Attribute(a) if a.attr.id.as_str() == "with_variant") =>
                {
                    let Expr::Attribute(method) = &*inner.func else {
                        break;
                    };
                    base = &method.value;
                    call = inner;
                }
                _ => break,
            }
        }
        let (base_type, base_repr) = self.type_expr_at(base, depth)?;
        variants.sort_by(|a, b| a.0.cmp(&b.0));
        variants.dedup_by(|later, earlier| later.0 == earlier.0);
        let mut repr = base_repr;
        for (dialect, (_, variant_repr)) in &variants {
            repr.push_str(&format!(
                ".with_variant({variant_repr}, {})",
                py_repr(dialect)
            ));
        }
        let ty = variants
            .iter()
            .find(|(dialect, _)| dialect == "postgresql")
            .map_or(base_type, |(_, (ty, _))| ty.clone());
        Some((ty, repr))
    }
}

impl ModelReader<'_> {
    /// A type only another dialect's module has (`mysql.LONGBLOB()`), for a
    /// variant PostgreSQL never gets: rendered as Alembic renders it, with
    /// its dialect's prefix, whether or not retort knows the type.
    fn other_dialect_type(&self, expr: &Expr) -> Option<Typed> {
        let (func, arguments) = match expr {
            Expr::Call(call) => (&*call.func, Some(&call.arguments)),
            other => (other, None),
        };
        let path = self.imports(func)?.path(func)?;
        let ["sqlalchemy", "dialects", dialect, name] = path.as_slice() else {
            return None;
        };
        // A generic type the dialect module re-exports (`sqlite.INTEGER` is
        // `sa.INTEGER`) is read, and rendered, as SQLAlchemy's own.
        if *dialect == "postgresql" || types::is_sqlalchemy_type(name) {
            return None;
        }
        let args = arguments
            .map(|a| type_args(a, &self.values))
            .unwrap_or_default();
        let mut written: Vec<String> = args.positional.iter().map(Literal::py_repr).collect();
        written.extend(
            args.keywords
                .iter()
                .map(|(k, v)| format!("{k}={}", v.py_repr())),
        );
        Some((
            SqlType::Named((*name).to_string()),
            format!("{dialect}.{name}({})", written.join(", ")),
        ))
    }
}

impl<'a> ModelReader<'a> {
    /// Whether a class of this file derives from `TypeDecorator` (directly
    /// or through classes of this file).
    fn is_type_decorator(&self, class: &StmtClassDef, depth: usize) -> bool {
        depth < 8
            && bases(class).iter().any(|base| {
                // `TypeDecorator[datetime]`: the generic is the class.
                let base = match base {
                    Expr::Subscript(generic) => &*generic.value,
                    other => other,
                };
                self.is(base, Family::Sqlalchemy, "TypeDecorator")
                    || self.sqlalchemy_type_class(base)
                    || matches!(base, Expr::Name(n) if self
                        .classes
                        .get(n.id.as_str())
                        .is_some_and(|parent| self.is_type_decorator(parent, depth + 1)))
            })
    }

    /// A SQLAlchemy or PostgreSQL type class (`Text`, `postgresql.JSONB`):
    /// a class of the models that derives from it is that type.
    fn sqlalchemy_type_class(&self, base: &Expr) -> bool {
        self.symbol(base).is_some_and(|s| {
            matches!(s.family, Family::Sqlalchemy | Family::Postgresql)
                && types::is_sqlalchemy_type(s.name)
        })
    }

    /// A `TypeDecorator` of this file: the type of its `impl` (an instance
    /// as it is; a class called with the decorator's arguments), rendered
    /// as Alembic renders a type of the project's own module:
    /// `module.Class(<the impl's arguments>)`.
    fn type_decorator(
        &mut self,
        class: &'a StmtClassDef,
        arguments: Option<&Arguments>,
        depth: usize,
    ) -> Option<Typed> {
        let implementation = std::iter::successors(Some(class), |c| {
            bases(c).iter().find_map(|b| match b {
                Expr::Name(n) => self.class_at(n.id.as_str(), n),
                _ => None,
            })
        })
        .take(8)
        .find_map(|c| {
            named_assignments(&c.body)
                .find(|(name, _)| *name == "impl")
                .map(|(_, v)| v)
                // `class LongText(Text)`: the type it derives from.
                .or_else(|| {
                    bases(c)
                        .iter()
                        .find(|base| self.sqlalchemy_type_class(base))
                })
        });
        let Some(implementation) = implementation else {
            self.error(
                &class.name,
                format!(
                    "{} has no impl = ...: its type is not known",
                    class.name.id.as_str()
                ),
                "give the TypeDecorator its impl, e.g. impl = String(50)",
            );
            return None;
        };
        let (ty, impl_repr) = match implementation {
            // An instance: the decorator's own arguments are not used.
            Expr::Call(_) => self.type_expr_at(implementation, depth + 1)?,
            class_expr => self.type_call(implementation, class_expr, arguments, depth + 1)?,
        };
        // Python's repr of the decorator shows the impl's arguments, each
        // nested type by its bare repr (`JSON(astext_type=Text())`); an impl
        // that is itself a decorator of the models shows none.
        let impl_is_decorator = matches!(implementation, Expr::Name(n)
            if self.classes.get(n.id.as_str()).is_some_and(|c| self.is_type_decorator(c, 0)));
        let arguments_repr = match impl_repr.find('(') {
            Some(at) if !impl_is_decorator => impl_repr[at..]
                .replace("sa.", "")
                .replace("postgresql.", ""),
            _ => "()".to_string(),
        };
        let module = self
            .scope(class)
            .map_or(DEFAULT_MODULE, |s| s.module.as_str());
        let repr = format!("{module}.{}{arguments_repr}", class.name.id.as_str());
        Some((ty, repr))
    }
}

/// What a function returns when its body (a docstring aside) is one
/// `return value`.
pub(super) fn returned_expression(def: &StmtFunctionDef) -> Option<&Expr> {
    let mut body = def
        .body
        .iter()
        .filter(|s| !matches!(s, Stmt::Expr(e) if matches!(&*e.value, Expr::StringLiteral(_))));
    match (body.next(), body.next()) {
        (Some(Stmt::Return(ret)), None) => ret.value.as_deref(),
        _ => None,
    }
}
