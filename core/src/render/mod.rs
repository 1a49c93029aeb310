//! `Op`s → the Alembic revision file, byte for byte as Alembic's
//! autogenerate writes it with its `generic` template (Alembic 1.20).
//!
//! Types are rendered from the side an object came from: the model's own
//! spelling (`Column::sa_type`, e.g. `sa.String(length=50)`) or, for what
//! Alembic reflects from the database, the reflected type
//! ([`crate::op::reflected_type`], e.g. `sa.VARCHAR(length=50)`).

use crate::quote::py_repr;

mod batch;
mod objects;
pub mod script;
pub mod sql;

use batch::{batch_op, batch_table};
pub(crate) use objects::{autoincrement_of, server_default, table_constraints};

use crate::op::Migration;
use crate::op::{AlterColumn, Op, Side, TableRef, reflected_type};
use crate::schema::{
    Autoincrement, CheckConstraint, Column, EnumType, ForeignKey, Index, PrimaryKey, SqlType,
    Table, UniqueConstraint,
};
use crate::sql::stored::database_form;

/// The revision file's header fields.
#[derive(Debug, Clone)]
pub struct RevisionHeader<'a> {
    pub message: &'a str,
    pub rev_id: &'a str,
    pub down_revision: Option<&'a str>,
    /// As Python prints `datetime.now()`: `2026-11-24 11:28:16.222656`.
    pub create_date: &'a str,
}

/// What rendering needs besides the ops: the enum types each side declares
/// (reflected enum columns print their values).
pub struct RenderOptions<'a> {
    pub database_enums: &'a [EnumType],
    /// Alembic's `render_as_batch=True`: the ops on one existing table
    /// grouped in `with op.batch_alter_table(...) as batch_op:`.
    pub batch: bool,
}

/// What a revision template is filled with, besides the header: the
/// imports the commands need, and the two bodies (indented for the
/// template's four spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionParts {
    pub imports: String,
    pub upgrades: String,
    pub downgrades: String,
}

/// The parts of `migration`'s revision file.
pub fn parts(migration: &Migration, ctx: &RenderOptions<'_>) -> RevisionParts {
    let upgrades = body(&migration.upgrade, ctx);
    let downgrades = body(&migration.downgrade, ctx);
    let mut imports = type_imports(&upgrades);
    imports.extend(type_imports(&downgrades));
    let imports: Vec<String> = imports.into_iter().collect();
    RevisionParts {
        imports: imports.join("\n"),
        upgrades,
        downgrades,
    }
}

/// The whole revision file, in the layout of Alembic's own template
/// (`alembic init`'s `script.py.mako`).
pub fn revision(
    header: &RevisionHeader<'_>,
    migration: &Migration,
    ctx: &RenderOptions<'_>,
) -> String {
    let RevisionParts {
        imports,
        upgrades: upgrade,
        downgrades: downgrade,
    } = parts(migration, ctx);
    let down = header.down_revision.map_or("None".to_string(), py_repr);
    format!(
        "\"\"\"{message}\n\nRevision ID: {rev}\nRevises: {revises}\nCreate Date: {date}\n\n\"\"\"\n\
         from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n{imports}\n\n\
         # revision identifiers, used by Alembic.\n\
         revision: str = {rev_repr}\n\
         down_revision: Union[str, Sequence[str], None] = {down}\n\
         branch_labels: Union[str, Sequence[str], None] = None\n\
         depends_on: Union[str, Sequence[str], None] = None\n\n\n\
         def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    {upgrade}\n\n\n\
         def downgrade() -> None:\n    \"\"\"Downgrade schema.\"\"\"\n    {downgrade}\n",
        message = header.message,
        rev = header.rev_id,
        revises = header.down_revision.unwrap_or(""),
        date = header.create_date,
        rev_repr = py_repr(header.rev_id),
    )
}

