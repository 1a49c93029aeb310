//! SQL → [`Op`]s: what each statement of a script does, in the IR the
//! revision reader, the renderer and the linter share.
//!
//! Used for the SQL inside `op.execute(…)` and for `.sql` migrations. Each
//! statement is read alone (see [`super::split`]): DDL with an Alembic
//! counterpart becomes that op (`CREATE INDEX CONCURRENTLY` →
//! [`Op::Concurrently`], `ADD CONSTRAINT … NOT VALID` → [`Op::NotValid`]),
//! everything else a [`Command`] (`SET lock_timeout`, `VACUUM FULL`,
//! `UPDATE` …). SQL only says what changes, not what was there: an
//! `ALTER COLUMN … TYPE` read here does not know the column's old type (its
//! `existing` side is [`SqlType::Named`] with an empty name), a dropped
//! table or column carries its name only.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation,
    CreateTable, ObjectType, RenameTableNameKind, Statement, TableConstraint,
    UserDefinedTypeRepresentation,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;

use super::build::{added_columns, alter, constraint_ops, scratch};
use super::quick;
use super::split::{self, Piece};
use super::{SqlReader, keyword_at, qualified};
use crate::diagnostic::Diagnostic;
use crate::op::{Command, Op, Side, TableRef};
use crate::schema::{Column, EnumType, Index, SqlType, Table};
use crate::text::Span;

/// One statement's ops, at the statement's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub span: Span,
    pub op: Op,
}

/// The ops of every statement of `source`, in order, with a diagnostic for
/// each statement that could not be read (it adds no op). Never panics.
pub fn read_ops(source: &str) -> (Vec<Located>, Vec<Diagnostic>) {
    read_ops_of(source, &split::split(source))
}

/// [`read_ops`] for some of the script's pieces (from [`split::split`] of
/// `source`). Each statement is read on its own, so the pieces of one
/// script can be read in parts (in parallel, by a caller that has
/// threads) and the results put end to end.
pub fn read_ops_of(source: &str, pieces: &[Piece]) -> (Vec<Located>, Vec<Diagnostic>) {
    let mut reader = SqlReader::new(source);
    // Mostly one op per statement: no growing (each `Located` is a few
    // hundred bytes, and a long script has a hundred thousand).
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let Piece::Statement(span) = *piece else {
            continue;
        };
        for op in statement(&mut reader, span, true) {
            out.push(Located { span, op });
        }
    }
    (out, reader.diagnostics)
}

/// The ops of a script as one list (for `op.execute`).
pub fn ops_of(source: &str) -> (Vec<Op>, Vec<Diagnostic>) {
    let (located, diagnostics) = read_ops(source);
    (located.into_iter().map(|l| l.op).collect(), diagnostics)
}

/// Whether the quick path keeps its promise on the statement `text`: it
/// passes, or gives the ops sqlparser's parser gives (the tests run it on every
/// statement they have).
#[cfg(any(test, feature = "testing"))]
pub fn quick_agrees(text: &str) -> bool {
    let span = Span::new(0, text.len());
    let read = |quick: bool| {
        let mut reader = SqlReader::new(text);
        let ops = statement(&mut reader, span, quick);
        (ops, reader.diagnostics)
    };
    let slow = read(false);
    // Twice with one reader: the second time its types are known.
    let mut reader = SqlReader::new(text);
    let first = statement(&mut reader, span, true);
    let diagnostics = std::mem::take(&mut reader.diagnostics);
    let again = statement(&mut reader, span, true);
    (first, diagnostics) == slow && again == slow.0
}

/// The quick path's form of the statement `text`, read alone.
#[cfg(any(test, feature = "testing"))]
fn quick_form_of(text: &str) -> Option<quick::Form> {
    let words = super::lex::words(text)?;
    quick::form(
        &words.iter().collect::<Vec<_>>(),
        Span::new(0, text.len()),
        &mut quick::Types::default(),
    )
}

/// Whether the quick path ([`quick::form`]) takes the statement `text`.
#[cfg(any(test, feature = "testing"))]
pub fn is_quick(text: &str) -> bool {
    quick_form_of(text).is_some()
}

