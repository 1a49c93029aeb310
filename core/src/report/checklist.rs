//! The production checklist: the seed's deploy procedure (staging first, a
//! backup, a maintenance window for exclusive locks, `upgrade head`,
//! `current`, a smoke test, the way back) made specific to the revisions at
//! hand: which drop data and from where, which take ACCESS EXCLUSIVE on
//! tables others use, which build indexes that block writes, whether every
//! downgrade exists, and the commands with the real revision ids.
//!
//! [`checklist`] (feature `sql`) reads it from revision texts; [`markdown`]
//! and [`text`] write it, for a pull request and for a terminal. The page
//! adds what a rehearsal measured ([`Rehearsed`]).

use serde::{Deserialize, Serialize};

/// One revision's part of the checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionChecks {
    /// The revision id (`?` when the file gives none).
    pub id: String,
    /// Its `down_revision`s (none: the first revision).
    pub down: Vec<String>,
    pub message: String,
    /// What it drops with its data: "table `x`", "column `x.y`".
    pub drops: Vec<String>,
    /// ACCESS EXCLUSIVE on tables others can see.
    pub exclusive: Vec<Exclusive>,
    /// Indexes built without CONCURRENTLY on existing tables: (index,
    /// table).
    pub blocking_indexes: Vec<(String, String)>,
    /// What `downgrade()` holds: "ops", "empty", "not implemented",
    /// "missing".
    pub downgrade: String,
}

/// An ACCESS EXCLUSIVE lock on a table others use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusive {
    pub table: String,
    /// What happens while it is held ("catalog only", "rewrites the table
    /// and its indexes"…).
    pub work: String,
    /// The time it is held grows with the table.
    pub slow: bool,
}

/// What a rehearsal of the revisions showed (the page fills it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rehearsed {
    /// ACCESS EXCLUSIVE held, per table, in milliseconds, at the seed's
    /// size.
    pub held: Vec<(String, f64)>,
    /// Seed rows per table.
    pub rows: u32,
    /// The round trip (upgrade, downgrade, upgrade) passed; `None`: not
    /// run.
    pub round_trip: Option<bool>,
}

/// The checklist of a deployment: its revisions in the order they run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub entries: Vec<RevisionChecks>,
    pub rehearsed: Option<Rehearsed>,
}

impl Checklist {
    /// Where a full rollback goes: the first revision's `down_revision`
    /// (`base` for the first of all).
    pub fn start(&self) -> String {
        match self.entries.first() {
            None => "base".to_string(),
            Some(first) if first.down.is_empty() => "base".to_string(),
            Some(first) => first.down.join(" "),
        }
    }

    /// The revisions nothing here builds on: what `alembic current`
    /// shows after the upgrade.
    pub fn heads(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| !self.entries.iter().any(|o| o.down.contains(&e.id)))
            .map(|e| e.id.as_str())
            .collect()
    }
}

#[cfg(feature = "sql")]
pub use build::{checklist, entry, ordered};

#[cfg(feature = "sql")]
mod build {
    use super::{Checklist, Exclusive, RevisionChecks};
    use crate::lint::locks::{locks, unseen};
    use crate::lint::{Settings, Subject, display, revision_subject, table_of};
    use crate::op::Op;
    use crate::pg_lock::LockMode;
    use crate::revision::{Body, DownRevision, Revision, read_revision};

    /// The checklist of `texts` (revision files, in any order: they are
    /// put in the order they run, by `down_revision`).
    pub fn checklist(texts: &[&str], settings: &Settings) -> Checklist {
        let entries = texts
            .iter()
            .map(|text| {
                let (revision, _) = read_revision(text);
                let cx = revision_subject(&revision, text, settings);
                entry(&revision, &cx, settings)
            })
            .collect();
        ordered(entries)
    }

    /// The checklist of revisions already read and judged (the review's).
    pub fn ordered(mut entries: Vec<RevisionChecks>) -> Checklist {
        order(&mut entries);
        Checklist {
            entries,
            rehearsed: None,
        }
    }

