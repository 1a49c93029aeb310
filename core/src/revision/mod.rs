//! An Alembic revision file → [`Revision`]: its identifiers and its
//! `upgrade()` / `downgrade()` bodies as [`Op`]s.
//!
//! Nothing is executed. The `op.*` calls are read from the syntax tree;
//! what they build (`sa.Column(...)`, types, constraints) is read by the
//! model reader: each `create_table`, `add_column` and `alter_column` is
//! restated as a `sa.Table(...)` in a small generated module (with the
//! revision's own imports) and read like a model file, so a type means the
//! same in a revision as in a model. A statement retort cannot follow (a
//! helper call, a loop) stays in the ops as [`Op::Unread`], with a warning
//! at its position.

mod add_column;
mod locals;
mod ops;

use ops::BodyReader;

use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;

use crate::diagnostic::Diagnostic;
use crate::op::Migration;
use crate::op::{AlterColumn, Change, Op, Side, SidedColumn, TableRef};
use crate::python::{Finder, ModuleFile, ParseCache, keyword, string};
use crate::schema::{
    Column, EnumType, ForeignKey, Index, Schema, SqlType, Table, UniqueConstraint,
};
use crate::text::Span;

/// `down_revision`: none (a base), one, or several (a merge).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DownRevision {
    #[default]
    Base,
    One(String),
    Merge(Vec<String>),
}

/// What a `downgrade()` (or `upgrade()`) holds besides ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Body {
    /// Statements (possibly none read).
    #[default]
    Ops,
    /// Only `pass` (or a docstring, or comments).
    Empty,
    /// `raise NotImplementedError`.
    NotImplemented,
    /// The function is not in the file.
    Missing,
}

/// A revision file, read.
#[derive(Debug, Clone, Default)]
pub struct Revision {
    pub id: Option<String>,
    pub down_revision: DownRevision,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    /// The docstring's first line.
    pub message: String,
    /// The whole docstring, stripped (Alembic's `longdoc`).
    pub longdoc: String,
    /// The docstring's `Create Date:` value.
    pub create_date: Option<String>,
    pub migration: Migration,
    pub upgrade_body: Body,
    pub downgrade_body: Body,
    /// Enum types the revision's columns name (for `CREATE TYPE`).
    pub enums: Vec<EnumType>,
    /// Where each op of `migration.upgrade` and `.downgrade` is written:
    /// one span per op in pre-order (an autocommit block, then the ops
    /// inside it); the ops an [`Op::Sql`] stands for share its span.
    pub spans: (Vec<Span>, Vec<Span>),
}

impl Revision {
    /// The revision as the graph needs it (`None` without an id).
    pub fn node(&self) -> Option<crate::graph::Node> {
        Some(crate::graph::Node {
            id: self.id.clone()?,
            down: match &self.down_revision {
                DownRevision::Base => Vec::new(),
                DownRevision::One(d) => vec![d.clone()],
                DownRevision::Merge(ds) => ds.clone(),
            },
            depends_on: self.depends_on.clone(),
            branch_labels: self.branch_labels.clone(),
            // Alembic's `doc`: the docstring's first paragraph.
            doc: self.longdoc.split("\n\n").next().unwrap_or("").to_string(),
        })
    }
}

/// Reads a revision file. Never panics: what cannot be read is a diagnostic
/// (and an [`Op::Unread`] where it was a statement).
pub fn read_revision(source: &str) -> (Revision, Vec<Diagnostic>) {
    read(source, true, None)
}

/// Reads a revision file of a project: the names it imports from the
/// project's modules (a `TypeDecorator`, a constant in a server default)
/// are followed through `finder`, as the model reader follows a model's.
/// The project's modules are parsed once per `cache`, for all its files.
pub fn read_revision_in(
    source: &str,
    finder: &dyn Finder,
    cache: &ParseCache,
) -> (Revision, Vec<Diagnostic>) {
    read(source, true, Some((finder, cache)))
}

/// Reads what the revision graph needs — identifiers, docstring, whether
/// `upgrade()`/`downgrade()` do anything — without reading the ops (the
/// columns and types inside them are what takes time).
pub fn read_header(source: &str) -> (Revision, Vec<Diagnostic>) {
    read(source, false, None)
}

