//! Each DDL statement applied to the [`Schema`] being read: `CREATE
//! TABLE/INDEX/TYPE/SEQUENCE`, `ALTER TABLE/TYPE/SEQUENCE`, `COMMENT ON`,
//! `DROP`. What the schema cannot hold is a diagnostic at the statement.

use super::*;

impl<'s> SqlReader<'s> {
    pub(super) fn missing_table(&mut self, span: Span, name: &QualifiedName) {
        let text = &self.source[span.start..span.end];
        let first_line = text.find('\n').unwrap_or(text.len());
        self.diagnostics.push(
            Diagnostic::error(
                Span::new(span.start, span.start + first_line),
                format!(
                    "table `{}` is not created earlier in the script",
                    display(name)
                ),
            )
            .with_help("put its CREATE TABLE before this statement"),
        );
    }

    pub(super) fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        self.schema
            .tables
            .iter_mut()
            .find(|t| t.name == name.1 && t.schema == name.0)
    }

    pub(super) fn apply(&mut self, statement: Statement, span: Span) {
        match statement {
            Statement::CreateTable(create) => self.create_table(create, span),
            Statement::CreateIndex(create) => self.create_index(create, span),
            Statement::AlterTable(alter) => {
                let name = qualified(&alter.name);
                for operation in alter.operations {
                    self.alter_table(&name, operation, span);
                }
            }
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                let (schema, name) = qualified(&name);
                self.schema.enums.push(EnumType {
                    schema,
                    name,
                    values: labels.into_iter().map(|l| l.value).collect(),
                });
            }
            Statement::AlterType(alter) => {
                let name = qualified(&alter.name);
                let found = self
                    .schema
                    .enums
                    .iter_mut()
                    .find(|e| e.schema == name.0 && e.name == name.1);
                match (alter.operation, found) {
                    (sqlparser::ast::AlterTypeOperation::AddValue(add), Some(e)) => {
                        if !e.values.contains(&add.value.value) {
                            // `BEFORE 'x'` / `AFTER 'x'` place it; else it goes last.
                            let at = match &add.position {
                                Some(sqlparser::ast::AlterTypeAddValuePosition::Before(v)) => {
                                    e.values.iter().position(|x| *x == v.value)
                                }
                                Some(sqlparser::ast::AlterTypeAddValuePosition::After(v)) => {
                                    e.values.iter().position(|x| *x == v.value).map(|i| i + 1)
                                }
                                None => None,
                            };
                            match at {
                                Some(i) => e.values.insert(i, add.value.value),
                                None => e.values.push(add.value.value),
                            }
                        }
                    }
                    (sqlparser::ast::AlterTypeOperation::RenameValue(rename), Some(e)) => {
                        for value in &mut e.values {
                            if *value == rename.from.value {
                                value.clone_from(&rename.to.value);
                            }
                        }
                    }
                    // An enum type renamed (set aside while a new one is
                    // made): the columns that use it follow.
                    (sqlparser::ast::AlterTypeOperation::Rename(rename), Some(e)) => {
                        let new_name = rename.new_name.value;
                        e.name.clone_from(&new_name);
                        for column in self.schema.tables.iter_mut().flat_map(|t| &mut t.columns) {
                            let mut ty = &mut column.ty;
                            while let SqlType::Array { element, .. } = ty {
                                ty = element;
                            }
                            match ty {
                                SqlType::Enum { schema, name: n }
                                    if *schema == name.0 && *n == name.1 =>
                                {
                                    n.clone_from(&new_name);
                                }
                                // Not yet resolved to the enum (the end of
                                // the script does that): by the name written.
                                SqlType::Named(n) if split_qualified(n) == name => {
                                    *n = match &name.0 {
                                        Some(schema) => format!("{schema}.{new_name}"),
                                        None => new_name.clone(),
                                    };
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => self.skipped(span, "this ALTER TYPE"),
                }
            }
            Statement::CreateSequence {
                name,
                sequence_options,
                ..
            } => {
                let (schema, name) = qualified(&name);
                let mut sequence = Sequence {
                    schema,
                    name,
                    start: None,
                    increment: None,
                };
                for option in &sequence_options {
                    match option {
                        SequenceOptions::StartWith(e, _) => sequence.start = integer(e),
                        SequenceOptions::IncrementBy(e, _) => sequence.increment = integer(e),
                        SequenceOptions::OwnedBy(Some(owner)) => {
                            let full = expr::object_name(owner);
                            if let Some((table, column)) = full.rsplit_once('.') {
                                self.owned_sequences.push((
                                    (sequence.schema.clone(), sequence.name.clone()),
                                    split_qualified(table),
                                    column.to_string(),
                                ));
                            }
                        }
                        _ => {}
                    }
                }
                self.schema.sequences.push(sequence);
            }
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(object_type, &object_name, comment, span),
            Statement::Drop {
                object_type, names, ..
            } => {
                for name in &names {
                    self.drop(object_type, &qualified(name), span);
                }
            }
            Statement::CreateSchema { .. } | Statement::CreateExtension(_) => {}
            // `ALTER INDEX ix RENAME TO iy`: the index, or the unique
            // constraint or primary key the index backs (PostgreSQL renames both).
            Statement::AlterIndex {
                name,
                operation: sqlparser::ast::AlterIndexOperation::RenameIndex { index_name },
            } => {
                let (schema, old) = qualified(&name);
                let new = qualified(&index_name).1;
                let renamed = self
                    .schema
                    .tables
                    .iter_mut()
                    .filter(|t| schema.is_none() || t.schema == schema)
                    .find_map(|t| {
                        let index = t.indexes.iter_mut().find_map(|i| {
                            (i.name.as_deref() == Some(old.as_str())).then_some(&mut i.name)
                        });
                        index
                            .or_else(|| {
                                t.unique_constraints.iter_mut().find_map(|u| {
                                    (u.name.as_deref() == Some(old.as_str())).then_some(&mut u.name)
                                })
                            })
                            .or_else(|| {
                                t.primary_key.as_mut().and_then(|pk| {
                                    (pk.name.as_deref() == Some(old.as_str()))
                                        .then_some(&mut pk.name)
                                })
                            })
                    });
                match renamed {
                    Some(slot) => *slot = Some(new),
                    None => self.skipped(
                        span,
                        &format!("ALTER INDEX {old}, an index not created earlier,"),
                    ),
                }
            }
            other => {
                let what = other.to_string();
                let words: Vec<&str> = what.split_whitespace().take(2).collect();
                self.skipped(span, &format!("`{}`", words.join(" ")));
            }
        }
    }

    pub(super) fn create_table(&mut self, create: CreateTable, span: Span) {
        let (schema, name) = qualified(&create.name);
        let mut table = Table {
            schema,
            name,
            span,
            ..Table::default()
        };
        for column in create.columns {
            self.add_column(&mut table, column, span);
        }
        for constraint in create.constraints {
            self.add_constraint(&mut table, constraint, span);
        }
        self.schema.tables.push(table);
    }

    pub(super) fn add_column(&mut self, table: &mut Table, def: ColumnDef, span: Span) {
        let column = new_column(def.name.value, types::column_type(&def.data_type), span);
        let name = column.name.clone();
        table.columns.push(column);
        for option in def.options {
            let constraint_name = option.name.map(|n| n.value);
            let column = table.columns.last_mut();
            let Some(column) = column else { return };
            match option.option {
                ColumnOption::Null => column.nullable = true,
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Default(value) => column.server_default = Some(value.to_string()),
                ColumnOption::Comment(text) => column.comment = Some(text),
                ColumnOption::Generated {
                    generated_as,
                    sequence_options,
                    generation_expr: None,
                    ..
                } => {
                    column.identity = Some(identity(
                        matches!(generated_as, GeneratedAs::Always),
                        sequence_options.as_ref(),
                    ));
                    column.nullable = false;
                }
                ColumnOption::Generated {
                    generation_expr: Some(expr),
                    ..
                } => column.computed = Some(bare(&expr)),
                ColumnOption::PrimaryKey(pk) => {
                    column.nullable = false;
                    table.primary_key = Some(PrimaryKey {
                        name: constraint_name.or(pk.name.map(|n| n.value)),
                        columns: vec![name.clone()],
                    });
                }
                ColumnOption::Unique(unique) => table.unique_constraints.push(UniqueConstraint {
                    name: constraint_name.or(unique.name.map(|n| n.value)),
                    columns: vec![name.clone()],
                }),
                ColumnOption::ForeignKey(mut fk) => {
                    fk.columns = vec![sqlparser::ast::Ident::new(name.clone())];
                    fk.name = fk.name.or(constraint_name.map(sqlparser::ast::Ident::new));
                    self.add_constraint(table, TableConstraint::ForeignKey(fk), span);
                }
                ColumnOption::Check(check) => table.check_constraints.push(CheckConstraint {
                    name: constraint_name.or(check.name.map(|n| n.value)),
                    sqltext: bare(&check.expr),
                    on_column: false,
                }),
                other => self.skipped(span, &format!("column option `{other}` on `{name}`")),
            }
        }
    }

    pub(super) fn add_constraint(
        &mut self,
        table: &mut Table,
        constraint: TableConstraint,
        span: Span,
    ) {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns = index_columns(&pk.columns);
                for column in &mut table.columns {
                    if columns.contains(&column.name) {
                        column.nullable = false;
                    }
                }
                table.primary_key = Some(PrimaryKey {
                    name: pk.name.map(|n| n.value),
                    columns,
                });
            }
            TableConstraint::Unique(unique) => table.unique_constraints.push(UniqueConstraint {
                name: unique.name.map(|n| n.value),
                columns: index_columns(&unique.columns),
            }),
            TableConstraint::ForeignKey(fk) => {
                let (referred_schema, referred_table) = qualified(&fk.foreign_table);
                let (deferrable, initially) = deferrable(&fk.characteristics);
                table.foreign_keys.push(ForeignKey {
                    name: fk.name.map(|n| n.value),
                    columns: fk.columns.into_iter().map(|c| c.value).collect(),
                    referred_schema,
                    referred_table,
                    referred_columns: fk.referred_columns.into_iter().map(|c| c.value).collect(),
                    ondelete: fk.on_delete.map(|a| a.to_string()),
                    onupdate: fk.on_update.map(|a| a.to_string()),
                    deferrable,
                    initially,
                });
            }
            TableConstraint::Check(check) => table.check_constraints.push(CheckConstraint {
                name: check.name.map(|n| n.value),
                sqltext: bare(&check.expr),
                on_column: false,
            }),
            TableConstraint::Exclude(exclude) => {
                table.exclude_constraints.push(ExcludeConstraint {
                    name: exclude.name.map(|n| n.value),
                    using: exclude
                        .index_method
                        .map_or_else(|| "gist".to_string(), |m| m.value.to_lowercase()),
                    elements: exclude
                        .elements
                        .iter()
                        .map(|e| (index_element(&e.column), e.operator.to_string()))
                        .collect(),
                    r#where: exclude.where_clause.map(|w| bare(&w)),
                })
            }
            TableConstraint::UniqueUsingIndex(using) => {
                self.constraint_using_index(table, using, true, span)
            }
            TableConstraint::PrimaryKeyUsingIndex(using) => {
                self.constraint_using_index(table, using, false, span)
            }
            other => self.skipped(span, &format!("constraint `{other}`")),
        }
    }

    /// `ADD CONSTRAINT name UNIQUE USING INDEX idx` (or `PRIMARY KEY`): the
    /// index becomes the constraint, renamed to the constraint's name.
    pub(super) fn constraint_using_index(
        &mut self,
        table: &mut Table,
        using: sqlparser::ast::ConstraintUsingIndex,
        unique: bool,
        span: Span,
    ) {
        let position = table
            .indexes
            .iter()
            .position(|i| i.name.as_deref() == Some(using.index_name.value.as_str()));
        let Some(position) = position else {
            self.diagnostics.push(Diagnostic::error(
                self.first_line(span),
                format!(
                    "no index `{}` on `{}` to turn into a constraint",
                    using.index_name.value,
                    table.qualified_name()
                ),
            ));
            return;
        };
        let index = table.indexes.remove(position);
        let name = using.name.map(|n| n.value).or(index.name);
        if unique {
            table.unique_constraints.push(UniqueConstraint {
                name,
                columns: index.expressions,
            });
        } else {
            table.primary_key = Some(PrimaryKey {
                name,
                columns: index.expressions,
            });
        }
    }

    pub(super) fn first_line(&self, span: Span) -> Span {
        let text = &self.source[span.start..span.end];
        Span::new(
            span.start,
            span.start + text.find('\n').unwrap_or(text.len()),
        )
    }

    pub(super) fn create_index(&mut self, create: CreateIndex, span: Span) {
        let table_name = qualified(&create.table_name);
        let index = super::index_of(&create);
        match self.table_mut(&table_name) {
            Some(table) => table.indexes.push(index),
            None => self.missing_table(span, &table_name),
        }
    }

    pub(super) fn alter_table(
        &mut self,
        name: &QualifiedName,
        operation: AlterTableOperation,
        span: Span,
    ) {
        let Some(position) = self
            .schema
            .tables
            .iter()
            .position(|t| t.name == name.1 && t.schema == name.0)
        else {
            self.missing_table(span, name);
            return;
        };
        // Taken out while it changes, so `self` stays usable for diagnostics.
        let mut table = std::mem::take(&mut self.schema.tables[position]);
        match operation {
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(&mut table, constraint, span)
            }
            AlterTableOperation::AddColumn { column_def, .. } => {
                self.add_column(&mut table, column_def, span)
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for column in column_names {
                    drop_column(&mut table, &column.value);
                }
            }
            AlterTableOperation::DropConstraint { name, .. } => {
                if !drop_constraint(&mut table, &name.value)
                    && !drop_by_default_name(&mut table, &name.value)
                {
                    self.diagnostics.push(Diagnostic::warning(
                        self.first_line(span),
                        format!(
                            "no constraint named `{}` on `{}`",
                            name.value,
                            table.qualified_name()
                        ),
                    ));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => rename_column(&mut table, &old_column_name.value, &new_column_name.value),
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let old = std::mem::replace(&mut table.name, qualified(&new).1);
                // Foreign keys name the table by its OID in PostgreSQL: they
                // follow the rename.
                let schema = table.schema.clone();
                let follow = |t: &mut Table, new: &str| {
                    let own = t.schema.clone();
                    for fk in &mut t.foreign_keys {
                        let refers = fk.referred_schema.clone().or_else(|| own.clone());
                        if fk.referred_table == old && refers == schema {
                            fk.referred_table = new.to_string();
                        }
                    }
                };
                let new = table.name.clone();
                follow(&mut table, &new);
                for other in &mut self.schema.tables {
                    follow(other, &new);
                }
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                rename_constraint(&mut table, &old_name.value, &new_name.value)
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let found = table
                    .columns
                    .iter_mut()
                    .find(|c| c.name == column_name.value);
                match found {
                    Some(column) => alter_column(column, op),
                    None => self.diagnostics.push(Diagnostic::error(
                        self.first_line(span),
                        format!(
                            "`{}` has no column `{}`",
                            table.qualified_name(),
                            column_name.value
                        ),
                    )),
                }
            }
            // Ownership, and validating a constraint the schema already has.
            AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::ValidateConstraint { .. } => {}
            other => self.skipped(span, &format!("`ALTER TABLE … {other}`")),
        }
        self.schema.tables[position] = table;
    }

    pub(super) fn alter_sequence(&mut self, words: &[&Token], span: Span) {
        // ALTER SEQUENCE name OWNED BY table.column | NONE
        let joined = words_after_verb(words);
        let parts: Vec<&str> = joined.split_whitespace().collect();
        match parts.as_slice() {
            [sequence, owned, by, target]
                if owned.eq_ignore_ascii_case("OWNED") && by.eq_ignore_ascii_case("BY") =>
            {
                if let Some((table, column)) = target.rsplit_once('.') {
                    self.owned_sequences.push((
                        split_qualified(sequence),
                        split_qualified(table),
                        column.to_string(),
                    ));
                }
            }
            _ => self.skipped(span, "this ALTER SEQUENCE"),
        }
    }

    /// `ALTER TABLE [ONLY] [IF EXISTS] t ALTER [COLUMN] c` (the words before
    /// `DROP IDENTITY`): the column is an identity no more.
    pub(super) fn drop_identity(&mut self, words: &[&Token], span: Span) {
        let joined = words_after_verb(words);
        let parts: Vec<&str> = joined
            .split_whitespace()
            .filter(|w| {
                !["ONLY", "IF", "EXISTS", "COLUMN"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k))
            })
            .collect();
        let [table, alter, column] = parts.as_slice() else {
            return self.skipped(span, "this ALTER TABLE … DROP IDENTITY");
        };
        if !alter.eq_ignore_ascii_case("ALTER") {
            return self.skipped(span, "this ALTER TABLE … DROP IDENTITY");
        }
        let name = split_qualified(table);
        match self
            .table_mut(&name)
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == *column))
        {
            Some(found) => found.identity = None,
            None => self.missing_table(span, &name),
        }
    }

    pub(super) fn comment(
        &mut self,
        object: CommentObject,
        name: &ObjectName,
        comment: Option<String>,
        span: Span,
    ) {
        let full = expr::object_name(name);
        match object {
            CommentObject::Table => {
                let name = split_qualified(&full);
                match self.table_mut(&name) {
                    Some(table) => table.comment = comment,
                    None => self.missing_table(span, &name),
                }
            }
            CommentObject::Column => {
                let Some((table, column)) = full.rsplit_once('.') else {
                    return;
                };
                let name = split_qualified(table);
                match self.table_mut(&name) {
                    Some(table) => {
                        if let Some(c) = table.columns.iter_mut().find(|c| c.name == column) {
                            c.comment = comment;
                        }
                    }
                    None => self.missing_table(span, &name),
                }
            }
            // Comments on other objects are not part of the schema IR.
            _ => {}
        }
    }

    pub(super) fn drop(&mut self, object: ObjectType, name: &QualifiedName, span: Span) {
        match object {
            ObjectType::Table => self
                .schema
                .tables
                .retain(|t| !(t.name == name.1 && t.schema == name.0)),
            ObjectType::Index => {
                for table in &mut self.schema.tables {
                    if table.schema == name.0 {
                        table.indexes.retain(|i| i.name.as_deref() != Some(&name.1));
                    }
                }
            }
            ObjectType::Type => self
                .schema
                .enums
                .retain(|e| !(e.name == name.1 && e.schema == name.0)),
            ObjectType::Sequence => self
                .schema
                .sequences
                .retain(|s| !(s.name == name.1 && s.schema == name.0)),
            ObjectType::Schema => {}
            other => self.skipped(span, &format!("DROP {other}")),
        }
    }
}