/// Whether the quick path reads the statement `text` from its words alone
/// (no sqlparser parser but its type parser).
#[cfg(any(test, feature = "testing"))]
pub fn reads_from_words(text: &str) -> bool {
    matches!(quick_form_of(text), Some(quick::Form::Ops(_)))
}

fn text_of(token: &Token) -> String {
    match token {
        Token::Word(w) => w.value.clone(),
        other => other.to_string(),
    }
}

/// A (possibly schema-qualified) name starting at word `i`, and the index
/// after it.
fn name_at(words: &[&Token], mut i: usize) -> Option<(TableRef, usize)> {
    let Some(Token::Word(first)) = words.get(i) else {
        return None;
    };
    let mut parts = vec![first.value.clone()];
    i += 1;
    while let (Some(Token::Period), Some(Token::Word(next))) = (words.get(i), words.get(i + 1)) {
        parts.push(next.value.clone());
        i += 2;
    }
    let name = parts.pop()?;
    let schema = parts.pop().filter(|s| s != "public");
    Some((TableRef { schema, name }, i))
}

/// Names separated by commas from word `i` on, until a keyword or the end.
fn names_at(words: &[&Token], mut i: usize) -> Vec<TableRef> {
    let mut names = Vec::new();
    loop {
        if keyword_at(words, i) == Keyword::ONLY {
            i += 1;
        }
        let Some((name, next)) = name_at(words, i) else {
            break;
        };
        if matches!(words.get(i), Some(Token::Word(w)) if w.keyword != Keyword::NoKeyword && w.quote_style.is_none() && !names.is_empty())
        {
            break;
        }
        names.push(name);
        i = next;
        if matches!(words.get(i), Some(Token::Mul)) {
            i += 1;
        }
        if !matches!(words.get(i), Some(Token::Comma)) {
            break;
        }
        i += 1;
    }
    names
}

