//! The rehearsal: Alembic's commands run for real on the page's PGlite.
//!
//! **Reset** builds the before state (the before model's schema, or an
//! empty database for a versions folder), an empty `alembic_version` and
//! the seed rows. A command (typed, or one of the buttons) is planned by
//! the worker from the revisions and the database's `alembic_version`
//! rows (`retort_core::rehearse`), and [`engine`] runs the plan, watching
//! each op. The timeline marks where the database is, as `alembic history
//! --indicate-current` does.

pub mod engine;
mod report;
pub mod scale;

use leptos::prelude::*;
use leptos::task::spawn_local;
use retort_core::pg_lock::LockMode;
use retort_core::protocol::{CompareTarget, Revisions, SourceFile};
use retort_core::rehearse::{Plan, PlannedOp, RunOptions, TimelineRow, VERSION_TABLE};
use retort_core::report::checklist::Rehearsed;

use crate::analysis::{self, ModelFolder, ModelInput};
use crate::pglite::{Database, DbError};
use crate::postgres::Postgres;
use crate::revision::RevisionText;
use engine::{Executed, SeenLock};

/// Where the rehearsal's revisions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The Revision pane (the chain safe mode writes, or the user's text).
    Revision,
    /// The History pane's versions folder.
    Folder,
}

/// What other panes may set: where the revisions come from, and the
/// command in the command line (the History pane points both at a
/// revision clicked).
#[derive(Clone, Copy)]
pub struct Controls {
    pub source: RwSignal<Source>,
    pub command: RwSignal<String>,
}

impl Controls {
    pub fn new() -> Self {
        Controls {
            source: RwSignal::new(Source::Revision),
            command: RwSignal::new("upgrade head".to_string()),
        }
    }
}

impl Default for Controls {
    fn default() -> Self {
        Self::new()
    }
}

/// A command and what came of it.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    command: String,
    plan: Plan,
    executed: Executed,
    source: Source,
}

/// The signals the rehearsal reads from the other panes.
#[derive(Clone, Copy)]
pub struct Inputs {
    pub before: RwSignal<String>,
    pub before_folder: RwSignal<Option<ModelFolder>>,
    pub after: RwSignal<String>,
    pub after_folder: RwSignal<Option<ModelFolder>>,
    pub revision: RevisionText,
    pub versions: RwSignal<Vec<SourceFile>>,
    /// Seed rows per table.
    pub rows: RwSignal<u32>,
    /// Each revision in its own transaction.
    pub per_migration: RwSignal<bool>,
    /// The seed SQL, and whether the user typed it (else it follows the
    /// before model).
    pub seed: RwSignal<String>,
    pub seed_edited: RwSignal<bool>,
    /// What the latest run of the Revision pane's text measured, for the
    /// production checklist.
    pub rehearsed: RwSignal<Option<Rehearsed>>,
}

fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// A verdict (`data-verdict`) and what it rests on.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    verdict: &'static str,
    headline: String,
    lines: Vec<String>,
}

/// Plans `line` against the database's own version rows and runs it.
async fn perform(
    db: &Database,
    revisions: Revisions,
    line: &str,
    options: RunOptions,
    cancel: StoredValue<bool>,
    status: RwSignal<String>,
) -> Result<(Plan, Executed), String> {
    let before = engine::current(db).await.map_err(|e| e.to_string())?;
    let reply = analysis::rehearse(revisions, before, line.to_string(), options).await?;
    let progress = |done: usize, total: usize| status.set(format!("{line}… {done}/{total} steps"));
    let executed = engine::execute(db, &reply.plan, &|| cancel.get_value(), &progress).await;
    Ok((reply.plan, executed))
}

/// Why a run failed, in one line (`None`: it did not).
fn failure(plan: &Plan, executed: &Executed) -> Option<String> {
    if let Some(error) = &plan.error {
        return Some(error.clone());
    }
    if let Some((run, op)) = executed.failed {
        let planned = plan.runs.get(run);
        let error = executed
            .error()
            .map(ToString::to_string)
            .or_else(|| executed.message.clone())
            .unwrap_or_default();
        return Some(format!(
            "{} in revision {}: {error}",
            planned
                .and_then(|r| r.ops.get(op))
                .map_or("an op", |o| o.label.as_str()),
            planned.map_or("", |r| r.revision.as_str())
        ));
    }
    executed.message.clone()
}

