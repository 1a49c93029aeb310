//! The SQL DDL reader: a PostgreSQL script (hand-written DDL, a `.sql`
//! migration, `pg_dump --schema-only` output) → the same [`Schema`] the
//! Python model reader produces.
//!
//! The script is cut into statements first ([`split`]), then each statement
//! is parsed alone with `sqlparser`'s PostgreSQL dialect, so one statement
//! sqlparser cannot read costs only itself. What has no meaning for the
//! schema (`SET`, `SELECT pg_catalog.set_config(…)`, `… OWNER TO …`, grants,
//! psql meta-commands) is skipped quietly; any other statement the reader
//! does not model is a warning with its span.
//!
//! Read the way PostgreSQL (and Alembic's reflection) sees it: `public` is
//! the default schema (read as no schema); a column fed by a sequence it owns
//! (`serial`, or pg_dump's `DEFAULT nextval('t_id_seq'::regclass)` +
//! `ALTER SEQUENCE … OWNED BY`) is an autoincrement column, and that sequence
//! is not listed on its own.

mod build;
pub mod expr;
pub mod lex;
pub mod ops;
mod quick;
pub mod split;
pub mod stored;
mod types;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, CommentObject,
    ConstraintCharacteristics, CreateIndex, CreateTable, Expr, GeneratedAs, IndexColumn,
    ObjectName, ObjectType, RenameTableNameKind, SequenceOptions, Statement, TableConstraint,
    UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::diagnostic::Diagnostic;
use crate::schema::{
    Autoincrement, CheckConstraint, Column, EnumType, ExcludeConstraint, ForeignKey, Identity,
    Index, PrimaryKey, Schema, Sequence, SqlType, Table, UniqueConstraint,
};
use crate::text::Span;
use split::Piece;

/// Reads every table, enum type and sequence the script creates (and
/// alters), with a diagnostic for each statement it could not read or does
/// not model. Never panics.
pub fn read_schema(source: &str) -> (Schema, Vec<Diagnostic>) {
    let mut reader = Reader::new(source);
    for piece in split::split(source) {
        if let Piece::Statement(span) = piece {
            reader.statement(span);
        }
    }
    reader.finish()
}

/// `(schema, name)` with `public` read as the default (no) schema.
type QualifiedName = (Option<String>, String);

struct Reader<'s> {
    source: &'s str,
    schema: Schema,
    diagnostics: Vec<Diagnostic>,
    /// `ALTER SEQUENCE seq OWNED BY table.column`: (sequence, table, column).
    owned_sequences: Vec<(QualifiedName, QualifiedName, String)>,
    /// The column types the quick path has read.
    types: quick::Types,
}

/// Statements with no meaning for the schema, skipped without a word.
const QUIET: &[Keyword] = &[
    Keyword::SET,
    Keyword::RESET,
    Keyword::SELECT,
    Keyword::BEGIN,
    Keyword::START,
    Keyword::COMMIT,
    Keyword::END,
    Keyword::ROLLBACK,
    Keyword::GRANT,
    Keyword::REVOKE,
    Keyword::ANALYZE,
    Keyword::VACUUM,
    // Data changes: a migration's backfill has no effect on the schema.
    Keyword::INSERT,
    Keyword::UPDATE,
    Keyword::DELETE,
];

/// The tokens that are not whitespace (or comments).
fn words(tokens: &[TokenWithSpan]) -> Vec<&Token> {
    tokens
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect()
}

/// The keyword of the `i`-th word, if it is one.
fn keyword_at(words: &[&Token], i: usize) -> Keyword {
    match words.get(i) {
        Some(Token::Word(w)) => w.keyword,
        _ => Keyword::NoKeyword,
    }
}

fn qualified(name: &ObjectName) -> QualifiedName {
    let full = expr::object_name(name);
    split_qualified(&full)
}

fn split_qualified(full: &str) -> QualifiedName {
    match full.rsplit_once('.') {
        Some((schema, name)) => {
            let schema = schema.rsplit('.').next().unwrap_or(schema);
            (
                (schema != "public").then(|| schema.to_string()),
                name.to_string(),
            )
        }
        None => (None, full.to_string()),
    }
}

