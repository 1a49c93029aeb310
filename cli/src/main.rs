//! The `retort` command.
//!
//! Exit codes: 0 success; 1 the input has errors (the rest of the output is
//! still printed); 2 bad usage or a file that cannot be read; 141 the
//! reader of standard output closed it (`retort history | head`), as a
//! shell reports a process ended by `SIGPIPE` (see `out.rs`).

use std::process::ExitCode;

mod commands;
mod config;
mod emit;
mod files;
mod out;
mod project;
mod versions;

use clap::Parser;
use commands::{
    about, branches, check, checklist, heads, history, lint, offline, rehearse, revision, rule,
    schema, show, sql,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Schema(schema::Args),
    /// Write the Alembic revision that takes the schema of BEFORE to that
    /// of AFTER (models `.py` or DDL `.sql`), as `alembic revision
    /// --autogenerate` would; in an Alembic project (no --from/--to):
    /// `retort revision --autogenerate -m MSG` writes the next revision
    /// into its versions folder, the revisions replayed as the database.
    Revision(revision::Args),
    /// Print the PostgreSQL SQL that Alembic revision files run, as
    /// `alembic upgrade --sql` (or `downgrade --sql`) prints it. Give one
    /// revision or a chain of them (e.g. `versions/*.py`).
    Sql(sql::Args),
    /// `alembic upgrade TARGET --sql`: the SQL Alembic prints for the
    /// project's revisions (or `--versions DIR`), with Alembic's targets:
    /// `head`, `<rev>`, `+N`, `<branch>@head`, `FROM:TO`.
    Upgrade(offline::Args),
    /// `alembic downgrade FROM:TO --sql`: the downgrade's SQL (`head:-1`,
    /// `head:base`, `<rev>:<rev>`).
    Downgrade(offline::Args),
    /// What an Alembic command (`upgrade +1`, `downgrade base`, `current`…)
    /// runs against a database at `--current`: its log lines on stderr,
    /// its statements and transaction steps on stdout (`--json`: the plan).
    /// Nothing is connected to. Example: `retort rehearse versions
    /// --current ae1027a6 -- upgrade +1`.
    Rehearse(rehearse::Args),
    /// List revisions newest first, as `alembic history` does.
    History(history::Args),
    /// The head revisions, as `alembic heads` prints them.
    Heads(heads::Args),
    /// The branch points and their branches, as `alembic branches`.
    Branches(branches::Args),
    /// One revision in full, as `alembic show REV`.
    Show(show::Args),
    /// `alembic check` with no database: in the Alembic project around the
    /// current folder, the models against the revisions replayed to head,
    /// and the history's integrity (every file reads, the expected number
    /// of heads, no empty upgrade, every downgrade implemented, no
    /// duplicate id, missing parent or cycle). Given a versions folder:
    /// its integrity only. Exit 1 on any problem.
    Check(check::Args),
    /// Review migrations for what they do to a live database: revision
    /// files, `versions/` folders, `.sql` scripts, `-` for standard input.
    /// Exit 0: no error or warning; 1: errors or warnings found, or a file
    /// in a folder that cannot be read or is not UTF-8 (the rest is still
    /// reviewed); 2: bad usage, or a path given that cannot be opened.
    Lint(lint::Args),
    /// The production checklist of revisions: the backup, the exclusive
    /// locks, the indexes to build concurrently, the downgrades and the
    /// commands in order (text, or Markdown for a pull request).
    Checklist(checklist::Args),
    /// Explain a rule (or list them all).
    Rule(rule::Args),
    /// Print where retort's playground, documentation and sources are.
    About,
}

fn main() -> ExitCode {
    match &Cli::parse().command {
        Command::Schema(args) => schema::run(args),
        Command::Revision(args) => revision::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Upgrade(args) => offline::upgrade(args),
        Command::Downgrade(args) => offline::downgrade(args),
        Command::Rehearse(args) => rehearse::run(args),
        Command::History(args) => history::run(args),
        Command::Heads(args) => heads::run(args),
        Command::Branches(args) => branches::run(args),
        Command::Show(args) => show::run(args),
        Command::Check(args) => check::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Checklist(args) => checklist::run(args),
        Command::Rule(args) => rule::run(args),
        Command::About => about::run(),
    }
}
