//! The `retort` command.
//!
//! Exit codes: 0 success; 1 the input has errors (the rest of the output is
//! still printed); 2 bad usage or a file that cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use retort_core::{Diagnostic, LineIndex, Severity, python, sql};

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
    /// Print where retort's playground, documentation and sources are.
    About,
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

fn schema(path: &Path, format: Format, database_form: bool) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{}: cannot read: {error}", path.display());
            return ExitCode::from(2);
        }
    };
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let line_col = LineIndex::new(&text).line_col(at);
            eprintln!(
                "{}:{}:{}: error: not UTF-8 (byte {at}); model files must be UTF-8",
                path.display(),
                line_col.line,
                line_col.column
            );
            return ExitCode::from(2);
        }
    };
    let (schema, diagnostics) = match path.extension().and_then(|e| e.to_str()) {
        Some("py") => python::read_schema(&source),
        Some("sql") => sql::read_schema(&source),
        _ => {
            eprintln!(
                "{}: retort reads SQLAlchemy model files (.py) and PostgreSQL DDL (.sql)",
                path.display()
            );
            return ExitCode::from(2);
        }
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
fn print_diagnostics(path: &Path, source: &str, diagnostics: &[Diagnostic]) {
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
