//! Reading the files a command is given, and saying what is wrong with
//! them the way compilers do (`path:line:col: severity: message`).

use std::path::Path;
use std::process::ExitCode;

use retort_core::schema::Schema;
use retort_core::{Diagnostic, LineIndex, Severity, python, sql};

/// A file's text, or the exit code after saying why it cannot be read.
pub fn read_text(path: &Path) -> Result<String, ExitCode> {
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

/// `path:line:col: severity: message`, then the help, as compilers print them.
pub fn print_diagnostics(path: &Path, source: &str, diagnostics: &[Diagnostic]) {
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

/// A model file or SQL script, read: its text, the schema and the
/// diagnostics. `Err`: the exit code for a file that cannot be read.
pub struct Input {
    pub source: String,
    pub schema: Schema,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn read_input(path: &Path) -> Result<Input, ExitCode> {
    let source = read_text(path)?;
    let (schema, diagnostics) = match path.extension().and_then(|e| e.to_str()) {
        // Python imports the file as its stem: a TypeDecorator of it is
        // rendered `stem.Class(...)`, as Alembic renders it.
        Some("py") => python::read_module_schema(
            &source,
            path.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(python::DEFAULT_MODULE),
        ),
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

/// Exit 1 when something failed, else 0.
pub fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