/// The imports the rendered commands need, as Alembic adds them for the
/// types it renders: a dialect's module (`from sqlalchemy.dialects import
/// postgresql`) and a project's own (`import myapp.types` for
/// `myapp.types.Money()`). Sorted, as Alembic joins them.
fn type_imports(code: &str) -> std::collections::BTreeSet<String> {
    const DIALECTS: [&str; 5] = ["postgresql", "mysql", "sqlite", "mssql", "oracle"];
    const OWN: [&str; 3] = ["sa", "op", "batch_op"];
    let mut found = std::collections::BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        // Skip string literals: SQL text is not Python.
        if c == b'\'' || c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        let starts_name = (c.is_ascii_alphabetic() || c == b'_')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b'.'));
        if !starts_name {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
        {
            i += 1;
        }
        let dotted = &code[start..i];
        if bytes.get(i) != Some(&b'(') {
            continue;
        }
        let Some((module, class)) = dotted.rsplit_once('.') else {
            continue;
        };
        if !class.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let first = module.split('.').next().unwrap_or(module);
        if DIALECTS.contains(&module) {
            found.insert(format!("from sqlalchemy.dialects import {module}"));
        } else if !OWN.contains(&first) {
            found.insert(format!("import {module}"));
        }
    }
    found
}

/// The commands between Alembic's markers, indented as in the template.
fn body(ops: &[Op], ctx: &RenderOptions<'_>) -> String {
    let mut lines =
        vec!["# ### commands auto generated by Alembic - please adjust! ###".to_string()];
    let mut i = 0;
    while i < ops.len() {
        let Some(table) = batch_table(&ops[i]).filter(|_| ctx.batch) else {
            lines.extend(render_op(&ops[i], ctx).lines().map(str::to_string));
            i += 1;
            continue;
        };
        let group = ops[i..]
            .iter()
            .take_while(|op| batch_table(op) == Some(table))
            .count();
        lines.push(format!(
            "with op.batch_alter_table({}, schema={}) as batch_op:",
            py_repr(&table.name),
            table.schema.as_deref().map_or("None".to_string(), py_repr)
        ));
        for op in &ops[i..i + group] {
            // Alembic indents each comment line above a call, and the
            // call's first line only (the rest is inside its parentheses).
            let text = batch_op(op, ctx);
            let mut rest = text.as_str();
            while rest.starts_with('#') {
                let (comment, after) = rest.split_once('\n').unwrap_or((rest, ""));
                lines.push(format!("    {comment}"));
                rest = after;
            }
            lines.extend(format!("    {rest}").lines().map(str::to_string));
        }
        lines.push(String::new());
        i += group;
    }
    // Only comments (a note without a statement): Python needs one.
    if lines.iter().all(|l| l.trim_start().starts_with('#')) {
        lines.push("pass".into());
    }
    lines.push("# ### end Alembic commands ###".into());
    // Alembic's `_indent`: four spaces before every line, then the whole
    // stripped (the template indents the first line itself).
    let text: Vec<String> = lines
        .iter()
        .map(|l| format!("    {l}").trim_end().to_string())
        .collect();
    text.join("\n").trim().to_string()
}

fn schema_arg(table: &TableRef) -> String {
    table
        .schema
        .as_ref()
        .map(|s| format!(", schema={}", py_repr(s)))
        .unwrap_or_default()
}

fn name_repr(name: Option<&str>, convention: bool) -> String {
    match name {
        Some(n) if convention => format!("op.f({})", py_repr(n)),
        Some(n) => py_repr(n),
        None => "None".into(),
    }
}