/// The ops of the statement at `span`; with `quick`, the forms [`quick`]
/// knows skip sqlparser's parser.
fn statement(reader: &mut SqlReader<'_>, span: Span, quick: bool) -> Vec<Op> {
    // The words first: most statements need no more. The tokens (with the
    // whitespace, for sqlparser's parser) are read when a parser needs them.
    let Some((owned, mut tokens)) = reader.words_of(span) else {
        return Vec::new();
    };
    let mut tokens = |reader: &mut SqlReader<'_>| tokens.take().or_else(|| reader.tokens(span));
    let words: Vec<&Token> = owned.iter().collect();
    if let Some(form) = quick
        .then(|| quick::form(&words, span, &mut reader.types))
        .flatten()
    {
        let ops = match form {
            quick::Form::Ops(ops) => Some(ops),
            quick::Form::AlterTable => tokens(reader)
                .and_then(SqlReader::quick_alter_table)
                .map(|(name, operations)| altered_table(reader, &name, operations, span)),
            quick::Form::CreateTable => tokens(reader)
                .and_then(SqlReader::quick_create_table)
                .map(|create| created_table(reader, create, span)),
        };
        // Not the simple form after all: read again, the slow way (which
        // words any diagnostic).
        return ops.unwrap_or_else(|| statement(reader, span, false));
    }
    let keyword = |i: usize| keyword_at(&words, i);
    let command = |c: Command| vec![Op::Command(c)];
    match keyword(0) {
        Keyword::BEGIN | Keyword::START => return command(Command::Begin),
        Keyword::COMMIT | Keyword::END => return command(Command::Commit),
        Keyword::ROLLBACK | Keyword::ABORT => return command(Command::Rollback),
        Keyword::SET => {
            let local = keyword(1) == Keyword::LOCAL;
            let at = usize::from(matches!(keyword(1), Keyword::LOCAL | Keyword::SESSION)) + 1;
            let name = words.get(at).map(|t| text_of(t)).unwrap_or_default();
            let mut rest = at + 1;
            if matches!(words.get(rest), Some(Token::Eq)) || keyword(rest) == Keyword::TO {
                rest += 1;
            }
            let value: Vec<String> = words[rest.min(words.len())..]
                .iter()
                .map(|t| t.to_string())
                .collect();
            return command(Command::Set {
                name: name.to_lowercase(),
                value: value.join(" "),
                local,
            });
        }
        Keyword::VACUUM => {
            let mut depth = 0;
            let mut full = false;
            let mut tables = Vec::new();
            for word in &words[1..] {
                match word {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    Token::Word(w) if w.keyword == Keyword::FULL => full = true,
                    Token::Word(w)
                        if depth == 0
                            && !matches!(
                                w.keyword,
                                Keyword::FREEZE | Keyword::VERBOSE | Keyword::ANALYZE
                            ) =>
                    {
                        tables.push(w.value.clone())
                    }
                    _ => {}
                }
            }
            return command(Command::Vacuum { full, tables });
        }
        Keyword::REINDEX => {
            let concurrently = words
                .iter()
                .any(|w| matches!(w, Token::Word(w) if w.keyword == Keyword::CONCURRENTLY));
            let target: Vec<String> = words[1..]
                .iter()
                .filter(|w| {
                    !matches!(w, Token::LParen | Token::RParen)
                        && !matches!(w, Token::Word(w) if w.keyword == Keyword::CONCURRENTLY)
                })
                .map(|t| text_of(t))
                .collect();
            return command(Command::Reindex {
                concurrently,
                target: target.join(" "),
            });
        }
        // `ALTER TABLE t ALTER [COLUMN] c DROP IDENTITY`, which sqlparser
        // 0.64 does not read: the column's identity goes (a catalog change).
        Keyword::ALTER
            if keyword(1) == Keyword::TABLE
                && (2..words.len()).any(|i| {
                    keyword(i) == Keyword::DROP && keyword(i + 1) == Keyword::IDENTITY
                }) =>
        {
            let mut at = 2;
            while matches!(keyword(at), Keyword::ONLY | Keyword::IF | Keyword::EXISTS) {
                at += 1;
            }
            if let Some((table, after)) = name_at(&words, at)
                && keyword(after) == Keyword::ALTER
            {
                let at = after + 1 + usize::from(keyword(after + 1) == Keyword::COLUMN);
                if let Some(Token::Word(column)) = words.get(at) {
                    let mut change = alter(&table, &column.value);
                    change.server_default.target = Some(change.server_default.existing.clone());
                    change.server_default.existing.column.identity =
                        Some(crate::schema::Identity {
                            always: false,
                            start: None,
                            increment: None,
                        });
                    return vec![Op::AlterColumn(Box::new(change))];
                }
            }
        }
        Keyword::DROP if keyword(1) == Keyword::DATABASE => {
            let name = words.last().map(|t| text_of(t)).unwrap_or_default();
            return command(Command::DropDatabase { name });
        }
        Keyword::DROP if keyword(1) == Keyword::INDEX => {
            let concurrently = keyword(2) == Keyword::CONCURRENTLY;
            let mut at = 2 + usize::from(concurrently);
            if keyword(at) == Keyword::IF {
                at += 2;
            }
            return names_at(&words, at)
                .into_iter()
                .map(|name| {
                    let op = Op::DropIndex {
                        table: TableRef {
                            schema: name.schema.clone(),
                            name: String::new(),
                        },
                        index: Box::new(Index {
                            name: Some(name.name),
                            unique: false,
                            expressions: Vec::new(),
                            r#where: None,
                            using: None,
                            ..Default::default()
                        }),
                        convention_name: false,
                    };
                    if concurrently {
                        Op::Concurrently(Box::new(op))
                    } else {
                        op
                    }
                })
                .collect();
        }
        Keyword::TRUNCATE => {
            let at = 1 + usize::from(keyword(1) == Keyword::TABLE);
            return command(Command::Truncate {
                tables: names_at(&words, at),
            });
        }
        Keyword::LOCK => {
            let at = 1 + usize::from(keyword(1) == Keyword::TABLE);
            let tables = names_at(&words, at);
            let mode = match words
                .iter()
                .position(|w| matches!(w, Token::Word(w) if w.keyword == Keyword::IN))
            {
                Some(i) => words[i + 1..]
                    .iter()
                    .take_while(|w| !matches!(w, Token::Word(w) if w.keyword == Keyword::MODE))
                    .map(|t| text_of(t).to_uppercase())
                    .collect::<Vec<_>>()
                    .join(" "),
                None => "ACCESS EXCLUSIVE".into(),
            };
            return command(Command::Lock { tables, mode });
        }
        Keyword::INSERT | Keyword::UPDATE | Keyword::DELETE | Keyword::MERGE => {
            let verb = match keyword(0) {
                Keyword::INSERT => "INSERT",
                Keyword::UPDATE => "UPDATE",
                Keyword::DELETE => "DELETE",
                _ => "MERGE",
            };
            let mut at = 1;
            while matches!(keyword(at), Keyword::INTO | Keyword::FROM | Keyword::ONLY) {
                at += 1;
            }
            return command(Command::Dml {
                verb,
                table: name_at(&words, at).map(|(t, _)| t),
            });
        }
        Keyword::SELECT | Keyword::WITH | Keyword::DO | Keyword::ANALYZE | Keyword::RESET => {
            return command(other(&words));
        }
        _ => {}
    }
    let fallback = other(&words);
    let Some(tokens) = tokens(reader) else {
        return Vec::new();
    };
    match reader.parse(tokens, span) {
        Some(statements) => statements
            .into_iter()
            .flat_map(|s| ops_of_statement(reader, s, span, &fallback))
            .collect(),
        None => Vec::new(),
    }
}