    /// One revision's part, from the subject the rules judged.
    pub fn entry(revision: &Revision, cx: &Subject<'_>, settings: &Settings) -> RevisionChecks {
        let mut entry = RevisionChecks {
            id: revision.id.clone().unwrap_or_else(|| "?".to_string()),
            down: match &revision.down_revision {
                DownRevision::Base => Vec::new(),
                DownRevision::One(id) => vec![id.clone()],
                DownRevision::Merge(ids) => ids.clone(),
            },
            message: revision.message.clone(),
            downgrade: match revision.downgrade_body {
                Body::Ops if revision.migration.downgrade.is_empty() => "empty",
                Body::Ops => "ops",
                Body::Empty => "empty",
                Body::NotImplemented => "not implemented",
                Body::Missing => "missing",
            }
            .to_string(),
            ..RevisionChecks::default()
        };
        for step in cx.existing() {
            match step.op {
                Op::DropTable { .. } => {
                    if let Some(table) = table_of(step.op) {
                        entry.drops.push(format!("table `{}`", display(&table)));
                    }
                }
                Op::DropColumn { table, column, .. } => {
                    entry
                        .drops
                        .push(format!("column `{}.{}`", display(table), column.name))
                }
                Op::CreateIndex { table, index, .. } if !step.concurrently => {
                    entry.blocking_indexes.push((
                        index.name.clone().unwrap_or_else(|| "(unnamed)".into()),
                        display(table),
                    ));
                }
                _ => {}
            }
        }
        for step in &cx.steps {
            for lock in locks(step, settings) {
                if lock.mode != LockMode::AccessExclusive || unseen(step, &lock) {
                    continue;
                }
                let found = Exclusive {
                    work: lock.work.describe().to_string(),
                    slow: lock.work.slow(),
                    table: lock.table,
                };
                if !entry.exclusive.contains(&found) {
                    entry.exclusive.push(found);
                }
            }
        }
        entry
    }

    /// Puts `entries` in the order Alembic runs them: each after its
    /// `down_revision`s, siblings in the order given.
    fn order(entries: &mut Vec<RevisionChecks>) {
        let mut done: Vec<RevisionChecks> = Vec::with_capacity(entries.len());
        let mut left = std::mem::take(entries);
        while !left.is_empty() {
            let ready = left.iter().position(|e| {
                e.down
                    .iter()
                    .all(|d| !left.iter().any(|other| other.id == *d))
            });
            // A cycle (or duplicate ids): the rest as given.
            let at = ready.unwrap_or(0);
            done.push(left.remove(at));
        }
        *entries = done;
    }
}

fn quoted(id: &str, message: &str) -> String {
    if message.is_empty() {
        format!("`{id}`")
    } else {
        format!("`{id}` ({message})")
    }
}

