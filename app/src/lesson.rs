//! Lessons: the seed's safe patterns walked through step by step on PGlite.
//!
//! Each step is a revision's `upgrade()` body the learner may edit. The
//! analysis worker writes its SQL (`alembic upgrade --sql`, the same as the
//! SQL pane); the page runs it on PGlite, reads the locks each transaction
//! holds before it commits (`pg_locks`), and checks the result against the
//! step's goal: the real error where the step is about one, or a query on
//! the catalogue. Steps build on each other: running step N on a fresh
//! database first replays the earlier steps that succeed, as written.

use leptos::prelude::*;
use leptos::task::spawn_local;
use retort_core::protocol::SourceFile;

use crate::analysis;
use crate::editor::{CodeEditor, Language};
use crate::pglite::{Database, DbError, Value};
use crate::postgres::Postgres;
use crate::workspace::Workspace;

/// What a step must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// PostgreSQL refuses it with this SQLSTATE.
    Fails(&'static str),
    /// It runs, and this query then returns the single value `expected`.
    Succeeds {
        check: &'static str,
        expected: &'static str,
        /// What the check means, for the verdict.
        means: &'static str,
    },
}

/// One step of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub title: &'static str,
    pub explain: &'static str,
    /// `upgrade()`'s body, as the lesson writes it.
    pub ops: &'static str,
    pub goal: Goal,
}

/// A lesson: its id (in links), title and steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub steps: &'static [Step],
}

const NULL_BIOS: &str = "SELECT count(*)::text FROM lesson_users WHERE bio IS NULL";
const BIO_NOT_NULL: &str = "SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'lesson_users'::regclass AND attname = 'bio'";

