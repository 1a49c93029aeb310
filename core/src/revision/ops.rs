//! A revision's `upgrade()` and `downgrade()` bodies read as ops: `op.*`
//! calls, `batch_op.*` calls inside `batch_alter_table` blocks,
//! `ENUM(...).create/drop`, `autocommit_block`, and `op.execute(...)` with
//! its SQL read into ops. Columns and types go through the model reader (each
//! `create_table`/`add_column`/`alter_column` restated as a `sa.Table` in a
//! module with the file's imports), so a type means the same here as in a
//! model. What cannot be followed is kept as `Op::Unread`.

use super::*;

/// The argument given by keyword `name`, or else the `position`-th
/// positional one.
pub(super) fn argument<'e>(call: &'e ExprCall, position: usize, name: &str) -> Option<&'e Expr> {
    keyword(&call.arguments, name).or_else(|| call.arguments.args.get(position))
}

pub(super) fn flag(expr: Option<&Expr>) -> Option<bool> {
    match expr? {
        Expr::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

/// `op.<name>` (or `batch_op.<name>`) → `name`.
pub(super) fn op_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Attribute(a) if matches!(&*a.value, Expr::Name(n) if matches!(n.id.as_str(), "op" | "batch_op")) => {
            Some(a.attr.id.as_str())
        }
        _ => None,
    }
}

/// `'name'`, `op.f('name')` or `None` → the name.
pub(super) fn name_arg(expr: Option<&Expr>) -> Option<String> {
    match expr? {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::Call(c) if op_name(&c.func) == Some("f") => c.arguments.args.first().and_then(string),
        _ => None,
    }
}

/// `'sql'` or `sa.text('sql')` → the SQL.
pub(super) fn sql_arg(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::Call(c) => match &*c.func {
            Expr::Attribute(a) if matches!(a.attr.id.as_str(), "text" | "literal_column") => {
                c.arguments.args.first().and_then(string)
            }
            Expr::Name(n) if matches!(n.id.as_str(), "text" | "literal_column") => {
                c.arguments.args.first().and_then(string)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The arguments of one op call; inside `batch_alter_table` the table is
/// the block's and the call leaves it out (the arguments after it move up).
pub(super) struct Args<'c> {
    call: &'c ExprCall,
    /// The block's table, and where the table argument would be.
    batch: Option<(TableRef, usize)>,
}

impl<'c> Args<'c> {
    fn get(&self, position: usize, name: &str) -> Option<&'c Expr> {
        match &self.batch {
            Some((_, at)) if position == *at => None,
            Some((_, at)) if position > *at => argument(self.call, position - 1, name),
            _ => argument(self.call, position, name),
        }
    }

    fn keyword(&self, name: &str) -> Option<&'c Expr> {
        keyword(&self.call.arguments, name)
    }

    /// The table: the block's, or the argument at `position` / `name`
    /// with `schema_key`'s schema.
    fn table_with(&self, position: usize, name: &str, schema_key: &str) -> Option<TableRef> {
        if let Some((table, _)) = &self.batch {
            return Some(table.clone());
        }
        Some(TableRef {
            schema: self.keyword(schema_key).and_then(string),
            name: self.get(position, name).and_then(string)?,
        })
    }

    fn table(&self, position: usize, name: &str) -> Option<TableRef> {
        self.table_with(position, name, "schema")
    }
}

/// Where an op's table argument is (for `batch_op` calls, which leave it
/// out).
pub(super) fn table_position(op: &str) -> usize {
    match op {
        "create_index"
        | "drop_index"
        | "create_unique_constraint"
        | "create_check_constraint"
        | "create_primary_key"
        | "drop_constraint"
        | "create_foreign_key" => 1,
        _ => 0,
    }
}