/// The sequence name in `nextval('seq'::regclass)`.
pub(super) fn nextval_of(default: &str) -> Option<String> {
    let rest = default.trim().strip_prefix("nextval(")?;
    let start = rest.find('\'')? + 1;
    let end = start + rest[start..].find('\'')?;
    Some(rest[start..end].replace('"', ""))
}

pub(super) fn resolve_enum(ty: &mut SqlType, enums: &[QualifiedName]) {
    match ty {
        SqlType::Array { element, .. } => resolve_enum(element, enums),
        SqlType::Named(name) => {
            let key = split_qualified(&name.replace('"', ""));
            if enums.contains(&key) {
                *ty = SqlType::Enum {
                    schema: key.0,
                    name: key.1,
                };
            }
        }
        _ => {}
    }
}

pub(super) fn alter_column(column: &mut Column, op: AlterColumnOperation) {
    match op {
        AlterColumnOperation::SetNotNull => column.nullable = false,
        AlterColumnOperation::DropNotNull => column.nullable = true,
        AlterColumnOperation::SetDefault { value } => {
            column.server_default = Some(value.to_string())
        }
        AlterColumnOperation::DropDefault => column.server_default = None,
        AlterColumnOperation::SetDataType { data_type, .. } => {
            column.ty = types::column_type(&data_type).ty;
        }
        AlterColumnOperation::AddGenerated {
            generated_as,
            sequence_options,
        } => {
            let always = matches!(generated_as, Some(GeneratedAs::Always));
            column.identity = Some(identity(always, sequence_options.as_ref()));
            column.nullable = false;
        }
        AlterColumnOperation::GenericOptions { .. } => {}
    }
}

