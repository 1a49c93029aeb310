//! Runs a planned command on PGlite, action by action, and watches what
//! each op does: its time and rows, the locks it takes (read from
//! `pg_locks` inside its transaction, before the commit), and the tables
//! and indexes it rewrites (a `relfilenode` that changed).

use std::collections::{HashMap, HashSet};

use retort_core::pg_lock::LockMode;
use retort_core::rehearse::{Action, Plan};

use crate::pglite::{Database, DbError, Value};

/// User relations (`pg_class` rows of OID ≥ 16384: not the catalogue) that
/// have storage: tables, indexes, materialized views.
const RELATIONS: &str = "SELECT c.oid::int8, c.relname, c.relkind::text, c.relfilenode::int8 \
     FROM pg_class c WHERE c.oid >= 16384 AND c.relkind IN ('r', 'i', 'm', 'p')";

/// The relation locks this session holds.
const LOCKS: &str = "SELECT l.relation::int8, l.mode FROM pg_locks l \
     WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.granted \
     AND l.relation::int8 >= 16384";

/// The database's `alembic_version` rows, in the table's order.
pub async fn current(db: &Database) -> Result<Vec<String>, DbError> {
    let exists = db
        .query("SELECT to_regclass('alembic_version') IS NOT NULL", &[])
        .await?;
    if exists.rows.first().and_then(|r| r.first()) != Some(&Value::Bool(true)) {
        return Ok(Vec::new());
    }
    let rows = db
        .query("SELECT version_num FROM alembic_version", &[])
        .await?;
    Ok(rows
        .rows
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .map(|v| v.to_string())
        .collect())
}

/// One relation as `pg_class` has it.
#[derive(Debug, Clone, PartialEq)]
struct Relation {
    name: String,
    index: bool,
    filenode: i64,
}

async fn relations(db: &Database) -> Result<HashMap<i64, Relation>, DbError> {
    let result = db.query(RELATIONS, &[]).await?;
    Ok(result
        .rows
        .into_iter()
        .filter_map(|row| match row.as_slice() {
            [Value::Int(oid), name, kind, Value::Int(filenode)] => Some((
                *oid,
                Relation {
                    name: name.to_string(),
                    index: kind.to_string() == "i",
                    filenode: *filenode,
                },
            )),
            _ => None,
        })
        .collect())
}

async fn locks(db: &Database) -> Result<Vec<(i64, LockMode)>, DbError> {
    let result = db.query(LOCKS, &[]).await?;
    Ok(result
        .rows
        .into_iter()
        .filter_map(|row| match row.as_slice() {
            [Value::Int(oid), mode] => {
                LockMode::from_pg_locks(&mode.to_string()).map(|m| (*oid, m))
            }
            _ => None,
        })
        .collect())
}

/// A lock an op took.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenLock {
    pub relation: String,
    pub index: bool,
    pub mode: LockMode,
    /// Held since an earlier op of the same transaction (PostgreSQL lists
    /// a mode once however often it is asked for).
    pub earlier: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotRun,
    Ok,
    Failed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::NotRun => "not-run",
            Status::Ok => "ok",
            Status::Failed => "failed",
        }
    }
}

/// What one op did.
#[derive(Debug, Clone, PartialEq)]
pub struct OpResult {
    pub status: Status,
    pub ms: f64,
    pub rows: u64,
    /// The locks the transaction holds after it: those it took, and those
    /// held since an earlier op.
    pub locks: Vec<SeenLock>,
    /// Tables and indexes it wrote anew.
    pub rewrites: Vec<String>,
    /// The error, and the statement that raised it.
    pub error: Option<(DbError, String)>,
}

impl Default for OpResult {
    fn default() -> Self {
        OpResult {
            status: Status::NotRun,
            ms: 0.0,
            rows: 0,
            locks: Vec::new(),
            rewrites: Vec::new(),
            error: None,
        }
    }
}

/// A command's run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Executed {
    /// Per run, per op.
    pub ops: Vec<Vec<OpResult>>,
    /// Per run: each table held ACCESS EXCLUSIVE, and for how long (ms),
    /// from the op that took it to the commit.
    pub exclusive: Vec<Vec<(String, f64)>>,
    /// The runs that started (their log lines were printed).
    pub started: usize,
    /// Where it failed (run, op), with Postgres's error or Alembic's.
    pub failed: Option<(usize, usize)>,
    /// The failure Alembic reports without a database error.
    pub message: Option<String>,
    /// The transaction was rolled back.
    pub rolled_back: bool,
    pub ms: f64,
}