/// What one function body reading needs.
pub(super) struct BodyReader<'s> {
    pub(super) source: &'s str,
    /// The project's modules, for what the revision imports from them.
    pub(super) finder: Option<(&'s dyn Finder, &'s ParseCache)>,
    pub(super) imports: Vec<&'s str>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) enums: Vec<EnumType>,
    /// Inside `with op.batch_alter_table(...) as batch_op:`: its table.
    pub(super) batch: Option<TableRef>,
    /// The function's locals bound to SQLAlchemy objects (`status =
    /// postgresql.ENUM(...)`), as `name = value` lines the generated
    /// module starts with.
    pub(super) locals: Vec<String>,
    /// Those of them that are named enum types.
    pub(super) enum_locals: Vec<(String, EnumType)>,
}

/// A table-ish piece of the generated module: what it stands for.
pub(super) enum Restated {
    Create { schema: Option<String> },
    Column,
    Types,
}

impl<'s> BodyReader<'s> {
    pub(super) fn text(&self, node: &impl Ranged) -> &'s str {
        &self.source[node.range()]
    }

    pub(super) fn function(&mut self, def: Option<&StmtFunctionDef>) -> (Vec<Op>, Vec<Span>, Body) {
        let kind = body_kind(def, self.source);
        let Some(def) = def.filter(|_| kind == Body::Ops) else {
            return (Vec::new(), Vec::new(), kind);
        };
        let statements: Vec<&Stmt> = def
            .body
            .iter()
            .filter(|s| !matches!(s, Stmt::Expr(e) if e.value.is_string_literal_expr()))
            .collect();
        self.locals.clear();
        self.enum_locals.clear();
        let (ops, spans) = self.statements(&statements);
        (ops, spans.into_iter().flatten().collect(), Body::Ops)
    }

    fn unread(&mut self, stmt: &Stmt, why: &str) -> Op {
        self.diagnostics.push(
            Diagnostic::warning(span_of(stmt), format!("not read: {why}")).with_help(
                "retort follows op.* calls, op.execute and autocommit blocks; this statement is kept as written",
            ),
        );
        Op::Unread {
            code: self.text(stmt).to_string(),
        }
    }

    /// The ops of `statements`, each with the spans of the op and of the ops
    /// inside it, in pre-order (see [`Revision::spans`]).
    fn statements(&mut self, statements: &[&Stmt]) -> (Vec<Op>, Vec<Vec<Span>>) {
        // Pass 1: the op calls; what needs the model reader is queued.
        let mut pending: Vec<Pending<'_>> = Vec::new();
        let mut spans: Vec<Vec<Span>> = Vec::new();
        for stmt in statements {
            if let Stmt::Assign(assign) = stmt
                && let [Expr::Name(target)] = assign.targets.as_slice()
                && self.local(target.id.as_str(), &assign.value)
            {
                continue;
            }
            if !matches!(stmt, Stmt::Pass(_) | Stmt::With(_) | Stmt::Try(_)) {
                spans.push(vec![span_of(*stmt)]);
            }
            match stmt {
                Stmt::Pass(_) => {}
                // `try:` runs its body, then `else:` and `finally:`; a
                // handler runs only on an error, which a plan does not
                // foresee.
                Stmt::Try(block) => {
                    let inner: Vec<&Stmt> = block
                        .body
                        .iter()
                        .chain(&block.orelse)
                        .chain(&block.finalbody)
                        .collect();
                    let (ops, inner_spans) = self.statements(&inner);
                    pending.extend(ops.into_iter().map(Pending::done));
                    spans.extend(inner_spans);
                }
                Stmt::Expr(e) => match &*e.value {
                    Expr::Call(call) => pending.push(self.call(stmt, call)),
                    _ => pending.push(Pending::done(self.unread(stmt, "an expression"))),
                },
                Stmt::With(with) => {
                    let batch = with.items.iter().find_map(|item| match &item.context_expr {
                        Expr::Call(c) if op_name(&c.func) == Some("batch_alter_table") => {
                            Some(TableRef {
                                schema: keyword(&c.arguments, "schema").and_then(string),
                                name: argument(c, 0, "table_name").and_then(string)?,
                            })
                        }
                        _ => None,
                    });
                    if let Some(table) = batch {
                        let inner: Vec<&Stmt> = with.body.iter().collect();
                        let outer = self.batch.replace(table);
                        let (ops, inner_spans) = self.statements(&inner);
                        self.batch = outer;
                        pending.extend(ops.into_iter().map(Pending::done));
                        spans.extend(inner_spans);
                        continue;
                    }
                    let is_block = with.items.iter().any(|item| {
                        self.text(&item.context_expr)
                            .ends_with("autocommit_block()")
                    });
                    if !is_block {
                        pending.push(Pending::done(self.unread(stmt, "a with block")));
                        spans.push(vec![span_of(*stmt)]);
                        continue;
                    }
                    let inner: Vec<&Stmt> = with.body.iter().collect();
                    let (ops, inner_spans) = self.statements(&inner);
                    pending.push(Pending::done(Op::AutocommitBlock(ops)));
                    let mut block = vec![span_of(*stmt)];
                    block.extend(inner_spans.into_iter().flatten());
                    spans.push(block);
                }
                other => {
                    let why = match other {
                        Stmt::For(_) | Stmt::While(_) => "a loop",
                        Stmt::If(_) => "a condition",
                        Stmt::Assign(_) | Stmt::AnnAssign(_) => "an assignment",
                        _ => "a statement retort does not run",
                    };
                    pending.push(Pending::done(self.unread(other, why)));
                }
            }
        }
        // Pass 2: the generated module, read by the model reader.
        let mut module = String::new();
        for import in &self.imports {
            module.push_str(import);
            module.push('\n');
        }
        for local in &self.locals {
            module.push_str(local);
            module.push('\n');
        }
        module.push_str(
            "import sqlalchemy as __retort_sa\n__retort_metadata = __retort_sa.MetaData()\n",
        );
        let mut pieces = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            if let Pending::Model { table, piece, .. } = p {
                let name = match piece {
                    Restated::Create { .. } => None,
                    _ => Some(format!("__retort_{i}")),
                };
                module.push_str(&table.replace(
                    "__RETORT_NAME__",
                    &name.clone().map(|n| format!("'{n}'")).unwrap_or_default(),
                ));
                module.push('\n');
                pieces.push(i);
            }
        }
        let schema = if pieces.is_empty() {
            Schema::default()
        } else {
            let (schema, diagnostics) = crate::python::read_schema(&module);
            match self.finder {
                // What the revision imports from the project is followed
                // only where the module alone does not read cleanly.
                Some((finder, cache)) if !diagnostics.is_empty() => {
                    let entry = ModuleFile {
                        path: "<revision>".to_string(),
                        module: "__retort_revision__".to_string(),
                        package: false,
                        source: module,
                    };
                    crate::python::read_program_cached(vec![entry], finder, cache).schema
                }
                _ => schema,
            }
        };
        for enum_type in &schema.enums {
            if !self.enums.contains(enum_type) {
                self.enums.push(enum_type.clone());
            }
        }
        // A statement can run several ops (`add_column` with a foreign key
        // in its column): each has the statement's spans.
        debug_assert_eq!(pending.len(), spans.len());
        let mut ops = Vec::new();
        let mut op_spans = Vec::new();
        for ((i, p), span) in pending.into_iter().enumerate().zip(spans) {
            match p {
                Pending::Done(op) => {
                    ops.push(*op);
                    op_spans.push(span);
                }
                Pending::Model {
                    piece,
                    finish,
                    stmt,
                    name,
                    ..
                } => {
                    let found = match &piece {
                        Restated::Create { schema: s } => schema.table(s.as_deref(), &name),
                        _ => schema.table(None, &format!("__retort_{i}")),
                    };
                    match found.and_then(|t| finish(t.clone())) {
                        Some(read) => {
                            for op in read {
                                ops.push(op);
                                op_spans.push(span.clone());
                            }
                        }
                        None => {
                            ops.push(self.unread(stmt, "its columns or types could not be read"));
                            op_spans.push(span);
                        }
                    }
                }
            }
        }
        (ops, op_spans)
    }

    /// One `op.*(...)` call (or `ENUM(...).create(op.get_bind())`).
    fn call<'c>(&mut self, stmt: &'c Stmt, call: &'c ExprCall) -> Pending<'c> {
        let Some(name) = op_name(&call.func) else {
            return self.enum_call(stmt, call);
        };
        let args = Args {
            call,
            batch: self.batch.clone().map(|t| (t, table_position(name))),
        };
        let not_valid = flag(keyword(&call.arguments, "postgresql_not_valid")) == Some(true);
        let done = |op: Option<Op>, this: &mut Self| match op {
            Some(op @ (Op::CreateForeignKey { .. } | Op::CreateCheckConstraint { .. }))
                if not_valid =>
            {
                Pending::done(Op::NotValid(Box::new(op)))
            }
            Some(op) => Pending::done(op),
            None => Pending::done(this.unread(stmt, "arguments retort does not understand")),
        };
        match name {
            "create_table" => self.create_table(stmt, call),
            "drop_table" => {
                let op = args.table(0, "table_name").map(|t| Op::DropTable {
                    table: Box::new(Table {
                        schema: t.schema,
                        name: t.name,
                        ..Table::default()
                    }),
                    side: Side::Model,
                });
                done(op, self)
            }
            "add_column" => self.add_column(stmt, &args),
            "drop_column" => {
                let op = args.table(0, "table_name").and_then(|table| {
                    let column = args.get(1, "column_name").and_then(string)?;
                    Some(Op::DropColumn {
                        table,
                        column: Box::new(Column::new(column, SqlType::Named(String::new()))),
                        side: Side::Model,
                    })
                });
                done(op, self)
            }
            "alter_column" => self.alter_column(stmt, &args),
            "create_index" | "drop_index" => {
                let op = self.index(&args, name == "create_index");
                done(op, self)
            }
            "create_unique_constraint" => {
                let op = args
                    .table(1, "table_name")
                    .map(|table| Op::CreateUniqueConstraint {
                        table,
                        constraint: UniqueConstraint {
                            name: name_arg(args.get(0, "constraint_name")),
                            columns: args.get(2, "columns").map(strings).unwrap_or_default(),
                        },
                        convention_name: false,
                        side: if args.keyword("postgresql_nulls_not_distinct").is_some() {
                            Side::Database
                        } else {
                            Side::Model
                        },
                    });
                done(op, self)
            }
            "create_check_constraint" => {
                let op = args.table(1, "table_name").and_then(|table| {
                    Some(Op::CreateCheckConstraint {
                        table,
                        name: name_arg(args.get(0, "constraint_name")),
                        sqltext: args.get(2, "condition").and_then(sql_arg)?,
                    })
                });
                done(op, self)
            }
            "drop_constraint" => {
                let op = args.table(1, "table_name").map(|table| {
                    let constraint = name_arg(args.get(0, "constraint_name"));
                    match args.keyword("type_").and_then(string).as_deref() {
                        Some("unique") => Op::DropUniqueConstraint {
                            table,
                            constraint: UniqueConstraint {
                                name: constraint,
                                columns: Vec::new(),
                            },
                            convention_name: false,
                            side: Side::Model,
                        },
                        Some("foreignkey") => Op::DropForeignKey {
                            table,
                            fk: Box::new(ForeignKey {
                                name: constraint,
                                columns: Vec::new(),
                                referred_schema: None,
                                referred_table: String::new(),
                                referred_columns: Vec::new(),
                                ondelete: None,
                                onupdate: None,
                                deferrable: None,
                                initially: None,
                            }),
                            convention_name: false,
                        },
                        kind => Op::DropConstraint {
                            table,
                            name: constraint,
                            kind: kind.map(str::to_string),
                            check: None,
                        },
                    }
                });
                done(op, self)
            }
            "create_foreign_key" => {
                let op = args
                    .table_with(1, "source_table", "source_schema")
                    .and_then(|table| {
                        let text = |k: &str| args.keyword(k).and_then(string);
                        Some(Op::CreateForeignKey {
                            table,
                            fk: Box::new(ForeignKey {
                                name: name_arg(args.get(0, "constraint_name")),
                                columns: args.get(3, "local_cols").map(strings)?,
                                referred_schema: text("referent_schema"),
                                referred_table: args.get(2, "referent_table").and_then(string)?,
                                referred_columns: args.get(4, "remote_cols").map(strings)?,
                                ondelete: text("ondelete"),
                                onupdate: text("onupdate"),
                                deferrable: flag(args.keyword("deferrable")),
                                initially: text("initially"),
                            }),
                            convention_name: false,
                        })
                    });
                done(op, self)
            }
            "create_table_comment" => {
                let op = args.table(0, "table_name").and_then(|table| {
                    Some(Op::CreateTableComment {
                        table,
                        comment: args.get(1, "comment").and_then(string)?,
                        existing: args.keyword("existing_comment").and_then(string),
                    })
                });
                done(op, self)
            }
            "drop_table_comment" => {
                let op = args
                    .table(0, "table_name")
                    .map(|table| Op::DropTableComment {
                        table,
                        existing: args
                            .keyword("existing_comment")
                            .and_then(string)
                            .unwrap_or_default(),
                    });
                done(op, self)
            }
            "rename_table" => {
                let op = args
                    .get(0, "old_table_name")
                    .and_then(string)
                    .and_then(|old| {
                        Some(Op::RenameTable {
                            schema: args.keyword("schema").and_then(string),
                            old,
                            new: args.get(1, "new_table_name").and_then(string)?,
                        })
                    });
                done(op, self)
            }
            "execute" => {
                let op = args.get(0, "sqltext").and_then(sql_arg).map(|sql| {
                    let (ops, problems) = crate::sql::ops::ops_of(&sql);
                    for problem in problems {
                        self.diagnostics.push(
                            Diagnostic::warning(
                                span_of(stmt),
                                format!("in op.execute: {}", problem.message),
                            )
                            .with_help(
                                "the SQL is still run as written; retort cannot say what it does",
                            ),
                        );
                    }
                    Op::Sql { sql, ops }
                });
                done(op, self)
            }
            "create_primary_key" => {
                let op = args.table(1, "table_name").and_then(|table| {
                    Some(Op::CreatePrimaryKey {
                        table,
                        name: name_arg(args.get(0, "constraint_name")),
                        columns: args.get(2, "columns").map(strings)?,
                    })
                });
                done(op, self)
            }
            _ => Pending::done(self.unread(
                stmt,
                &format!("op.{name} is not an operation retort reads yet"),
            )),
        }
    }

    /// `postgresql.ENUM(...).create(op.get_bind(), ...)` / `.drop(...)`.
    fn enum_call<'c>(&mut self, stmt: &'c Stmt, call: &'c ExprCall) -> Pending<'c> {
        let Expr::Attribute(method) = &*call.func else {
            return Pending::done(self.unread(stmt, "a call that is not an op.* operation"));
        };
        // `status.create(op.get_bind())` of a local `status = ENUM(...)`.
        if let Expr::Name(local) = &*method.value
            && let Some((_, enum_type)) = self
                .enum_locals
                .iter()
                .find(|(n, _)| n == local.id.as_str())
        {
            let enum_type = enum_type.clone();
            return match method.attr.id.as_str() {
                "create" => {
                    if !self.enums.contains(&enum_type) {
                        self.enums.push(enum_type.clone());
                    }
                    Pending::done(Op::CreateEnumType { enum_type })
                }
                "drop" => Pending::done(Op::DropEnumType { enum_type }),
                _ => Pending::done(self.unread(stmt, "a call that is not an op.* operation")),
            };
        }
        let Expr::Call(inner) = &*method.value else {
            return Pending::done(self.unread(stmt, "a call that is not an op.* operation"));
        };
        let is_enum = matches!(&*inner.func, Expr::Attribute(a) if a.attr.id.as_str() == "ENUM")
            || matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "ENUM");
        let create = method.attr.id.as_str() == "create";
        if !is_enum || !(create || method.attr.id.as_str() == "drop") {
            return Pending::done(self.unread(stmt, "a call that is not an op.* operation"));
        }
        let Some(name) = keyword(&inner.arguments, "name").and_then(string) else {
            return Pending::done(self.unread(stmt, "an ENUM without name="));
        };
        let enum_type = EnumType {
            schema: keyword(&inner.arguments, "schema").and_then(string),
            name,
            values: inner.arguments.args.iter().filter_map(string).collect(),
        };
        if create && !self.enums.contains(&enum_type) {
            self.enums.push(enum_type.clone());
        }
        Pending::done(if create {
            Op::CreateEnumType { enum_type }
        } else {
            Op::DropEnumType { enum_type }
        })
    }

    /// The arguments of `call` from the `skip`-th on, as source text.
    fn rest(&self, call: &ExprCall, skip: usize) -> Vec<&'s str> {
        let mut items: Vec<&Expr> = call.arguments.args.iter().skip(skip).collect();
        items.sort_by_key(|e| e.start());
        items.iter().map(|e| self.text(*e)).collect()
    }

    fn create_table<'c>(&mut self, stmt: &'c Stmt, call: &'c ExprCall) -> Pending<'c> {
        let Some(name) = call.arguments.args.first().and_then(string) else {
            return Pending::done(self.unread(stmt, "create_table without a table name"));
        };
        let mut items: Vec<String> = self.rest(call, 1).into_iter().map(without_op_f).collect();
        for key in ["schema", "comment"] {
            if let Some(value) = keyword(&call.arguments, key) {
                items.push(format!("{key}={}", self.text(value)));
            }
        }
        let schema = keyword(&call.arguments, "schema").and_then(string);
        Pending::Model {
            table: format!(
                "__retort_sa.Table({}, __retort_metadata, {})",
                crate::quote::py_repr(&name),
                items.join(", ")
            ),
            piece: Restated::Create { schema },
            finish: Box::new(|table| {
                Some(vec![Op::CreateTable {
                    table: Box::new(table),
                    side: Side::Model,
                }])
            }),
            stmt,
            name,
        }
    }

    fn add_column<'c>(&mut self, stmt: &'c Stmt, args: &Args<'c>) -> Pending<'c> {
        let (Some(table), Some(column)) = (args.table(0, "table_name"), args.get(1, "column"))
        else {
            return Pending::done(self.unread(stmt, "add_column without a table and a column"));
        };
        Pending::Model {
            table: format!(
                "__retort_sa.Table(__RETORT_NAME__, __retort_metadata, {})",
                without_op_f(self.text(column))
            ),
            piece: Restated::Column,
            finish: Box::new(move |read: Table| super::add_column::ops(table, read)),
            stmt,
            name: String::new(),
        }
    }

    fn alter_column<'c>(&mut self, stmt: &'c Stmt, call_args: &Args<'c>) -> Pending<'c> {
        let (Some(table), Some(column)) = (
            call_args.table(0, "table_name"),
            call_args.get(1, "column_name").and_then(string),
        ) else {
            return Pending::done(self.unread(stmt, "alter_column without a table and a column"));
        };
        let args = &call_args.call.arguments;
        let text = |key: &str| keyword(args, key).map(|v| self.text(v));
        // Two columns carry the existing and the target type and default.
        let type_of = |key: &str| text(key).unwrap_or("__retort_sa.NullType()");
        let default_of = |key: &str| match keyword(args, key) {
            None | Some(Expr::NoneLiteral(_)) => String::new(),
            Some(Expr::BooleanLiteral(b)) if !b.value => String::new(),
            // `server_default=sa.Identity(...)`: the column's identity.
            Some(value @ Expr::Call(call))
                if matches!(&*call.func, Expr::Attribute(a) if a.attr.id.as_str() == "Identity")
                    || matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "Identity") =>
            {
                format!(", {}", self.text(value))
            }
            Some(value) => format!(", server_default={}", self.text(value)),
        };
        let existing_type = type_of("existing_type");
        let target_type = text("type_").unwrap_or(existing_type);
        let table_text = format!(
            "__retort_sa.Table(__RETORT_NAME__, __retort_metadata, __retort_sa.Column('existing', {existing_type}{}), __retort_sa.Column('target', {target_type}{}))",
            default_of("existing_server_default"),
            default_of("server_default"),
        );
        let changes_type = keyword(args, "type_").is_some();
        let changes_default = keyword(args, "server_default").is_some();
        let nullable = flag(keyword(args, "nullable"));
        let existing_nullable = flag(keyword(args, "existing_nullable"));
        let comment = keyword(args, "comment").map(string);
        let existing_comment = keyword(args, "existing_comment").and_then(string);
        let using = keyword(args, "postgresql_using").and_then(string);
        let new_name = keyword(args, "new_column_name").and_then(string);
        let autoincrement = flag(keyword(args, "autoincrement"));
        Pending::Model {
            table: table_text,
            piece: Restated::Types,
            finish: Box::new(move |read: Table| {
                let mut columns = read.columns.into_iter();
                let existing = columns.next()?;
                let target = columns.next()?;
                let sided = |column: Column| SidedColumn {
                    column: Box::new(column),
                    side: Side::Model,
                };
                Some(vec![Op::AlterColumn(Box::new(AlterColumn {
                    table,
                    column,
                    ty: Change {
                        existing: sided(existing.clone()),
                        target: changes_type.then(|| sided(target.clone())),
                    },
                    server_default: Change {
                        existing: sided(existing),
                        target: changes_default.then(|| sided(target)),
                    },
                    nullable: Change {
                        existing: existing_nullable.unwrap_or(true),
                        target: nullable,
                    },
                    comment: Change {
                        existing: existing_comment,
                        target: comment,
                    },
                    autoincrement,
                    new_name,
                    using,
                }))])
            }),
            stmt,
            name: String::new(),
        }
    }

    fn index(&mut self, call_args: &Args<'_>, create: bool) -> Option<Op> {
        let args = &call_args.call.arguments;
        let name = name_arg(call_args.get(0, "index_name"));
        let table = call_args.table(1, "table_name")?;
        let expressions = if create {
            match call_args.get(2, "columns")? {
                Expr::List(list) => list
                    .elts
                    .iter()
                    .map(|e| string(e).or_else(|| sql_arg(e)))
                    .collect::<Option<Vec<_>>>()?,
                Expr::Tuple(tuple) => tuple
                    .elts
                    .iter()
                    .map(|e| string(e).or_else(|| sql_arg(e)))
                    .collect::<Option<Vec<_>>>()?,
                single => vec![string(single)?],
            }
        } else {
            Vec::new()
        };
        let index = Index {
            name,
            unique: flag(keyword(args, "unique")).unwrap_or(false),
            expressions,
            r#where: keyword(args, "postgresql_where").and_then(sql_arg),
            using: keyword(args, "postgresql_using").and_then(string),
            ops: keyword(args, "postgresql_ops")
                .and_then(crate::python::string_pairs)
                .unwrap_or_default(),
            include: keyword(args, "postgresql_include")
                .and_then(crate::python::string_list)
                .unwrap_or_default(),
            written_order: crate::python::written_order(args),
            reflected: false,
        };
        let op = if create {
            Op::CreateIndex {
                table,
                index: Box::new(index),
                convention_name: false,
            }
        } else {
            Op::DropIndex {
                table,
                index: Box::new(index),
                convention_name: false,
            }
        };
        Some(
            if flag(keyword(args, "postgresql_concurrently")) == Some(true) {
                Op::Concurrently(Box::new(op))
            } else {
                op
            },
        )
    }
}

/// `op.f('name')` (or `batch_op.f('name')`) → `('name')`: the model reader
/// reads the name.
pub(super) fn without_op_f(text: &str) -> String {
    text.replace("batch_op.f(", "(").replace("op.f(", "(")
}

/// The ops of a statement, from the table the model reader read for it.
pub(super) type Finish = Box<dyn FnOnce(Table) -> Option<Vec<Op>>>;

/// A statement read in pass 1: an op, or one waiting for the model reader.
pub(super) enum Pending<'c> {
    Done(Box<Op>),
    Model {
        /// The `sa.Table(...)` that restates it.
        table: String,
        piece: Restated,
        finish: Finish,
        stmt: &'c Stmt,
        /// The table's name (for `create_table`).
        name: String,
    },
}

impl Pending<'_> {
    fn done(op: Op) -> Self {
        Pending::Done(Box::new(op))
    }
}
