//! The SQL console: any SQL, run on the page's PGlite, results or the
//! Postgres error shown the way psql shows them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use retort_core::{LineIndex, Severity, Span};

use crate::editor::{CodeEditor, Language, Underline};
use crate::pglite::{DbError, QueryResult};
use crate::postgres::Postgres;

/// Rows shown per result; the rest are counted, not rendered.
const MAX_ROWS_SHOWN: usize = 1000;

const EXAMPLE: &str = "SELECT version();";

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Nothing,
    Running,
    /// The input had nothing to run.
    Empty,
    Done {
        results: Vec<QueryResult>,
        elapsed_ms: f64,
    },
    Failed {
        error: DbError,
        sql: String,
        /// The script's own transaction was left failed, and retort rolled
        /// it back (else every later statement fails with 25P02).
        rolled_back: bool,
    },
}

/// psql's error context: the line holding the error position and a caret
/// under the character, as `(line number, line text, caret column)` with a
/// 1-based line and a 0-based column in characters.
pub(crate) fn error_context(sql: &str, position: usize) -> Option<(usize, String, usize)> {
    let index = LineIndex::new(sql);
    let offset = index.offset_from_pg_position(position)?;
    let at = index.line_col(offset);
    let line = index.line_text(at.line)?;
    Some((at.line, line.to_string(), at.column - 1))
}

/// The span to underline for an error position: the word that starts there.
fn error_span(sql: &str, position: usize) -> Option<Span> {
    let start = LineIndex::new(sql).offset_from_pg_position(position)?;
    let len = sql[start..]
        .find(|c: char| c.is_whitespace() || c == ';' || c == ',' || c == ')')
        .unwrap_or(sql.len() - start);
    Some(Span::new(start, (start + len.max(1)).min(sql.len())))
}

