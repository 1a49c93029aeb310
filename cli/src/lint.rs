//! `retort lint` and `retort rule`.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use retort_core::Applicability;
use retort_core::lint::locks::locks;
use retort_core::lint::rules::{self, RULES, severity_name};
use retort_core::lint::{self, Finding, Settings};
use retort_core::{Diagnostic, LineIndex, Severity, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// `path:line:col: rule message`, the source line under it.
    Text,
    /// An array of findings (1-based lines and columns).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

pub struct LintOptions {
    pub format: LintFormat,
    /// Apply fixes of this level or better (`--fix`: safe; with
    /// `--unsafe-fixes`: unsafe too).
    pub fix: Option<Applicability>,
    pub settings: Settings,
    pub locks: bool,
    pub config: crate::config::Config,
}

/// One file's text and what it is.
struct Source {
    path: String,
    text: String,
    sql: bool,
}

/// A finding with where it is, as every format prints it.
struct Located<'a> {
    /// Its file, an index into the sources.
    source: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    finding: &'a Finding,
}

fn is_sql(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "sql")
}

/// The `.py` and `.sql` files under `dir`, sorted, skipping `env.py`,
/// `__init__.py` and caches.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if name != "__pycache__" && !name.starts_with('.') {
                files_under(&path, out)?;
            }
        } else if (name.ends_with(".py") && name != "env.py" && !name.starts_with("__init__"))
            || name.ends_with(".sql")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Text of a file that may not be UTF-8: the error as a diagnostic.
fn text_of(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        (at, String::from_utf8_lossy(error.as_bytes()).into_owned())
    })
}