/// `Command::Other` named by the statement's first two words.
fn other(words: &[&Token]) -> Command {
    let verb: Vec<String> = words
        .iter()
        .take(2)
        .map(|t| text_of(t).to_uppercase())
        .collect();
    Command::Other {
        verb: verb.join(" "),
    }
}

fn table_ref((schema, name): (Option<String>, String)) -> TableRef {
    TableRef { schema, name }
}

/// The op of a `CREATE TABLE`.
fn created_table(reader: &mut SqlReader<'_>, create: CreateTable, span: Span) -> Vec<Op> {
    reader.create_table(create, span);
    match reader.schema.tables.pop() {
        Some(table) => vec![Op::CreateTable {
            table: Box::new(table),
            side: Side::Model,
        }],
        None => Vec::new(),
    }
}

/// The ops of an `ALTER TABLE`'s actions.
fn altered_table(
    reader: &mut SqlReader<'_>,
    name: &sqlparser::ast::ObjectName,
    operations: Vec<AlterTableOperation>,
    span: Span,
) -> Vec<Op> {
    let table = table_ref(qualified(name));
    operations
        .into_iter()
        .flat_map(|operation| alter_operation(reader, &table, operation, span))
        .collect()
}

fn ops_of_statement(
    reader: &mut SqlReader<'_>,
    statement: Statement,
    span: Span,
    fallback: &Command,
) -> Vec<Op> {
    match statement {
        Statement::CreateTable(create) => created_table(reader, create, span),
        Statement::CreateIndex(create) => {
            let table = table_ref(qualified(&create.table_name));
            let op = Op::CreateIndex {
                table,
                index: Box::new(super::index_of(&create)),
                convention_name: false,
            };
            vec![if create.concurrently {
                Op::Concurrently(Box::new(op))
            } else {
                op
            }]
        }
        Statement::AlterTable(alter_table) => {
            altered_table(reader, &alter_table.name, alter_table.operations, span)
        }
        Statement::CreateType {
            name,
            representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
        } => {
            let (schema, name) = qualified(&name);
            vec![Op::CreateEnumType {
                enum_type: EnumType {
                    schema,
                    name,
                    values: labels.into_iter().map(|l| l.value).collect(),
                },
            }]
        }
        Statement::AlterType(alter_type) => match alter_type.operation {
            AlterTypeOperation::AddValue(add) => {
                let (schema, name) = qualified(&alter_type.name);
                vec![Op::AddEnumValue {
                    enum_type: EnumType {
                        schema,
                        name,
                        values: Vec::new(),
                    },
                    value: add.value.value,
                    after: match add.position {
                        Some(AlterTypeAddValuePosition::After(v)) => Some(v.value),
                        _ => None,
                    },
                }]
            }
            _ => vec![Op::Command(fallback.clone())],
        },
        Statement::Drop {
            object_type, names, ..
        } => names
            .iter()
            .map(|name| {
                let (schema, name) = qualified(name);
                match object_type {
                    ObjectType::Table => Op::DropTable {
                        table: Box::new(Table {
                            schema,
                            name,
                            ..Table::default()
                        }),
                        side: Side::Database,
                    },
                    ObjectType::Type => Op::DropEnumType {
                        enum_type: EnumType {
                            schema,
                            name,
                            values: Vec::new(),
                        },
                    },
                    ObjectType::Database => Op::Command(Command::DropDatabase { name }),
                    _ => Op::Command(fallback.clone()),
                }
            })
            .collect(),
        Statement::Comment {
            object_type: sqlparser::ast::CommentObject::Table,
            object_name,
            comment,
            ..
        } => {
            let table = table_ref(qualified(&object_name));
            vec![match comment {
                Some(comment) => Op::CreateTableComment {
                    table,
                    comment,
                    existing: None,
                },
                None => Op::DropTableComment {
                    table,
                    existing: String::new(),
                },
            }]
        }
        _ => vec![Op::Command(fallback.clone())],
    }
}

