//! Two schemas → the planned revisions: what `alembic revision
//! --autogenerate` would write, and what safe mode writes instead.
//!
//! This is the one entry point the `retort revision` command and the
//! playground's worker share. A [`PlanRequest`] gives the schema the database
//! has, the schema the models describe, and what the user decided
//! ([`Choices`]: safe mode, batch mode, renames, backfill expressions); the
//! [`Plan`] holds the revisions (one, or three when safe mode splits a `NOT
//! NULL` column), each with its id, parent, message and file text, and
//! what the user may decide next (the rename candidates, the backfills
//! used). The choice types carry no feature gate: the page sends them.

use serde::{Deserialize, Serialize};

/// A column rename: `table.old` becomes `table.new`, instead of a drop and
/// an add (a choice, or a candidate retort offers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenamedColumn {
    pub table: String,
    pub old: String,
    pub new: String,
}

/// A table rename: `[schema.]old` becomes `new`, instead of a drop and a
/// create (`schema` is `None` for the default one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenamedTable {
    pub schema: Option<String>,
    pub old: String,
    pub new: String,
}

/// How to fill the existing rows of a new `NOT NULL` column: the SQL
/// expression for `table.column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnFill {
    pub table: String,
    pub column: String,
    pub expression: String,
}

/// What the user decided about a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    /// Safe mode: retort's additions (see [`crate::diff::Options`]) and the
    /// 3-step `NOT NULL` split. Off: exactly Alembic's revision.
    pub safe: bool,
    /// Each existing table's ops in `with op.batch_alter_table(...)`, as
    /// `render_as_batch=True` writes them.
    pub batch: bool,
    pub renames: Vec<RenamedColumn>,
    pub table_renames: Vec<RenamedTable>,
    pub backfills: Vec<ColumnFill>,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            safe: true,
            batch: false,
            renames: Vec::new(),
            table_renames: Vec::new(),
            backfills: Vec::new(),
        }
    }
}

/// The file name Alembic's default `file_template` gives a revision:
/// `<id>_<slug>.py`.
pub fn file_name(id: &str, message: &str) -> String {
    format!("{id}_{}.py", slug(message))
}

/// Alembic's file-name slug: the message's words, lower case, joined by
/// `_`, cut at 40 characters on a word boundary.
pub fn slug(message: &str) -> String {
    truncated_slug(message, 40)
}

/// The slug cut at `length` characters (`truncate_slug_length`).
pub fn truncated_slug(message: &str, length: usize) -> String {
    let words: Vec<String> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let slug = words.join("_");
    if slug.chars().count() > length {
        let cut: String = slug.chars().take(length).collect();
        match cut.rsplit_once('_') {
            Some((head, _)) => format!("{head}_"),
            None => format!("{cut}_"),
        }
    } else {
        slug
    }
}