pub fn lint(paths: &[PathBuf], options: &LintOptions) -> ExitCode {
    let mut sources: Vec<Source> = Vec::new();
    let mut problems = false;
    let mut folders: Vec<PathBuf> = Vec::new();
    let add = |path: &Path, bytes: Vec<u8>, sources: &mut Vec<Source>| {
        let shown = path.display().to_string();
        match text_of(bytes) {
            Ok(text) => {
                let sql = if shown == "-" {
                    !text.contains("def upgrade")
                } else {
                    is_sql(path)
                };
                sources.push(Source {
                    path: shown,
                    text,
                    sql,
                });
                false
            }
            Err((at, lossy)) => {
                let lc = LineIndex::new(&lossy).line_col(at);
                eprintln!(
                    "{shown}:{}:{}: error: not UTF-8 (byte {at}): not reviewed",
                    lc.line, lc.column
                );
                true
            }
        }
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("-: cannot read standard input: {error}");
                return ExitCode::from(2);
            }
            problems |= add(path, bytes, &mut sources);
        } else if path.is_dir() {
            let mut files = Vec::new();
            if let Err(error) = files_under(path, &mut files) {
                eprintln!("{}: cannot read the folder: {error}", path.display());
                return ExitCode::from(2);
            }
            for file in files {
                if options.config.excludes(&file) {
                    continue;
                }
                match std::fs::read(&file) {
                    Ok(bytes) => problems |= add(&file, bytes, &mut sources),
                    Err(error) => {
                        eprintln!("{}: cannot read: {error}", file.display());
                        problems = true;
                    }
                }
            }
            folders.push(path.clone());
        } else {
            match std::fs::read(path) {
                Ok(bytes) => problems |= add(path, bytes, &mut sources),
                Err(error) => {
                    eprintln!("{}: cannot read: {error}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
    }

    let mut fixed = 0;
    if let Some(level) = options.fix {
        for source in &mut sources {
            let (text, applied) =
                lint::fix_source(&source.text, source.sql, &options.settings, level);
            if applied == 0 {
                continue;
            }
            if source.path == "-" {
                // As ruff does: the fixed text on stdout, the rest after it.
                print!("{text}");
            } else if let Err(error) = std::fs::write(&source.path, &text) {
                eprintln!("{}: cannot write the fixes: {error}", source.path);
                problems = true;
                continue;
            }
            fixed += applied;
            source.text = text;
        }
    }
    let mut raw: Vec<Vec<Finding>> = Vec::new();
    let mut lock_tables: Vec<(String, Vec<String>)> = Vec::new();
    let mut revisions: Vec<(usize, retort_core::revision::Revision)> = Vec::new();
    // Each file's lines: for the lock tables and the printed positions.
    let indexes: Vec<LineIndex<'_>> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    for (i, source) in sources.iter().enumerate() {
        let (findings, diagnostics) = if source.sql {
            let mut lines = Vec::new();
            let (findings, diagnostics) = judge_sql(&source.text, &options.settings, |steps| {
                if options.locks {
                    lines.extend(lock_lines(&indexes[i], steps, &options.settings));
                }
            });
            if options.locks {
                lock_tables.push((source.path.clone(), lines));
            }
            (findings, diagnostics)
        } else {
            let (revision, diagnostics) = retort_core::revision::read_revision(&source.text);
            let cx = lint::revision_cx(&revision, &source.text, &options.settings);
            if options.locks {
                lock_tables.push((
                    source.path.clone(),
                    lock_lines(&indexes[i], &cx.steps, &options.settings),
                ));
            }
            let findings = lint::findings(&cx, &source.text, false);
            revisions.push((i, revision));
            (findings, diagnostics)
        };
        report_diagnostics(&source.path, &source.text, &diagnostics);
        problems |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        raw.push(findings);
    }
    // A folder's history: one head.
    if !folders.is_empty() {
        multiple_heads(&sources, &revisions, &options.settings, &mut raw);
    }
    let kept: Vec<Vec<Finding>> = sources
        .iter()
        .zip(raw)
        .map(|(source, findings)| {
            lint::apply_ignores(&source.text, source.sql, findings, &options.settings)
        })
        .collect();
    let found: Vec<(usize, &Finding)> = kept
        .iter()
        .enumerate()
        .flat_map(|(i, findings)| findings.iter().map(move |f| (i, f)))
        .collect();

    let printed = Printed {
        found: &found,
        sources: &sources,
        indexes: &indexes,
    };
    match options.format {
        LintFormat::Text => print_text(&printed, &lock_tables, fixed, options.fix),
        LintFormat::Json => print_json(&printed),
        LintFormat::Github => print_github(&printed),
        LintFormat::Sarif => print_sarif(&printed),
    }
    let failing = found.iter().any(|(_, f)| f.severity >= Severity::Warning);
    // The process ends here: freeing what it read would only cost time.
    std::mem::forget(found);
    std::mem::forget(kept);
    std::mem::forget(sources);
    if failing || problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A SQL script's findings (with their fixes, before ignores) and
/// diagnostics. It is read [`lint::PART`] statements at a time, on every
/// core, and judged part by part as the parts come in (each statement is
/// read on its own, so the parts put end to end are what one pass reads);
/// `steps` sees each part's steps.
fn judge_sql(
    text: &str,
    settings: &Settings,
    mut steps: impl FnMut(&[lint::Step<'_>]),
) -> (Vec<Finding>, Vec<Diagnostic>) {
    use retort_core::sql::{ops, split};
    let pieces = split::split(text);
    let mut script = lint::Script::new(text, settings);
    let mut diagnostics = Vec::new();
    retort_core::par::pipeline(
        &pieces.chunks(lint::PART).collect::<Vec<_>>(),
        |part| ops::read_ops_of(text, part),
        |(located, read)| {
            diagnostics.extend_from_slice(read);
            script.part(located, &mut steps);
        },
    );
    (script.finish(), diagnostics)
}

/// `multiple-heads` on the revisions read, each head's finding added to its
/// file's.
fn multiple_heads(
    sources: &[Source],
    revisions: &[(usize, retort_core::revision::Revision)],
    settings: &Settings,
    raw: &mut [Vec<Finding>],
) {
    let Some(rule) = rules::rule("multiple-heads").filter(|r| settings.enabled(r)) else {
        return;
    };
    let nodes: Vec<(usize, retort_core::graph::Node)> = revisions
        .iter()
        .filter_map(|(i, r)| Some((*i, r.node()?)))
        .collect();
    let (graph, _) =
        retort_core::graph::Graph::build(nodes.iter().map(|(_, n)| n.clone()).collect());
    for (node, message) in lint::multiple_heads(&graph) {
        let id = &graph.node(node).id;
        if let Some((i, _)) = nodes.iter().find(|(_, n)| &n.id == id) {
            let at = sources[*i]
                .text
                .find("revision")
                .map_or(Span::new(0, 0), |p| Span::new(p, p + 8));
            raw[*i].push(Finding {
                rule: rule.id,
                severity: settings.severity(rule.id, rule.severity),
                span: at,
                message,
                fix: None,
            });
        }
    }
}

/// What the formats print: the findings (each with its file's index), and
/// the files they are in.
struct Printed<'a> {
    found: &'a [(usize, &'a Finding)],
    sources: &'a [Source],
    indexes: &'a [LineIndex<'a>],
}

