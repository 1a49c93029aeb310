//! `retort revision`: the Alembic revision that takes the schema of one
//! file to that of another, as `alembic revision --autogenerate` writes it
//! (or safe mode's chain), through [`retort_core::autogen`].

use crate::out::{out, outln};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use retort_core::Severity;
use retort_core::autogen::{self, Choices, ColumnFill, PlanRequest, RenamedColumn, RenamedTable};
use retort_core::render::script::{Direction, ScriptRevision, script};

use retort_core::project::template::Clock;

use super::autogenerate;
use crate::files::{print_diagnostics, read_input};
use crate::project::ProjectArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The schema the database has now (without --from and --to: the
    /// Alembic project around the current folder).
    #[arg(long = "from", value_name = "BEFORE", requires = "to")]
    from: Option<PathBuf>,
    /// The schema the models describe.
    #[arg(long = "to", value_name = "AFTER", requires = "from")]
    to: Option<PathBuf>,
    /// In a project: compare the models with the revisions replayed to the
    /// head and write what differs, as `alembic revision --autogenerate`
    /// (without it: an empty revision, as `alembic revision`).
    #[arg(long, conflicts_with = "from")]
    autogenerate: bool,
    /// In a project: the head the new revision follows, where there are
    /// several (Alembic's `--head`).
    #[arg(long, conflicts_with = "from")]
    head: Option<String>,
    #[command(flatten)]
    project: ProjectArgs,
    /// The revision message.
    #[arg(short, long)]
    message: Option<String>,
    /// The revision id (default: 12 random hex digits, like Alembic).
    #[arg(long)]
    rev_id: Option<String>,
    /// The revision this one follows.
    #[arg(long)]
    down_revision: Option<String>,
    /// Write `<rev>_<slug>.py` into this folder instead of printing it.
    #[arg(long, value_name = "DIR")]
    versions: Option<PathBuf>,
    /// Exactly what Alembic writes, without retort's additions (schemas,
    /// enum types, constraint names its revision would need to run,
    /// CONCURRENTLY indexes, the 3-step NOT NULL split).
    #[arg(long)]
    no_safe: bool,
    /// Group each existing table's ops in `with op.batch_alter_table(...)`
    /// blocks, as Alembic does with `render_as_batch=True`.
    #[arg(long)]
    batch: bool,
    /// How to fill existing rows of a new NOT NULL column (safe mode):
    /// `TABLE.COLUMN=SQL`, e.g. `users.bio=''`. Repeatable.
    #[arg(long, value_name = "TABLE.COLUMN=EXPR")]
    backfill: Vec<String>,
    /// Rename a column instead of dropping one and adding another:
    /// `TABLE.OLD=NEW` (retort suggests the pairs that look alike).
    /// Repeatable.
    #[arg(long, value_name = "TABLE.OLD=NEW")]
    rename: Vec<String>,
    /// Rename a table instead of dropping one and creating another:
    /// `[SCHEMA.]OLD=NEW` (retort suggests the pairs whose columns are
    /// the same). Repeatable.
    #[arg(long, value_name = "OLD=NEW")]
    rename_table: Vec<String>,
    /// Print the PostgreSQL SQL the revision(s) run, as `alembic upgrade
    /// --sql` (or `downgrade --sql`) prints it, instead of the Python.
    #[arg(long, value_enum, value_name = "DIRECTION", num_args = 0..=1, default_missing_value = "upgrade")]
    sql: Option<SqlDirection>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SqlDirection {
    Upgrade,
    Downgrade,
}

pub fn run(args: &Args) -> ExitCode {
    let mut backfills = Vec::new();
    for given in &args.backfill {
        match table_column_value(given) {
            Some((table, column, expression)) => backfills.push(ColumnFill {
                table,
                column,
                expression,
            }),
            None => {
                eprintln!("--backfill {given}: expected TABLE.COLUMN=EXPR, e.g. users.bio=''");
                return ExitCode::from(2);
            }
        }
    }
    let mut renames = Vec::new();
    for given in &args.rename {
        match table_column_value(given) {
            Some((table, old, new)) => renames.push(RenamedColumn { table, old, new }),
            None => {
                eprintln!("--rename {given}: expected TABLE.OLD=NEW, e.g. users.bio=about");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(from), Some(to)) = (&args.from, &args.to) else {
        let (create_date, clock) = now();
        return autogenerate::run(autogenerate::Request {
            project: &args.project,
            autogenerate: args.autogenerate,
            message: args.message.as_deref(),
            rev_id: args.rev_id.clone().unwrap_or_else(random_rev_id),
            head: args.head.as_deref(),
            choices: Choices {
                safe: !args.no_safe,
                batch: args.batch,
                renames,
                table_renames: Vec::new(),
                backfills,
            },
            clock,
            create_date,
        });
    };
    let before = match read_input(from) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let after = match read_input(to) {
        Ok(input) => input,
        Err(code) => return code,
    };
    before.print_diagnostics();
    after.print_diagnostics();
    // Each --rename-table as given, or None when it is not OLD=NEW.
    let table_args: Vec<Option<RenamedTable>> =
        args.rename_table.iter().map(|g| table_rename(g)).collect();
    let choices = Choices {
        safe: !args.no_safe,
        batch: args.batch,
        renames,
        table_renames: table_args.iter().flatten().cloned().collect(),
        backfills,
    };
    let rev_id = args.rev_id.clone().unwrap_or_else(random_rev_id);
    let (create_date, _) = now();
    let plan = autogen::plan(&PlanRequest {
        before: &before.schema,
        after: &after.schema,
        choices: &choices,
        message: args.message.as_deref().unwrap_or(""),
        rev_id: &rev_id,
        down_revision: args.down_revision.as_deref(),
        create_date: &create_date,
    });
    let to = to.display();
    // Foreign keys in a cycle: the revision is written, but it cannot run.
    if let Some(entry) = after.files.first() {
        print_diagnostics(&entry.path, &entry.source, plan.cycle.as_slice());
    }
    for (given, wanted) in args.rename_table.iter().zip(&table_args) {
        let Some(wanted) = wanted else {
            eprintln!("--rename-table {given}: expected OLD=NEW, e.g. users=accounts");
            return ExitCode::from(2);
        };
        if plan.refused_tables.contains(wanted) {
            // The new name as typed (the rename itself has it trimmed).
            let new = given.split_once('=').map_or("", |(_, new)| new);
            eprintln!(
                "--rename-table {given}: {} is not dropped with {new} created alike (the same columns); nothing renamed",
                wanted.old
            );
            return ExitCode::from(2);
        }
    }
    for candidate in &plan.table_candidates {
        if choices.table_renames.iter().any(|t| t.is(candidate)) {
            continue;
        }
        let prefix = candidate
            .schema
            .as_ref()
            .map(|s| format!("{s}."))
            .unwrap_or_default();
        eprintln!(
            "{to}: note: table {prefix}{} dropped and {} created look alike: if it is a rename, pass --rename-table {prefix}{}={} (dropping loses the data)",
            candidate.old, candidate.new, candidate.old, candidate.new
        );
    }
    if let Some(RenamedColumn { table, old, new }) = plan.refused_columns.first() {
        eprintln!(
            "--rename {table}.{old}={new}: {table}.{old} is not dropped with {table}.{new} added alike (same type and nullability); nothing renamed"
        );
        return ExitCode::from(2);
    }
    for candidate in &plan.column_candidates {
        let (t, old, new) = (&candidate.table.name, &candidate.old, &candidate.new);
        if choices.renames.iter().any(|r| r.is(candidate)) {
            continue;
        }
        eprintln!(
            "{to}: note: {t}.{old} dropped and {t}.{new} added look alike: if it is a rename, pass --rename {t}.{old}={new} (dropping loses the data)"
        );
    }
    for fill in plan.backfills.iter().filter(|f| !f.given) {
        eprintln!(
            "{to}: warning: {}.{} is NOT NULL without a default: existing rows get {} (choose with --backfill {}.{}=EXPR)",
            fill.table.name, fill.column, fill.expression, fill.table.name, fill.column
        );
    }
    let mut sql_failed = false;
    if let Some(direction) = args.sql {
        // Enum types a create_table makes: the model's, and the database's
        // for tables a downgrade re-creates.
        let mut all_enums = after.schema.enums.clone();
        all_enums.extend(plan.database_enums.iter().cloned());
        let revisions: Vec<ScriptRevision<'_>> = plan
            .revisions
            .iter()
            .map(|r| ScriptRevision::linear(&r.id, r.down_revision.as_deref(), &r.migration))
            .collect();
        let direction = match direction {
            SqlDirection::Upgrade => Direction::Upgrade,
            SqlDirection::Downgrade => Direction::Downgrade,
        };
        let script = script(&revisions, direction, &all_enums);
        for error in &script.errors {
            eprintln!("{to}: error: revision {}: {}", error.rev_id, error.message);
        }
        sql_failed = !script.errors.is_empty();
        out!("{}", script.text);
    }
    match &args.versions {
        Some(dir) => {
            for revision in &plan.revisions {
                let path = dir.join(&revision.file_name);
                if let Err(error) = std::fs::write(&path, &revision.text) {
                    eprintln!("{}: cannot write: {error}", path.display());
                    return ExitCode::from(2);
                }
                // With --sql, stdout is the SQL: the files go unannounced.
                if args.sql.is_none() {
                    outln!("Generating {} ...  done", path.display());
                }
            }
        }
        None if args.sql.is_none() => out!("{}", plan.chain()),
        None => {}
    }
    let failed = before.has_errors()
        || after.has_errors()
        || plan.cycle.iter().any(|d| d.severity == Severity::Error);
    if failed || sql_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `[SCHEMA.]OLD=NEW` as a table rename.
fn table_rename(given: &str) -> Option<RenamedTable> {
    let (old, new) = given.split_once('=')?;
    let (schema, old) = match old.rsplit_once('.') {
        Some((schema, old)) => (Some(schema.to_string()), old),
        None => (None, old),
    };
    Some(RenamedTable {
        schema,
        old: old.to_string(),
        new: new.trim().to_string(),
    })
}

/// `TABLE.COLUMN=VALUE` → its three parts (the value non-empty).
fn table_column_value(given: &str) -> Option<(String, String, String)> {
    let (target, value) = given.split_once('=')?;
    let (table, column) = target.split_once('.')?;
    (!value.trim().is_empty() && !table.is_empty() && !column.is_empty())
        .then(|| (table.to_string(), column.to_string(), value.to_string()))
}

/// 12 hex digits, as Alembic's `uuid4().hex[-12:]`.
fn random_rev_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// The current UTC time as Python prints `datetime.now()`, and its parts
/// for a `file_template`.
fn now() -> (String, Clock) {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = elapsed.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let clock = Clock {
        year,
        month: month as u32,
        day: day as u32,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        epoch: secs,
    };
    let text = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        clock.hour,
        clock.minute,
        clock.second,
        elapsed.subsec_micros()
    );
    (text, clock)
}