pub const NOT_NULL: Lesson = Lesson {
    id: "not-null",
    title: "The 3-step NOT NULL pattern",
    steps: &[
        Step {
            title: "A table with rows",
            explain: "Production tables are not empty. This one gets 10,000 users, so that every step below meets rows, as a deploy would.",
            ops: "op.execute(\"DROP TABLE IF EXISTS lesson_users\")\nop.create_table(\n    'lesson_users',\n    sa.Column('id', sa.Integer(), primary_key=True),\n    sa.Column('email', sa.Text(), nullable=False),\n)\nop.execute(\"INSERT INTO lesson_users (id, email) SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 10000) g\")\n",
            goal: Goal::Succeeds {
                check: "SELECT count(*)::text FROM lesson_users",
                expected: "10000",
                means: "the table holds 10,000 rows",
            },
        },
        Step {
            title: "One step fails",
            explain: "What autogenerate writes for `bio: Mapped[str]`: a NOT NULL column with no default. PostgreSQL must fill the existing rows, has nothing to fill them with, and refuses: the deploy stops here.",
            ops: "op.add_column('lesson_users', sa.Column('bio', sa.Text(), nullable=False))\n",
            goal: Goal::Fails("23502"),
        },
        Step {
            title: "Add the column nullable",
            explain: "The pattern's first step. A nullable column without a default is a catalog change: PostgreSQL takes ACCESS EXCLUSIVE for milliseconds and touches no row. Old code keeps working; new code writes bio.",
            ops: "op.add_column('lesson_users', sa.Column('bio', sa.Text(), nullable=True))\n",
            goal: Goal::Succeeds {
                check: NULL_BIOS,
                expected: "10000",
                means: "bio exists, empty on every existing row",
            },
        },
        Step {
            title: "Backfill, in batches",
            explain: "The second step. Fill the existing rows. On a big table, one UPDATE holds its row locks and its transaction for the whole table, and replicas fall behind: batches, each committed on its own (an autocommit block), keep every lock short. Here, four batches of 2,500.",
            ops: "with op.get_context().autocommit_block():\n    op.execute(\"UPDATE lesson_users SET bio = '' WHERE id BETWEEN 1 AND 2500 AND bio IS NULL\")\n    op.execute(\"UPDATE lesson_users SET bio = '' WHERE id BETWEEN 2501 AND 5000 AND bio IS NULL\")\n    op.execute(\"UPDATE lesson_users SET bio = '' WHERE id BETWEEN 5001 AND 7500 AND bio IS NULL\")\n    op.execute(\"UPDATE lesson_users SET bio = '' WHERE id BETWEEN 7501 AND 10000 AND bio IS NULL\")\n",
            goal: Goal::Succeeds {
                check: NULL_BIOS,
                expected: "0",
                means: "no row is left without a bio",
            },
        },
        Step {
            title: "SET NOT NULL",
            explain: "The third step. Every row has a value, so the constraint holds. But SET NOT NULL scans the whole table to prove it, under ACCESS EXCLUSIVE: reads and writes wait for the scan.",
            ops: "op.alter_column('lesson_users', 'bio', existing_type=sa.Text(), nullable=False)\n",
            goal: Goal::Succeeds {
                check: BIO_NOT_NULL,
                expected: "true",
                means: "bio is NOT NULL",
            },
        },
        Step {
            title: "PostgreSQL 12+: without the long lock",
            explain: "A CHECK (bio IS NOT NULL) added NOT VALID takes its lock for an instant; VALIDATE scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on; SET NOT NULL then trusts the validated check and skips the scan. The check is dropped after. (The step first makes bio nullable again, to show the whole way.)",
            ops: "op.alter_column('lesson_users', 'bio', existing_type=sa.Text(), nullable=True)\nop.create_check_constraint('ck_lesson_users_bio', 'lesson_users', 'bio IS NOT NULL', postgresql_not_valid=True)\nwith op.get_context().autocommit_block():\n    op.execute('ALTER TABLE lesson_users VALIDATE CONSTRAINT ck_lesson_users_bio')\nop.alter_column('lesson_users', 'bio', existing_type=sa.Text(), nullable=False)\nop.drop_constraint('ck_lesson_users_bio', 'lesson_users', type_='check')\n",
            goal: Goal::Succeeds {
                check: BIO_NOT_NULL,
                expected: "true",
                means: "bio is NOT NULL again, and the long scan ran without blocking writes",
            },
        },
    ],
};

pub const CONCURRENTLY: Lesson = Lesson {
    id: "concurrently",
    title: "Indexes without blocking writes",
    steps: &[
        Step {
            title: "A table with rows",
            explain: "10,000 orders, as a busy table would have (many more, in production).",
            ops: "op.execute(\"DROP TABLE IF EXISTS lesson_orders\")\nop.create_table(\n    'lesson_orders',\n    sa.Column('id', sa.Integer(), primary_key=True),\n    sa.Column('status', sa.Text(), nullable=False),\n)\nop.execute(\"INSERT INTO lesson_orders (id, status) SELECT g, (ARRAY['new', 'paid', 'sent'])[1 + g % 3] FROM generate_series(1, 10000) g\")\n",
            goal: Goal::Succeeds {
                check: "SELECT count(*)::text FROM lesson_orders",
                expected: "10000",
                means: "the table holds 10,000 rows",
            },
        },
        Step {
            title: "A plain index blocks writes",
            explain: "What autogenerate writes for index=True. CREATE INDEX holds a SHARE lock for the whole build: reads go on, every INSERT, UPDATE and DELETE waits, for minutes on a big table. See the lock below.",
            ops: "op.create_index('ix_lesson_orders_status', 'lesson_orders', ['status'])\n",
            goal: Goal::Succeeds {
                check: "SELECT count(*)::text FROM pg_indexes WHERE indexname = 'ix_lesson_orders_status'",
                expected: "1",
                means: "the index exists",
            },
        },
        Step {
            title: "CONCURRENTLY cannot run in a transaction",
            explain: "postgresql_concurrently=True builds without blocking writes, in several passes that each wait for the transactions before them, so PostgreSQL refuses to run it inside a transaction block, which is where Alembic runs every migration.",
            ops: "op.drop_index('ix_lesson_orders_status', table_name='lesson_orders')\nop.create_index('ix_lesson_orders_status', 'lesson_orders', ['status'], postgresql_concurrently=True)\n",
            goal: Goal::Fails("25001"),
        },
        Step {
            title: "In an autocommit block",
            explain: "op.get_context().autocommit_block() commits what came before and runs its ops outside a transaction: the concurrent build works, and writes go on during it. If it fails it leaves an INVALID index: drop it and run again.",
            ops: "op.drop_index('ix_lesson_orders_status', table_name='lesson_orders')\nwith op.get_context().autocommit_block():\n    op.create_index('ix_lesson_orders_status', 'lesson_orders', ['status'], postgresql_concurrently=True)\n",
            goal: Goal::Succeeds {
                check: "SELECT (count(*) FILTER (WHERE i.indisvalid))::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_lesson_orders_status'",
                expected: "1",
                means: "the index exists and is valid",
            },
        },
    ],
};