/// The schema and rows at one moment.
struct Snapshot {
    ddl: String,
    rows: engine::Rows,
}

async fn snapshot(db: &Database) -> Result<Snapshot, String> {
    Ok(Snapshot {
        ddl: engine::catalogue(db).await.map_err(|e| e.to_string())?,
        rows: engine::rows(db).await.map_err(|e| e.to_string())?,
    })
}

/// The quoted names in an op as rendered (`'users'`, `'bio'`).
fn quoted_names(op: &str) -> Vec<&str> {
    op.split('\'').skip(1).step_by(2).collect()
}

/// The op among `runs` (of `upgrade` direction) that names all of
/// `names`, as `label (revision id)`.
fn responsible(plans: &[&Plan], upgrade: bool, names: &[&str]) -> Option<String> {
    plans
        .iter()
        .flat_map(|p| p.runs.iter())
        .filter(|r| r.upgrade == upgrade)
        .flat_map(|r| r.ops.iter().map(move |o| (r, o)))
        .find(|(_, o)| {
            !names.is_empty() && names.iter().all(|n| o.label.contains(&format!("'{n}'")))
        })
        .map(|(r, o)| format!("{} (revision {})", o.label, r.revision))
}

/// Stage `after` against stage `before`: the ops that would bring it back,
/// each with the op responsible, and the rows that changed.
async fn stage_differences(
    before: &Snapshot,
    after: &Snapshot,
    what: &str,
    plans: &[&Plan],
) -> Result<Vec<String>, String> {
    let comparison = analysis::compare(
        after.ddl.clone(),
        CompareTarget::Database(before.ddl.clone()),
    )
    .await?;
    let mut lines = Vec::new();
    for op in &comparison.ops {
        let names = quoted_names(op);
        let names: Vec<&str> = names.into_iter().take(2).collect();
        lines.push(match responsible(plans, true, &names) {
            Some(by) => format!("{what}: the schema needs {op} — not undone: {by}"),
            None => format!("{what}: the schema needs {op}"),
        });
    }
    for (table, column, change) in engine::row_differences(&before.rows, &after.rows) {
        let names: Vec<&str> = std::iter::once(table.as_str())
            .chain(column.as_deref())
            .collect();
        let place = match &column {
            Some(c) => format!("{table}.{c}"),
            None => table.clone(),
        };
        let by = responsible(plans, false, &names).or_else(|| responsible(plans, true, &names));
        lines.push(match by {
            Some(by) => format!("{what}: rows of {place}: {change} — by {by}"),
            None => format!("{what}: rows of {place}: {change}"),
        });
    }
    Ok(lines)
}

/// Drops every schema of the user's and builds `ddl`, the version table
/// and the seed (in its own transaction: a seed that fails leaves the
/// tables empty and says why).
async fn reset(db: &Database, ddl: &[String], seed: &str) -> Result<Option<DbError>, DbError> {
    let schemas = db
        .query(
            "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'",
            &[],
        )
        .await?;
    let mut script = String::new();
    for row in &schemas.rows {
        if let Some(name) = row.first() {
            let name = name.to_string().replace('"', "\"\"");
            script.push_str(&format!("DROP SCHEMA \"{name}\" CASCADE;\n"));
        }
    }
    script.push_str("CREATE SCHEMA public;\n");
    for statement in ddl {
        script.push_str(statement);
        script.push_str(";\n");
    }
    script.push_str(VERSION_TABLE);
    script.push_str(";\n");
    db.exec(&script).await?;
    if seed.trim().is_empty() {
        return Ok(None);
    }
    db.exec("BEGIN").await?;
    match db.exec(seed).await {
        Ok(_) => {
            db.exec("COMMIT").await?;
            Ok(None)
        }
        Err(error) => {
            let _ = db.exec("ROLLBACK").await;
            Ok(Some(error))
        }
    }
}