/// Lets the browser handle input and paint: a macrotask turn (PGlite's
/// promises resolve as microtasks, which never give the page a turn).
async fn yield_to_page() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Executed {
    /// PostgreSQL's error at the op that failed, if a statement raised.
    pub fn error(&self) -> Option<&DbError> {
        let (run, op) = self.failed?;
        self.ops.get(run)?.get(op)?.error.as_ref().map(|(e, _)| e)
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs `plan`'s actions in order. `cancelled` is asked between
/// statements: a cancelled run is rolled back like a failed one.
/// `progress` hears how many actions of how many are done.
pub async fn execute(
    db: &Database,
    plan: &Plan,
    cancelled: &dyn Fn() -> bool,
    progress: &dyn Fn(usize, usize),
) -> Executed {
    let started_at = now_ms();
    // A transaction left open or failed by the SQL console would swallow
    // the run: end it first.
    if db.exec("SELECT 1").await.is_err() {
        let _ = db.exec("ROLLBACK").await;
    }
    let mut out = Executed {
        ops: plan
            .runs
            .iter()
            .map(|r| vec![OpResult::default(); r.ops.len()])
            .collect(),
        exclusive: vec![Vec::new(); plan.runs.len()],
        ..Executed::default()
    };
    let mut in_transaction = false;
    // Locks the open transaction holds, and when ACCESS EXCLUSIVE was
    // taken on each relation (run, name, time).
    let mut held: HashSet<(i64, LockMode)> = HashSet::new();
    let mut exclusive_since: Vec<(usize, String, f64)> = Vec::new();
    let mut names: HashMap<i64, Relation> = relations(db).await.unwrap_or_default();
    let mut before_op: Option<((usize, usize), HashMap<i64, Relation>)> = None;
    let commit = |exclusive_since: &mut Vec<(usize, String, f64)>, out: &mut Executed| {
        let now = now_ms();
        for (run, name, since) in exclusive_since.drain(..) {
            out.exclusive[run].push((name, now - since));
        }
    };
    let total = plan.actions.len();
    let mut turn = now_ms();
    for (done, action) in plan.actions.iter().enumerate() {
        // Every 30 ms the page gets a turn: typing stays responsive and
        // Cancel can be pressed between statements.
        if now_ms() - turn > 30.0 {
            progress(done, total);
            yield_to_page().await;
            turn = now_ms();
        }
        if cancelled() {
            out.message = Some("cancelled: the transaction was rolled back".into());
            break;
        }
        let result = match action {
            Action::Begin => {
                held.clear();
                in_transaction = true;
                db.exec("BEGIN").await.map(|_| ())
            }
            Action::Commit => {
                let done = db.exec("COMMIT").await.map(|_| ());
                in_transaction = false;
                commit(&mut exclusive_since, &mut out);
                done
            }
            Action::Start { run } => {
                out.started = out.started.max(run + 1);
                Ok(())
            }
            Action::Version { sql, .. } => db.exec(sql).await.map(|_| ()),
            Action::Fail { run, op, message } => {
                out.failed = Some((*run, *op));
                out.message = Some(message.clone());
                if let Some(result) = out.ops.get_mut(*run).and_then(|r| r.get_mut(*op)) {
                    result.status = Status::Failed;
                }
                break;
            }
            Action::Exec { run, op, sql } => {
                let key = (*run, *op);
                if before_op.as_ref().map(|(k, _)| *k) != Some(key) {
                    before_op = Some((key, relations(db).await.unwrap_or_default()));
                }
                let start = now_ms();
                let result = db.exec(sql).await;
                let ms = now_ms() - start;
                let Some(slot) = out.ops.get_mut(*run).and_then(|r| r.get_mut(*op)) else {
                    continue;
                };
                slot.ms += ms;
                match result {
                    Ok(results) => {
                        slot.status = Status::Ok;
                        slot.rows += results.iter().filter_map(|r| r.affected_rows).sum::<u64>();
                    }
                    Err(error) => {
                        slot.status = Status::Failed;
                        slot.error = Some((error.clone(), sql.clone()));
                        out.failed = Some(key);
                        break;
                    }
                }
                // What changed: relations written anew, locks taken.
                let after = relations(db).await.unwrap_or_default();
                if let Some((_, before)) = &before_op {
                    for (oid, was) in before {
                        if let Some(now) = after.get(oid)
                            && now.filenode != was.filenode
                            && !slot.rewrites.contains(&now.name)
                        {
                            slot.rewrites.push(now.name.clone());
                        }
                    }
                }
                names.extend(after);
                if in_transaction {
                    for (oid, mode) in locks(db).await.unwrap_or_default() {
                        let earlier = !held.insert((oid, mode));
                        let Some(relation) = names.get(&oid) else {
                            continue;
                        };
                        if relation.name == "alembic_version"
                            || relation.name == "alembic_version_pkc"
                        {
                            continue;
                        }
                        if mode == LockMode::AccessExclusive && !relation.index && !earlier {
                            exclusive_since.push((*run, relation.name.clone(), start));
                        }
                        slot.locks.push(SeenLock {
                            relation: relation.name.clone(),
                            index: relation.index,
                            mode,
                            earlier,
                        });
                    }
                }
                Ok(())
            }
        };
        if let Err(error) = result {
            // A transaction step or a version row failed: shown on the
            // last op that ran.
            out.message = Some(error.to_string());
            break;
        }
    }
    let failed = out.failed.is_some() || out.message.is_some();
    if failed && in_transaction {
        let _ = db.exec("ROLLBACK").await;
        out.rolled_back = true;
        exclusive_since.clear();
    }
    out.ms = now_ms() - started_at;
    out
}

/// The schema as the catalogue has it, written as DDL.
pub async fn catalogue(db: &Database) -> Result<String, DbError> {
    let result = db.query(retort_core::rehearse::CATALOGUE_DDL, &[]).await?;
    Ok(result
        .rows
        .first()
        .and_then(|r| r.first())
        .map(ToString::to_string)
        .unwrap_or_default())
}

/// Every table's rows, per column: how many, and a hash of the column's
/// values (sorted, so row order does not count).
pub type Rows = Vec<(String, i64, Vec<(String, String)>)>;

const COLUMNS: &str = "SELECT c.table_schema, c.table_name, c.column_name \
     FROM information_schema.columns c JOIN information_schema.tables t \
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema !~ '^pg_' \
       AND c.table_schema <> 'information_schema' AND c.table_name <> 'alembic_version' \
     ORDER BY 1, 2, c.ordinal_position";

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub async fn rows(db: &Database) -> Result<Rows, DbError> {
    let columns = db.query(COLUMNS, &[]).await?;
    let mut tables: Vec<(String, String, Vec<String>)> = Vec::new();
    for row in columns.rows {
        let [schema, table, column] = row.as_slice() else {
            continue;
        };
        let (schema, table, column) = (schema.to_string(), table.to_string(), column.to_string());
        match tables.last_mut() {
            Some((s, t, cols)) if *s == schema && *t == table => cols.push(column),
            _ => tables.push((schema, table, vec![column])),
        }
    }
    let mut out = Vec::new();
    for (schema, table, columns) in tables {
        let hashes: Vec<String> = columns
            .iter()
            .map(|c| {
                let c = format!("x.{}::text", quoted(c));
                format!("md5(coalesce(string_agg(coalesce({c}, '<null>'), ',' ORDER BY {c}), ''))")
            })
            .collect();
        let sql = format!(
            "SELECT count(*)::int8{}{} FROM {}.{} x",
            if hashes.is_empty() { "" } else { ", " },
            hashes.join(", "),
            quoted(&schema),
            quoted(&table)
        );
        let result = db.query(&sql, &[]).await?;
        let Some(values) = result.rows.into_iter().next() else {
            continue;
        };
        let count = match values.first() {
            Some(Value::Int(n)) => *n,
            _ => 0,
        };
        let name = if schema == "public" {
            table
        } else {
            format!("{schema}.{table}")
        };
        let per_column = columns
            .into_iter()
            .zip(values.into_iter().skip(1).map(|v| v.to_string()))
            .collect();
        out.push((name, count, per_column));
    }
    Ok(out)
}

/// How the rows of `after` differ from those of `before`: tables whose
/// row count changed, columns (in both) whose values changed.
pub fn row_differences(before: &Rows, after: &Rows) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for (table, count, columns) in before {
        let Some((_, now, now_columns)) = after.iter().find(|(t, _, _)| t == table) else {
            continue;
        };
        if now != count {
            out.push((
                table.clone(),
                None,
                format!("{count} rows before, {now} after"),
            ));
            continue;
        }
        for (column, hash) in columns {
            if let Some((_, other)) = now_columns.iter().find(|(c, _)| c == column)
                && other != hash
            {
                out.push((
                    table.clone(),
                    Some(column.clone()),
                    "values changed".to_string(),
                ));
            }
        }
    }
    out
}
