//! GitHub Actions workflow commands: one `::error file=…::message` line
//! per finding, which GitHub shows on the pull request's diff.

use std::io::Write;

use retort_core::Severity;

use super::Printed;

/// Escapes for workflow commands: `%`, CR, LF (and `:`/`,` in properties).
fn escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn print(printed: &Printed<'_>) {
    let mut out = std::io::BufWriter::new(crate::out::stdout());
    for f in printed.located() {
        let level = match f.finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape(printed.path(&f), true),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            escape(&format!("retort {}", f.finding.rule), true),
            escape(&f.finding.message, false)
        );
    }
}