impl<'a> Printed<'a> {
    /// A finding with its lines and columns.
    fn locate(&self, &(source, finding): &(usize, &'a Finding)) -> Located<'a> {
        let index = &self.indexes[source];
        let start = index.line_col(finding.span.start);
        let end = index.line_col(finding.span.end.max(finding.span.start));
        Located {
            source,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            finding,
        }
    }

    /// Every finding, located.
    fn located(&self) -> impl Iterator<Item = Located<'a>> + '_ {
        self.found.iter().map(|f| self.locate(f))
    }

    fn path(&self, f: &Located) -> &str {
        &self.sources[f.source].path
    }

    /// The finding's fixes as a JSON array (1-based edit positions).
    fn fixes_json(&self, f: &Located, out: &mut String) {
        out.push('[');
        if let Some(fix) = &f.finding.fix {
            let index = &self.indexes[f.source];
            out.push_str("{\"title\": ");
            json_string(out, &fix.title);
            out.push_str(", \"applicability\": ");
            json_string(out, fix.applicability.name());
            out.push_str(", \"edits\": [");
            for (i, e) in fix.edits.iter().enumerate() {
                let (a, b) = (index.line_col(e.span.start), index.line_col(e.span.end));
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}, \"text\": ",
                    a.line, a.column, b.line, b.column
                );
                json_string(out, &e.text);
                out.push('}');
            }
            out.push_str("]}");
        }
        out.push(']');
    }
}

fn report_diagnostics(path: &str, source: &str, diagnostics: &[Diagnostic]) {
    crate::print_diagnostics(Path::new(path), source, diagnostics);
}

