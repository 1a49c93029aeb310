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

mod apply;
mod build;
pub mod expr;
pub mod lex;
pub mod ops;
mod quick;
pub mod split;
pub mod stored;
mod types;

use apply::{nextval_of, resolve_enum};
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
    let mut reader = SqlReader::new(source);
    for piece in split::split(source) {
        if let Piece::Statement(span) = piece {
            reader.statement(span);
        }
    }
    reader.finish()
}

/// `(schema, name)` with `public` read as the default (no) schema.
type QualifiedName = (Option<String>, String);

struct SqlReader<'s> {
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
/// An index element without its operator class (the index keeps those
/// apart, as `postgresql_ops` does).
fn index_element(column: &IndexColumn) -> String {
    let plain = column.column.options.sort.is_none() && column.column.options.nulls_first.is_none();
    match &column.column.expr {
        Expr::Identifier(ident) if plain => ident.value.clone(),
        expr if plain => bare(expr),
        _ => column.column.to_string(),
    }
}

fn index_columns(columns: &[IndexColumn]) -> Vec<String> {
    columns.iter().map(index_element).collect()
}

/// The index `CREATE INDEX` makes: its elements, each column's operator
/// class, `INCLUDE`, `USING` and the partial index's predicate.
fn index_of(create: &sqlparser::ast::CreateIndex) -> Index {
    Index {
        name: create.name.as_ref().map(|n| qualified(n).1),
        unique: create.unique,
        expressions: index_columns(&create.columns),
        r#where: create.predicate.as_ref().map(bare),
        using: create.using.as_ref().map(|u| u.to_string().to_lowercase()),
        ops: create
            .columns
            .iter()
            .filter_map(|c| {
                let class = c.operator_class.as_ref()?;
                Some((index_element(c), class.to_string()))
            })
            .collect(),
        include: create.include.iter().map(|i| i.value.clone()).collect(),
        ..Default::default()
    }
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

impl<'s> SqlReader<'s> {
    /// A reader of `source` that has read nothing yet.
    fn new(source: &'s str) -> Self {
        SqlReader {
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
            // `ALTER TABLE t ALTER [COLUMN] c DROP IDENTITY [IF EXISTS]`,
            // which sqlparser 0.64 does not read.
            if keyword(1) == Keyword::TABLE
                && let Some(at) = (2..n)
                    .find(|&i| keyword(i) == Keyword::DROP && keyword(i + 1) == Keyword::IDENTITY)
            {
                self.drop_identity(&words[..at], span);
                return;
            }
        }
        // `DROP INDEX CONCURRENTLY`, which sqlparser 0.64 does not read,
        // drops the same index as `DROP INDEX`.
        let tokens = if keyword(0) == Keyword::DROP
            && keyword(1) == Keyword::INDEX
            && keyword(2) == Keyword::CONCURRENTLY
        {
            let mut tokens = tokens;
            if let Some(at) = tokens.iter().position(
                |t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::CONCURRENTLY),
            ) {
                tokens.remove(at);
            }
            tokens
        } else {
            tokens
        };
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