/// `INSERT` + 1 → `INSERT 1`; what psql calls the command tag, near enough.
fn command_line(result: &QueryResult) -> String {
    let verb = result.command.clone().unwrap_or_else(|| "OK".into());
    match result.affected_rows {
        Some(n) if result.fields.is_empty() && n > 0 => {
            format!("{verb} · {n} row{}", if n == 1 { "" } else { "s" })
        }
        _ if !result.fields.is_empty() => {
            let n = result.rows.len();
            format!("{verb} · {n} row{}", if n == 1 { "" } else { "s" })
        }
        _ => verb,
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The console's starting text.
pub fn example() -> String {
    EXAMPLE.to_string()
}

/// `sql` is the console's text (others may put SQL in it to run).
#[component]
pub fn SqlConsole(postgres: Postgres, sql: RwSignal<String>) -> impl IntoView {
    let outcome = RwSignal::new(Outcome::Nothing);
    let running = Memo::new(move |_| outcome.with(|o| matches!(o, Outcome::Running)));

    let underlines = Signal::derive(move || {
        outcome.with(|o| match o {
            Outcome::Failed { error, sql, .. } => error
                .position
                .and_then(|p| error_span(sql, p))
                .map(|span| Underline {
                    span,
                    severity: Severity::Error,
                    message: error.to_string(),
                })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        })
    });

    let run = Callback::new(move |()| {
        if running.get_untracked() {
            return;
        }
        let text = sql.get_untracked();
        if text.trim().is_empty() {
            outcome.set(Outcome::Empty);
            return;
        }
        outcome.set(Outcome::Running);
        spawn_local(async move {
            let db = match postgres.database().await {
                Ok(db) => db,
                Err(error) => {
                    outcome.set(Outcome::Failed {
                        error,
                        sql: text,
                        rolled_back: false,
                    });
                    return;
                }
            };
            let started = now_ms();
            outcome.set(match db.exec(&text).await {
                Ok(results) => Outcome::Done {
                    results: results
                        .into_iter()
                        .filter(|r| !r.is_empty_query())
                        .collect(),
                    elapsed_ms: now_ms() - started,
                },
                Err(error) => {
                    // A script with its own BEGIN that failed leaves the
                    // session in an aborted transaction: end it, and say so.
                    let aborted = matches!(
                        db.exec("SELECT 1").await,
                        Err(DbError { code: Some(ref c), .. }) if c == "25P02"
                    );
                    if aborted {
                        let _ = db.exec("ROLLBACK").await;
                    }
                    Outcome::Failed {
                        error,
                        sql: text,
                        rolled_back: aborted,
                    }
                }
            });
        });
    });

    view! {
        <div class="console">
            <CodeEditor
                language=Language::Sql
                text=sql
                test_id="console-input"
                label="SQL console input"
                on_run=run
                underlines=underlines
            />
            <div class="console-bar">
                <button
                    class="primary"
                    data-testid="console-run"
                    on:click=move |_| run.run(())
                    prop:disabled=move || running.get()
                >
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <span class="muted">"Ctrl+Enter runs · statements run in one transaction unless you write BEGIN/COMMIT"</span>
            </div>
            <div class="console-output" aria-live="polite">
                {move || outcome.get().into_view_parts()}
            </div>
        </div>
    }
}

impl Outcome {
    fn into_view_parts(self) -> AnyView {
        match self {
            Outcome::Nothing => ().into_any(),
            Outcome::Running => view! { <p class="muted">"Running…"</p> }.into_any(),
            Outcome::Empty => view! {
                <p class="notice" data-testid="console-message">
                    "Nothing to run: type a SQL statement above, then press Run or Ctrl+Enter."
                </p>
            }
            .into_any(),
            Outcome::Done {
                results,
                elapsed_ms,
            } => {
                let count = results.len();
                view! {
                    <div data-testid="console-result" class="results">
                        {(count == 0).then(|| view! {
                            <p class="muted">"No statements were run (only comments or whitespace)."</p>
                        })}
                        {results.into_iter().map(result_view).collect_view()}
                        <p class="muted timing">
                            {format!("{count} statement{} in {elapsed_ms:.1} ms", if count == 1 { "" } else { "s" })}
                        </p>
                    </div>
                }
                .into_any()
            }
            Outcome::Failed {
                error,
                sql,
                rolled_back,
            } => view! {
                {error_view(&error, &sql)}
                {rolled_back.then(|| view! {
                    <p class="notice" data-testid="console-rolled-back">
                        "The script's transaction failed, so retort rolled it back: \
                         nothing it did before the error is kept, and the next run starts clean."
                    </p>
                })}
            }
            .into_any(),
        }
    }
}

fn result_view(result: QueryResult) -> impl IntoView {
    let summary = command_line(&result);
    let hidden = result.rows.len().saturating_sub(MAX_ROWS_SHOWN);
    let table = (!result.fields.is_empty()).then(|| {
        let header = result
            .fields
            .iter()
            .map(|f| view! { <th scope="col">{f.name.clone()}</th> })
            .collect_view();
        let rows = result
            .rows
            .into_iter()
            .take(MAX_ROWS_SHOWN)
            .map(|row| {
                view! {
                    <tr>
                        {row.into_iter().map(|value| {
                            let null = value.is_null();
                            view! {
                                <td class:null=null>{if null { "NULL".to_string() } else { value.to_string() }}</td>
                            }
                        }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table>
                    <thead><tr>{header}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="result">
            <p class="command">{summary}</p>
            {table}
            {(hidden > 0).then(|| view! { <p class="muted">{format!("… {hidden} more rows not shown")}</p> })}
        </div>
    }
}

fn error_view(error: &DbError, sql: &str) -> impl IntoView {
    let context = error.position.and_then(|p| error_context(sql, p));
    let headline = match &error.code {
        Some(_) => format!(
            "{}: {}",
            error.severity.as_deref().unwrap_or("ERROR"),
            error.message
        ),
        None => error.message.clone(),
    };
    view! {
        <div class="pg-error" data-testid="console-error" role="alert">
            <p class="headline">{headline}</p>
            {error.code.clone().map(|code| view! {
                <p class="sqlstate">"SQLSTATE " <code data-testid="console-error-code">{code}</code></p>
            })}
            {context.map(|(line, text, column)| {
                let prefix = format!("LINE {line}: ");
                let caret = format!("{}^", " ".repeat(prefix.chars().count() + column));
                view! { <pre class="context">{format!("{prefix}{text}\n{caret}")}</pre> }
            })}
            {error.detail.clone().map(|d| view! { <p>"DETAIL: " {d}</p> })}
            {error.hint.clone().map(|h| view! { <p>"HINT: " {h}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pglite::{Field, Value};

    #[test]
    fn error_context_points_at_the_character() {
        let sql = "SELECT 1;\nSELECT * FROM missing;";
        // PGlite reports position 25 for `missing` here.
        let (line, text, column) = error_context(sql, 25).unwrap();
        assert_eq!(line, 2);
        assert_eq!(text, "SELECT * FROM missing;");
        assert_eq!(column, 14);
        assert_eq!(error_span(sql, 25), Some(Span::new(24, 31)));
    }

    #[test]
    fn error_position_past_the_text_has_no_context() {
        assert_eq!(error_context("SELECT", 99), None);
        assert_eq!(error_span("SELECT", 99), None);
        // The end of the text (an unterminated statement) is a valid place.
        assert_eq!(error_span("SELECT (", 9), Some(Span::new(8, 8)));
    }

    #[test]
    fn command_lines() {
        let insert = QueryResult {
            command: Some("INSERT".into()),
            fields: vec![],
            rows: vec![],
            affected_rows: Some(1),
        };
        assert_eq!(command_line(&insert), "INSERT · 1 row");
        let select = QueryResult {
            command: Some("SELECT".into()),
            fields: vec![Field {
                name: "id".into(),
                data_type_id: 23,
            }],
            rows: vec![vec![Value::Int(1)], vec![Value::Int(2)]],
            affected_rows: Some(2),
        };
        assert_eq!(command_line(&select), "SELECT · 2 rows");
        let create = QueryResult {
            command: Some("CREATE".into()),
            fields: vec![],
            rows: vec![],
            affected_rows: Some(0),
        };
        assert_eq!(command_line(&create), "CREATE");
    }
}
