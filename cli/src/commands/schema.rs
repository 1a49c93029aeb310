//! `retort schema`: the schema retort reads in a model file or a SQL
//! script, as an outline or as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use retort_core::sql;

use crate::files::{exit, read_input};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`.py`, with the project modules it imports), a
    /// package folder of models, or a SQL script (`.sql`).
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the schema as PostgreSQL stores it: its type spellings,
    /// the names it gives unnamed constraints, expressions in canonical
    /// form. A model and a dump of the database it creates print the same.
    #[arg(long)]
    database_form: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// An outline of tables and columns.
    Text,
    /// The schema as JSON (the shape the ground-truth tests compare).
    Json,
}

pub fn run(args: &Args) -> ExitCode {
    let input = match read_input(&args.file) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let schema = if args.database_form {
        sql::stored::database_form(&input.schema)
    } else {
        input.schema.clone()
    };
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&schema) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("cannot print the schema as JSON: {error}");
                return ExitCode::from(2);
            }
        },
        Format::Text => print!("{}", schema.outline()),
    }
    input.print_diagnostics();
    exit(input.has_errors())
}