fn display(name: &QualifiedName) -> String {
    match &name.0 {
        Some(schema) => format!("{schema}.{}", name.1),
        None => name.1.clone(),
    }
}

/// An integer sequence option (`START WITH -5`).
fn integer(expr: &Expr) -> Option<i64> {
    expr.to_string().replace(' ', "").parse().ok()
}

/// The text of a CHECK/WHERE expression without the parentheses around the
/// whole of it (PostgreSQL prints `CHECK ((a > 0))`).
fn bare(expr: &Expr) -> String {
    match expr {
        Expr::Nested(inner) => bare(inner),
        other => other.to_string(),
    }
}

/// An index element: a column name, or the expression as written.
fn index_element(column: &IndexColumn) -> String {
    let plain = column.operator_class.is_none()
        && column.column.options.sort.is_none()
        && column.column.options.nulls_first.is_none();
    match &column.column.expr {
        Expr::Identifier(ident) if plain => ident.value.clone(),
        expr if plain => bare(expr),
        _ => column.to_string(),
    }
}

fn index_columns(columns: &[IndexColumn]) -> Vec<String> {
    columns.iter().map(index_element).collect()
}

fn deferrable(
    characteristics: &Option<ConstraintCharacteristics>,
) -> (Option<bool>, Option<String>) {
    match characteristics {
        Some(c) => (
            c.deferrable,
            c.initially.map(|i| match i {
                sqlparser::ast::DeferrableInitial::Immediate => "IMMEDIATE".to_string(),
                sqlparser::ast::DeferrableInitial::Deferred => "DEFERRED".to_string(),
            }),
        ),
        None => (None, None),
    }
}

fn identity(always: bool, options: Option<&Vec<SequenceOptions>>) -> Identity {
    let mut identity = Identity {
        always,
        start: None,
        increment: None,
    };
    for option in options.into_iter().flatten() {
        match option {
            SequenceOptions::StartWith(e, _) => identity.start = integer(e),
            SequenceOptions::IncrementBy(e, _) => identity.increment = integer(e),
            _ => {}
        }
    }
    identity
}

/// A column of type `read` declared at `span`, before its options: a
/// `serial` is an autoincrement column and not null.
fn new_column(name: String, read: types::ColumnType, span: Span) -> Column {
    let mut column = Column::new(name, read.ty);
    column.span = span;
    if read.serial {
        column.autoincrement = Autoincrement::True;
        column.nullable = false;
    }
    column
}

impl<'s> Reader<'s> {
    /// A reader of `source` that has read nothing yet.
    fn new(source: &'s str) -> Self {
        Reader {
            source,
            schema: Schema::default(),
            diagnostics: Vec::new(),
            owned_sequences: Vec::new(),
            types: quick::Types::default(),
        }
    }