#[component]
pub fn Rehearsal(postgres: Postgres, inputs: Inputs, controls: Controls) -> impl IntoView {
    let source = controls.source;
    let Inputs {
        rows,
        per_migration,
        seed,
        seed_edited,
        ..
    } = inputs;
    let seed_error = RwSignal::new(None::<DbError>);
    let is_reset = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let cancel = StoredValue::new(false);
    let status = RwSignal::new(
        "Press Reset, or run a command: the database is built from the before model first."
            .to_string(),
    );
    let command = controls.command;
    let outcome = RwSignal::new(None::<Outcome>);
    let timeline = RwSignal::new(Vec::<TimelineRow>::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let current = RwSignal::new(Vec::<String>::new());
    let check = RwSignal::new(None::<Verdict>);
    let stale = RwSignal::new(false);
    let scaled = RwSignal::new(None::<Vec<scale::Measured>>);
    let production = RwSignal::new(String::new());
    // What is shown was run on other text: kept, and marked stale.
    Effect::new(move |_| {
        inputs.revision.text.track();
        inputs.before.track();
        inputs.after.track();
        if outcome.with_untracked(Option::is_some) {
            stale.set(true);
        }
    });
    let roundtrip = RwSignal::new(None::<Verdict>);
    // The checklist's figures: the exclusive locks of the upgrades run
    // from the Revision pane (longest per table), and the round trip.
    Effect::new(move |_| {
        let held = outcome.with(|o| {
            let mut held: Vec<(String, f64)> = Vec::new();
            if let Some(o) = o.as_ref().filter(|o| o.source == Source::Revision) {
                for (run, tables) in o.plan.runs.iter().zip(&o.executed.exclusive) {
                    for (table, ms) in tables.iter().filter(|_| run.upgrade) {
                        match held.iter_mut().find(|(t, _)| t == table) {
                            Some((_, longest)) => *longest = longest.max(*ms),
                            None => held.push((table.clone(), *ms)),
                        }
                    }
                }
            }
            held
        });
        let round_trip = roundtrip.with(|v| v.as_ref().map(|v| v.verdict == "identical"));
        // Figures of text since edited are not the checklist's.
        let ran = (!held.is_empty() || round_trip.is_some()) && !stale.get();
        inputs.rehearsed.set(ran.then(|| Rehearsed {
            held,
            rows: rows.get_untracked(),
            round_trip,
        }));
    });

    // A new source, model or seed size means a new before state.
    Effect::new(move |_| {
        source.track();
        rows.track();
        inputs.before.track();
        is_reset.set(false);
    });

    let revisions = move || match source.get_untracked() {
        Source::Revision => Revisions::Text(inputs.revision.text.get_untracked()),
        Source::Folder => Revisions::Files(inputs.versions.get_untracked()),
    };

    // What a reset builds: the before model, or nothing for a folder.
    let before_input = move || match source.get_untracked() {
        Source::Revision => Some(ModelInput {
            text: inputs.before.get_untracked(),
            folder: inputs.before_folder.get_untracked(),
        }),
        Source::Folder => None,
    };
    // One thing at a time: false when something is running.
    let begin = move || {
        if busy.get_untracked() {
            return false;
        }
        busy.set(true);
        cancel.set_value(false);
        true
    };

    // Where the database is: the timeline from its alembic_version rows.
    let refresh = move |db: std::rc::Rc<Database>| async move {
        let now = engine::current(&db).await.unwrap_or_default();
        current.set(now.clone());
        if let Ok(reply) =
            analysis::rehearse(revisions(), now, String::new(), RunOptions::default()).await
        {
            timeline.set(reply.timeline);
            problems.set(reply.problems);
        }
    };

    let do_reset = move |db: std::rc::Rc<Database>| async move {
        mark("retort:reset-start");
        let input = before_input();
        let base = match analysis::base(input, rows.get_untracked()).await {
            Ok(base) => base,
            Err(error) => {
                status.set(error);
                return false;
            }
        };
        if !seed_edited.get_untracked() {
            seed.set(base.seed.clone());
        }
        let seed_text = seed.get_untracked();
        match reset(&db, &base.ddl, &seed_text).await {
            Ok(failed) => {
                let seeded = failed.is_none() && !seed_text.trim().is_empty();
                seed_error.set(failed);
                is_reset.set(true);
                outcome.set(None);
                measure("retort:reset", "retort:reset-start");
                status.set(format!(
                    "reset: {} table{}{}{}, alembic_version empty (base)",
                    base.tables,
                    if base.tables == 1 { "" } else { "s" },
                    if seeded {
                        format!(", {} seed rows each", rows.get_untracked())
                    } else {
                        String::new()
                    },
                    if base.errors > 0 {
                        format!(" ({} errors in the model)", base.errors)
                    } else {
                        String::new()
                    }
                ));
                refresh(db).await;
                true
            }
            Err(error) => {
                status.set(format!("reset failed: {error}"));
                false
            }
        }
    };

    let run_reset = move || {
        if !begin() {
            return;
        }
        status.set("resetting…".into());
        spawn_local(async move {
            match postgres.database().await {
                Ok(db) => {
                    do_reset(db).await;
                }
                Err(error) => status.set(format!("PGlite did not start: {error}")),
            }
            busy.set(false);
        });
    };

    let run = move |line: String| {
        if !begin() {
            return;
        }
        command.set(line.clone());
        status.set(format!("{line}…"));
        spawn_local(async move {
            let db = match postgres.database().await {
                Ok(db) => db,
                Err(error) => {
                    status.set(format!("PGlite did not start: {error}"));
                    busy.set(false);
                    return;
                }
            };
            if !is_reset.get_untracked() && !do_reset(db.clone()).await {
                busy.set(false);
                return;
            }
            mark("retort:run-start");
            let options = RunOptions {
                transaction_per_migration: per_migration.get_untracked(),
                ..RunOptions::default()
            };
            let (plan, executed) =
                match perform(&db, revisions(), &line, options, cancel, status).await {
                    Ok(done) => done,
                    Err(error) => {
                        status.set(error);
                        busy.set(false);
                        return;
                    }
                };
            measure("retort:run", "retort:run-start");
            let failed = executed.failed.is_some() || executed.message.is_some();
            if let (Some((run, op)), Source::Revision) = (executed.failed, source.get_untracked())
                && let Some(span) = plan
                    .runs
                    .get(run)
                    .and_then(|r| r.ops.get(op))
                    .and_then(|o| o.span)
            {
                inputs.revision.show(span);
            }
            stale.set(false);
            outcome.set(Some(Outcome {
                command: line.clone(),
                plan,
                executed,
                source: source.get_untracked(),
            }));
            refresh(db).await;
            let at = current.with_untracked(|c| {
                if c.is_empty() {
                    "base".to_string()
                } else {
                    c.join(", ")
                }
            });
            status.set(if failed {
                format!("{line} failed: the database stays at {at}")
            } else {
                format!("{line}: the database is at {at}")
            });
            busy.set(false);
        });
    };

    // The database read back from its catalogue against the after model.
    let run_check = move || {
        if !begin() {
            return;
        }
        spawn_local(async move {
            let verdict = async {
                let db = postgres.database().await.map_err(|e| e.to_string())?;
                let ddl = engine::catalogue(&db).await.map_err(|e| e.to_string())?;
                let model = ModelInput {
                    text: inputs.after.get_untracked(),
                    folder: inputs.after_folder.get_untracked(),
                };
                let comparison = analysis::compare(ddl, CompareTarget::Model(model)).await?;
                Ok::<Verdict, String>(if comparison.ops.is_empty() {
                    Verdict {
                        verdict: "matches",
                        headline: format!(
                            "The database matches the model ({} tables): alembic check finds no new upgrade operations.",
                            comparison.tables
                        ),
                        lines: Vec::new(),
                    }
                } else {
                    Verdict {
                        verdict: "differs",
                        headline: format!(
                            "The database differs from the model: alembic check would report {} operation{}:",
                            comparison.ops.len(),
                            if comparison.ops.len() == 1 { "" } else { "s" }
                        ),
                        lines: comparison.ops,
                    }
                })
            }
            .await;
            check.set(Some(verdict.unwrap_or_else(|error| Verdict {
                verdict: "failed",
                headline: error,
                lines: Vec::new(),
            })));
            busy.set(false);
        });
    };

    // Upgrade, downgrade, upgrade from the before state; the schema and
    // every row compared at each stage.
    let run_roundtrip = move || {
        if !begin() {
            return;
        }
        roundtrip.set(None);
        status.set("round trip…".into());
        spawn_local(async move {
            let verdict = async {
                let db = postgres.database().await.map_err(|e| e.to_string())?;
                if !do_reset(db.clone()).await {
                    return Err("the reset failed".to_string());
                }
                let options = RunOptions {
                    transaction_per_migration: per_migration.get_untracked(),
                    ..RunOptions::default()
                };
                let mut stages = vec![snapshot(&db).await?];
                let mut plans = Vec::new();
                let mut again_failed = None;
                for (i, line) in ["upgrade head", "downgrade base", "upgrade head"]
                    .into_iter()
                    .enumerate()
                {
                    let (plan, executed) =
                        perform(&db, revisions(), line, options, cancel, status).await?;
                    let failed = failure(&plan, &executed);
                    stale.set(false);
                    outcome.set(Some(Outcome {
                        command: line.to_string(),
                        plan: plan.clone(),
                        executed,
                        source: source.get_untracked(),
                    }));
                    match failed {
                        // Upgrading again fails where the downgrade left
                        // something behind: that is the finding.
                        Some(error) if i == 2 => {
                            again_failed = Some(format!("upgrading again failed: {error}"));
                            break;
                        }
                        Some(error) => {
                            return Ok(Verdict {
                                verdict: "failed",
                                headline: format!("`{line}` failed: {error}"),
                                lines: Vec::new(),
                            });
                        }
                        None => {}
                    }
                    plans.push(plan);
                    stages.push(snapshot(&db).await?);
                }
                let all: Vec<&Plan> = plans.iter().collect();
                let mut lines = Vec::new();
                for run in plans[1].runs.iter().filter(|r| r.ops.is_empty()) {
                    // A data-only revision (a backfill) has nothing to undo.
                    let data_only = plans[0]
                        .runs
                        .iter()
                        .find(|u| u.revision == run.revision)
                        .is_some_and(|u| {
                            u.ops.iter().flat_map(|o| o.statements.iter()).all(|sql| {
                                let verb = sql.split_whitespace().next().unwrap_or("");
                                ["UPDATE", "INSERT", "DELETE"]
                                    .iter()
                                    .any(|v| verb.eq_ignore_ascii_case(v))
                            })
                        });
                    if !data_only {
                        lines.push(format!(
                            "revision {}: its downgrade runs nothing (empty, missing or not implemented)",
                            run.revision
                        ));
                    }
                }
                lines.extend(stage_differences(&stages[0], &stages[2], "after the downgrade", &all).await?);
                match again_failed {
                    Some(failed) => lines.push(failed),
                    None => lines.extend(
                        stage_differences(&stages[1], &stages[3], "after upgrading again", &all).await?,
                    ),
                }
                let rows: i64 = stages[0].rows.iter().map(|(_, n, _)| n).sum();
                Ok(if lines.is_empty() {
                    Verdict {
                        verdict: "identical",
                        headline: format!(
                            "identical: upgrade, downgrade and upgrade again left the schema and all {rows} rows as they were at each stage"
                        ),
                        lines,
                    }
                } else {
                    Verdict {
                        verdict: "different",
                        headline: "The round trip does not come back to where it started:".to_string(),
                        lines,
                    }
                })
            }
            .await;
            let verdict = verdict.unwrap_or_else(|error| Verdict {
                verdict: "failed",
                headline: error,
                lines: Vec::new(),
            });
            status.set(format!("round trip: {}", verdict.verdict));
            roundtrip.set(Some(verdict));
            if let Ok(db) = postgres.database().await {
                refresh(db).await;
            }
            busy.set(false);
        });
    };

    // `upgrade head` at two seed sizes, each op's time at both.
    let run_scale = move || {
        if !begin() {
            return;
        }
        scaled.set(None);
        spawn_local(async move {
            let result = async {
                let db = postgres.database().await.map_err(|e| e.to_string())?;
                let input = before_input();
                let options = RunOptions {
                    transaction_per_migration: per_migration.get_untracked(),
                    ..RunOptions::default()
                };
                let mut measured: Vec<scale::Measured> = Vec::new();
                for (i, size) in scale::SIZES.into_iter().enumerate() {
                    status.set(format!("seeding {size} rows per table…"));
                    let base = analysis::base(input.clone(), size).await?;
                    if let Some(error) = reset(&db, &base.ddl, &base.seed)
                        .await
                        .map_err(|e| e.to_string())?
                    {
                        return Err(format!("the seed of {size} rows failed: {error}"));
                    }
                    let (plan, executed) =
                        perform(&db, revisions(), "upgrade head", options, cancel, status).await?;
                    let failed = failure(&plan, &executed);
                    stale.set(false);
                    outcome.set(Some(Outcome {
                        command: format!("upgrade head ({size} rows per table)"),
                        plan: plan.clone(),
                        executed: executed.clone(),
                        source: source.get_untracked(),
                    }));
                    if let Some(error) = failed {
                        return Err(format!("upgrade head at {size} rows failed: {error}"));
                    }
                    for (run, results) in plan.runs.iter().zip(&executed.ops) {
                        for (op, result) in run.ops.iter().zip(results) {
                            match measured
                                .iter_mut()
                                .find(|m| m.revision == run.revision && m.label == op.label)
                                .filter(|_| i > 0)
                            {
                                Some(m) => m.ms[1] = result.ms,
                                None => measured.push(scale::Measured {
                                    label: op.label.clone(),
                                    revision: run.revision.clone(),
                                    ms: [result.ms, 0.0],
                                }),
                            }
                        }
                    }
                }
                is_reset.set(false);
                Ok::<_, String>(measured)
            }
            .await;
            match result {
                Ok(measured) => {
                    status.set(format!(
                        "measured at {} and {} rows per table; the database is at head with {} rows",
                        scale::SIZES[0],
                        scale::SIZES[1],
                        scale::SIZES[1]
                    ));
                    scaled.set(Some(measured));
                }
                Err(error) => status.set(error),
            }
            if let Ok(db) = postgres.database().await {
                refresh(db).await;
            }
            busy.set(false);
        });
    };

    let folder_files = move || inputs.versions.with(Vec::len);

    view! {
        <div class="rehearsal" data-testid="rehearsal">
            <div class="sim-bar">
                <label>
                    "revisions from "
                    <select
                        data-testid="sim-source"
                        prop:value=move || match source.get() {
                            Source::Folder => "folder",
                            Source::Revision => "revision",
                        }
                        on:change=move |event| {
                            source.set(if event_target_value(&event) == "folder" {
                                Source::Folder
                            } else {
                                Source::Revision
                            });
                        }
                    >
                        <option value="revision" selected=move || source.get() == Source::Revision>
                            "the Revision pane"
                        </option>
                        <option value="folder" selected=move || source.get() == Source::Folder>
                            {move || format!("the History folder ({} files)", folder_files())}
                        </option>
                    </select>
                </label>
                <label>
                    " seed rows per table "
                    <input
                        type="number"
                        min="0"
                        max="100000"
                        data-testid="sim-rows"
                        prop:value=move || rows.get().to_string()
                        on:change=move |event| {
                            let n = event_target_value(&event).trim().parse::<u32>().unwrap_or(100);
                            seed_edited.set(false);
                            rows.set(n.min(retort_core::rehearse::seed::MAX_ROWS));
                        }
                    />
                </label>
                <label>
                    <input
                        type="checkbox"
                        data-testid="sim-per-migration"
                        prop:checked=move || per_migration.get()
                        on:change=move |event| per_migration.set(event_target_checked(&event))
                    />
                    " transaction per migration"
                </label>
                <button data-testid="sim-reset" on:click=move |_| run_reset() prop:disabled=move || busy.get()>
                    "Reset"
                </button>
            </div>
            <div class="sim-bar">
                <button class="primary" data-testid="sim-upgrade" prop:disabled=move || busy.get()
                    on:click=move |_| run("upgrade head".into())>"upgrade head"</button>
                <button data-testid="sim-step-forward" prop:disabled=move || busy.get()
                    on:click=move |_| run("upgrade +1".into())>"upgrade +1"</button>
                <button data-testid="sim-step-back" prop:disabled=move || busy.get()
                    on:click=move |_| run("downgrade -1".into())>"downgrade -1"</button>
                <button data-testid="sim-downgrade" prop:disabled=move || busy.get()
                    on:click=move |_| run("downgrade base".into())>"downgrade base"</button>
                <form class="sim-command" on:submit=move |event| {
                    event.prevent_default();
                    run(command.get_untracked());
                }>
                    <span class="muted">"alembic "</span>
                    <input
                        type="text"
                        data-testid="sim-command"
                        spellcheck="false"
                        aria-label="Alembic command"
                        prop:value=move || command.get()
                        on:input=move |event| command.set(event_target_value(&event))
                    />
                    <button type="submit" data-testid="sim-run" prop:disabled=move || busy.get()>"Run"</button>
                </form>
                <button data-testid="sim-roundtrip" prop:disabled=move || busy.get()
                    on:click=move |_| run_roundtrip()>"Round trip"</button>
                <button data-testid="model-check" prop:disabled=move || busy.get()
                    on:click=move |_| run_check()>"Check against the after model"</button>
                <button data-testid="sim-scale" prop:disabled=move || busy.get()
                    on:click=move |_| run_scale()>"Measure at 1,000 and 100,000 rows"</button>
                {move || busy.get().then(|| view! {
                    <button data-testid="sim-cancel" on:click=move |_| cancel.set_value(true)>"Cancel"</button>
                })}
            </div>
            <p class="muted" data-testid="sim-status" aria-live="polite">{move || status.get()}</p>
            {move || {
                let list = problems.get();
                (!list.is_empty()).then(|| view! {
                    <ul class="sim-problems">{list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                })
            }}
            <ol class="sim-timeline" data-testid="sim-timeline">
                {move || timeline.get().into_iter().map(|row| {
                    let current_row = row.current;
                    view! {
                        <li class:current=current_row data-testid="sim-revision" data-revision=row.revision.clone()>
                            {current_row.then(|| view! { <span class="sim-marker" data-testid="sim-current">{row.revision.clone()}</span> })}
                            <code>{row.line.clone()}</code>
                        </li>
                    }
                }).collect_view()}
                {move || current.with(Vec::is_empty).then(|| view! {
                    <li class="current"><span class="sim-marker" data-testid="sim-current">"base"</span><code>"<base>: no revision applied"</code></li>
                })}
            </ol>
            {move || scaled.with(|s| s.is_some()).then(|| view! {
                <div class="sim-scale" data-testid="sim-scale-result">
                    <label>
                        "production rows per table (optional) "
                        <input
                            type="text"
                            inputmode="numeric"
                            data-testid="sim-production-rows"
                            placeholder="e.g. 20,000,000"
                            prop:value=move || production.get()
                            on:input=move |event| production.set(event_target_value(&event))
                        />
                    </label>
                    <div inner_html=move || {
                        let rows = production
                            .get()
                            .replace([',', '_', ' '], "")
                            .parse::<f64>()
                            .ok()
                            .filter(|n| *n > 0.0);
                        scaled.with(|s| s.as_deref().map(|m| report::scale_table(m, rows)).unwrap_or_default())
                    }></div>
                </div>
            })}
            <div inner_html=move || check.with(|v| v.as_ref().map(|v| report::verdict("model-check-result", v.verdict, &v.headline, &v.lines)).unwrap_or_default())></div>
            <div inner_html=move || roundtrip.with(|v| v.as_ref().map(|v| report::verdict("sim-roundtrip-result", v.verdict, &v.headline, &v.lines)).unwrap_or_default())></div>
            {move || stale.get().then(|| view! {
                <p class="notice" data-testid="sim-stale">
                    "Stale: the revision or a model changed since this run. What is shown is the last run; press Reset and run again."
                </p>
            })}
            <div
                class:stale=move || stale.get()
                inner_html=move || outcome.with(|o| o.as_ref().map(|o| report::outcome(&o.command, &o.plan, &o.executed, o.source == Source::Revision)).unwrap_or_default())
            ></div>
            <details class="sim-seed">
                <summary>"Seed rows (SQL run after the schema at each reset; edit it freely)"</summary>
                <textarea
                    data-testid="sim-seed"
                    spellcheck="false"
                    rows="8"
                    prop:value=move || seed.get()
                    on:input=move |event| {
                        seed.set(event_target_value(&event));
                        seed_edited.set(true);
                        is_reset.set(false);
                    }
                ></textarea>
            </details>
            {move || seed_error.get().map(|error| view! {
                <div class="pg-error" data-testid="sim-seed-error" role="alert">
                    <p class="headline">{format!("The seed failed and was rolled back: {error}")}</p>
                    {error.detail.clone().map(|d| view! { <p>"DETAIL: " {d}</p> })}
                    <p class="muted">"Edit the seed below and press Reset."</p>
                </div>
            })}
        </div>
    }
}

/// The strongest mode per table, from `locks`.
fn strongest<'a>(locks: impl Iterator<Item = (&'a str, LockMode)>) -> Vec<(String, LockMode)> {
    let mut out: Vec<(String, LockMode)> = Vec::new();
    for (table, mode) in locks {
        let table = table.rsplit('.').next().unwrap_or(table).to_string();
        match out.iter_mut().find(|(t, _)| *t == table) {
            Some((_, m)) => *m = (*m).max(mode),
            None => out.push((table, mode)),
        }
    }
    out
}