/// The id of the `step`-th revision after `base` in a split plan: 12 hex
/// digits derived from both, so the same first id gives the same chain.
pub fn derived_rev_id(base: &str, step: usize) -> String {
    // FNV-1a: stable across runs and platforms (unlike the std hasher).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base.bytes().chain(step.to_string().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

#[cfg(feature = "sql")]
pub use planning::{Plan, PlanRequest, PlannedRevision, plan};

#[cfg(feature = "sql")]
mod planning {
    use super::{Choices, RenamedColumn, RenamedTable, derived_rev_id, file_name};
    use crate::diagnostic::Diagnostic;
    use crate::diff::{self, Backfill, Rename, TableRename};
    use crate::lint;
    use crate::op::{Migration, Op};
    use crate::render::{self, RenderOptions, RevisionHeader};
    use crate::schema::{EnumType, Schema};

    /// A change to plan.
    #[derive(Debug, Clone, Copy)]
    pub struct PlanRequest<'a> {
        /// The schema the database has (Alembic reflects it).
        pub before: &'a Schema,
        /// The schema the models describe (`target_metadata`).
        pub after: &'a Schema,
        pub choices: &'a Choices,
        /// The revision message; a split plan's steps add their own in
        /// parentheses.
        pub message: &'a str,
        /// The first revision's id; the next ones are derived from it.
        pub rev_id: &'a str,
        /// The revision the first one follows.
        pub down_revision: Option<&'a str>,
        /// What the header's `Create Date:` says.
        pub create_date: &'a str,
    }

    /// One planned revision.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PlannedRevision {
        pub id: String,
        pub down_revision: Option<String>,
        pub message: String,
        /// `<id>_<slug>.py`, as Alembic names the file.
        pub file_name: String,
        pub migration: Migration,
        /// The revision file, as Alembic writes it.
        pub text: String,
    }

    /// The revisions for a change, and what the user may decide next.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Plan {
        pub revisions: Vec<PlannedRevision>,
        /// New `NOT NULL` columns the safe plan backfills, and with what.
        pub backfills: Vec<Backfill>,
        /// Dropped + created tables that look like renames.
        pub table_candidates: Vec<TableRename>,
        /// Dropped + added columns that look like renames (after the
        /// accepted table renames).
        pub column_candidates: Vec<Rename>,
        /// Table renames asked for that are no candidate: nothing renamed.
        pub refused_tables: Vec<RenamedTable>,
        /// Column renames asked for that are no candidate: nothing renamed.
        pub refused_columns: Vec<RenamedColumn>,
        /// Foreign keys in a cycle among new tables: the revision is
        /// written, but it cannot run.
        pub cycle: Option<Diagnostic>,
        /// The enum types the database has (a downgrade may re-create
        /// them).
        pub database_enums: Vec<EnumType>,
    }

    impl Plan {
        /// The revisions as one text, each opened by a
        /// [`render::separator`] line when there is more than one, with a
        /// blank line between them.
        pub fn chain(&self) -> String {
            let count = self.revisions.len();
            let mut text = String::new();
            for (i, revision) in self.revisions.iter().enumerate() {
                if count > 1 {
                    text.push_str(&render::separator(i + 1, count, &revision.file_name));
                }
                text.push_str(&revision.text);
                if i + 1 < count {
                    text.push('\n');
                }
            }
            text
        }
    }

    impl RenamedTable {
        /// Whether this choice accepts `candidate`.
        pub fn is(&self, candidate: &TableRename) -> bool {
            candidate.schema == self.schema
                && candidate.old == self.old
                && candidate.new == self.new
        }
    }

    impl RenamedColumn {
        /// Whether this choice accepts `candidate` (tables by name).
        pub fn is(&self, candidate: &Rename) -> bool {
            candidate.table.name == self.table
                && candidate.old == self.old
                && candidate.new == self.new
        }
    }

    /// Plans the revisions for `request`.
    pub fn plan(request: &PlanRequest<'_>) -> Plan {
        let PlanRequest {
            before,
            after,
            choices,
            ..
        } = *request;
        let cycle = diff::foreign_key_cycle(before, after);
        let table_candidates = diff::table_rename_candidates(before, after);
        let (table_renames, refused_tables) =
            accepted(&choices.table_renames, &table_candidates, RenamedTable::is);
        // Column renames are looked for after the accepted table renames.
        let renamed_before = diff::renamed_tables(before, &table_renames);
        let column_candidates = diff::rename_candidates(&renamed_before, after);
        let (renames, refused_columns) =
            accepted(&choices.renames, &column_candidates, RenamedColumn::is);
        let fills: Vec<(String, String, String)> = choices
            .backfills
            .iter()
            .map(|f| (f.table.clone(), f.column.clone(), f.expression.clone()))
            .collect();
        let (steps, backfills) = diff::plan_with_table_renames(
            before,
            after,
            diff::Options { safe: choices.safe },
            &fills,
            &renames,
            &table_renames,
        );
        let database_enums = render::database_enums(before);
        let context = RenderOptions {
            database_enums: &database_enums,
            batch: choices.batch,
        };
        let mut revisions: Vec<PlannedRevision> = Vec::new();
        for (i, mut step) in steps.into_iter().enumerate() {
            if choices.safe {
                lock_timeout_first(&mut step.migration);
            }
            let id = if i == 0 {
                request.rev_id.to_string()
            } else {
                derived_rev_id(request.rev_id, i)
            };
            let down_revision = match revisions.last() {
                Some(previous) => Some(previous.id.clone()),
                None => request.down_revision.map(str::to_string),
            };
            let message = if step.message.is_empty() {
                request.message.to_string()
            } else if request.message.is_empty() {
                step.message
            } else {
                format!("{} ({})", request.message, step.message)
            };
            let text = render::revision(
                &RevisionHeader {
                    message: &message,
                    rev_id: &id,
                    down_revision: down_revision.as_deref(),
                    create_date: request.create_date,
                },
                &step.migration,
                &context,
            );
            revisions.push(PlannedRevision {
                file_name: file_name(&id, &message),
                id,
                down_revision,
                message,
                migration: step.migration,
                text,
            });
        }
        Plan {
            revisions,
            backfills,
            table_candidates,
            column_candidates,
            refused_tables,
            refused_columns,
            cycle,
            database_enums,
        }
    }

    /// Safe mode: `SET lock_timeout` first in an upgrade or downgrade
    /// that would otherwise wait, with no limit, for a lock that blocks
    /// traffic (the review's `missing-lock-timeout`, and its fix).
    fn lock_timeout_first(migration: &mut Migration) {
        let settings = lint::Settings::default();
        for ops in [&mut migration.upgrade, &mut migration.downgrade] {
            // The review reads `op.execute` SQL (an enum type recreated
            // statement by statement): so does this.
            let read: Vec<Op> = ops
                .iter()
                .flat_map(|op| match op {
                    Op::Execute { sql, .. } if !sql.is_empty() => crate::sql::ops::read_ops(sql)
                        .0
                        .into_iter()
                        .map(|located| located.op)
                        .collect(),
                    other => vec![other.clone()],
                })
                .collect();
            if lint::rules::needs_lock_timeout(&read, &settings) {
                ops.insert(
                    0,
                    Op::Execute {
                        sql: format!("SET lock_timeout = '{}'", lint::fix::LOCK_TIMEOUT),
                        note: LOCK_TIMEOUT_NOTE,
                        undo: String::new(),
                        undo_note: "",
                    },
                );
            }
        }
    }

    const LOCK_TIMEOUT_NOTE: &str = "fail fast instead of queueing: while an ALTER waits for its lock, every query on the table waits behind it";

    /// The candidates some wanted item matches (in the candidates' order,
    /// so the plan does not depend on the order of the choices), and the
    /// wanted items that match none.
    fn accepted<W: Clone, C: Clone>(
        wanted: &[W],
        candidates: &[C],
        matches: impl Fn(&W, &C) -> bool,
    ) -> (Vec<C>, Vec<W>) {
        let found = candidates
            .iter()
            .filter(|c| wanted.iter().any(|w| matches(w, c)))
            .cloned()
            .collect();
        let refused = wanted
            .iter()
            .filter(|w| !candidates.iter().any(|c| matches(w, c)))
            .cloned()
            .collect();
        (found, refused)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn file_names_are_alembics() {
        assert_eq!(file_name("ab12", "Add users"), "ab12_add_users.py");
        assert_eq!(
            slug("a message long enough to be cut at forty characters"),
            "a_message_long_enough_to_be_cut_at_"
        );
        assert_eq!(slug("x (add nullable)"), "x_add_nullable");
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let ids: Vec<String> = (1..4).map(|i| derived_rev_id("0123456789ab", i)).collect();
        assert_eq!(ids[0], derived_rev_id("0123456789ab", 1));
        assert!(ids.iter().all(|id| id.len() == 12 && id != "0123456789ab"));
        assert_ne!(ids[0], ids[1]);
    }
}
