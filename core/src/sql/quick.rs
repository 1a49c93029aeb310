//! The commonest DDL of a migration read from its words, without sqlparser's
//! parser, which costs more than everything else of reading a statement
//! (its speculative branches word an error message each time they fail, and
//! it moves statements of kilobytes around).
//!
//! Each form here gives exactly the ops sqlparser's reading gives, or
//! `None`, and the caller reads the statement the slow way. Only the parts
//! that carry meaning of their own are handed to sqlparser: a column's type
//! (a handful of tokens, through its type parser), and the values printed
//! back (through its `Display`). The test
//! `the_quick_path_gives_the_parsers_ops_or_passes` holds both ways to the
//! same ops, on every statement the tests have and their mutations.
//!
//! The forms:
//! - `CREATE TABLE t (c type [option …], …)`;
//! - `CREATE [UNIQUE] INDEX [CONCURRENTLY] ix ON t (c, …)`;
//! - `ALTER TABLE t` with one action: `ADD [COLUMN] c type [option …]`,
//!   `ALTER [COLUMN] c [SET DATA] TYPE type`, `ALTER [COLUMN] c SET|DROP NOT
//!   NULL`, `DROP COLUMN c`, `ADD [CONSTRAINT n] FOREIGN KEY (c, …) REFERENCES
//!   t [(c, …)] [ON DELETE|UPDATE action …] [NOT VALID]`, `ADD [CONSTRAINT n]
//!   UNIQUE (c, …)` or `PRIMARY KEY (c, …)`;
//! - `COMMENT ON TABLE t IS '…' | NULL`.
//!
//! A column's options: `NOT NULL`, `NULL`, `DEFAULT` a number, a string,
//! `TRUE`, `FALSE`, `NULL` or `f()`, `PRIMARY KEY`, `UNIQUE`, `REFERENCES t
//! [(c, …)] [ON DELETE|UPDATE action …]`, `GENERATED ALWAYS|BY DEFAULT AS
//! IDENTITY`.

use sqlparser::ast::Value;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::{identity, keyword_at, new_column, types};
use crate::hash::FastMap;
use crate::op::{Op, Side, TableRef};
use crate::schema::{Column, ForeignKey, Index, PrimaryKey, SqlType, Table, UniqueConstraint};
use crate::text::Span;

/// Keywords that are common column and table names, and that sqlparser
/// reads as plain names wherever [`plain`] takes one (tested).
const NAME_KEYWORDS: &[Keyword] = &[
    Keyword::NAME,
    Keyword::VALUE,
    Keyword::KEY,
    Keyword::DATA,
    Keyword::STATUS,
    Keyword::TYPE,
    Keyword::ID,
    Keyword::LEVEL,
    Keyword::ROLE,
    Keyword::OWNER,
    Keyword::VERSION,
    Keyword::SOURCE,
    Keyword::ACTION,
    Keyword::HASH,
    Keyword::SIZE,
    Keyword::LOCATION,
    Keyword::PASSWORD,
];

/// Words that begin a table constraint where `CREATE TABLE` expects a
/// column (or `LIKE other`): a column cannot be named so on this path.
const NOT_A_COLUMN: &[Keyword] = &[
    Keyword::CONSTRAINT,
    Keyword::PRIMARY,
    Keyword::UNIQUE,
    Keyword::FOREIGN,
    Keyword::CHECK,
    Keyword::EXCLUDE,
    Keyword::LIKE,
];

/// Words that end a column's type: the options read here, and others
/// (which make the column's reading give up).
const AFTER_TYPE: &[Keyword] = &[
    Keyword::NOT,
    Keyword::NULL,
    Keyword::DEFAULT,
    Keyword::PRIMARY,
    Keyword::UNIQUE,
    Keyword::REFERENCES,
    Keyword::GENERATED,
    Keyword::CONSTRAINT,
    Keyword::CHECK,
    Keyword::COLLATE,
];

/// A plain name: an unquoted word that is no keyword, or one of
/// [`NAME_KEYWORDS`] (another keyword may be read as something else, a
/// quoted name has rules of its own).
fn plain<'t>(word: Option<&&'t Token>) -> Option<&'t str> {
    match word {
        Some(Token::Word(w))
            if w.quote_style.is_none()
                && (w.keyword == Keyword::NoKeyword || NAME_KEYWORDS.contains(&w.keyword)) =>
        {
            Some(&w.value)
        }
        _ => None,
    }
}