fn alter_operation(
    reader: &mut SqlReader<'_>,
    table: &TableRef,
    operation: AlterTableOperation,
    span: Span,
) -> Vec<Op> {
    let mut scratch = scratch(table);
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => {
            reader.add_column(&mut scratch, column_def, span);
            added_columns(table, scratch)
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => {
            let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
            let ops = match constraint {
                TableConstraint::UniqueUsingIndex(using)
                | TableConstraint::PrimaryKeyUsingIndex(using) => {
                    vec![Op::Command(Command::ConstraintUsingIndex {
                        table: table.clone(),
                        name: using.name.map(|n| n.value),
                        index: using.index_name.value,
                        primary,
                    })]
                }
                constraint => {
                    reader.add_constraint(&mut scratch, constraint, span);
                    constraint_ops(table, scratch)
                }
            };
            if not_valid {
                ops.into_iter()
                    .map(|op| Op::NotValid(Box::new(op)))
                    .collect()
            } else {
                ops
            }
        }
        AlterTableOperation::DropColumn { column_names, .. } => column_names
            .into_iter()
            .map(|column| Op::DropColumn {
                table: table.clone(),
                column: Box::new(Column::new(column.value, SqlType::Named(String::new()))),
                side: Side::Database,
            })
            .collect(),
        AlterTableOperation::DropConstraint { name, .. } => vec![Op::DropConstraint {
            table: table.clone(),
            name: Some(name.value),
            kind: None,
            check: None,
        }],
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let mut change = alter(table, &old_column_name.value);
            change.new_name = Some(new_column_name.value);
            vec![Op::AlterColumn(Box::new(change))]
        }
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
            vec![Op::RenameTable {
                schema: table.schema.clone(),
                old: table.name.clone(),
                new: qualified(&new).1,
            }]
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let mut change = alter(table, &column_name.value);
            let mut target = change.ty.existing.clone();
            match op {
                AlterColumnOperation::SetNotNull => change.nullable.target = Some(false),
                AlterColumnOperation::DropNotNull => change.nullable.target = Some(true),
                AlterColumnOperation::SetDefault { value } => {
                    target.column.server_default = Some(value.to_string());
                    change.server_default.target = Some(target);
                }
                AlterColumnOperation::DropDefault => {
                    change.server_default.existing.column.server_default = Some(String::new());
                    change.server_default.target = Some(target);
                }
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    target.column.ty = super::types::column_type(&data_type).ty;
                    change.ty.target = Some(target);
                }
                other => {
                    return vec![Op::Command(Command::Other {
                        verb: format!("ALTER COLUMN {other}"),
                    })];
                }
            }
            vec![Op::AlterColumn(Box::new(change))]
        }
        AlterTableOperation::SetLogged | AlterTableOperation::SetUnlogged => {
            vec![Op::Command(Command::SetLogged {
                table: table.clone(),
                logged: matches!(operation, AlterTableOperation::SetLogged),
            })]
        }
        AlterTableOperation::ValidateConstraint { name } => {
            vec![Op::Command(Command::ValidateConstraint {
                table: table.clone(),
                name: name.value,
            })]
        }
        other => vec![Op::Command(Command::Other {
            verb: format!("ALTER TABLE … {other}"),
        })],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(sql: &str) -> Vec<Op> {
        let (ops, diagnostics) = ops_of(sql);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        ops
    }

    #[test]
    fn ddl_with_an_alembic_counterpart_becomes_that_op() {
        let read = ops(
            "CREATE INDEX CONCURRENTLY ix_a ON public.t (a) WHERE a > 0;\n\
             ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;\n\
             ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE bigint;\n\
             ALTER TABLE t ADD COLUMN c integer NOT NULL REFERENCES u (id);\n\
             DROP INDEX CONCURRENTLY IF EXISTS ix_b;\n\
             ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'",
        );
        let [
            Op::Concurrently(index),
            Op::NotValid(fk),
            Op::AlterColumn(not_null),
            Op::AlterColumn(ty),
            Op::AddColumn { column, .. },
            Op::CreateForeignKey { .. },
            Op::Concurrently(drop),
            Op::AddEnumValue { value, after, .. },
        ] = read.as_slice()
        else {
            panic!("{read:#?}");
        };
        assert!(
            matches!(&**index, Op::CreateIndex { table, index, .. } if table.name == "t" && table.schema.is_none() && index.r#where.as_deref() == Some("a > 0"))
        );
        assert!(matches!(&**fk, Op::CreateForeignKey { fk, .. } if fk.referred_table == "u"));
        assert_eq!(not_null.nullable.target, Some(false));
        assert_eq!(
            ty.ty.target.as_ref().map(|t| &t.column.ty),
            Some(&SqlType::BigInt)
        );
        assert!(!column.nullable);
        assert!(
            matches!(&**drop, Op::DropIndex { index, .. } if index.name.as_deref() == Some("ix_b"))
        );
        assert_eq!((value.as_str(), after.as_deref()), ("meh", Some("ok")));
    }

    #[test]
    fn commands_without_an_alembic_op_are_named() {
        let read = ops(
            "BEGIN; SET LOCAL lock_timeout = '5s'; VACUUM (FULL, VERBOSE) big;\n\
             REINDEX TABLE CONCURRENTLY big; TRUNCATE TABLE a, s.b CASCADE;\n\
             UPDATE ONLY big SET x = 1; ALTER TABLE big SET UNLOGGED;\n\
             ALTER TABLE big VALIDATE CONSTRAINT fk; LOCK TABLE big IN SHARE MODE;\n\
             DROP DATABASE prod; SELECT 1; COMMIT",
        );
        let commands: Vec<String> = read
            .iter()
            .map(|op| match op {
                Op::Command(c) => c.sql(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            commands,
            [
                "BEGIN",
                "SET LOCAL lock_timeout = '5s'",
                "VACUUM FULL big",
                "REINDEX (CONCURRENTLY) TABLE big",
                "TRUNCATE a, s.b",
                "UPDATE big",
                "ALTER TABLE big SET UNLOGGED",
                "ALTER TABLE big VALIDATE CONSTRAINT fk",
                "LOCK TABLE big IN SHARE MODE",
                "DROP DATABASE prod",
                "SELECT 1",
                "COMMIT"
            ]
        );
    }

    #[test]
    fn a_statement_that_does_not_parse_costs_only_itself() {
        let (read, diagnostics) = read_ops("CREATE TABLE (;\nDROP TABLE old");
        assert_eq!(diagnostics.len(), 1);
        assert!(
            matches!(&read[..], [Located { op: Op::DropTable { table, .. }, span }] if table.name == "old" && span.start == 16)
        );
    }
}