/// One op as Alembic renders it (possibly several lines).
pub fn render_op(op: &Op, ctx: &RenderOptions<'_>) -> String {
    match op {
        Op::CreateTable { table, side } => create_table(table, *side, ctx),
        Op::DropTable { table, .. } => format!(
            "op.drop_table({}{})",
            py_repr(&table.name),
            schema_arg(&TableRef::of(table))
        ),
        Op::AddColumn {
            table,
            column,
            side,
        } => format!(
            "op.add_column({}, {}{})",
            py_repr(&table.name),
            render_column(column, *side, ctx),
            schema_arg(table)
        ),
        Op::DropColumn { table, column, .. } => format!(
            "op.drop_column({}, {}{})",
            py_repr(&table.name),
            py_repr(&column.name),
            schema_arg(table)
        ),
        Op::AlterColumn(alter) => alter_column(alter, ctx),
        Op::CreateIndex {
            table,
            index,
            convention_name,
        } => format!(
            "op.create_index({}, {}, [{}], unique={}{}{})",
            name_repr(index.name.as_deref(), *convention_name),
            py_repr(&table.name),
            index_elements(index),
            if index.unique { "True" } else { "False" },
            schema_arg(table),
            index_options(index)
        ),
        Op::DropIndex {
            table,
            index,
            convention_name,
        } => format!(
            "op.drop_index({}, table_name={}{}{})",
            name_repr(index.name.as_deref(), *convention_name),
            py_repr(&table.name),
            schema_arg(table),
            index_options(index)
        ),
        Op::CreateUniqueConstraint {
            table,
            constraint,
            convention_name,
            side,
        } => {
            let columns: Vec<String> = constraint.columns.iter().map(|c| py_repr(c)).collect();
            // A reflected unique constraint carries PostgreSQL's option.
            let reflected = if *side == Side::Database {
                ", postgresql_nulls_not_distinct=False"
            } else {
                ""
            };
            format!(
                "op.create_unique_constraint({}, {}, [{}]{}{reflected})",
                name_repr(constraint.name.as_deref(), *convention_name),
                py_repr(&table.name),
                columns.join(", "),
                schema_arg(table)
            )
        }
        Op::DropUniqueConstraint {
            table,
            constraint,
            convention_name,
            ..
        } => {
            let warning = unnamed_warning(constraint.name.as_deref());
            format!(
                "{warning}op.drop_constraint({}, {}{}, type_='unique')",
                name_repr(constraint.name.as_deref(), *convention_name),
                py_repr(&table.name),
                schema_arg(table)
            )
        }
        Op::CreateForeignKey {
            table,
            fk,
            convention_name,
        } => {
            let list = |items: &[String]| {
                let quoted: Vec<String> = items.iter().map(|c| py_repr(c)).collect();
                format!("[{}]", quoted.join(", "))
            };
            let mut args = vec![
                name_repr(fk.name.as_deref(), *convention_name),
                py_repr(&table.name),
                py_repr(&fk.referred_table),
                list(&fk.columns),
                list(&fk.referred_columns),
            ];
            if let Some(schema) = &table.schema {
                args.push(format!("source_schema={}", py_repr(schema)));
            }
            if let Some(schema) = &fk.referred_schema {
                args.push(format!("referent_schema={}", py_repr(schema)));
            }
            args.extend(fk_options(fk));
            format!("op.create_foreign_key({})", args.join(", "))
        }
        Op::DropForeignKey {
            table,
            fk,
            convention_name,
        } => {
            let warning = unnamed_warning(fk.name.as_deref());
            format!(
                "{warning}op.drop_constraint({}, {}{}, type_='foreignkey')",
                name_repr(fk.name.as_deref(), *convention_name),
                py_repr(&table.name),
                schema_arg(table)
            )
        }
        Op::CreateTableComment {
            table,
            comment,
            existing,
        } => format!(
            "op.create_table_comment(\n    '{}',\n    {},\n    existing_comment={},\n    schema={}\n)",
            table.name,
            py_repr(comment),
            existing.as_deref().map_or("None".to_string(), py_repr),
            table
                .schema
                .as_ref()
                .map_or("None".to_string(), |s| format!("'{s}'"))
        ),
        Op::Execute { sql, note, .. } if sql.is_empty() => format!("# retort: {note}"),
        Op::Execute { sql, note: "", .. } => format!("op.execute({})", py_repr(sql)),
        Op::Execute { sql, note, .. } => {
            format!("# retort: {note}\nop.execute({})", py_repr(sql))
        }
        Op::RenameTable { schema, old, new } => format!(
            "op.rename_table({}, {}{})",
            py_repr(old),
            py_repr(new),
            schema
                .as_ref()
                .map(|s| format!(", schema={}", py_repr(s)))
                .unwrap_or_default()
        ),
        Op::CreateCheckConstraint {
            table,
            name,
            sqltext,
        } => format!(
            "op.create_check_constraint({}, {}, {}{})",
            name_repr(name.as_deref(), false),
            py_repr(&table.name),
            py_repr(sqltext),
            schema_arg(table)
        ),
        Op::DropConstraint {
            table, name, kind, ..
        } => format!(
            "{}op.drop_constraint({}, {}{}{})",
            unnamed_warning(name.as_deref()),
            name_repr(name.as_deref(), false),
            py_repr(&table.name),
            schema_arg(table),
            kind.as_ref()
                .map(|k| format!(", type_={}", py_repr(k)))
                .unwrap_or_default()
        ),
        Op::AutocommitBlock(ops) => {
            // retort's safe mode puts each concurrent index op in a block of
            // its own, and says why.
            let mut text = match ops.as_slice() {
                [Op::Concurrently(op)] if matches!(**op, Op::DropIndex { .. }) => {
                    "# retort: drop the index CONCURRENTLY, without blocking the table (not possible inside a transaction)\n"
                }
                [Op::Concurrently(_)] => {
                    "# retort: build the index CONCURRENTLY, without blocking writes (not possible inside a transaction)\n"
                }
                _ => "",
            }
            .to_string();
            text.push_str("with op.get_context().autocommit_block():");
            for op in ops {
                for line in render_op(op, ctx).lines() {
                    text.push_str("\n    ");
                    text.push_str(line);
                }
            }
            if ops.is_empty() {
                text.push_str("\n    pass");
            }
            text
        }
        Op::Unread { code } => code.clone(),
        Op::Sql { sql, .. } => format!("op.execute({})", py_repr(sql)),
        Op::Command(command) => format!("op.execute({})", py_repr(&command.sql())),
        Op::NotValid(op) => {
            let inner = render_op(op, ctx);
            match inner.strip_suffix(')') {
                Some(call) => format!("{call}, postgresql_not_valid=True)"),
                None => inner,
            }
        }
        Op::CreatePrimaryKey {
            table,
            name,
            columns,
        } => format!(
            "op.create_primary_key({}, {}, [{}]{})",
            name_repr(name.as_deref(), false),
            py_repr(&table.name),
            columns
                .iter()
                .map(|c| py_repr(c))
                .collect::<Vec<_>>()
                .join(", "),
            schema_arg(table)
        ),
        Op::CreateExcludeConstraint { table, constraint } => {
            let mut args = vec![
                name_repr(constraint.name.as_deref(), false),
                py_repr(&table.name),
            ];
            for (element, operator) in &constraint.elements {
                args.push(format!("({}, {})", py_repr(element), py_repr(operator)));
            }
            args.push(format!("using={}", py_repr(&constraint.using)));
            if let Some(condition) = &constraint.r#where {
                args.push(format!("where={}", py_repr(condition)));
            }
            format!(
                "op.create_exclude_constraint({}{})",
                args.join(", "),
                schema_arg(table)
            )
        }
        Op::CreateEnumType { enum_type } => format!(
            "# retort: Alembic creates enum types only with create_table; created here\n\
             {}.create(op.get_bind(), checkfirst=True)",
            enum_type.postgresql_repr(true)
        ),
        Op::DropEnumType { enum_type } => format!(
            "# retort: Alembic leaves the enum type behind; dropped here\n\
             {}.drop(op.get_bind(), checkfirst=True)",
            enum_type.postgresql_repr(false)
        ),
        Op::Noted { note, op } => format!("# retort: {note}\n{}", render_op(op, ctx)),
        Op::AddEnumValue {
            enum_type,
            value,
            after,
        } => {
            let name = match &enum_type.schema {
                Some(schema) => format!("{schema}.{}", enum_type.name),
                None => enum_type.name.clone(),
            };
            let quote = |v: &str| format!("'{}'", v.replace('\'', "''"));
            let position = after
                .as_deref()
                .map(|a| format!(" AFTER {}", quote(a)))
                .unwrap_or_default();
            let sql = format!(
                "ALTER TYPE {name} ADD VALUE IF NOT EXISTS {}{position}",
                quote(value)
            );
            format!(
                "# retort: Alembic does not see values added to an enum type; ADD VALUE commits on its own\n\
                 with op.get_context().autocommit_block():\n    op.execute({})",
                py_repr(&sql)
            )
        }
        Op::Concurrently(op) => {
            let inner = render_op(op, ctx);
            match inner.strip_suffix(')') {
                Some(call) => format!("{call}, postgresql_concurrently=True)"),
                None => inner,
            }
        }
        Op::DropTableComment { table, existing } => format!(
            "op.drop_table_comment(\n    '{}',\n    existing_comment={},\n    schema={}\n)",
            table.name,
            py_repr(existing),
            table
                .schema
                .as_ref()
                .map_or("None".to_string(), |s| format!("'{s}'"))
        ),
    }
}

