//! The `retort` command.
//!
//! Exit codes: 0 success; 1 the input has errors (the rest of the output is
//! still printed); 2 bad usage or a file that cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod config;
mod history;
mod lint;

use clap::{Parser, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use retort_core::render::{self, RevisionHeader};
use retort_core::schema::Schema;
use retort_core::{Diagnostic, LineIndex, Severity, diff, python, sql};

/// Review and rehearse Alembic migrations: see the revision Alembic would
/// write, the PostgreSQL it runs, and what is dangerous about it.
#[derive(Debug, Parser)]
#[command(name = "retort", version, about, long_about = None)]
#[command(arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Read a SQLAlchemy model file (without running Python) or a PostgreSQL
    /// DDL script (`.sql`, `pg_dump --schema-only` output) and print the
    /// schema retort sees in it.
    Schema {
        /// The model file (`.py`) or SQL script (`.sql`).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print the schema as PostgreSQL stores it: its type spellings,
        /// the names it gives unnamed constraints, expressions in canonical
        /// form. A model and a dump of the database it creates print the same.
        #[arg(long)]
        database_form: bool,
    },
    /// Write the Alembic revision that takes the schema of BEFORE to that
    /// of AFTER (models `.py` or DDL `.sql`), as `alembic revision
    /// --autogenerate` would.
    Revision {
        /// The schema the database has now.
        #[arg(long = "from", value_name = "BEFORE")]
        from: PathBuf,
        /// The schema the models describe.
        #[arg(long = "to", value_name = "AFTER")]
        to: PathBuf,
        /// The revision message.
        #[arg(short, long, default_value = "")]
        message: String,
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
    },
    /// Print the PostgreSQL SQL that Alembic revision files run, as
    /// `alembic upgrade --sql` (or `downgrade --sql`) prints it. Give one
    /// revision or a chain of them (e.g. `versions/*.py`).
    Sql {
        /// Revision files (`.py`), in any order: they are run in the order
        /// their `down_revision`s chain them.
        #[arg(required = true)]
        revisions: Vec<PathBuf>,
        /// Print the downgrade (newest revision first) instead.
        #[arg(long)]
        downgrade: bool,
    },
    /// List revisions newest first, as `alembic history` does.
    History {
        /// The versions folder (default: the current one).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// A range `[start]:[end]` (ids, prefixes, `base`, `heads`,
        /// `label@head`, `rev+N`…).
        #[arg(short = 'r', long = "rev-range")]
        range: Option<String>,
        /// Mark this revision `(current)` (the database's, as you know it).
        #[arg(long, value_name = "REV")]
        indicate_current: Option<String>,
        #[arg(short, long)]
        verbose: bool,
        /// Read subfolders too (`recursive_version_locations`).
        #[arg(long)]
        recursive: bool,
    },
    /// The head revisions, as `alembic heads` prints them.
    Heads {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(short, long)]
        verbose: bool,
        #[arg(long)]
        recursive: bool,
    },
    /// The branch points and their branches, as `alembic branches`.
    Branches {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        recursive: bool,
    },
    /// One revision in full, as `alembic show REV`.
    Show {
        /// A revision id, a unique prefix, `head`, a branch label…
        rev: String,
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        recursive: bool,
    },
    /// The history's integrity, for CI: every file reads, the expected
    /// number of heads, no empty upgrade, every downgrade implemented, no
    /// duplicate id, missing parent or cycle. Exit 1 on any problem.
    Check {
        dir: PathBuf,
        /// How many heads the history should have.
        #[arg(long, default_value_t = 1)]
        heads: usize,
        #[arg(long)]
        recursive: bool,
    },
    /// Review migrations for what they do to a live database: revision
    /// files, `versions/` folders, `.sql` scripts, `-` for standard input.
    /// Exit 0: no error or warning; 1: errors or warnings found (or a file
    /// that cannot be read); 2: bad usage.
    Lint {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = lint::LintFormat::Text)]
        format: lint::LintFormat,
        /// The PostgreSQL major version the migration runs on.
        /// (Default: the configuration's, else the newest.)
        #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(retort_core::lint::OLDEST_POSTGRES)..=i64::from(retort_core::lint::NEWEST_POSTGRES)))]
        postgres: Option<u32>,
        /// `.sql` scripts run inside a transaction (as a tool that wraps
        /// each file in one would run them).
        #[arg(long)]
        assume_in_transaction: bool,
        /// Also print each file's lock table: per op, the lock it takes,
        /// on which table, what that blocks, and whether it rewrites.
        #[arg(long)]
        locks: bool,
        /// The configuration file (default: the nearest `retort.toml`, or
        /// `pyproject.toml` with `[tool.retort]`, from the first path up).
        #[arg(long, conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Use no configuration file.
        #[arg(long)]
        no_config: bool,
        /// Apply the safe fixes to the files (stdin: print the fixed text),
        /// then report what is left.
        #[arg(long)]
        fix: bool,
        /// With `--fix`: apply the unsafe fixes too.
        #[arg(long, requires = "fix")]
        unsafe_fixes: bool,
    },
    /// Explain a rule (or list them all).
    Rule {
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Print where retort's playground, documentation and sources are.
    About,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SqlDirection {
    Upgrade,
    Downgrade,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// An outline of tables and columns.
    Text,
    /// The schema as JSON (the shape the ground-truth tests compare).
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Schema {
            file,
            format,
            database_form,
        } => schema(&file, format, database_form),
        Command::Revision {
            from,
            to,
            message,
            rev_id,
            down_revision,
            versions,
            no_safe,
            batch,
            backfill,
            rename,
            rename_table,
            sql,
        } => revision(
            &from,
            &to,
            RevisionOptions {
                message: &message,
                rev_id,
                down_revision,
                versions: versions.as_deref(),
                safe: !no_safe,
                batch,
                backfill: &backfill,
                rename: &rename,
                rename_table: &rename_table,
                sql,
            },
        ),
        Command::Sql {
            revisions,
            downgrade,
        } => sql_command(&revisions, downgrade),
        Command::History {
            dir,
            range,
            indicate_current,
            verbose,
            recursive,
        } => history::history(
            &dir,
            history::HistoryOptions {
                range: range.as_deref(),
                current: indicate_current.as_deref(),
                verbose,
                recursive,
            },
        ),
        Command::Heads {
            dir,
            verbose,
            recursive,
        } => history::heads(&dir, verbose, recursive),
        Command::Branches { dir, recursive } => history::branches(&dir, recursive),
        Command::Show {
            rev,
            dir,
            recursive,
        } => history::show(&dir, &rev, recursive),
        Command::Check {
            dir,
            heads,
            recursive,
        } => history::check(&dir, heads, recursive),
        Command::Lint {
            paths,
            format,
            postgres,
            assume_in_transaction,
            locks,
            config,
            no_config,
            fix,
            unsafe_fixes,
        } => {
            let config = if no_config {
                Ok(config::Config::default())
            } else if let Some(path) = &config {
                config::load(path)
            } else {
                let start = paths
                    .iter()
                    .find(|p| p.as_os_str() != "-")
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from("."));
                config::discover(&start)
            };
            match config {
                Ok(config) => lint::lint(
                    &paths,
                    &lint::LintOptions {
                        format,
                        fix: fix.then_some(if unsafe_fixes {
                            retort_core::Applicability::Unsafe
                        } else {
                            retort_core::Applicability::Safe
                        }),
                        settings: config.settings(postgres, assume_in_transaction),
                        locks,
                        config,
                    },
                ),
                Err(message) => {
                    eprintln!("{message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Rule { id, all } => lint::rule(id.as_deref(), all),
        Command::About => {
            println!(
                "retort {}: review and rehearse Alembic migrations.\n\
                 Playground: run `cargo xtask serve` in a checkout and open the printed URL.\n\
                 Sources: {}",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_REPOSITORY")
            );
            ExitCode::SUCCESS
        }
    }
}

/// A model file or SQL script, read: its text, the schema and the
/// diagnostics. `Err`: the exit code for a file that cannot be read.
struct Input {
    source: String,
    schema: Schema,
    diagnostics: Vec<Diagnostic>,
}

fn read_input(path: &Path) -> Result<Input, ExitCode> {
    let source = read_text(path)?;
    let (schema, diagnostics) = match path.extension().and_then(|e| e.to_str()) {
        Some("py") => python::read_schema(&source),
        Some("sql") => sql::read_schema(&source),
        _ => {
            eprintln!(
                "{}: retort reads SQLAlchemy model files (.py) and PostgreSQL DDL (.sql)",
                path.display()
            );
            return Err(ExitCode::from(2));
        }
    };
    Ok(Input {
        source,
        schema,
        diagnostics,
    })
}

fn schema(path: &Path, format: Format, database_form: bool) -> ExitCode {
    let Input {
        source,
        schema,
        diagnostics,
    } = match read_input(path) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let schema = if database_form {
        sql::stored::database_form(&schema)
    } else {
        schema
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&schema) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("cannot print the schema as JSON: {error}");
                return ExitCode::from(2);
            }
        },
        Format::Text => print!("{}", schema.outline()),
    }
    print_diagnostics(path, &source, &diagnostics);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `path:line:col: severity: message`, then the help, as compilers print them.
pub(crate) fn print_diagnostics(path: &Path, source: &str, diagnostics: &[Diagnostic]) {
    let index = LineIndex::new(source);
    for d in diagnostics {
        let at = index.line_col(d.span.start);
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        eprintln!(
            "{}:{}:{}: {severity}: {}",
            path.display(),
            at.line,
            at.column,
            d.message
        );
        if let Some(help) = &d.help {
            eprintln!("  help: {help}");
        }
    }
}

struct RevisionOptions<'a> {
    message: &'a str,
    rev_id: Option<String>,
    down_revision: Option<String>,
    versions: Option<&'a Path>,
    safe: bool,
    batch: bool,
    backfill: &'a [String],
    rename: &'a [String],
    rename_table: &'a [String],
    sql: Option<SqlDirection>,
}

