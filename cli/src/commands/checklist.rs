//! `retort checklist`: the production checklist of revision files or a
//! `versions/` folder: the backup, the exclusive locks, the indexes to build
//! concurrently, the downgrades, and the commands with the real ids, as
//! text or as Markdown for a pull request.

use crate::out::out;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use retort_core::report::checklist::{checklist, markdown, text};

use crate::config;
use crate::files::read_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Revision files, or folders of them (a `versions/` folder).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The PostgreSQL major version the migration runs on (default: the
    /// configuration's, else the newest).
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(retort_core::lint::OLDEST_POSTGRES)..=i64::from(retort_core::lint::NEWEST_POSTGRES)))]
    postgres: Option<u32>,
}

pub fn run(args: &Args) -> ExitCode {
    let config = match config::discover(&args.paths[0]) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut files = Vec::new();
    for path in &args.paths {
        if let Err(code) = collect(path, &mut files) {
            return code;
        }
    }
    if files.is_empty() {
        eprintln!("no revision files (*.py) in {}", args.paths[0].display());
        return ExitCode::from(2);
    }
    let mut texts = Vec::with_capacity(files.len());
    for file in &files {
        match read_text(file) {
            Ok(text) => texts.push(text),
            Err(code) => return code,
        }
    }
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let list = checklist(&texts, &config.settings(args.postgres, false));
    match args.format {
        Format::Text => out!("{}", text(&list)),
        Format::Markdown => out!("{}", markdown(&list)),
    }
    ExitCode::SUCCESS
}

/// `path`, or the `.py` files directly in it, sorted by name.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), ExitCode> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|error| {
        eprintln!("{}: cannot read: {error}", path.display());
        ExitCode::from(2)
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "py"))
        .filter(|p| p.file_name().is_some_and(|n| n != "__init__.py"))
        .collect();
    found.sort();
    files.extend(found);
    Ok(())
}