pub const LESSONS: [Lesson; 2] = [NOT_NULL, CONCURRENTLY];

pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// The step's ops as a revision file the worker can write SQL for.
pub fn revision(ops: &str) -> String {
    let body: String = ops
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    let body = if body.trim().is_empty() {
        "    pass\n".to_string()
    } else {
        body
    };
    format!(
        "\"\"\"lesson step\n\nRevision ID: lesson\nRevises:\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'lesson'\ndown_revision = None\n\n\ndef upgrade():\n{body}\n\ndef downgrade():\n    pass\n"
    )
}

/// The statements of an offline script that the lesson runs: all but the
/// version table's bookkeeping, comments and blank lines.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        if line.trim_start().starts_with("--") || (current.is_empty() && line.trim().is_empty()) {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            let statement = std::mem::take(&mut current);
            if !statement.contains("alembic_version") {
                out.push(statement.trim().to_string());
            }
        }
    }
    if !current.trim().is_empty() && !current.contains("alembic_version") {
        out.push(current.trim().to_string());
    }
    out
}

/// Locks held by this session on the lesson's tables.
const LOCKS: &str = "SELECT c.relname::text, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
     WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p') \
     AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 2";

/// What running a step gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ran {
    pub sql: Vec<String>,
    /// Per transaction: the statements' first lines and the locks held
    /// before it committed.
    pub locks: Vec<(String, Vec<(String, String)>)>,
    pub error: Option<DbError>,
    /// The goal's check: its value.
    pub checked: Option<String>,
}

impl Ran {
    /// Whether the run shows what the step is about.
    pub fn passes(&self, goal: Goal) -> bool {
        match goal {
            Goal::Fails(code) => self
                .error
                .as_ref()
                .is_some_and(|e| e.code.as_deref() == Some(code)),
            Goal::Succeeds { expected, .. } => {
                self.error.is_none() && self.checked.as_deref() == Some(expected)
            }
        }
    }
}