/// The sections and their items, each a line of Markdown without its box.
pub fn sections(list: &Checklist) -> Vec<(&'static str, Vec<String>)> {
    let heads = list.heads();
    let head = match heads.as_slice() {
        [] => "head".to_string(),
        heads => heads.join(" "),
    };
    let upgrade = if heads.len() > 1 { "heads" } else { "head" };
    let start = list.start();
    let mut before =
        vec!["Run the migration on staging first, with a copy of production data.".to_string()];
    let drops: Vec<String> = list
        .entries
        .iter()
        .filter(|e| !e.drops.is_empty())
        .map(|e| format!("{} drops {}", quoted(&e.id, &e.message), e.drops.join(", ")))
        .collect();
    if drops.is_empty() {
        before.push("Take a database backup (no revision drops data, but a failed deploy is easier to undo from one).".into());
    } else {
        before.push(format!(
            "**Back up or snapshot the database first** (RDS: create a snapshot): {}. The downgrade brings back the columns or tables, not their values.",
            drops.join("; ")
        ));
    }
    let held = |table: &str| {
        list.rehearsed.as_ref().and_then(|r| {
            r.held
                .iter()
                .find(|(t, _)| t == table)
                .map(|(_, ms)| format!(", held {ms:.1} ms in the rehearsal at {} rows", r.rows))
        })
    };
    for e in list.entries.iter().filter(|e| !e.exclusive.is_empty()) {
        let tables: Vec<String> = e
            .exclusive
            .iter()
            .map(|x| {
                format!(
                    "`{}` ({}{})",
                    x.table,
                    x.work,
                    held(&x.table).unwrap_or_default()
                )
            })
            .collect();
        before.push(if e.exclusive.iter().any(|x| x.slow) {
            format!(
                "{} holds ACCESS EXCLUSIVE on {}: reads and writes wait for as long as the table takes. Deploy in a maintenance window, or use the safe pattern the review gives.",
                quoted(&e.id, &e.message),
                tables.join(", ")
            )
        } else {
            format!(
                "{} takes ACCESS EXCLUSIVE briefly on {}: set `lock_timeout` (e.g. `SET lock_timeout = '5s'`) so that it cannot queue behind a long transaction and stop all traffic, and retry if it times out.",
                quoted(&e.id, &e.message),
                tables.join(", ")
            )
        });
    }
    for e in &list.entries {
        for (index, table) in &e.blocking_indexes {
            before.push(format!(
                "{} builds index `{index}` on `{table}` without CONCURRENTLY: writes wait for the whole build. Build it concurrently, in `with op.get_context().autocommit_block():` with `postgresql_concurrently=True`.",
                quoted(&e.id, &e.message)
            ));
        }
    }
    let missing: Vec<String> = list
        .entries
        .iter()
        .filter(|e| e.downgrade != "ops")
        .map(|e| format!("{} ({})", quoted(&e.id, &e.message), e.downgrade))
        .collect();
    if missing.is_empty() {
        before.push(match list.rehearsed.as_ref().and_then(|r| r.round_trip) {
            Some(true) => "Every revision has a downgrade, and the round trip (upgrade, downgrade, upgrade) passed in the rehearsal.".into(),
            Some(false) => "Every revision has a downgrade, but the round trip failed in the rehearsal: fix it before deploying.".into(),
            None => format!(
                "Every revision has a downgrade: run the round trip on staging (`alembic upgrade {head}`, `alembic downgrade {start}`, `alembic upgrade {head}`)."
            ),
        });
    } else {
        before.push(format!(
            "**Write the missing downgrades**: {}. Without one there is no way back.",
            missing.join(", ")
        ));
    }
    let deploy = vec![
        format!("`alembic current`: expect `{start}`."),
        format!("`alembic upgrade {upgrade}`"),
        format!(
            "`alembic current`: expect {}.",
            heads
                .iter()
                .map(|h| format!("`{h} (head)`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        "Smoke test: the key user flows that touch the migrated tables.".to_string(),
    ];
    let back = vec![
        "`alembic downgrade -1`: back one revision, then investigate.".to_string(),
        format!("`alembic downgrade {start}`: back to before this deployment."),
    ];
    vec![
        ("Before", before),
        ("Deploy", deploy),
        ("If anything is wrong", back),
    ]
}

fn title(list: &Checklist) -> String {
    match list.entries.as_slice() {
        [] => "Deploying no revision".to_string(),
        [one] => format!("Deploying {}", quoted(&one.id, &one.message)),
        [first, .., last] => format!(
            "Deploying {} revisions: `{}` … `{}`",
            list.entries.len(),
            first.id,
            last.id
        ),
    }
}

/// The checklist as Markdown task lists, for a pull request's description.
pub fn markdown(list: &Checklist) -> String {
    let mut out = format!("### {}\n", title(list));
    for (section, lines) in sections(list) {
        out.push_str(&format!("\n**{section}**\n\n"));
        for line in lines {
            out.push_str(&format!("- [ ] {line}\n"));
        }
    }
    out
}

/// The checklist for a terminal: the same items, boxes as `[ ]`.
pub fn text(list: &Checklist) -> String {
    let mut out = format!("{}\n", title(list).replace('`', ""));
    for (section, lines) in sections(list) {
        out.push_str(&format!("\n{section}:\n"));
        for line in lines {
            out.push_str(&format!(
                "  [ ] {}\n",
                line.replace("**", "").replace('`', "")
            ));
        }
    }
    out
}

#[cfg(all(test, feature = "sql"))]
mod tests {
    use super::*;
    use crate::lint::Settings;

    const DROP: &str = r#""""drop legacy

Revision ID: b2
Revises: a1
"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.drop_column("users", "legacy")
    op.create_index("ix_users_email", "users", ["email"])


def downgrade():
    op.drop_index("ix_users_email", table_name="users")
    op.add_column("users", sa.Column("legacy", sa.Text()))
"#;

    const FIRST: &str = r#""""users

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    pass
"#;

    #[test]
    fn names_the_backup_the_index_and_the_missing_downgrade() {
        let list = checklist(&[DROP, FIRST], &Settings::default());
        let ids: Vec<&str> = list.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a1", "b2"]);
        assert_eq!(list.entries[1].drops, ["column `users.legacy`"]);
        assert_eq!(
            list.entries[1].blocking_indexes,
            [("ix_users_email".to_string(), "users".to_string())]
        );
        // Created in the same revision: the first has no exclusive lock
        // anyone else waits for.
        assert!(list.entries[0].exclusive.is_empty());
        assert!(!list.entries[1].exclusive.is_empty());
        let md = markdown(&list);
        assert!(
            md.contains("**Back up or snapshot the database first**"),
            "{md}"
        );
        assert!(
            md.contains("`b2` (drop legacy) drops column `users.legacy`"),
            "{md}"
        );
        assert!(
            md.contains("builds index `ix_users_email` on `users` without CONCURRENTLY"),
            "{md}"
        );
        assert!(
            md.contains("**Write the missing downgrades**: `a1` (users) (empty)"),
            "{md}"
        );
        assert!(
            md.contains("- [ ] `alembic current`: expect `base`."),
            "{md}"
        );
        assert!(
            md.contains("`alembic current`: expect `b2 (head)`."),
            "{md}"
        );
        assert!(md.contains("`alembic downgrade base`"), "{md}");
        let plain = text(&list);
        assert!(
            !plain.contains('`') && plain.contains("  [ ] alembic upgrade head"),
            "{plain}"
        );
    }

    #[test]
    fn a_safe_revision_asks_for_the_round_trip() {
        let list = checklist(
            &[FIRST
                .replace("    pass\n", "    op.drop_table(\"users\")\n")
                .as_str()],
            &Settings::default(),
        );
        let md = markdown(&list);
        assert!(
            md.contains("Every revision has a downgrade: run the round trip"),
            "{md}"
        );
        assert!(!md.contains("**Back up"), "{md}");
        assert!(!md.contains("CONCURRENTLY"), "{md}");
    }
}