/// Where the locks seen differ from the review's lock table: per table,
/// `(table, expected, seen)`. An expected mode is met when the transaction
/// holds it after the op (taken by it, or held since an earlier op); a lock
/// the review does not list is a difference when the op took it and it
/// stops traffic (a foreign key's referenced table, read, is not).
pub fn lock_differences(
    op: &PlannedOp,
    seen: &[SeenLock],
) -> Vec<(String, Option<LockMode>, Option<LockMode>)> {
    let short = |t: &str| t.rsplit('.').next().unwrap_or(t).to_string();
    let expected = strongest(op.expected.iter().map(|l| (l.table.as_str(), l.mode)));
    let tables = seen.iter().filter(|l| !l.index);
    let taken = strongest(
        tables
            .clone()
            .filter(|l| !l.earlier)
            .map(|l| (l.relation.as_str(), l.mode)),
    );
    let mut out = Vec::new();
    for (table, mode) in &expected {
        let met = tables
            .clone()
            .any(|l| short(&l.relation) == *table && l.mode == *mode);
        if !met {
            let got = taken.iter().find(|(t, _)| t == table).map(|(_, m)| *m);
            out.push((table.clone(), Some(*mode), got));
        }
    }
    for (table, mode) in &taken {
        if !expected.iter().any(|(t, _)| t == table) && mode.blocks_traffic() {
            out.push((table.clone(), None, Some(*mode)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::rehearse::ExpectedLock;

    fn op(expected: &[(&str, LockMode)]) -> PlannedOp {
        PlannedOp {
            label: String::new(),
            span: None,
            statements: Vec::new(),
            autocommit: false,
            expected: expected
                .iter()
                .map(|(t, m)| ExpectedLock {
                    table: t.to_string(),
                    mode: *m,
                    work: String::new(),
                    rewrite: false,
                })
                .collect(),
        }
    }

    fn seen(relation: &str, index: bool, mode: LockMode) -> SeenLock {
        SeenLock {
            relation: relation.into(),
            index,
            mode,
            earlier: false,
        }
    }

    #[test]
    fn equal_locks_differ_in_nothing() {
        let planned = op(&[("public.users", LockMode::Share)]);
        let observed = [
            seen("users", false, LockMode::Share),
            seen("ix_users_email", true, LockMode::AccessExclusive),
        ];
        assert!(lock_differences(&planned, &observed).is_empty());
    }

    #[test]
    fn a_lock_held_since_an_earlier_op_meets_the_review() {
        let planned = op(&[("users", LockMode::AccessExclusive)]);
        let mut held = seen("users", false, LockMode::AccessExclusive);
        held.earlier = true;
        assert!(lock_differences(&planned, &[held]).is_empty());
    }

    #[test]
    fn a_stronger_lock_than_reviewed_is_a_difference() {
        let planned = op(&[("users", LockMode::ShareUpdateExclusive)]);
        let observed = [seen("users", false, LockMode::AccessExclusive)];
        assert_eq!(
            lock_differences(&planned, &observed),
            [(
                "users".to_string(),
                Some(LockMode::ShareUpdateExclusive),
                Some(LockMode::AccessExclusive)
            )]
        );
        let unexpected = [seen("orders", false, LockMode::ShareRowExclusive)];
        assert_eq!(lock_differences(&op(&[]), &unexpected).len(), 1);
    }
}
