//! `--format json`: an array of findings, one per line, with 1-based
//! lines and columns and each finding's fix (its edits located the same
//! way).
//!
//! Serde, not a hand-written writer: at 100,000 statements (26 MB of JSON)
//! the hand-written one of 6857822 took a CPU median of 212 ms and this one
//! 216 ms over 31 interleaved runs; wall time 0.131 against 0.128 s in
//! compare_peers.py's 15 rounds. Within the machine's noise (BENCHMARKS.md).

use crate::out::outln;
use std::io::Write;

use retort_core::lint::Finding;
use retort_core::lint::rules::severity_name;
use serde::Serialize;

use super::{Located, Printed, write_json};

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    /// The fix, when there is one (a list, so a finding may one day offer
    /// several).
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    text: &'a str,
}

fn finding<'a>(printed: &Printed<'a>, f: &Located<'a>) -> JsonFinding<'a> {
    let index = printed.files[f.file].index;
    JsonFinding {
        path: printed.path(f),
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        rule: f.finding.rule,
        severity: severity_name(f.finding.severity),
        message: &f.finding.message,
        fixes: f
            .finding
            .fix
            .iter()
            .map(|fix| JsonFix {
                title: &fix.title,
                applicability: fix.applicability.name(),
                edits: fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (a, b) = (index.line_col(e.span.start), index.line_col(e.span.end));
                        JsonEdit {
                            line: a.line,
                            column: a.column,
                            end_line: b.line,
                            end_column: b.column,
                            text: &e.text,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn print(printed: &Printed<'_>) {
    /// Findings formatted by a thread at a time.
    const CHUNK: usize = 2_000;
    let found = printed.found;
    if found.is_empty() {
        outln!("[]");
        return;
    }
    let chunks: Vec<&[(usize, &Finding)]> = found.chunks(CHUNK).collect();
    let last = chunks.len() - 1;
    let parts: Vec<(usize, &[(usize, &Finding)])> = chunks.into_iter().enumerate().collect();
    let mut out = crate::out::stdout();
    let _ = out.write_all(b"[\n");
    // A long review is tens of megabytes of JSON: formatted on every core,
    // a chunk at a time, and written in order.
    retort_core::par::pipeline(
        &parts,
        |&(k, chunk)| {
            let mut text = Vec::with_capacity(chunk.len() * 512);
            for (i, f) in chunk.iter().enumerate() {
                text.extend_from_slice(b"  ");
                write_json(&mut text, &finding(printed, &printed.locate(f)));
                text.extend_from_slice(if k == last && i + 1 == chunk.len() {
                    b"\n"
                } else {
                    b",\n"
                });
            }
            text
        },
        |text| {
            let _ = out.write_all(text);
        },
    );
    let _ = out.write_all(b"]\n");
    let _ = out.flush();
}
