//! The terminal's format: each finding as `path:line:col: rule message`
//! with its source line and a caret under it (coloured on a terminal),
//! its fix, then each file's lock table and a summary.

use std::io::{IsTerminal, Write};

use retort_core::lint::locks::{locks, unseen};
use retort_core::lint::{self, Settings};
use retort_core::{Applicability, LineIndex, Severity};

use super::Printed;

/// The lock table of one file: per step, line, op, lock mode, table, what
/// it blocks and how long it holds it.
pub fn lock_lines(
    index: &LineIndex<'_>,
    steps: &[lint::Step<'_>],
    settings: &Settings,
) -> Vec<String> {
    let mut lines = Vec::new();
    for step in steps {
        let line = index.line_col(step.span.start).line;
        for lock in locks(step, settings) {
            lines.push(format!(
                "{line:>5}  {:<22}  {:<24}  {}{}; blocks {}",
                lock.mode.name(),
                lock.table,
                lock.work.describe(),
                if unseen(step, &lock) {
                    " (a table created in this migration: nobody else sees it yet)"
                } else {
                    ""
                },
                lock.mode.blocks()
            ));
        }
    }
    lines
}

pub fn print(
    printed: &Printed<'_>,
    lock_tables: &[(String, Vec<String>)],
    fixed: usize,
    fix: Option<Applicability>,
) {
    let found = printed.found;
    let mut out = std::io::BufWriter::new(crate::out::stdout());
    let colour = std::io::stdout().is_terminal();
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    for f in printed.located() {
        let severity = f.finding.severity;
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            paint("1", printed.path(&f)),
            f.line,
            f.column,
            paint(code, f.finding.rule),
            f.finding.message
        );
        let number = f.line.to_string();
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, "{pad} |");
        let source_line = printed.files[f.file]
            .index
            .line_text(f.line)
            .unwrap_or("")
            .trim_end_matches(['\r', '\n']);
        let _ = writeln!(out, "{} | {}", paint("34", &number), source_line);
        let _ = writeln!(
            out,
            "{pad} | {}{}",
            " ".repeat(f.column.saturating_sub(1)),
            paint(code, "^")
        );
        if let Some(fix) = &f.finding.fix {
            let _ = writeln!(
                out,
                "{pad} = help: {} ({})",
                fix.title,
                match fix.applicability {
                    Applicability::Safe => "safe fix: `--fix` applies it",
                    Applicability::Unsafe => "unsafe fix: `--unsafe-fixes` applies it",
                    Applicability::DisplayOnly => "a pattern to fill in: `--format json` shows it",
                }
            );
        }
        let _ = writeln!(out);
    }
    for (path, lines) in lock_tables {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}: locks", paint("1", path));
        let _ = writeln!(
            out,
            " line  mode                    table                     work; blocks"
        );
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out);
    }
    let count = |s: Severity| found.iter().filter(|(_, f)| f.severity == s).count();
    if fixed > 0 {
        let _ = writeln!(
            out,
            "Fixed {fixed} problem{}.",
            if fixed == 1 { "" } else { "s" }
        );
    }
    let fixable = |a: Applicability| {
        found
            .iter()
            .filter(|(_, f)| f.fix.as_ref().is_some_and(|x| x.applicability == a))
            .count()
    };
    if found.is_empty() {
        let _ = writeln!(out, "No problems found.");
    } else {
        let _ = writeln!(
            out,
            "Found {} problem{} ({} error, {} warning, {} info). `retort rule ID` explains each rule.",
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
        let (safe, unsafe_) = (fixable(Applicability::Safe), fixable(Applicability::Unsafe));
        if safe > 0 && fix.is_none() {
            let _ = writeln!(out, "{safe} fixable with `retort lint --fix`.");
        }
        if unsafe_ > 0 && fix != Some(Applicability::Unsafe) {
            let _ = writeln!(out, "{unsafe_} more fixable with `--fix --unsafe-fixes`.");
        }
    }
}