/// `onupdate=`, `ondelete=`, `initially=`, `deferrable=` of a foreign key,
/// in Alembic's order.
fn fk_options(fk: &ForeignKey) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(v) = &fk.onupdate {
        options.push(format!("onupdate={}", py_repr(v)));
    }
    if let Some(v) = &fk.ondelete {
        options.push(format!("ondelete={}", py_repr(v)));
    }
    if let Some(v) = &fk.initially {
        options.push(format!("initially={}", py_repr(v)));
    }
    if fk.deferrable == Some(true) {
        options.push("deferrable=True".into());
    }
    options
}

/// The comment Alembic puts above a `drop_constraint` of an unnamed
/// constraint.
fn unnamed_warning(name: Option<&str>) -> &'static str {
    if name.is_some() {
        return "";
    }
    "# WARNING: constraint name is None; this directive will fail as\n\
     # rendered.  Add a name, or use a naming convention; see\n\
     # https://alembic.sqlalchemy.org/en/latest/naming.html\n"
}

fn index_elements(index: &Index) -> String {
    let rendered: Vec<String> = index
        .expressions
        .iter()
        .map(|e| {
            let plain = !e.is_empty() && e.chars().all(|c| c.is_alphanumeric() || c == '_');
            if plain {
                py_repr(e)
            } else {
                format!("sa.literal_column({})", py_repr(e))
            }
        })
        .collect();
    rendered.join(", ")
}

