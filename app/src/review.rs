//! The Review pane: the safety review of the Revision pane's text, redone
//! by the analysis worker on every edit (`core::lint::review`): findings by
//! severity with their rule's explanation, each fix as one click that edits
//! the revision (undoable), and the lock table. It also feeds the SQL pane,
//! which shows the PostgreSQL of the same text.

use leptos::prelude::*;
use retort_core::Applicability;
use retort_core::Severity;

use retort_core::protocol::ReviewOutcome;

use crate::analysis::{self, FixRequest, Review, ReviewFinding};
use crate::editor::Underline;
use crate::revision::{RevisionSql, RevisionText};

use crate::workspace::POSTGRES_VERSIONS as VERSIONS;

/// The line above the findings.
pub fn summary(review: &Review) -> String {
    let count = |s: Severity| review.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let revisions = match review.revisions {
        _ if review.sql => "a SQL script".to_string(),
        1 => "1 revision".to_string(),
        n => format!("{n} revisions"),
    };
    if review.findings.is_empty() {
        return format!("{revisions}: nothing to report");
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{revisions}: {}, {}, {}",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(infos, "note", "notes")
    )
}

/// The review's findings and the reader's errors, as editor underlines.
pub fn underlines(review: &Review) -> Vec<Underline> {
    let mut out: Vec<Underline> = review
        .findings
        .iter()
        .map(|f| Underline {
            span: f.span,
            severity: f.severity,
            message: format!("{}: {}", f.rule, f.message),
        })
        .collect();
    out.extend(
        review
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(Underline::from),
    );
    out
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A diff of the lines a fix changes: `- old` / `+ new`.
pub fn diff_lines(before: &str, after: &str) -> String {
    let mut out = String::new();
    for line in before.lines() {
        out.push_str("- ");
        out.push_str(line);
        out.push('\n');
    }
    for line in after.lines() {
        out.push_str("+ ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Text whose `backticked` parts are code (the rules' texts are written
/// that way for the terminal and docs/rules.md).
pub fn code_parts(text: &str) -> Vec<(bool, String)> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (i % 2 == 1, part.to_string()))
        .collect()
}

fn with_code(text: &str) -> impl IntoView + use<> {
    code_parts(text)
        .into_iter()
        .map(|(code, part)| {
            if code {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// One finding: what, where, why, and its fix.
fn finding_view(
    index: usize,
    finding: ReviewFinding,
    revision: RevisionText,
    apply: impl Fn(FixRequest) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let severity = severity_name(finding.severity);
    let span = finding.span;
    let place = format!("line {}:{}", finding.line, finding.column);
    let rule = finding.rule.clone();
    let rule_id = finding.rule.clone();
    let explanation = finding.explanation.map(|e| {
        view! {
            <details class="explanation">
                <summary>{with_code(&e.summary)}</summary>
                <p><strong>"What it does. "</strong>{with_code(&e.what)}</p>
                <p><strong>"Why is this bad? "</strong>{with_code(&e.why)}</p>
                <p><strong>"Example"</strong></p>
                <pre>{e.example}</pre>
                <p><strong>"Use instead. "</strong>{with_code(&e.instead)}</p>
                <p><strong>"Fix safety. "</strong>{with_code(&e.fix_safety)}</p>
            </details>
        }
    });
    let fix = finding.fix.map(|fix| {
        let applicable = fix.applicability != Applicability::DisplayOnly;
        let label = match fix.applicability {
            Applicability::Safe => "safe fix",
            Applicability::Unsafe => "unsafe fix: read it first",
            Applicability::DisplayOnly => "a pattern to follow: fill in the <value> yourself",
        };
        let diff = diff_lines(&fix.before, &fix.after);
        view! {
            <div class="fix" data-testid="review-fix">
                <span class="fix-title">{fix.title}</span>
                " "
                <span class="muted">"(" {label} ")"</span>
                {applicable.then(|| view! {
                    " "
                    <button
                        type="button"
                        data-testid="review-apply"
                        on:click=move |_| apply(FixRequest::Finding {
                            index,
                            rule: rule_id.clone(),
                            at: span.start,
                        })
                    >
                        "Apply"
                    </button>
                })}
                <pre class="fix-diff">{diff}</pre>
            </div>
        }
    });
    view! {
        <li class=format!("finding finding-{severity}") data-testid="review-finding" data-rule=rule>
            <button
                type="button"
                class="finding-head"
                title="Show it in the revision"
                on:click=move |_| revision.show(span)
            >
                <span class=format!("badge badge-{severity}")>{severity}</span>
                " "
                <code>{finding.rule}</code>
                " "
                <span class="muted">{place}</span>
            </button>
            <p class="finding-message">{with_code(&finding.message)}</p>
            {explanation}
            {fix}
        </li>
    }
}

/// The lock table: per op, the lock, the table, what it blocks, the work
/// done under it.
fn lock_table(review: &Review, revision: RevisionText) -> impl IntoView + use<> {
    let rows = review
        .locks
        .iter()
        .cloned()
        .map(|row| {
            let class = if row.unseen {
                "lock-unseen"
            } else if row.blocks_traffic && row.slow {
                "lock-danger"
            } else if row.blocks_traffic {
                "lock-brief"
            } else {
                ""
            };
            let span = row.span;
            let blocks = if row.unseen {
                format!(
                    "{} (a table created in this revision: nobody sees it yet)",
                    row.blocks
                )
            } else {
                row.blocks
            };
            view! {
                <tr class=class data-testid="lock-row" on:click=move |_| revision.show(span)>
                    <td class="num">{row.line}</td>
                    <td><code>{row.statement}</code></td>
                    <td>{row.mode}</td>
                    <td>{row.table}</td>
                    <td>{row.work}</td>
                    <td>{blocks}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="locks" data-testid="lock-table">
            <thead>
                <tr>
                    <th>"line"</th>
                    <th>"op"</th>
                    <th>"lock"</th>
                    <th>"table"</th>
                    <th>"work under it"</th>
                    <th>"blocks"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
pub fn ReviewPane(
    revision: RevisionText,
    /// Set from the review: the SQL pane shows it.
    sql: RwSignal<RevisionSql>,
    /// The latest review (the Revision pane underlines its findings).
    review: RwSignal<Option<Review>>,
    /// The PostgreSQL version judged for.
    postgres: RwSignal<u32>,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let undo = RwSignal::new(Vec::<String>::new());
    let latest = StoredValue::new(0u64);
    // A fix's reply reviews the fixed text already: the edit it makes in
    // the editor needs no review of its own.
    let reviewed = StoredValue::new(None::<String>);

    // Takes a reply: the review shown, the SQL pane fed, a fix put in the
    // editor (the text before it kept for Undo).
    let take = move |reply: analysis::Answer<ReviewOutcome>, asked: bool| match reply {
        Ok((id, reply)) if id == latest.get_value() => {
            // The round trip, for the benchmark (`retort:review`).
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.measure_with_start_mark("retort:review", "retort:review-start");
            }
            sql.set(RevisionSql {
                upgrade: reply.review.upgrade_sql.clone(),
                downgrade: reply.review.downgrade_sql.clone(),
                errors: reply.review.sql_errors.clone(),
            });
            if let Some(fixed) = reply.fixed {
                let previous = revision.text.get_untracked();
                undo.update(|u| u.push(previous));
                status.set(match reply.applied {
                    1 => "1 fix applied to the revision".to_string(),
                    n => format!("{n} fixes applied to the revision"),
                });
                // The review below is of the fixed text.
                reviewed.set_value(Some(fixed.clone()));
                revision.text.set(fixed);
            } else if asked {
                status.set(
                    "nothing applied: the revision changed under the review, try again".to_string(),
                );
            }
            review.set(Some(reply.review));
        }
        Ok(_) => {} // for older text
        Err(error) => status.set(error),
    };

    // A new revision written or opened: earlier fixes are not its own.
    Effect::new(move |_| {
        revision.origin.track();
        undo.set(Vec::new());
    });

    Effect::new(move |_| {
        let version = postgres.get();
        let id = revision.text.with(|text| {
            if text.trim().is_empty() {
                return 0;
            }
            if reviewed.with_value(|r| r.as_deref() == Some(text)) {
                reviewed.set_value(None);
                return latest.get_value();
            }
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("retort:review-start");
            }
            analysis::review(text, version, FixRequest::None, move |reply| {
                take(reply, false)
            })
        });
        latest.set_value(id);
    });

    let apply = move |request: FixRequest| {
        let version = postgres.get_untracked();
        let id = revision.text.with_untracked(|text| {
            analysis::review(text, version, request, move |reply| take(reply, true))
        });
        latest.set_value(id);
    };
    let restore = move |_| {
        let mut stack = undo.get_untracked();
        if let Some(previous) = stack.pop() {
            undo.set(stack);
            status.set("the fix was undone".to_string());
            revision.text.set(previous);
        }
    };

    let findings = move || {
        review.with(|r| {
            r.as_ref().map(|r| {
                r.findings
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, f)| finding_view(i, f, revision, apply))
                    .collect_view()
            })
        })
    };
    // "Apply safe fixes" / "… and unsafe ones": enabled while a fix of
    // that level (or better) is listed.
    let fix_all = move |label: &'static str, test_id: &'static str, unsafe_too: bool| {
        let level = if unsafe_too {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let fixable = move || {
            review.with(|r| {
                r.as_ref().is_some_and(|r| {
                    r.findings
                        .iter()
                        .any(|f| f.fix.as_ref().is_some_and(|x| x.applicability >= level))
                })
            })
        };
        view! {
            <button
                type="button"
                data-testid=test_id
                prop:disabled=move || !fixable()
                on:click=move |_| apply(FixRequest::All { unsafe_too })
            >
                {label}
            </button>
        }
    };
    let problems = move || {
        review.with(|r| {
            r.as_ref().map(|r| {
                r.diagnostics
                    .iter()
                    .filter(|d| d.severity != Severity::Info)
                    .map(|d| view! { <li class="warning">{d.message.clone()}</li> })
                    .collect_view()
            })
        })
    };

    view! {
        <div class="revision-controls">
            <label>
                "PostgreSQL "
                <select
                    data-testid="review-postgres"
                    on:change=move |event| {
                        if let Ok(v) = event_target_value(&event).parse::<u32>() {
                            postgres.set(v);
                        }
                    }
                >
                    {VERSIONS
                        .iter()
                        .map(|v| view! { <option value=v.to_string() selected=move || postgres.get() == *v>{v.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
            {fix_all("Apply safe fixes", "review-fix-safe", false)}
            {fix_all("… and unsafe ones", "review-fix-unsafe", true)}
            <button
                type="button"
                data-testid="review-undo"
                prop:disabled=move || undo.with(Vec::is_empty)
                on:click=restore
            >
                "Undo fix"
            </button>
        </div>
        <p class="muted review-summary" data-testid="review-summary">
            {move || {
                review.with(|r| match r {
                    Some(r) => summary(r),
                    None => "reviewing…".to_string(),
                })
            }}
            " "
            {move || status.get()}
        </p>
        <ul class="revision-warnings" data-testid="review-problems">{problems}</ul>
        <ul class="findings" data-testid="review-findings">{findings}</ul>
        <details class="lock-details" open>
            <summary>"Locks: what each op takes, and what waits for it"</summary>
            {move || review.with(|r| r.as_ref().map(|r| lock_table(r, revision)))}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{FixView, ReviewFinding};
    use retort_core::Span;

    fn finding(severity: Severity) -> ReviewFinding {
        ReviewFinding {
            rule: "set-not-null".into(),
            severity,
            span: Span::new(3, 9),
            line: 2,
            column: 5,
            message: "SET NOT NULL scans".into(),
            explanation: None,
            fix: Some(FixView {
                title: "t".into(),
                applicability: Applicability::Safe,
                before: "a\n".into(),
                after: "b\nc\n".into(),
            }),
        }
    }

    #[test]
    fn the_summary_counts_by_severity() {
        let mut review = Review {
            revisions: 3,
            ..Review::default()
        };
        assert_eq!(summary(&review), "3 revisions: nothing to report");
        review.findings = vec![finding(Severity::Error), finding(Severity::Warning)];
        review.revisions = 1;
        assert_eq!(summary(&review), "1 revision: 1 error, 1 warning, 0 notes");
        let marks = underlines(&review);
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[0].message, "set-not-null: SET NOT NULL scans");
    }

    #[test]
    fn backticks_mark_code() {
        assert_eq!(
            code_parts("`users.bio` is added NOT NULL: `x`"),
            vec![
                (true, "users.bio".to_string()),
                (false, " is added NOT NULL: ".to_string()),
                (true, "x".to_string())
            ]
        );
        assert_eq!(code_parts("no code"), vec![(false, "no code".to_string())]);
    }

    #[test]
    fn a_fix_reads_as_a_diff() {
        assert_eq!(diff_lines("a\n", "b\nc"), "- a\n+ b\n+ c\n");
    }
}