pub(super) fn drop_column(table: &mut Table, name: &str) {
    table.columns.retain(|c| c.name != name);
    let mentions = |columns: &[String]| columns.iter().any(|c| c == name);
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| mentions(&pk.columns))
    {
        table.primary_key = None;
    }
    table.foreign_keys.retain(|fk| !mentions(&fk.columns));
    table.unique_constraints.retain(|u| !mentions(&u.columns));
    table.indexes.retain(|i| !mentions(&i.expressions));
}

pub(super) fn drop_constraint(table: &mut Table, name: &str) -> bool {
    let named = |n: &Option<String>| n.as_deref() == Some(name);
    let before = table.foreign_keys.len()
        + table.unique_constraints.len()
        + table.check_constraints.len()
        + table.exclude_constraints.len();
    table.foreign_keys.retain(|c| !named(&c.name));
    table.unique_constraints.retain(|c| !named(&c.name));
    table.check_constraints.retain(|c| !named(&c.name));
    table.exclude_constraints.retain(|c| !named(&c.name));
    let after = table.foreign_keys.len()
        + table.unique_constraints.len()
        + table.check_constraints.len()
        + table.exclude_constraints.len();
    if table.primary_key.as_ref().is_some_and(|pk| named(&pk.name)) {
        table.primary_key = None;
        return true;
    }
    after < before
}