    /// Byte offset in the source of a tokenizer location inside the
    /// statement that starts at `base`.
    fn offset(&self, base: usize, at: Location) -> usize {
        let text = &self.source[base..];
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if (i as u64) + 1 == at.line {
                let column = usize::try_from(at.column.saturating_sub(1)).unwrap_or(0);
                let within = line
                    .char_indices()
                    .nth(column)
                    .map_or(line.len(), |(b, _)| b);
                return base + offset + within;
            }
            offset += line.len();
        }
        base + text.len()
    }

    fn statement(&mut self, span: Span) {
        let Some(tokens) = self.tokens(span) else {
            return;
        };
        let words = words(&tokens);
        let keyword = |i: usize| keyword_at(&words, i);
        if QUIET.contains(&keyword(0)) {
            return;
        }
        if keyword(0) == Keyword::ALTER {
            // `ALTER … OWNER TO role`: ownership is not schema.
            let n = words.len();
            if n >= 3 && keyword(n - 3) == Keyword::OWNER && keyword(n - 2) == Keyword::TO {
                return;
            }
            if keyword(1) == Keyword::SEQUENCE {
                self.alter_sequence(&words, span);
                return;
            }
        }
        if let Some(statements) = self.parse(tokens, span) {
            for statement in statements {
                self.apply(statement, span);
            }
        }
    }

    /// The statement's words (its tokens but whitespace and comments), and
    /// its tokens if they had to be read whole (sqlparser's tokenizer reads
    /// what the fast one does not know); `None` after a diagnostic.
    fn words_of(&mut self, span: Span) -> Option<(Vec<Token>, Option<Vec<TokenWithSpan>>)> {
        if let Some(words) = lex::words(&self.source[span.start..span.end]) {
            return Some((words, None));
        }
        let tokens = self.tokens(span)?;
        let words = words(&tokens).into_iter().cloned().collect();
        Some((words, Some(tokens)))
    }

    /// The statement's tokens, or `None` after a diagnostic.
    fn tokens(&mut self, span: Span) -> Option<Vec<TokenWithSpan>> {
        let text = &self.source[span.start..span.end];
        if let Some(tokens) = lex::tokens(text) {
            return Some(tokens);
        }
        let dialect = PostgreSqlDialect {};
        match Tokenizer::new(&dialect, text).tokenize_with_location() {
            Ok(tokens) => Some(tokens),
            Err(error) => {
                let at = self.offset(span.start, error.location);
                self.diagnostics.push(Diagnostic::error(
                    Span::new(at, (at + 1).min(span.end.max(at))),
                    format!("cannot read this SQL: {}", error.message),
                ));
                None
            }
        }
    }

    /// A `CREATE TABLE name (…)` with nothing after its parenthesis, read
    /// with sqlparser's own parser for the columns and constraints but not
    /// its statement parser (whose `CREATE TABLE` costs more than the
    /// columns, in the moves of a statement of a hundred fields): the same
    /// table, as the test `the_quick_path_gives_the_parsers_ops_or_passes`
    /// holds. `None` if it is not that simple form.
    fn quick_create_table(tokens: Vec<TokenWithSpan>) -> Option<CreateTable> {
        let tokens = without_identity_sequence_name(tokens);
        let mut parser = Parser::new(&PostgreSqlDialect {}).with_tokens_with_locations(tokens);
        parser
            .expect_keywords(&[Keyword::CREATE, Keyword::TABLE])
            .ok()?;
        let name = parser.parse_object_name(false).ok()?;
        let (columns, constraints) = parser.parse_columns().ok()?;
        if parser.peek_token().token != Token::EOF {
            return None;
        }
        Some(
            sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder::new(name)
                .columns(columns)
                .constraints(constraints)
                .build(),
        )
    }

    /// An `ALTER TABLE name action, …` with nothing after its actions,
    /// read as [`Self::quick_create_table`] reads a table: the name and the
    /// actions, or `None` if it is not that simple form.
    fn quick_alter_table(
        tokens: Vec<TokenWithSpan>,
    ) -> Option<(ObjectName, Vec<sqlparser::ast::AlterTableOperation>)> {
        let mut parser = Parser::new(&PostgreSqlDialect {}).with_tokens_with_locations(tokens);
        parser
            .expect_keywords(&[Keyword::ALTER, Keyword::TABLE])
            .ok()?;
        let name = parser.parse_object_name(false).ok()?;
        let operations = parser
            .parse_comma_separated(Parser::parse_alter_table_operation)
            .ok()?;
        (parser.peek_token().token == Token::EOF).then_some((name, operations))
    }

    /// The statement parsed, or `None` after a diagnostic.
    fn parse(&mut self, tokens: Vec<TokenWithSpan>, span: Span) -> Option<Vec<Statement>> {
        let is_comment = keyword_at(&words(&tokens), 0) == Keyword::COMMENT;
        let mut tokens = without_identity_sequence_name(tokens);
        if is_comment {
            // sqlparser takes only a quoted string as the comment text;
            // `IS $$…$$` means the same.
            for token in &mut tokens {
                if let Token::DollarQuotedString(text) = &token.token {
                    token.token = Token::SingleQuotedString(text.value.clone());
                }
            }
        }
        let parsed = Parser::new(&PostgreSqlDialect {})
            .with_tokens_with_locations(tokens)
            .parse_statements();
        match parsed {
            Ok(statements) => Some(statements),
            Err(error) => {
                self.parse_error(&error, span);
                None
            }
        }
    }

    fn parse_error(&mut self, error: &ParserError, span: Span) {
        let message = match error {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
            ParserError::RecursionLimitExceeded => "the expression is nested too deeply".into(),
        };
        // sqlparser ends its messages with " at Line: L, Column: C".
        let (message, at) = match message.rsplit_once(" at Line: ") {
            Some((text, position)) => {
                let mut numbers = position
                    .split(", Column: ")
                    .map(|n| n.trim().parse::<u64>().unwrap_or(1));
                let line = numbers.next().unwrap_or(1);
                let column = numbers.next().unwrap_or(1);
                (
                    text.to_string(),
                    self.offset(span.start, Location::new(line, column)),
                )
            }
            None => (message, span.start),
        };
        let end = self.source[at..span.end]
            .find(|c: char| c.is_whitespace())
            .map_or(span.end, |n| at + n.max(1));
        self.diagnostics.push(
            Diagnostic::error(
                Span::new(at, end.max(at)),
                format!("cannot read this statement: {message}"),
            )
            .with_help("the statement is skipped; the rest of the script is still read"),
        );
    }

    /// A warning on the statement's first line.
    fn skipped(&mut self, span: Span, what: &str) {
        let text = &self.source[span.start..span.end];
        let first_line = text.find('\n').unwrap_or(text.len());
        self.diagnostics.push(
            Diagnostic::warning(
                Span::new(span.start, span.start + first_line),
                format!("{what}: not part of the schema retort reads; skipped"),
            )
            .with_help(
                "retort reads tables, indexes, constraints, enum types, sequences and comments",
            ),
        );
    }

    fn missing_table(&mut self, span: Span, name: &QualifiedName) {
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

    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        self.schema
            .tables
            .iter_mut()
            .find(|t| t.name == name.1 && t.schema == name.0)
    }

    fn apply(&mut self, statement: Statement, span: Span) {
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
                            e.values.push(add.value.value);
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
            other => {
                let what = other.to_string();
                let words: Vec<&str> = what.split_whitespace().take(2).collect();
                self.skipped(span, &format!("`{}`", words.join(" ")));
            }
        }
    }

    fn create_table(&mut self, create: CreateTable, span: Span) {
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

    fn add_column(&mut self, table: &mut Table, def: ColumnDef, span: Span) {
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

    fn add_constraint(&mut self, table: &mut Table, constraint: TableConstraint, span: Span) {
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
    fn constraint_using_index(
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

    fn first_line(&self, span: Span) -> Span {
        let text = &self.source[span.start..span.end];
        Span::new(
            span.start,
            span.start + text.find('\n').unwrap_or(text.len()),
        )
    }

    fn create_index(&mut self, create: CreateIndex, span: Span) {
        let table_name = qualified(&create.table_name);
        let index = Index {
            name: create.name.as_ref().map(|n| qualified(n).1),
            unique: create.unique,
            expressions: index_columns(&create.columns),
            r#where: create.predicate.as_ref().map(bare),
            using: create.using.map(|u| u.to_string().to_lowercase()),
        };
        match self.table_mut(&table_name) {
            Some(table) => table.indexes.push(index),
            None => self.missing_table(span, &table_name),
        }
    }

    fn alter_table(&mut self, name: &QualifiedName, operation: AlterTableOperation, span: Span) {
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
                if !drop_constraint(&mut table, &name.value) {
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
                table.name = qualified(&new).1;
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

    fn alter_sequence(&mut self, words: &[&Token], span: Span) {
        // ALTER SEQUENCE name OWNED BY table.column | NONE
        let names: Vec<String> = words
            .iter()
            .skip(2)
            .map(|t| match t {
                Token::Word(w) => w.value.clone(),
                other => other.to_string(),
            })
            .collect();
        let joined = names.join(" ").replace(" . ", ".");
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

    fn comment(
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

    fn drop(&mut self, object: ObjectType, name: &QualifiedName, span: Span) {
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

    fn finish(mut self) -> (Schema, Vec<Diagnostic>) {
        // Enum types, known once the whole script is read.
        let enums: Vec<QualifiedName> = self
            .schema
            .enums
            .iter()
            .map(|e| (e.schema.clone(), e.name.clone()))
            .collect();
        for table in &mut self.schema.tables {
            for column in &mut table.columns {
                resolve_enum(&mut column.ty, &enums);
            }
        }
        // Columns fed by a sequence they own are autoincrement columns.
        for (sequence, table, column) in std::mem::take(&mut self.owned_sequences) {
            let Some(table) = self.table_mut(&table) else {
                continue;
            };
            let Some(column) = table.columns.iter_mut().find(|c| c.name == column) else {
                continue;
            };
            let feeds = column
                .server_default
                .as_deref()
                .is_some_and(|d| nextval_of(d).is_some_and(|s| split_qualified(&s) == sequence));
            if feeds {
                column.server_default = None;
                column.autoincrement = Autoincrement::True;
            }
            if feeds || column.identity.is_some() {
                self.schema
                    .sequences
                    .retain(|s| !(s.schema == sequence.0 && s.name == sequence.1));
            }
        }
        // `REFERENCES t` without columns means t's primary key.
        let primary_keys: Vec<(QualifiedName, Vec<String>)> = self
            .schema
            .tables
            .iter()
            .filter_map(|t| {
                let pk = t.primary_key.as_ref()?;
                Some(((t.schema.clone(), t.name.clone()), pk.columns.clone()))
            })
            .collect();
        for table in &mut self.schema.tables {
            for fk in &mut table.foreign_keys {
                if fk.referred_columns.is_empty() {
                    let target = (fk.referred_schema.clone(), fk.referred_table.clone());
                    if let Some((_, columns)) = primary_keys.iter().find(|(n, _)| *n == target) {
                        fk.referred_columns = columns.clone();
                    }
                }
            }
        }
        (self.schema, self.diagnostics)
    }
}

/// The sequence name in `nextval('seq'::regclass)`.
fn nextval_of(default: &str) -> Option<String> {
    let rest = default.trim().strip_prefix("nextval(")?;
    let start = rest.find('\'')? + 1;
    let end = start + rest[start..].find('\'')?;
    Some(rest[start..end].replace('"', ""))
}

fn resolve_enum(ty: &mut SqlType, enums: &[QualifiedName]) {
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

fn alter_column(column: &mut Column, op: AlterColumnOperation) {
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

fn drop_column(table: &mut Table, name: &str) {
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

fn drop_constraint(table: &mut Table, name: &str) -> bool {
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

fn rename_column(table: &mut Table, old: &str, new: &str) {
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

fn rename_constraint(table: &mut Table, old: &str, new: &str) {
    for name in table.constraint_names_mut() {
        if name.as_deref() == Some(old) {
            *name = Some(new.to_string());
        }
    }
}

/// pg_dump writes identity columns as `ADD GENERATED … AS IDENTITY (SEQUENCE
/// NAME s START WITH 1 …)`; sqlparser does not know the `SEQUENCE NAME`
/// option, and the sequence's name is not part of the schema: drop it.
fn without_identity_sequence_name(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let is_word =
        |t: &TokenWithSpan, k: Keyword| matches!(&t.token, Token::Word(w) if w.keyword == k);
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    if !significant
        .iter()
        .any(|&i| is_word(&tokens[i], Keyword::IDENTITY))
    {
        return tokens;
    }
    let mut drop = vec![false; tokens.len()];
    for (n, &i) in significant.iter().enumerate() {
        let next = significant.get(n + 1).copied();
        if is_word(&tokens[i], Keyword::SEQUENCE)
            && next.is_some_and(|j| is_word(&tokens[j], Keyword::NAME))
        {
            drop[i] = true;
            let mut m = n + 1;
            if let Some(&j) = significant.get(m) {
                drop[j] = true;
            }
            // The (possibly qualified) name: word (. word)*
            m += 1;
            while let Some(&j) = significant.get(m) {
                let part = matches!(tokens[j].token, Token::Word(_));
                if !part {
                    break;
                }
                drop[j] = true;
                match significant.get(m + 1) {
                    Some(&dot) if tokens[dot].token == Token::Period => {
                        drop[dot] = true;
                        m += 2;
                    }
                    _ => break,
                }
            }
        }
    }
    tokens
        .into_iter()
        .zip(drop)
        .filter_map(|(t, d)| (!d).then_some(t))
        .collect()
}

#[cfg(test)]
mod tests;
