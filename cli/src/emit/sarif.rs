//! `--format sarif`: SARIF 2.1.0, which code scanning reads: the rules
//! (with their explanations) and a result per finding.

use std::io::Write;

use retort_core::Severity;
use retort_core::lint::rules::RULES;
use serde::Serialize;

use super::{Printed, write_json};

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    information_uri: &'a str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Text<'a>,
    default_configuration: Level,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Uri,
    region: Region,
}

#[derive(Serialize)]
struct Uri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn print(printed: &Printed<'_>) {
    let rules = RULES
        .iter()
        .map(|r| SarifRule {
            id: r.id,
            short_description: Text { text: r.summary },
            full_description: Text {
                text: r.explanation.why,
            },
            help: Text {
                text: r.explanation.instead,
            },
            default_configuration: Level {
                level: level(r.severity),
            },
        })
        .collect();
    let results = printed
        .located()
        .map(|f| SarifResult {
            rule_id: f.finding.rule,
            rule_index: RULES
                .iter()
                .position(|r| r.id == f.finding.rule)
                .unwrap_or(0),
            level: level(f.finding.severity),
            message: Text {
                text: &f.finding.message,
            },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: Uri {
                        uri: printed.path(&f).replace('\\', "/"),
                    },
                    region: Region {
                        start_line: f.line,
                        start_column: f.column,
                        end_line: f.end_line,
                        end_column: f.end_column.max(f.column),
                    },
                },
            }],
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "retort",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            results,
        }],
    };
    let mut text = Vec::new();
    write_json(&mut text, &log);
    text.push(b'\n');
    let _ = crate::out::stdout().write_all(&text);
}