/// Drops the unnamed constraint PostgreSQL named `name` when it made it
/// (`users_org_id_fkey`, `users_email_key`…): whether one was.
fn drop_by_default_name(table: &mut Table, name: &str) -> bool {
    let mut named = table.clone();
    super::stored::name_constraints(&mut named, &mut Default::default());
    let is = |n: &Option<String>| n.as_deref() == Some(name);
    if let Some(i) = named.foreign_keys.iter().position(|c| is(&c.name))
        && table.foreign_keys[i].name.is_none()
    {
        table.foreign_keys.remove(i);
        return true;
    }
    if let Some(i) = named.unique_constraints.iter().position(|c| is(&c.name))
        && table.unique_constraints[i].name.is_none()
    {
        table.unique_constraints.remove(i);
        return true;
    }
    if let Some(i) = named.check_constraints.iter().position(|c| is(&c.name))
        && table.check_constraints[i].name.is_none()
    {
        table.check_constraints.remove(i);
        return true;
    }
    if named.primary_key.as_ref().is_some_and(|pk| is(&pk.name))
        && table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.name.is_none())
    {
        table.primary_key = None;
        return true;
    }
    false
}

pub(super) fn rename_column(table: &mut Table, old: &str, new: &str) {
    let rename = |columns: &mut Vec<String>| {
        for c in columns.iter_mut() {
            if c == old {
                *c = new.to_string();
            }
        }
    };
    for column in &mut table.columns {
        if column.name == old {
            column.name = new.to_string();
        }
    }
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.columns);
    }
    table
        .foreign_keys
        .iter_mut()
        .for_each(|fk| rename(&mut fk.columns));
    table
        .unique_constraints
        .iter_mut()
        .for_each(|u| rename(&mut u.columns));
    table
        .indexes
        .iter_mut()
        .for_each(|i| rename(&mut i.expressions));
}

pub(super) fn rename_constraint(table: &mut Table, old: &str, new: &str) {
    for name in table.constraint_names_mut() {
        if name.as_deref() == Some(old) {
            *name = Some(new.to_string());
        }
    }
}

/// The words after `ALTER SEQUENCE` / `ALTER TABLE`, spaced, a qualified
/// name kept whole (`s.t`).
fn words_after_verb(words: &[&Token]) -> String {
    let names: Vec<String> = words
        .iter()
        .skip(2)
        .map(|t| match t {
            Token::Word(w) => w.value.clone(),
            other => other.to_string(),
        })
        .collect();
    names.join(" ").replace(" . ", ".")
}