async fn locks_held(db: &Database) -> Vec<(String, String)> {
    match db.query(LOCKS, &[]).await {
        Ok(result) => result
            .rows
            .into_iter()
            .map(|row| {
                let cell = |i: usize| row.get(i).map(Value::to_string).unwrap_or_default();
                (cell(0), cell(1))
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn first_line(statement: &str) -> String {
    statement
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(90)
        .collect()
}

/// Runs `statements` as the offline script says (BEGIN … COMMIT, and
/// autocommit parts outside), each statement outside a transaction in one
/// of its own so that its locks can be read (but CONCURRENTLY, which
/// cannot be in one).
async fn run_statements(db: &Database, statements: &[String], ran: &mut Ran) {
    let mut in_transaction = false;
    let mut group: Vec<String> = Vec::new();
    for statement in statements {
        let upper = statement.trim().trim_end_matches(';').to_ascii_uppercase();
        if upper == "BEGIN" {
            in_transaction = true;
            group.clear();
            if let Err(e) = db.exec(statement).await {
                ran.error = Some(e);
                return;
            }
            continue;
        }
        if upper == "COMMIT" {
            let held = locks_held(db).await;
            if !group.is_empty() {
                ran.locks.push((group.join(" · "), held));
            }
            in_transaction = false;
            if let Err(e) = db.exec(statement).await {
                ran.error = Some(e);
                return;
            }
            continue;
        }
        if in_transaction {
            group.push(first_line(statement));
            if let Err(e) = db.exec(statement).await {
                ran.error = Some(e);
                let _ = db.exec("ROLLBACK").await;
                return;
            }
            continue;
        }
        if upper.contains("CONCURRENTLY") {
            if let Err(e) = db.exec(statement).await {
                ran.error = Some(e);
                return;
            }
            ran.locks.push((
                first_line(statement),
                vec![(
                    "(its table)".to_string(),
                    "ShareUpdateExclusiveLock, during the build: writes go on".to_string(),
                )],
            ));
            continue;
        }
        let own = async {
            db.exec("BEGIN").await?;
            db.exec(statement).await?;
            let held = locks_held(db).await;
            db.exec("COMMIT").await?;
            Ok::<_, DbError>(held)
        };
        match own.await {
            Ok(held) => ran.locks.push((first_line(statement), held)),
            Err(e) => {
                let _ = db.exec("ROLLBACK").await;
                ran.error = Some(e);
                return;
            }
        }
    }
    if in_transaction {
        let _ = db.exec("ROLLBACK").await;
    }
}

/// The SQL the worker writes for `ops`.
async fn sql_of(ops: &str) -> Result<String, String> {
    let files = vec![SourceFile {
        path: "lesson.py".to_string(),
        text: revision(ops),
    }];
    let path = analysis::path_sql(files, "head".to_string()).await?;
    if path.problems.is_empty() {
        Ok(path.sql)
    } else {
        Err(path.problems.join("; "))
    }
}

/// Runs one step's ops and its check.
async fn run_step(db: &Database, ops: &str, goal: Goal) -> Result<Ran, String> {
    let sql = sql_of(ops).await?;
    let mut ran = Ran {
        sql: statements(&sql),
        ..Ran::default()
    };
    let statements = ran.sql.clone();
    run_statements(db, &statements, &mut ran).await;
    if let (None, Goal::Succeeds { check, .. }) = (&ran.error, goal) {
        ran.checked = match db.query(check, &[]).await {
            Ok(result) => result
                .rows
                .first()
                .and_then(|row| row.first())
                .map(Value::to_string),
            Err(e) => Some(format!("the check failed: {e}")),
        };
    }
    Ok(ran)
}

#[component]
pub fn LessonPanel(workspace: Workspace, postgres: Postgres) -> impl IntoView {
    let lesson = Memo::new(move |_| {
        workspace
            .lesson
            .get()
            .and_then(|(id, step)| find(&id).map(|l| (l, (step as usize).min(l.steps.len() - 1))))
    });
    let ops = RwSignal::new(String::new());
    let ran = RwSignal::new(None::<Ran>);
    let busy = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    // The steps this database has run (a new page starts with none).
    let done = StoredValue::new(None::<(&'static str, usize)>);
    // A new step: its own ops in the editor, nothing run yet.
    Effect::new(move |_| {
        if let Some((lesson, step)) = lesson.get() {
            ops.set(lesson.steps[step].ops.to_string());
            ran.set(None);
            status.set(String::new());
        }
    });
    let run = move |_| {
        let Some((lesson, step)) = lesson.get_untracked() else {
            return;
        };
        busy.set(true);
        let text = ops.get_untracked();
        spawn_local(async move {
            status.set("Starting PostgreSQL…".into());
            let db = match postgres.database().await {
                Ok(db) => db,
                Err(e) => {
                    status.set(format!("PostgreSQL did not start: {e}"));
                    busy.set(false);
                    return;
                }
            };
            // The earlier steps this database has not run, as the lesson
            // writes them (those that succeed).
            let from = match done.get_value() {
                Some((id, through)) if id == lesson.id && through < step => through + 1,
                Some((id, _)) if id == lesson.id => step,
                _ => 0,
            };
            for (i, earlier) in lesson.steps.iter().enumerate().take(step).skip(from) {
                if matches!(earlier.goal, Goal::Fails(_)) {
                    continue;
                }
                status.set(format!("Replaying step {} first…", i + 1));
                if let Err(message) = run_step(&db, earlier.ops, earlier.goal).await {
                    status.set(format!("Step {} could not be replayed: {message}", i + 1));
                    busy.set(false);
                    return;
                }
            }
            status.set("Running…".into());
            let step_def = lesson.steps[step];
            match run_step(&db, &text, step_def.goal).await {
                Ok(result) => {
                    status.set(String::new());
                    ran.set(Some(result));
                    done.set_value(Some((lesson.id, step)));
                }
                Err(message) => status.set(format!("The SQL could not be written: {message}")),
            }
            busy.set(false);
        });
    };
    let go = move |delta: i64| {
        workspace.lesson.update(|l| {
            if let Some((id, step)) = l
                && let Some(lesson) = find(id)
            {
                let next = (i64::from(*step) + delta).clamp(0, lesson.steps.len() as i64 - 1);
                *step = next as u32;
            }
        });
    };
    view! {
        {move || lesson.get().map(|(lesson, step)| {
            let current = lesson.steps[step];
            let passed = move || ran.with(|r| r.as_ref().map(|r| r.passes(current.goal)));
            view! {
                <section class="lesson" data-testid="lesson" data-lesson=lesson.id aria-label=lesson.title>
                    <header class="lesson-head">
                        <h2>{format!("Lesson: {}", lesson.title)}</h2>
                        <button type="button" data-testid="lesson-close"
                            on:click=move |_| workspace.lesson.set(None)>"Close"</button>
                    </header>
                    <ol class="lesson-steps">
                        {lesson.steps.iter().enumerate().map(|(i, s)| view! {
                            <li data-testid="lesson-step" data-step=(i + 1).to_string()
                                class:current=i == step class:passed=i < step>
                                <button type="button" class="link"
                                    on:click=move |_| workspace.lesson.update(|l| if let Some((_, n)) = l { *n = i as u32 })>
                                    {s.title}
                                </button>
                            </li>
                        }).collect_view()}
                    </ol>
                    <div class="lesson-body" data-testid="lesson-current" data-step=(step + 1).to_string()>
                        <h3>{format!("Step {}: {}", step + 1, current.title)}</h3>
                        <p>{current.explain}</p>
                        <p class="muted">{match current.goal {
                            Goal::Fails(code) => format!("Goal: PostgreSQL refuses this (SQLSTATE {code}). Edit it and run it again to see how."),
                            Goal::Succeeds { means, .. } => format!("Goal: {means}."),
                        }}</p>
                        <CodeEditor language=Language::Python text=ops test_id="lesson-ops" label="This step's upgrade()" />
                        <div class="lesson-bar">
                            <button type="button" class="primary" data-testid="lesson-run"
                                prop:disabled=move || busy.get() on:click=run>"Run on PGlite"</button>
                            <button type="button" data-testid="lesson-reset"
                                on:click=move |_| { ops.set(current.ops.to_string()); ran.set(None); }>"The lesson's text"</button>
                            <button type="button" data-testid="lesson-prev" prop:disabled={step == 0}
                                on:click=move |_| go(-1)>"Back"</button>
                            <button type="button" data-testid="lesson-next"
                                prop:disabled={move || step + 1 >= lesson.steps.len() || passed() != Some(true)}
                                on:click=move |_| go(1)>"Next step"</button>
                            <span class="muted" role="status" data-testid="lesson-status">{move || status.get()}</span>
                        </div>
                        {move || ran.get().map(|r| {
                            let verdict = if r.passes(current.goal) { "pass" } else { "fail" };
                            let headline = match (&r.error, current.goal) {
                                (Some(e), Goal::Fails(code)) if e.code.as_deref() == Some(code) =>
                                    format!("As expected, PostgreSQL refused it: {e}"),
                                (Some(e), _) => format!("PostgreSQL refused it: {e}"),
                                (None, Goal::Fails(code)) => format!("It ran: this step is about the error {code}, which did not happen."),
                                (None, Goal::Succeeds { means, expected, .. }) if r.checked.as_deref() == Some(expected) =>
                                    format!("It ran, and {means}."),
                                (None, Goal::Succeeds { means, expected, .. }) => format!(
                                    "It ran, but the check wanted {expected} ({means}) and found {}.",
                                    r.checked.clone().unwrap_or_default()
                                ),
                            };
                            view! {
                                <div class="lesson-result" data-testid="lesson-check" data-verdict=verdict>
                                    <p class="headline">{headline}</p>
                                    <details open>
                                        <summary>"The SQL it ran"</summary>
                                        <pre data-testid="lesson-sql">{r.sql.join("\n")}</pre>
                                    </details>
                                    <table class="lesson-locks" data-testid="lesson-locks">
                                        <thead><tr><th>"transaction"</th><th>"table"</th><th>"lock held before commit"</th></tr></thead>
                                        <tbody>
                                            {r.locks.iter().flat_map(|(what, held)| {
                                                held.iter().map(move |(table, mode)| view! {
                                                    <tr><td><code>{what.clone()}</code></td><td>{table.clone()}</td><td>{mode.clone()}</td></tr>
                                                })
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                        })}
                    </div>
                </section>
            }
        })}
    }
}

/// The buttons that open a lesson (at its first step).
#[component]
pub fn LessonLinks(workspace: Workspace) -> impl IntoView {
    LESSONS
        .iter()
        .map(|lesson| {
            let id = lesson.id;
            view! {
                <li>
                    <button type="button" class="lesson-open" data-testid="lesson-open" data-lesson=id
                        on:click=move |_| workspace.lesson.set(Some((id.to_string(), 0)))>
                        {format!("Lesson: {}", lesson.title)}
                    </button>
                </li>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offline_script_without_the_version_table() {
        let sql = "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL\n);\n\n-- Running upgrade  -> lesson\n\nALTER TABLE lesson_users ADD COLUMN bio TEXT;\n\nINSERT INTO alembic_version (version_num) VALUES ('lesson') RETURNING alembic_version.version_num;\n\nCOMMIT;\n\n";
        assert_eq!(
            statements(sql),
            [
                "BEGIN;",
                "ALTER TABLE lesson_users ADD COLUMN bio TEXT;",
                "COMMIT;"
            ]
        );
    }

    #[test]
    fn steps_become_revisions_with_their_ops_indented() {
        let text = revision("op.f()\nwith x:\n    op.g()\n");
        assert!(
            text.contains("def upgrade():\n    op.f()\n    with x:\n        op.g()\n"),
            "{text}"
        );
        assert!(revision("").contains("def upgrade():\n    pass\n"));
    }

    #[test]
    fn every_lesson_has_a_failing_step_and_ends_in_success() {
        for lesson in LESSONS {
            assert!(
                lesson
                    .steps
                    .iter()
                    .any(|s| matches!(s.goal, Goal::Fails(_))),
                "{}",
                lesson.id
            );
            assert!(matches!(
                lesson.steps.last().map(|s| s.goal),
                Some(Goal::Succeeds { .. })
            ));
        }
    }
}
