//! What a rehearsal shows, written as HTML text: the output, each run's
//! ops with their locks, rewrites and errors, the verdicts and the scale
//! table.
//!
//! These parts never change once shown, so they need no reactive view: as
//! Leptos views they cost the page's wasm about 65 KB gzip; as text they
//! are one `inner_html`. Everything that came from the user or from
//! PostgreSQL (revision text, SQL, messages) goes through [`escape`].

use std::fmt::Write;

use retort_core::pg_lock::LockMode;
use retort_core::rehearse::{LOG, Plan, PlannedOp};

use super::engine::{Executed, OpResult, SeenLock, Status};
use super::scale;
use crate::pglite::DbError;

/// Text made safe to put inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What Alembic printed for the command, and how it ended.
pub fn output_lines(plan: &Plan, executed: &Executed) -> Vec<String> {
    let mut lines = plan.output.clone();
    for run in plan.runs.iter().take(executed.started) {
        lines.push(run.log.clone());
    }
    if let Some(error) = &plan.error {
        lines.push(format!("FAILED: {error}"));
    }
    if let Some(error) = executed.error() {
        lines.push(format!("FAILED: {error}"));
    }
    if let Some(message) = &executed.message {
        lines.push(format!("FAILED: {message}"));
    }
    if executed.rolled_back {
        lines.push("The transaction was rolled back.".to_string());
    }
    lines
}