fn read<'s>(
    source: &'s str,
    with_ops: bool,
    finder: Option<(&'s dyn Finder, &'s ParseCache)>,
) -> (Revision, Vec<Diagnostic>) {
    let file = crate::python::parse(source);
    let mut diagnostics = file.diagnostics;
    let body = &file.module.body;
    let mut revision = Revision::default();
    if let Some(Stmt::Expr(first)) = body.first()
        && let Expr::StringLiteral(doc) = &*first.value
    {
        let doc = doc.value.to_str();
        revision.longdoc = doc.trim().to_string();
        revision.message = doc.lines().next().unwrap_or("").trim().to_string();
        revision.create_date = doc
            .lines()
            .find_map(|l| l.strip_prefix("Create Date:"))
            .map(|d| d.trim().to_string());
    }
    let imports: Vec<&str> = body
        .iter()
        .filter(|s| matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_)))
        .map(|s| &source[s.range()])
        .collect();
    let mut upgrade = None;
    let mut downgrade = None;
    for stmt in body {
        match stmt {
            Stmt::Assign(assign) => {
                if let [Expr::Name(target)] = assign.targets.as_slice() {
                    identifier(&mut revision, target.id.as_str(), &assign.value);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(target), Some(value)) = (&*assign.target, &assign.value) {
                    identifier(&mut revision, target.id.as_str(), value);
                }
            }
            Stmt::FunctionDef(def) if def.name.as_str() == "upgrade" => upgrade = Some(def),
            Stmt::FunctionDef(def) if def.name.as_str() == "downgrade" => downgrade = Some(def),
            _ => {}
        }
    }
    if revision.id.is_none() {
        diagnostics.push(
            Diagnostic::error(Span::new(0, 0), "no `revision = '...'` in the file")
                .with_help("a revision file names its id: revision = 'ae1027a6acf'"),
        );
    }
    let mut context = BodyReader {
        source,
        finder,
        imports,
        diagnostics: Vec::new(),
        enums: Vec::new(),
        batch: None,
        locals: Vec::new(),
        enum_locals: Vec::new(),
    };
    if with_ops {
        let (up, up_spans, up_body) = context.function(upgrade);
        let (down, down_spans, down_body) = context.function(downgrade);
        revision.spans = (up_spans, down_spans);
        revision.migration = Migration {
            upgrade: up,
            downgrade: down,
        };
        revision.upgrade_body = up_body;
        revision.downgrade_body = down_body;
    } else {
        revision.upgrade_body = body_kind(upgrade, source);
        revision.downgrade_body = body_kind(downgrade, source);
    }
    revision.enums = context.enums;
    diagnostics.extend(context.diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    (revision, diagnostics)
}

/// What a function body is, without reading its statements.
fn body_kind(def: Option<&StmtFunctionDef>, source: &str) -> Body {
    let Some(def) = def else {
        return Body::Missing;
    };
    let statements: Vec<&Stmt> = def
        .body
        .iter()
        .filter(|s| !matches!(s, Stmt::Expr(e) if e.value.is_string_literal_expr()))
        .collect();
    if statements.iter().all(|s| matches!(s, Stmt::Pass(_))) {
        return Body::Empty;
    }
    if let [Stmt::Raise(raise)] = statements.as_slice()
        && raise
            .exc
            .as_deref()
            .is_some_and(|e| source[e.range()].starts_with("NotImplementedError"))
    {
        return Body::NotImplemented;
    }
    Body::Ops
}

fn strings(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::StringLiteral(s) => vec![s.value.to_str().to_string()],
        Expr::Tuple(t) => t.elts.iter().filter_map(string).collect(),
        Expr::List(l) => l.elts.iter().filter_map(string).collect(),
        Expr::Set(s) => s.elts.iter().filter_map(string).collect(),
        _ => Vec::new(),
    }
}