/// The index's `postgresql_*` keywords, in the order Alembic renders them
/// ([`Index::option_order`]). A reflected predicate is the string
/// PostgreSQL prints, in parentheses; a model's is `sa.text(...)`.
fn index_options(index: &Index) -> String {
    let mut options = String::new();
    for option in index.option_order() {
        let value = match option {
            "include" => {
                let columns: Vec<String> = index.include.iter().map(|c| py_repr(c)).collect();
                format!("[{}]", columns.join(", "))
            }
            "ops" => {
                let pairs: Vec<String> = index
                    .ops
                    .iter()
                    .map(|(column, class)| format!("{}: {}", py_repr(column), py_repr(class)))
                    .collect();
                format!("{{{}}}", pairs.join(", "))
            }
            "using" => py_repr(index.rendered_using().unwrap_or_default()),
            _ => {
                let predicate = index.rendered_where().unwrap_or_default();
                if index.reflected {
                    py_repr(&predicate)
                } else {
                    format!("sa.text({})", py_repr(&predicate))
                }
            }
        };
        options.push_str(&format!(", postgresql_{option}={value}"));
    }
    options
}

fn create_table(table: &Table, side: Side, ctx: &RenderOptions<'_>) -> String {
    let mut args: Vec<String> = table
        .columns
        .iter()
        .map(|c| render_column(c, side, ctx))
        .collect();
    args.extend(
        table_constraints(table, side)
            .into_iter()
            .map(|(text, _)| text),
    );
    let mut text = format!(
        "op.create_table({},\n{}",
        py_repr(&table.name),
        args.join(",\n")
    );
    if let Some(schema) = &table.schema {
        text.push_str(&format!(",\nschema={}", py_repr(schema)));
    }
    if let Some(comment) = &table.comment {
        text.push_str(&format!(",\ncomment={}", py_repr(comment)));
    }
    text.push_str("\n)");
    text
}

fn unique_constraint(unique: &UniqueConstraint, name: Option<String>) -> String {
    let mut parts: Vec<String> = unique.columns.iter().map(|c| py_repr(c)).collect();
    if let Some(name) = name {
        parts.push(format!("name={name}"));
    }
    format!("sa.UniqueConstraint({})", parts.join(", "))
}

/// The type of a column from `side`.
fn type_of(column: &Column, side: Side, ctx: &RenderOptions<'_>) -> String {
    match side {
        Side::Model if !column.sa_type.is_empty() => column.sa_type.clone(),
        _ if column.reuses_type() => column.sa_type.clone(),
        _ => reflected_type(&column.ty, ctx.database_enums),
    }
}

/// `sa.Identity(always=False, start=5, increment=2)`.
fn identity_repr(identity: &crate::schema::Identity) -> String {
    let mut options = vec![format!(
        "always={}",
        if identity.always { "True" } else { "False" }
    )];
    if let Some(start) = identity.start {
        options.push(format!("start={start}"));
    }
    if let Some(increment) = identity.increment {
        options.push(format!("increment={increment}"));
    }
    format!("sa.Identity({})", options.join(", "))
}