/// A table named `name` or `schema.name` (both [`plain`], or the schema
/// `public`) at word `i`, as sqlparser's reading names it; and the index
/// after it.
fn plain_table(words: &[&Token], i: usize) -> Option<(TableRef, usize)> {
    let qualified = matches!(words.get(i + 1), Some(Token::Period));
    let first = match words.get(i) {
        // `public` is a keyword, and a schema's name.
        Some(Token::Word(w)) if qualified && w.keyword == Keyword::PUBLIC => &w.value,
        word => plain(word)?,
    };
    if qualified {
        let name = plain(words.get(i + 2))?;
        if matches!(words.get(i + 3), Some(Token::Period)) {
            return None;
        }
        let schema = (first != "public").then(|| first.to_string());
        return Some((
            TableRef {
                schema,
                name: name.to_string(),
            },
            i + 3,
        ));
    }
    Some((
        TableRef {
            schema: None,
            name: first.to_string(),
        },
        i + 1,
    ))
}

/// Whether word `i` is the keyword `k`.
fn is(words: &[&Token], i: usize, k: Keyword) -> bool {
    keyword_at(words, i) == k
}

/// Whether word `i` is an unquoted word that is one of `keywords`.
fn is_one_of(words: &[&Token], i: usize, keywords: &[Keyword]) -> bool {
    matches!(words.get(i), Some(Token::Word(w)) if w.quote_style.is_none() && keywords.contains(&w.keyword))
}

/// The ops of the statement whose words are `words` (at `span`), if it is
/// one of this module's forms.
fn ops(words: &[&Token], span: Span, types: &mut Types) -> Option<Vec<Op>> {
    if is(words, 0, Keyword::ALTER) && is(words, 1, Keyword::TABLE) {
        let (table, i) = plain_table(words, 2)?;
        return alter_table(words, table, i, span, types);
    }
    if is(words, 0, Keyword::CREATE) {
        if is(words, 1, Keyword::TABLE) {
            return create_table(words, span, types).map(|op| vec![op]);
        }
        return create_index(words).map(|op| vec![op]);
    }
    if is(words, 0, Keyword::COMMENT) {
        return comment_on_table(words).map(|op| vec![op]);
    }
    None
}

/// `CREATE TABLE t (` with a plain name, and no `LIKE` inside: the form
/// [`super::SqlReader::quick_create_table`] may read.
fn simple_create_table(words: &[&Token]) -> bool {
    is(words, 0, Keyword::CREATE)
        && is(words, 1, Keyword::TABLE)
        && plain_table(words, 2).is_some_and(|(_, i)| {
            matches!(words.get(i), Some(Token::LParen)) && !is(words, i + 1, Keyword::LIKE)
        })
}

/// `ALTER TABLE t` with a plain name and an action after it: the form
/// [`super::SqlReader::quick_alter_table`] may read.
fn simple_alter_table(words: &[&Token]) -> bool {
    is(words, 0, Keyword::ALTER)
        && is(words, 1, Keyword::TABLE)
        && plain_table(words, 2).is_some_and(|(_, i)| i < words.len() && !is(words, i, Keyword::ON))
}

/// A statement the quick path takes: its ops read from the words, or a
/// form read with sqlparser's sub-parsers.
pub(super) enum Form {
    Ops(Vec<Op>),
    AlterTable,
    CreateTable,
}

pub(super) fn form(words: &[&Token], span: Span, types: &mut Types) -> Option<Form> {
    if let Some(ops) = ops(words, span, types) {
        Some(Form::Ops(ops))
    } else if simple_alter_table(words) {
        Some(Form::AlterTable)
    } else if simple_create_table(words) {
        Some(Form::CreateTable)
    } else {
        None
    }
}