fn identifier(revision: &mut Revision, name: &str, value: &Expr) {
    match name {
        "revision" => revision.id = string(value),
        "down_revision" => {
            revision.down_revision = match value {
                Expr::NoneLiteral(_) => DownRevision::Base,
                Expr::StringLiteral(s) => DownRevision::One(s.value.to_str().to_string()),
                other => {
                    let all = strings(other);
                    match all.as_slice() {
                        [] => DownRevision::Base,
                        [one] => DownRevision::One(one.clone()),
                        _ => DownRevision::Merge(all),
                    }
                }
            }
        }
        "branch_labels" => revision.branch_labels = strings(value),
        "depends_on" => revision.depends_on = strings(value),
        _ => {}
    }
}

fn span_of(node: &impl Ranged) -> Span {
    Span::new(node.start().to_usize(), node.end().to_usize())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::diff::{Options, plan};
    use crate::render::script::{Direction, ScriptRevision, script};
    use crate::render::{RenderOptions, RevisionHeader, database_enums, revision};

    const PAIRS: [(&str, &str); 6] = [
        (
            include_str!("../../../tests/fixtures/pairs/01_create_table/before.py"),
            include_str!("../../../tests/fixtures/pairs/01_create_table/after.py"),
        ),
        (
            include_str!("../../../tests/fixtures/pairs/16_drop_table/before.py"),
            include_str!("../../../tests/fixtures/pairs/16_drop_table/after.py"),
        ),
        (
            include_str!(
                "../../../tests/fixtures/pairs/33_create_table_enum_check_identity/before.py"
            ),
            include_str!(
                "../../../tests/fixtures/pairs/33_create_table_enum_check_identity/after.py"
            ),
        ),
        (
            include_str!("../../../tests/fixtures/pairs/47_type_and_nullable_together/before.py"),
            include_str!("../../../tests/fixtures/pairs/47_type_and_nullable_together/after.py"),
        ),
        (
            include_str!("../../../tests/fixtures/pairs/53_enum_value_added/before.py"),
            include_str!("../../../tests/fixtures/pairs/53_enum_value_added/after.py"),
        ),
        (
            include_str!("../../../tests/fixtures/pairs/54_quoted_names/before.py"),
            include_str!("../../../tests/fixtures/pairs/54_quoted_names/after.py"),
        ),
    ];

    #[test]
    fn a_rendered_revision_reads_back_to_the_same_sql() {
        for (before, after) in PAIRS {
            let (b, _) = crate::python::read_schema(before);
            let (a, _) = crate::python::read_schema(after);
            let enums = database_enums(&b);
            for (safe, batch) in [(true, false), (false, false), (false, true)] {
                let (steps, _) = plan(&b, &a, Options { safe }, &[], &[]);
                let migration = &steps[0].migration;
                let text = revision(
                    &RevisionHeader {
                        message: "m",
                        rev_id: "0123456789ab",
                        down_revision: None,
                        create_date: "now",
                    },
                    migration,
                    &RenderOptions {
                        database_enums: &enums,
                        batch,
                    },
                );
                let (read, diagnostics) = read_revision(&text);
                assert!(diagnostics.is_empty(), "{diagnostics:?}\n{text}");
                assert_eq!(read.id.as_deref(), Some("0123456789ab"));
                let mut all_enums = a.enums.clone();
                all_enums.extend(enums.iter().cloned());
                for direction in [Direction::Upgrade, Direction::Downgrade] {
                    let sql_of = |migration: &Migration, enums: &[EnumType]| {
                        script(
                            &[ScriptRevision::linear("0123456789ab", None, migration)],
                            direction,
                            enums,
                        )
                        .text
                    };
                    assert_eq!(
                        sql_of(&read.migration, &read.enums),
                        sql_of(migration, &all_enums),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn identifiers_merges_and_bodies_are_read() {
        let (read, diagnostics) = read_revision(
            "\"\"\"merge heads\n\nRevision ID: abc\nRevises: a1, b2\nCreate Date: 2026-11-24 10:00:00.000000\n\n\"\"\"\nfrom alembic import op\n\nrevision = 'abc'\ndown_revision = ('a1', 'b2')\nbranch_labels = ('feature',)\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    raise NotImplementedError()\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(read.message, "merge heads");
        assert_eq!(
            read.create_date.as_deref(),
            Some("2026-11-24 10:00:00.000000")
        );
        assert_eq!(
            read.down_revision,
            DownRevision::Merge(vec!["a1".into(), "b2".into()])
        );
        assert_eq!(read.branch_labels, ["feature"]);
        assert_eq!(read.upgrade_body, Body::Empty);
        assert_eq!(read.downgrade_body, Body::NotImplemented);
        let (read, _) = read_revision("revision = 'x'\ndown_revision = 'w'\n");
        assert_eq!(read.down_revision, DownRevision::One("w".into()));
        assert_eq!(read.downgrade_body, Body::Missing);
    }

    #[test]
    fn what_cannot_be_followed_is_kept_with_a_warning_at_its_place() {
        let source = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'x'\ndown_revision = None\n\n\ndef upgrade():\n    op.add_column('t', sa.Column('a', sa.Integer(), nullable=True))\n    for name in ('b', 'c'):\n        op.add_column('t', sa.Column(name, sa.Text()))\n    helper()\n    op.rename_table('t', 'u')\n";
        let (read, diagnostics) = read_revision(source);
        let ops = &read.migration.upgrade;
        assert_eq!(ops.len(), 4, "{ops:?}");
        assert!(
            matches!(&ops[0], Op::AddColumn { column, .. } if column.name == "a" && column.ty == SqlType::Integer)
        );
        assert!(matches!(&ops[1], Op::Unread { code } if code.starts_with("for name in")));
        assert!(matches!(&ops[2], Op::Unread { code } if code == "helper()"));
        assert!(matches!(&ops[3], Op::RenameTable { old, new, .. } if old == "t" && new == "u"));
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(
            &source[diagnostics[0].span.start..diagnostics[0].span.start + 3],
            "for"
        );
        assert!(diagnostics[0].message.contains("a loop"));
        // The SQL says what is missing instead of leaving it out silently.
        let sql = script(
            &[ScriptRevision::linear("x", None, &read.migration)],
            Direction::Upgrade,
            &read.enums,
        );
        assert_eq!(sql.errors.len(), 2);
        assert!(sql.text.contains("ALTER TABLE t RENAME TO u;"));
    }

    #[test]
    fn locals_state_reads_and_try_bodies_are_read() {
        let source = "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\n\
                      revision = 'x'\ndown_revision = None\n\n\ndef upgrade():\n    bind = op.get_bind()\n    \
                      tables = sa.inspect(bind).get_table_names()\n    status = postgresql.ENUM('a', 'b', name='status')\n    \
                      status.create(op.get_bind())\n    try:\n        \
                      op.add_column('t', sa.Column('s', status, nullable=True))\n        session.commit()\n    \
                      except Exception:\n        op.drop_table('never')\n    finally:\n        op.drop_column('t', 'old')\n";
        let (read, diagnostics) = read_revision(source);
        let ops = &read.migration.upgrade;
        assert_eq!(ops.len(), 4, "{ops:?}");
        assert!(matches!(&ops[0], Op::CreateEnumType { enum_type } if enum_type.name == "status"));
        assert!(
            matches!(&ops[1], Op::AddColumn { column, .. } if column.name == "s"
            && matches!(&column.ty, SqlType::Enum { name, .. } if name == "status")),
            "{:?}",
            ops[1]
        );
        assert!(matches!(&ops[2], Op::Unread { code } if code == "session.commit()"));
        assert!(matches!(&ops[3], Op::DropColumn { column, .. } if column.name == "old"));
        // Only the statement that is not followed is said.
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(read.spans.0.len(), 4);
    }

    #[test]
    fn syntax_errors_are_reported_and_the_rest_is_read() {
        let source = "from alembic import op\n\nrevision = 'x'\n\ndef upgrade():\n    op.drop_column('t', 'a')\n    op.drop_column('t',\n\ndef downgrade():\n    op.execute(sa.text('SELECT 1'))\n";
        let (read, diagnostics) = read_revision(source);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.starts_with("syntax error"))
        );
        assert!(
            matches!(&read.migration.upgrade[0], Op::DropColumn { column, .. } if column.name == "a")
        );
        assert!(
            matches!(&read.migration.downgrade[..], [Op::Sql { sql, ops }] if sql == "SELECT 1" && matches!(&ops[..], [Op::Command(crate::op::Command::Other { verb })] if verb == "SELECT 1"))
        );
    }
}