/// The whole outcome of a command. `compare`: the ops came from the
/// Revision pane, whose review's lock table the locks are held against.
pub fn outcome(command: &str, plan: &Plan, executed: &Executed, compare: bool) -> String {
    let mut html = format!(
        "<div class=\"sim-outcome\" data-command=\"{}\"><pre class=\"sim-output\" data-testid=\"sim-output\">{}</pre><p class=\"muted\">{:.1} ms</p>",
        escape(command),
        escape(&output_lines(plan, executed).join("\n")),
        executed.ms
    );
    for (r, run) in plan.runs.iter().enumerate() {
        let _ = write!(
            html,
            "<section class=\"sim-run\" data-testid=\"sim-run-revision\" data-revision=\"{}\"><h3>{}</h3>",
            escape(&run.revision),
            escape(run.log.trim_start_matches(LOG).trim())
        );
        if let Some(held) = executed.exclusive.get(r).filter(|h| !h.is_empty()) {
            let held: Vec<String> = held
                .iter()
                .map(|(t, ms)| format!("ACCESS EXCLUSIVE on {} held {ms:.1} ms", escape(t)))
                .collect();
            let _ = write!(
                html,
                "<p class=\"sim-exclusive\" data-testid=\"sim-exclusive\">{}</p>",
                held.join(" · ")
            );
        }
        html.push_str("<ol class=\"sim-ops\">");
        let results = executed.ops.get(r);
        for (o, op) in run.ops.iter().enumerate() {
            let result = results
                .and_then(|rs| rs.get(o))
                .cloned()
                .unwrap_or_default();
            op_html(&mut html, op, &result, compare && run.upgrade);
        }
        html.push_str("</ol></section>");
    }
    html.push_str("</div>");
    html
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn op_html(html: &mut String, op: &PlannedOp, result: &OpResult, compare: bool) {
    let status = result.status;
    let _ = write!(
        html,
        "<li class=\"sim-op\" data-testid=\"sim-op\" data-status=\"{}\"><p class=\"sim-op-head\"><code>{}</code><span class=\"muted\">{}{}</span></p><pre class=\"sim-sql\">{}</pre>",
        status.name(),
        escape(&op.label),
        match status {
            Status::NotRun => " not run".to_string(),
            _ => format!(
                " {:.1} ms · {} row{}",
                result.ms,
                result.rows,
                plural(result.rows)
            ),
        },
        if op.autocommit {
            " · outside a transaction (autocommit block)"
        } else {
            ""
        },
        escape(&op.statements.join(";\n"))
    );
    if status != Status::NotRun {
        html.push_str("<ul class=\"sim-locks\" data-testid=\"sim-locks\">");
        if op.autocommit && status == Status::Ok {
            for l in &op.expected {
                let _ = write!(
                    html,
                    "<li class=\"not-observed\">{} on {} — blocks {} (not observed: it ran outside a transaction, and a single-connection PGlite cannot watch it)</li>",
                    l.mode.name(),
                    escape(&l.table),
                    l.mode.blocks()
                );
            }
        } else {
            // What it took, and what it asked for that an earlier op of
            // the transaction already held.
            let wanted = |l: &SeenLock| {
                op.expected.iter().any(|e| {
                    e.mode == l.mode && e.table.rsplit('.').next() == Some(l.relation.as_str())
                })
            };
            for l in result.locks.iter().filter(|l| !l.earlier || wanted(l)) {
                let _ = write!(
                    html,
                    "<li data-mode=\"{}\">{} on {}{} — blocks {}{}</li>",
                    l.mode.name(),
                    l.mode.name(),
                    if l.index { "index " } else { "" },
                    escape(&l.relation),
                    l.mode.blocks(),
                    if l.earlier {
                        " (held since an earlier op of this transaction)"
                    } else {
                        ""
                    }
                );
            }
        }
        html.push_str("</ul>");
    }
    if !result.rewrites.is_empty() {
        let _ = write!(
            html,
            "<p class=\"sim-rewrite\" data-testid=\"sim-rewrite\">rewritten (new relfilenode): {}</p>",
            escape(&result.rewrites.join(", "))
        );
    }
    let differences = if compare && !op.autocommit && status == Status::Ok {
        super::lock_differences(op, &result.locks)
    } else {
        Vec::new()
    };
    if !differences.is_empty() {
        html.push_str("<ul class=\"sim-lockdiff\" data-testid=\"sim-lockdiff\">");
        let name = |m: Option<LockMode>| m.map_or("no lock", LockMode::name);
        for (table, expected, seen) in differences {
            let _ = write!(
                html,
                "<li>{}: retort's review says {}, PostgreSQL took {}</li>",
                escape(&table),
                name(expected),
                name(seen)
            );
        }
        html.push_str("</ul>");
    }
    if let Some((error, sql)) = &result.error {
        error_html(html, error, sql);
    }
    html.push_str("</li>");
}

fn error_html(html: &mut String, error: &DbError, sql: &str) {
    let _ = write!(
        html,
        "<div class=\"pg-error\" data-testid=\"sim-error\" role=\"alert\"><p class=\"headline\">{}: {}</p>",
        escape(error.severity.as_deref().unwrap_or("ERROR")),
        escape(&error.message)
    );
    if let Some(code) = &error.code {
        let _ = write!(
            html,
            "<p class=\"sqlstate\">SQLSTATE <code data-testid=\"sim-error-code\">{}</code></p>",
            escape(code)
        );
    }
    if let Some((line, text, column)) = error
        .position
        .and_then(|p| crate::console::error_context(sql, p))
    {
        let prefix = format!("LINE {line}: ");
        let caret = " ".repeat(prefix.chars().count() + column);
        let _ = write!(
            html,
            "<pre class=\"context\">{}\n{caret}^</pre>",
            escape(&format!("{prefix}{text}"))
        );
    }
    if let Some(detail) = &error.detail {
        let _ = write!(html, "<p>DETAIL: {}</p>", escape(detail));
    }
    if let Some(hint) = &error.hint {
        let _ = write!(html, "<p>HINT: {}</p>", escape(hint));
    }
    html.push_str("</div>");
}

/// A verdict (`data-verdict`), its headline and what it rests on.
pub fn verdict(test_id: &str, verdict: &str, headline: &str, lines: &[String]) -> String {
    let mut html = format!(
        "<div class=\"sim-verdict\" data-testid=\"{test_id}\" data-verdict=\"{}\"><p>{}</p>",
        escape(verdict),
        escape(headline)
    );
    if !lines.is_empty() {
        html.push_str("<ul>");
        for line in lines {
            let _ = write!(html, "<li><code>{}</code></li>", escape(line));
        }
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    html
}

/// The scale table; `production`: a row count to estimate for.
pub fn scale_table(measured: &[scale::Measured], production: Option<f64>) -> String {
    let mut html = format!(
        "<table><thead><tr><th scope=\"col\">op</th><th scope=\"col\">{} rows</th><th scope=\"col\">{} rows</th><th scope=\"col\">growth</th><th scope=\"col\">estimate</th></tr></thead><tbody>",
        scale::SIZES[0],
        scale::SIZES[1]
    );
    for m in measured {
        let estimate = production
            .map(|n| {
                format!(
                    "≈ {:.0} ms (estimate from the two measurements)",
                    scale::project(m.ms, n)
                )
            })
            .unwrap_or_default();
        let _ = write!(
            html,
            "<tr data-testid=\"sim-scale-row\"><td><code>{}</code></td><td>{:.1} ms</td><td>{:.1} ms</td><td>{}</td><td>{estimate}</td></tr>",
            escape(&m.label),
            m.ms[0],
            m.ms[1],
            scale::describe(m.ms)
        );
    }
    html.push_str("</tbody></table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::rehearse::Run;

    #[test]
    fn hostile_text_is_never_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        let plan = Plan {
            runs: vec![Run {
                revision: "\"><img src=x onerror=alert(1)>".into(),
                upgrade: true,
                log: "Running upgrade <b>".into(),
                file: 0,
                ops: vec![PlannedOp {
                    label: "op.execute('<script>')".into(),
                    span: None,
                    statements: vec!["SELECT '</pre>'".into()],
                    autocommit: false,
                    expected: Vec::new(),
                }],
            }],
            ..Plan::default()
        };
        let executed = Executed {
            ops: vec![vec![OpResult::default()]],
            exclusive: vec![Vec::new()],
            ..Executed::default()
        };
        let html = outcome("upgrade <x>", &plan, &executed, true);
        assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>"));
        assert!(html.contains("data-status=\"not-run\""));
    }
}