/// The one action of `ALTER TABLE table …`, from word `i`.
fn alter_table(
    words: &[&Token],
    table: TableRef,
    mut i: usize,
    span: Span,
    types: &mut Types,
) -> Option<Vec<Op>> {
    let end = |i: usize| i == words.len();
    match keyword_at(words, i) {
        Keyword::ALTER => {
            i += 1 + usize::from(is(words, i + 1, Keyword::COLUMN));
            let mut change = super::build::alter(&table, plain(words.get(i))?);
            i += 1;
            match (keyword_at(words, i), keyword_at(words, i + 1)) {
                (verb @ (Keyword::SET | Keyword::DROP), Keyword::NOT) => {
                    if !(is(words, i + 2, Keyword::NULL) && end(i + 3)) {
                        return None;
                    }
                    change.nullable.target = Some(verb == Keyword::DROP);
                }
                (Keyword::SET, Keyword::DATA) | (Keyword::TYPE, _) => {
                    if is(words, i, Keyword::SET) {
                        if !is(words, i + 2, Keyword::TYPE) {
                            return None;
                        }
                        i += 2;
                    }
                    let ty = column_type(&words[i + 1..], types)?;
                    let mut target = change.ty.existing.clone();
                    target.column.ty = ty.ty;
                    change.ty.target = Some(target);
                }
                _ => return None,
            }
            Some(vec![Op::AlterColumn(Box::new(change))])
        }
        Keyword::DROP => {
            if !(is(words, i + 1, Keyword::COLUMN) && end(i + 3)) {
                return None;
            }
            let column = plain(words.get(i + 2))?;
            Some(vec![Op::DropColumn {
                table,
                column: Box::new(Column::new(column, SqlType::Named(String::new()))),
                side: Side::Database,
            }])
        }
        Keyword::ADD => {
            let mut scratch = super::build::scratch(&table);
            i += 1;
            if is_one_of(
                words,
                i,
                &[
                    Keyword::CONSTRAINT,
                    Keyword::FOREIGN,
                    Keyword::UNIQUE,
                    Keyword::PRIMARY,
                ],
            ) {
                let (next, fk) = table_constraint(words, i, &mut scratch)?;
                let not_valid =
                    fk && is(words, next, Keyword::NOT) && is(words, next + 1, Keyword::VALID);
                if !end(next + 2 * usize::from(not_valid)) {
                    return None;
                }
                let ops = super::build::constraint_ops(&table, scratch);
                return Some(if not_valid {
                    ops.into_iter()
                        .map(|op| Op::NotValid(Box::new(op)))
                        .collect()
                } else {
                    ops
                });
            }
            i += usize::from(is(words, i, Keyword::COLUMN));
            let name = plain(words.get(i))?;
            if !end(column(
                words,
                i + 1,
                name,
                span,
                &mut scratch,
                false,
                types,
            )?) {
                return None;
            }
            Some(super::build::added_columns(&table, scratch))
        }
        _ => None,
    }
}