fn revision(from: &Path, to: &Path, options: RevisionOptions<'_>) -> ExitCode {
    let RevisionOptions {
        message,
        rev_id,
        down_revision,
        versions,
        safe,
        batch,
        backfill,
        rename,
        rename_table,
        sql: sql_direction,
    } = options;
    let mut fills = Vec::new();
    for given in backfill {
        match table_column_value(given) {
            Some((table, column, expr)) => fills.push((table, column, expr)),
            None => {
                eprintln!("--backfill {given}: expected TABLE.COLUMN=EXPR, e.g. users.bio=''");
                return ExitCode::from(2);
            }
        }
    }
    let mut accepted = Vec::new();
    for given in rename {
        match table_column_value(given) {
            Some((table, old, new)) => accepted.push((table, old, new)),
            None => {
                eprintln!("--rename {given}: expected TABLE.OLD=NEW, e.g. users.bio=about");
                return ExitCode::from(2);
            }
        }
    }
    let before = match read_input(from) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let after = match read_input(to) {
        Ok(input) => input,
        Err(code) => return code,
    };
    print_diagnostics(from, &before.source, &before.diagnostics);
    print_diagnostics(to, &after.source, &after.diagnostics);
    // Foreign keys in a cycle: the revision is written, but it cannot run.
    let cycle = diff::foreign_key_cycle(&before.schema, &after.schema);
    print_diagnostics(to, &after.source, cycle.as_slice());
    let table_candidates = diff::table_rename_candidates(&before.schema, &after.schema);
    let mut table_renames = Vec::new();
    for given in rename_table {
        let Some((old, new)) = given.split_once('=') else {
            eprintln!("--rename-table {given}: expected OLD=NEW, e.g. users=accounts");
            return ExitCode::from(2);
        };
        let (schema, old) = match old.rsplit_once('.') {
            Some((schema, old)) => (Some(schema.to_string()), old),
            None => (None, old),
        };
        let wanted = diff::TableRename {
            schema,
            old: old.to_string(),
            new: new.trim().to_string(),
        };
        if !table_candidates.contains(&wanted) {
            eprintln!(
                "--rename-table {given}: {old} is not dropped with {new} created alike (the same columns); nothing renamed"
            );
            return ExitCode::from(2);
        }
        table_renames.push(wanted);
    }
    for candidate in table_candidates
        .iter()
        .filter(|c| !table_renames.contains(c))
    {
        let prefix = candidate
            .schema
            .as_ref()
            .map(|s| format!("{s}."))
            .unwrap_or_default();
        eprintln!(
            "{}: note: table {prefix}{} dropped and {} created look alike: if it is a rename, pass --rename-table {prefix}{}={} (dropping loses the data)",
            to.display(),
            candidate.old,
            candidate.new,
            candidate.old,
            candidate.new
        );
    }
    // Column renames are looked for after the accepted table renames.
    let renamed_before = if table_renames.is_empty() {
        before.schema.clone()
    } else {
        diff::renamed_tables(&before.schema, &table_renames)
    };
    let candidates = diff::rename_candidates(&renamed_before, &after.schema);
    let renames: Vec<diff::Rename> = candidates
        .iter()
        .filter(|c| {
            accepted
                .iter()
                .any(|(t, old, new)| *t == c.table.name && *old == c.old && *new == c.new)
        })
        .cloned()
        .collect();
    for (table, old, new) in &accepted {
        if !renames
            .iter()
            .any(|r| r.table.name == *table && r.old == *old && r.new == *new)
        {
            eprintln!(
                "--rename {table}.{old}={new}: {table}.{old} is not dropped with {table}.{new} added alike (same type and nullability); nothing renamed"
            );
            return ExitCode::from(2);
        }
    }
    for candidate in candidates.iter().filter(|c| !renames.contains(c)) {
        let (t, old, new) = (&candidate.table.name, &candidate.old, &candidate.new);
        eprintln!(
            "{}: note: {t}.{old} dropped and {t}.{new} added look alike: if it is a rename, pass --rename {t}.{old}={new} (dropping loses the data)",
            to.display()
        );
    }
    let (steps, backfills) = diff::plan_with_table_renames(
        &before.schema,
        &after.schema,
        diff::Options { safe },
        &fills,
        &renames,
        &table_renames,
    );
    for fill in backfills.iter().filter(|f| !f.given) {
        eprintln!(
            "{}: warning: {}.{} is NOT NULL without a default: existing rows get {} (choose with --backfill {}.{}=EXPR)",
            to.display(),
            fill.table.name,
            fill.column,
            fill.expression,
            fill.table.name,
            fill.column
        );
    }
    let base_id = rev_id.unwrap_or_else(random_rev_id);
    let enums = render::database_enums(&before.schema);
    let create_date = now();
    // Each step's id and the id it follows.
    let mut chain: Vec<(String, Option<String>)> = Vec::new();
    for i in 0..steps.len() {
        let id = if i == 0 {
            base_id.clone()
        } else {
            derived_rev_id(&base_id, i)
        };
        let down = match chain.last() {
            Some((previous, _)) => Some(previous.clone()),
            None => down_revision.clone(),
        };
        chain.push((id, down));
    }
    let mut sql_failed = false;
    if let Some(direction) = sql_direction {
        // Enum types a create_table makes: the model's, and the database's
        // for tables a downgrade re-creates.
        let mut all_enums = after.schema.enums.clone();
        all_enums.extend(enums.iter().cloned());
        let revisions: Vec<render::script::ScriptRevision<'_>> = steps
            .iter()
            .zip(&chain)
            .map(|(step, (id, down))| {
                render::script::ScriptRevision::linear(id, down.as_deref(), &step.migration)
            })
            .collect();
        let direction = match direction {
            SqlDirection::Upgrade => render::script::Direction::Upgrade,
            SqlDirection::Downgrade => render::script::Direction::Downgrade,
        };
        let script = render::script::script(&revisions, direction, &all_enums);
        for error in &script.errors {
            eprintln!(
                "{}: error: revision {}: {}",
                to.display(),
                error.rev_id,
                error.message
            );
        }
        sql_failed = !script.errors.is_empty();
        print!("{}", script.text);
    }
    let count = steps.len();
    for (i, (step, (id, down))) in steps.iter().zip(&chain).enumerate() {
        if sql_direction.is_some() && versions.is_none() {
            break;
        }
        let step_message = if step.message.is_empty() {
            message.to_string()
        } else if message.is_empty() {
            step.message.clone()
        } else {
            format!("{message} ({})", step.message)
        };
        let header = RevisionHeader {
            message: &step_message,
            rev_id: id,
            down_revision: down.as_deref(),
            create_date: &create_date,
        };
        let text = render::revision(
            &header,
            &step.migration,
            &render::Context {
                database_enums: &enums,
                batch,
            },
        );
        match versions {
            Some(dir) => {
                let path = dir.join(format!("{id}_{}.py", slug(&step_message)));
                if let Err(error) = std::fs::write(&path, text) {
                    eprintln!("{}: cannot write: {error}", path.display());
                    return ExitCode::from(2);
                }
                // With --sql, stdout is the SQL: the files go unannounced.
                if sql_direction.is_none() {
                    println!("Generating {} ...  done", path.display());
                }
            }
            None => {
                if count > 1 {
                    println!(
                        "# ---- revision {}/{count}: {id}_{}.py ----",
                        i + 1,
                        slug(&step_message)
                    );
                }
                print!("{text}");
            }
        }
    }
    let failed = before
        .diagnostics
        .iter()
        .chain(&after.diagnostics)
        .chain(&cycle)
        .any(|d| d.severity == Severity::Error);
    if failed || sql_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file's text, or the exit code after saying why it cannot be read.
pub(crate) fn read_text(path: &Path) -> Result<String, ExitCode> {
    let bytes = std::fs::read(path).map_err(|error| {
        eprintln!("{}: cannot read: {error}", path.display());
        ExitCode::from(2)
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let line_col = LineIndex::new(&text).line_col(at);
        eprintln!(
            "{}:{}:{}: error: not UTF-8 (byte {at})",
            path.display(),
            line_col.line,
            line_col.column
        );
        ExitCode::from(2)
    })
}

fn sql_command(paths: &[PathBuf], downgrade: bool) -> ExitCode {
    let mut read = Vec::new();
    let mut failed = false;
    for path in paths {
        let source = match read_text(path) {
            Ok(source) => source,
            Err(code) => return code,
        };
        let (rev, diagnostics) = retort_core::revision::read_revision(&source);
        print_diagnostics(path, &source, &diagnostics);
        failed |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        if rev.id.is_none() {
            eprintln!("{}: error: no `revision = '…'`: left out", path.display());
            failed = true;
        }
        read.push(rev);
    }
    let direction = if downgrade {
        render::script::Direction::Downgrade
    } else {
        render::script::Direction::Upgrade
    };
    let revisions: Vec<&retort_core::revision::Revision> = read.iter().collect();
    let written = render::script::files_script(&revisions, direction, "heads");
    for problem in &written.problems {
        eprintln!("error: {problem}");
    }
    for error in &written.script.errors {
        let path = read
            .iter()
            .position(|r| r.id.as_deref() == Some(error.rev_id.as_str()))
            .map_or(String::new(), |i| paths[i].display().to_string());
        eprintln!("{path}: error: {}", error.message);
    }
    print!("{}", written.script.text);
    if failed || !written.problems.is_empty() || !written.script.errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `TABLE.COLUMN=VALUE` → its three parts (the value non-empty).
fn table_column_value(given: &str) -> Option<(String, String, String)> {
    let (target, value) = given.split_once('=')?;
    let (table, column) = target.split_once('.')?;
    (!value.trim().is_empty() && !table.is_empty() && !column.is_empty())
        .then(|| (table.to_string(), column.to_string(), value.to_string()))
}

/// The id of the `step`-th revision after `base` in a split plan: 12 hex
/// digits derived from both, so the same `--rev-id` gives the same chain.
fn derived_rev_id(base: &str, step: usize) -> String {
    // FNV-1a: stable across runs and platforms (unlike the std hasher).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base.bytes().chain(step.to_string().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// Alembic's file-name slug: the message's words, lower case, joined by
/// `_`, cut at 40 characters on a word boundary.
fn slug(message: &str) -> String {
    let words: Vec<String> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let slug = words.join("_");
    if slug.chars().count() > 40 {
        let cut: String = slug.chars().take(40).collect();
        match cut.rsplit_once('_') {
            Some((head, _)) => format!("{head}_"),
            None => format!("{cut}_"),
        }
    } else {
        slug
    }
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

/// The current UTC time as Python prints `datetime.now()`.
fn now() -> String {
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
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        elapsed.subsec_micros()
    )
}