/// `sa.Column('name', type, ..., nullable=...)`.
fn render_column(column: &Column, side: Side, ctx: &RenderOptions<'_>) -> String {
    let mut positional = Vec::new();
    if let Some(identity) = &column.identity {
        positional.push(identity_repr(identity));
    }
    if let Some(computed) = &column.computed {
        positional.push(format!("sa.Computed({}, )", py_repr(computed)));
    }
    let mut options = Vec::new();
    if column.identity.is_none()
        && column.computed.is_none()
        && let Some(default) = server_default(column, side)
    {
        options.push(format!("server_default={default}"));
    }
    match autoincrement_of(column, side) {
        Autoincrement::True => options.push("autoincrement=True".into()),
        Autoincrement::False => options.push("autoincrement=False".into()),
        Autoincrement::Auto => {}
    }
    options.push(format!(
        "nullable={}",
        if column.nullable { "True" } else { "False" }
    ));
    if let Some(comment) = &column.comment {
        options.push(format!("comment={}", py_repr(comment)));
    }
    let positional = if positional.is_empty() {
        String::new()
    } else {
        format!("{}, ", positional.join(", "))
    };
    format!(
        "sa.Column({}, {}, {positional}{})",
        py_repr(&column.name),
        type_of(column, side, ctx),
        options.join(", ")
    )
}

fn alter_column(alter: &AlterColumn, ctx: &RenderOptions<'_>) -> String {
    let indent = " ".repeat(11);
    let flag = |b: bool| if b { "True" } else { "False" };
    let mut text = format!(
        "op.alter_column({}, {}",
        py_repr(&alter.table.name),
        py_repr(&alter.column)
    );
    let existing_type = &alter.ty.existing;
    text.push_str(&format!(
        ",\n{indent}existing_type={}",
        type_of(&existing_type.column, existing_type.side, ctx)
    ));
    if let Some(target) = &alter.server_default.target {
        // An identity is Alembic's server_default too.
        let rendered = match &target.column.identity {
            Some(identity) => identity_repr(identity),
            None => server_default(&target.column, target.side).unwrap_or_else(|| "None".into()),
        };
        text.push_str(&format!(",\n{indent}server_default={rendered}"));
    }
    if let Some(new_name) = &alter.new_name {
        text.push_str(&format!(",\n{indent}new_column_name={}", py_repr(new_name)));
    }
    if let Some(target) = &alter.ty.target {
        text.push_str(&format!(
            ",\n{indent}type_={}",
            type_of(&target.column, target.side, ctx)
        ));
    }
    if let Some(using) = &alter.using {
        text.push_str(&format!(",\n{indent}postgresql_using={}", py_repr(using)));
    }
    if let Some(nullable) = alter.nullable.target {
        text.push_str(&format!(",\n{indent}nullable={}", flag(nullable)));
    }
    if let Some(comment) = &alter.comment.target {
        let comment = comment.as_deref().map_or("None".to_string(), py_repr);
        text.push_str(&format!(",\n{indent}comment={comment}"));
    }
    if let Some(comment) = &alter.comment.existing {
        text.push_str(&format!(",\n{indent}existing_comment={}", py_repr(comment)));
    }
    if alter.nullable.target.is_none() {
        text.push_str(&format!(
            ",\n{indent}existing_nullable={}",
            flag(alter.nullable.existing)
        ));
    }
    if let Some(autoincrement) = alter.autoincrement {
        text.push_str(&format!(",\n{indent}autoincrement={}", flag(autoincrement)));
    }
    if alter.server_default.target.is_none() {
        let existing = &alter.server_default.existing;
        if let Some(default) = server_default(&existing.column, existing.side) {
            text.push_str(&format!(",\n{indent}existing_server_default={default}"));
        }
    }
    if let Some(schema) = &alter.table.schema {
        text.push_str(&format!(",\n{indent}schema={}", py_repr(schema)));
    }
    text.push(')');
    text
}

/// The database side of a diff as Alembic sees it: the `before` schema in
/// database form supplies reflected names.
pub fn database_enums(before: &crate::schema::Schema) -> Vec<EnumType> {
    database_form(before).enums
}

/// What opens each revision of a chain written as one text (the 3-step
/// `NOT NULL` split, in the Revision pane or on standard output); the
/// review cuts such a text at these lines.
pub const SEPARATOR: &str = "# ---- revision ";

/// The line that opens revision `number` (1-based) of `count`, whose file
/// would be `file_name`.
pub fn separator(number: usize, count: usize, file_name: &str) -> String {
    format!("{SEPARATOR}{number} of {count}: {file_name} ----\n")
}