/// `CREATE TABLE t (column, …)` with columns only, nothing after.
fn create_table(words: &[&Token], span: Span, types: &mut Types) -> Option<Op> {
    let (table, mut i) = plain_table(words, 2)?;
    if !matches!(words.get(i), Some(Token::LParen)) {
        return None;
    }
    let mut created = Table {
        schema: table.schema,
        name: table.name,
        span,
        ..Table::default()
    };
    loop {
        i += 1;
        let name = match words.get(i) {
            Some(Token::Word(w))
                if !(w.quote_style.is_none() && NOT_A_COLUMN.contains(&w.keyword)) =>
            {
                &w.value
            }
            _ => return None,
        };
        i = column(words, i + 1, name, span, &mut created, true, types)?;
        match words.get(i) {
            Some(Token::Comma) => {}
            Some(Token::RParen) if i + 1 == words.len() => break,
            _ => return None,
        }
    }
    Some(Op::CreateTable {
        table: Box::new(created),
        side: Side::Model,
    })
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] ix ON t (c, …)`, plain names only.
fn create_index(words: &[&Token]) -> Option<Op> {
    let unique = is(words, 1, Keyword::UNIQUE);
    let mut i = 1 + usize::from(unique);
    if !is(words, i, Keyword::INDEX) {
        return None;
    }
    let concurrently = is(words, i + 1, Keyword::CONCURRENTLY);
    i += 1 + usize::from(concurrently);
    let name = plain(words.get(i))?;
    if !is(words, i + 1, Keyword::ON) {
        return None;
    }
    let (table, i) = plain_table(words, i + 2)?;
    let (expressions, end) = names(words, i, true)?;
    if end != words.len() {
        return None;
    }
    let op = Op::CreateIndex {
        table,
        index: Box::new(Index {
            name: Some(name.to_string()),
            unique,
            expressions,
            r#where: None,
            using: None,
            ..Default::default()
        }),
        convention_name: false,
    };
    Some(if concurrently {
        Op::Concurrently(Box::new(op))
    } else {
        op
    })
}

/// `COMMENT ON TABLE t IS '…'` (or `IS NULL`, which drops it).
fn comment_on_table(words: &[&Token]) -> Option<Op> {
    if !(is(words, 1, Keyword::ON) && is(words, 2, Keyword::TABLE)) {
        return None;
    }
    let (table, i) = plain_table(words, 3)?;
    if !(is(words, i, Keyword::IS) && i + 2 == words.len()) {
        return None;
    }
    match words.get(i + 1) {
        Some(Token::SingleQuotedString(comment)) => Some(Op::CreateTableComment {
            table,
            comment: comment.clone(),
            existing: None,
        }),
        Some(Token::Word(w)) if w.keyword == Keyword::NULL && w.quote_style.is_none() => {
            Some(Op::DropTableComment {
                table,
                existing: String::new(),
            })
        }
        _ => None,
    }
}

/// A column named `name` whose type starts at word `i`, added to `table`
/// (with what its options add: a primary key, a unique constraint, a
/// foreign key) as sqlparser's column definition reads; the index of the
/// word after it. Inside `CREATE TABLE`'s parentheses (`listed`) a comma or
/// the closing parenthesis ends it; else the statement's end.
fn column(
    words: &[&Token],
    mut i: usize,
    name: &str,
    span: Span,
    table: &mut Table,
    listed: bool,
    types: &mut Types,
) -> Option<usize> {
    // The type: up to an option, or the column's end.
    let start = i;
    let mut depth = 0usize;
    while let Some(word) = words.get(i) {
        match word {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket if depth > 0 => depth -= 1,
            Token::Comma | Token::RParen if depth == 0 => break,
            _ if depth == 0 && is_one_of(words, i, AFTER_TYPE) => break,
            _ => {}
        }
        i += 1;
    }
    if i == start {
        return None;
    }
    let mut column = new_column(
        name.to_string(),
        column_type(&words[start..i], types)?,
        span,
    );
    loop {
        match words.get(i) {
            None if listed => return None,
            None => break,
            Some(Token::Comma | Token::RParen) if listed => break,
            Some(Token::Comma | Token::RParen) => return None,
            Some(_) => {}
        }
        match keyword_at(words, i) {
            Keyword::NOT if is(words, i + 1, Keyword::NULL) => {
                column.nullable = false;
                i += 2;
            }
            Keyword::NULL => {
                column.nullable = true;
                i += 1;
            }
            Keyword::DEFAULT => {
                let (value, next) = default_value(words, i + 1)?;
                column.server_default = Some(value);
                i = next;
            }
            Keyword::PRIMARY if is(words, i + 1, Keyword::KEY) => {
                column.nullable = false;
                table.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: vec![name.to_string()],
                });
                i += 2;
            }
            Keyword::UNIQUE => {
                table.unique_constraints.push(UniqueConstraint {
                    name: None,
                    columns: vec![name.to_string()],
                });
                i += 1;
            }
            Keyword::REFERENCES => {
                let (fk, next) = references(words, i + 1, None, vec![name.to_string()])?;
                table.foreign_keys.push(fk);
                i = next;
            }
            Keyword::GENERATED => {
                let always = is(words, i + 1, Keyword::ALWAYS);
                let by_default =
                    is(words, i + 1, Keyword::BY) && is(words, i + 2, Keyword::DEFAULT);
                let at = i + if by_default { 3 } else { 2 };
                if !(always || by_default)
                    || !(is(words, at, Keyword::AS) && is(words, at + 1, Keyword::IDENTITY))
                {
                    return None;
                }
                column.identity = Some(identity(always, Some(&Vec::new())));
                column.nullable = false;
                i = at + 2;
            }
            _ => return None,
        }
    }
    table.columns.push(column);
    Some(i)
}

/// Column types already read, by their one word (a script repeats a few
/// types many times): what [`column_type`] made of each.
pub(super) type Types = FastMap<String, types::ColumnType>;

/// A column's type, from exactly these words (sqlparser's type parser on
/// them, and what [`types::column_type`] makes of it), or `None` if they
/// are not one type. A type of one unquoted word is read once per `types`.
fn column_type(words: &[&Token], types: &mut Types) -> Option<types::ColumnType> {
    let one = match words {
        [Token::Word(w)] if w.quote_style.is_none() => Some(w.value.as_str()),
        _ => None,
    };
    if let Some(read) = one.and_then(|word| types.get(word)) {
        return Some(read.clone());
    }
    let tokens = words
        .iter()
        .map(|&token| TokenWithSpan::wrap(token.clone()))
        .collect();
    let mut parser = Parser::new(&PostgreSqlDialect {}).with_tokens_with_locations(tokens);
    let data_type = parser.parse_data_type().ok()?;
    if parser.peek_token_ref().token != Token::EOF {
        return None;
    }
    let read = types::column_type(&data_type);
    if let Some(word) = one {
        types.insert(word.to_string(), read.clone());
    }
    Some(read)
}

/// A `DEFAULT` value at word `i` as sqlparser prints the expression back:
/// a number, a string, `TRUE`, `FALSE`, `NULL` or a call `f()` of a plain
/// name; and the index after it.
fn default_value(words: &[&Token], i: usize) -> Option<(String, usize)> {
    let value = match words.get(i)? {
        Token::Number(number, false) => Value::Number(number.clone(), false),
        Token::SingleQuotedString(text) => Value::SingleQuotedString(text.clone()),
        Token::Word(w) if w.quote_style.is_none() => match w.keyword {
            Keyword::TRUE => Value::Boolean(true),
            Keyword::FALSE => Value::Boolean(false),
            Keyword::NULL => Value::Null,
            Keyword::NoKeyword
                if matches!(words.get(i + 1), Some(Token::LParen))
                    && matches!(words.get(i + 2), Some(Token::RParen)) =>
            {
                return Some((format!("{}()", w.value), i + 3));
            }
            _ => return None,
        },
        _ => return None,
    };
    Some((value.to_string(), i + 1))
}

/// `(name, …)` at word `i`: the names, and the index after the
/// parenthesis. A list of columns takes any word (sqlparser reads an
/// identifier there); a list of index elements, where sqlparser reads
/// expressions, only [`plain`] names.
fn names(words: &[&Token], mut i: usize, elements: bool) -> Option<(Vec<String>, usize)> {
    if !matches!(words.get(i), Some(Token::LParen)) {
        return None;
    }
    let mut names = Vec::new();
    loop {
        let name = match words.get(i + 1) {
            word if elements => plain(word)?,
            Some(Token::Word(w)) => &w.value,
            _ => return None,
        };
        names.push(name.to_string());
        match words.get(i + 2) {
            Some(Token::Comma) => i += 2,
            Some(Token::RParen) => return Some((names, i + 3)),
            _ => return None,
        }
    }
}

/// `t [(c, …)] [ON DELETE|UPDATE action …]` after `REFERENCES` at word `i`:
/// the foreign key of `columns`, and the index after it.
fn references(
    words: &[&Token],
    i: usize,
    name: Option<String>,
    columns: Vec<String>,
) -> Option<(ForeignKey, usize)> {
    let (referred, mut i) = plain_table(words, i)?;
    let mut referred_columns = Vec::new();
    if matches!(words.get(i), Some(Token::LParen)) {
        (referred_columns, i) = names(words, i, false)?;
    }
    let mut ondelete = None;
    let mut onupdate = None;
    while is(words, i, Keyword::ON) {
        let slot = match keyword_at(words, i + 1) {
            Keyword::DELETE if ondelete.is_none() => &mut ondelete,
            Keyword::UPDATE if onupdate.is_none() => &mut onupdate,
            _ => return None,
        };
        let (action, next) = match (keyword_at(words, i + 2), keyword_at(words, i + 3)) {
            (Keyword::CASCADE, _) => ("CASCADE", i + 3),
            (Keyword::RESTRICT, _) => ("RESTRICT", i + 3),
            (Keyword::NO, Keyword::ACTION) => ("NO ACTION", i + 4),
            (Keyword::SET, Keyword::NULL) => ("SET NULL", i + 4),
            (Keyword::SET, Keyword::DEFAULT) => ("SET DEFAULT", i + 4),
            _ => return None,
        };
        *slot = Some(action.to_string());
        i = next;
    }
    Some((
        ForeignKey {
            name,
            columns,
            referred_schema: referred.schema,
            referred_table: referred.name,
            referred_columns,
            ondelete,
            onupdate,
            deferrable: None,
            initially: None,
        },
        i,
    ))
}

/// `[CONSTRAINT n] FOREIGN KEY (c, …) REFERENCES …`, `… UNIQUE (c, …)` or
/// `… PRIMARY KEY (c, …)` at word `i`, added to `table`; the index after
/// it, and whether it is a foreign key.
fn table_constraint(words: &[&Token], mut i: usize, table: &mut Table) -> Option<(usize, bool)> {
    let mut name = None;
    if is(words, i, Keyword::CONSTRAINT) {
        name = Some(plain(words.get(i + 1))?.to_string());
        i += 2;
    }
    match keyword_at(words, i) {
        Keyword::FOREIGN if is(words, i + 1, Keyword::KEY) => {
            let (columns, next) = names(words, i + 2, false)?;
            if !is(words, next, Keyword::REFERENCES) {
                return None;
            }
            let (fk, next) = references(words, next + 1, name, columns)?;
            table.foreign_keys.push(fk);
            Some((next, true))
        }
        Keyword::UNIQUE => {
            let (columns, next) = names(words, i + 1, true)?;
            table
                .unique_constraints
                .push(UniqueConstraint { name, columns });
            Some((next, false))
        }
        Keyword::PRIMARY if is(words, i + 1, Keyword::KEY) => {
            let (columns, next) = names(words, i + 2, true)?;
            table.primary_key = Some(PrimaryKey { name, columns });
            Some((next, false))
        }
        _ => None,
    }
}