/// The lock table of one file: per step, line, op, lock mode, table, what
/// it blocks and how long it holds it.
fn lock_lines(index: &LineIndex<'_>, steps: &[lint::Step<'_>], settings: &Settings) -> Vec<String> {
    let mut lines = Vec::new();
    for step in steps {
        let line = index.line_col(step.span.start).line;
        for lock in locks(step, settings) {
            lines.push(format!(
                "{line:>5}  {:<22}  {:<24}  {}{}; blocks {}",
                lock.mode.name(),
                lock.table,
                lock.work.describe(),
                if retort_core::lint::locks::unseen(step, &lock) {
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

fn print_text(
    printed: &Printed<'_>,
    lock_tables: &[(String, Vec<String>)],
    fixed: usize,
    fix: Option<Applicability>,
) {
    let found = printed.found;
    let mut out = stdout();
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
        let source_line = printed.indexes[f.source]
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

/// Standard output, buffered (a finding is several writes).
fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// `text` as a JSON string, onto `out`.
fn json_string(out: &mut String, text: &str) {
    /// Whether a byte must be escaped in a JSON string.
    fn special(b: u8) -> bool {
        (b == b'"') | (b == b'\\') | (b < 0x20)
    }
    out.push('"');
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    loop {
        // Sixteen bytes at a time, with no branch per byte (the compiler
        // makes one vector test of it): most of the text needs no escape.
        while let Some(block) = bytes.get(i..i + 16) {
            if block.iter().fold(false, |any, &b| any | special(b)) {
                break;
            }
            i += 16;
        }
        let Some(at) = bytes[i..].iter().position(|&b| special(b)) else {
            break;
        };
        i += at;
        out.push_str(&text[plain..i]);
        let _ = match bytes[i] {
            b'"' => out.write_str("\\\""),
            b'\\' => out.write_str("\\\\"),
            b'\n' => out.write_str("\\n"),
            b'\r' => out.write_str("\\r"),
            b'\t' => out.write_str("\\t"),
            b => write!(out, "\\u{b:04x}"),
        };
        i += 1;
        plain = i;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// `text` as a JSON string.
fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    json_string(&mut out, text);
    out
}

fn print_json(printed: &Printed<'_>) {
    /// Findings formatted by a thread at a time.
    const CHUNK: usize = 2_000;
    let found = printed.found;
    if found.is_empty() {
        println!("[]");
        return;
    }
    let chunks: Vec<&[(usize, &Finding)]> = found.chunks(CHUNK).collect();
    let last = chunks.len() - 1;
    let parts: Vec<(usize, &[(usize, &Finding)])> = chunks.into_iter().enumerate().collect();
    // Each file's path, as JSON once (every finding repeats it).
    let paths: Vec<String> = printed.sources.iter().map(|s| json(&s.path)).collect();
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"[\n");
    // A long review is tens of megabytes of JSON: formatted on every core,
    // a chunk at a time, and written in order.
    retort_core::par::pipeline(
        &parts,
        |&(k, chunk)| {
            let mut text = String::with_capacity(chunk.len() * 512);
            for (i, f) in chunk.iter().enumerate() {
                let f = printed.locate(f);
                json_finding(printed, &paths[f.source], &f, &mut text);
                text.push_str(if k == last && i + 1 == chunk.len() {
                    "}\n"
                } else {
                    "},\n"
                });
            }
            text
        },
        |text| {
            let _ = out.write_all(text.as_bytes());
        },
    );
    let _ = out.write_all(b"]\n");
    let _ = out.flush();
}

/// One finding as a JSON object, without its closing brace (`path` is its
/// file's, as JSON).
fn json_finding(printed: &Printed<'_>, path: &str, f: &Located<'_>, out: &mut String) {
    out.push_str("  {\"path\": ");
    out.push_str(path);
    let _ = write!(
        out,
        ", \"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}, \"rule\": ",
        f.line, f.column, f.end_line, f.end_column
    );
    json_string(out, f.finding.rule);
    out.push_str(", \"severity\": ");
    json_string(out, severity_name(f.finding.severity));
    out.push_str(", \"message\": ");
    json_string(out, &f.finding.message);
    out.push_str(", \"fixes\": ");
    printed.fixes_json(f, out);
}

/// Escapes for workflow commands: `%`, CR, LF (and `:`/`,` in properties).
fn github_escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn print_github(printed: &Printed<'_>) {
    let mut out = stdout();
    for f in printed.located() {
        let level = match f.finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_escape(printed.path(&f), true),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            github_escape(&format!("retort {}", f.finding.rule), true),
            github_escape(&f.finding.message, false)
        );
    }
}

fn print_sarif(printed: &Printed<'_>) {
    let mut out = stdout();
    let rules: Vec<String> = RULES
        .iter()
        .map(|r| {
            format!(
                "{{\"id\": {}, \"shortDescription\": {{\"text\": {}}}, \"fullDescription\": {{\"text\": {}}}, \"help\": {{\"text\": {}}}, \"defaultConfiguration\": {{\"level\": {}}}}}",
                json(r.id),
                json(r.summary),
                json(r.explanation.why),
                json(r.explanation.instead),
                json(sarif_level(r.severity))
            )
        })
        .collect();
    let results: Vec<String> = printed
        .located()
        .map(|f| {
            let index = RULES.iter().position(|r| r.id == f.finding.rule).unwrap_or(0);
            format!(
                "{{\"ruleId\": {}, \"ruleIndex\": {index}, \"level\": {}, \"message\": {{\"text\": {}}}, \"locations\": [{{\"physicalLocation\": {{\"artifactLocation\": {{\"uri\": {}}}, \"region\": {{\"startLine\": {}, \"startColumn\": {}, \"endLine\": {}, \"endColumn\": {}}}}}}}]}}",
                json(f.finding.rule),
                json(sarif_level(f.finding.severity)),
                json(&f.finding.message),
                json(&printed.path(&f).replace('\\', "/")),
                f.line,
                f.column,
                f.end_line,
                f.end_column.max(f.column)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "{{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": [{{\"tool\": {{\"driver\": {{\"name\": \"retort\", \"version\": {}, \"informationUri\": {}, \"rules\": [{}]}}}}, \"results\": [{}]}}]}}",
        json(env!("CARGO_PKG_VERSION")),
        json(env!("CARGO_PKG_REPOSITORY")),
        rules.join(", "),
        results.join(", ")
    );
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `retort rule ID` (or `--all`): the explanation.
pub fn rule(id: Option<&str>, all: bool) -> ExitCode {
    if all || id.is_none() {
        for r in RULES {
            println!(
                "{:<38} {:<8} {}",
                r.id,
                severity_name(r.severity),
                r.summary
            );
        }
        return ExitCode::SUCCESS;
    }
    let id = id.unwrap_or_default();
    match rules::rule(id) {
        Some(r) => {
            println!("{} ({})\n\n{}", r.id, severity_name(r.severity), r.summary);
            print!("{}", rules::explain(r, "", false));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("{}", rules::unknown(id));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn json_strings_read_back_as_the_text() {
        let mut texts: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        texts.extend(
            [
                "",
                "plain",
                "ünïcode `name`",
                "a\"b\\c\nd\re\tf",
                "\u{1f}\u{7f}€",
            ]
            .map(String::from),
        );
        // A character to escape at every place in and around a 16-byte block.
        for at in 0..40 {
            for special in ["\"", "\\", "\n", "\u{1}", "é"] {
                let mut text = "x".repeat(40);
                text.insert_str(at, special);
                texts.push(text);
            }
        }
        for text in texts {
            let mut out = String::new();
            json_string(&mut out, &text);
            let back: String = serde_json::from_str(&out).expect("valid JSON");
            assert_eq!(back, text, "{out}");
        }
    }
}
