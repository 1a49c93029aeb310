//! Ignore comments: a finding the team has looked at and accepted, with the
//! reason written next to it.
//!
//! - `# retort: ignore[rule-id, …] -- reason` on an op's line, or on its own
//!   line just above the op (other comment lines may sit between);
//! - `# retort: ignore-file[rule-id, …] -- reason` anywhere: the whole file;
//! - in SQL the same after `--` (or inside `/* */`).
//!
//! An ignore that names no rule, an unknown rule or no reason is reported as
//! `invalid-ignore`; one that suppresses nothing as `unused-ignore`. Both are
//! ordinary findings, so a stale ignore shows up in review like any other.

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{Mode, ParseOptions};
use ruff_text_size::Ranged;

use super::rules;
use super::{Finding, Settings};
use crate::text::{LineIndex, Span};

/// One `retort: ignore…` comment, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The whole comment.
    pub span: Span,
    /// `ignore-file`: every line.
    pub file: bool,
    /// The rule ids as written, each with its span.
    pub rules: Vec<(String, Span)>,
    pub reason: Option<String>,
    /// The line whose findings it covers (1-based); unused for `file`.
    pub line: usize,
}

/// The comments of a Python file (none are looked for when the text never
/// says `retort:`).
pub fn python_comments(source: &str) -> Vec<Span> {
    if !source.contains("retort:") {
        return Vec::new();
    }
    let parsed = ruff_python_parser::parse_unchecked(source, ParseOptions::from(Mode::Module));
    parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == TokenKind::Comment)
        .map(|t| Span::new(t.range().start().to_usize(), t.range().end().to_usize()))
        .collect()
}

/// The comments of a SQL script.
pub fn sql_comments(source: &str) -> Vec<Span> {
    if !source.contains("retort:") {
        return Vec::new();
    }
    crate::sql::split::comments(source)
}

/// The ignores among `comments`, and findings for the ones that are not
/// well formed.
pub fn read(source: &str, comments: &[Span]) -> (Vec<Ignore>, Vec<Finding>) {
    let index = LineIndex::new(source);
    let mut ignores = Vec::new();
    let mut invalid = Vec::new();
    for &span in comments {
        let Some(text) = source.get(span.start..span.end) else {
            continue;
        };
        // The comment's own text, and where it starts in the source.
        let (body, at) = if let Some(rest) = text.strip_prefix('#') {
            (rest, span.start + 1)
        } else if let Some(rest) = text.strip_prefix("--") {
            (rest, span.start + 2)
        } else if let Some(rest) = text.strip_prefix("/*") {
            (rest.strip_suffix("*/").unwrap_or(rest), span.start + 2)
        } else {
            continue;
        };
        let lead = body.len() - body.trim_start().len();
        let Some(directive) = body.trim_start().strip_prefix("retort:") else {
            continue;
        };
        if !is_directive(directive) {
            continue;
        }
        let offset = at + lead + "retort:".len();
        match parse(directive, offset) {
            Ok((file, rules, reason)) => {
                let line = covered_line(source, &index, span);
                ignores.push(Ignore {
                    span,
                    file,
                    rules,
                    reason,
                    line,
                });
            }
            Err(message) => invalid.push(invalid_finding(span, message)),
        }
    }
    // Each named rule must exist; each ignore needs its reason.
    for ignore in &ignores {
        for (id, at) in &ignore.rules {
            if rules::rule(id).is_none() {
                invalid.push(invalid_finding(*at, rules::unknown(id)));
            }
        }
        if ignore.reason.is_none() {
            invalid.push(invalid_finding(
                ignore.span,
                "an ignore needs its reason: `retort: ignore[rule-id] -- why this is safe here`"
                    .to_string(),
            ));
        }
    }
    (ignores, invalid)
}

/// Whether the text after `retort:` is meant as an ignore: its first word
/// starts with `ignore` or is followed by a `[` (a misspelt `ignroe[…]`).
/// Other `# retort: …` comments are notes (safe mode marks its additions
/// with them), not directives.
fn is_directive(directive: &str) -> bool {
    let rest = directive.trim_start();
    let word_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    rest.starts_with("ignore") || rest[word_end..].starts_with('[')
}

type Parsed = (bool, Vec<(String, Span)>, Option<String>);

/// `ignore[a, b] -- reason` / `ignore-file[…] -- reason`, starting at
/// `offset` in the source.
fn parse(directive: &str, offset: usize) -> Result<Parsed, String> {
    let lead = directive.len() - directive.trim_start().len();
    let rest = directive.trim_start();
    let (file, rest) = if let Some(rest) = rest.strip_prefix("ignore-file") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix("ignore") {
        (false, rest)
    } else {
        return Err(
            "expected `retort: ignore[rule-id] -- reason` or `retort: ignore-file[rule-id] -- reason`"
                .into(),
        );
    };
    let Some(list) = rest.strip_prefix('[') else {
        return Err("name the rules to ignore: `retort: ignore[rule-id, …] -- reason`".into());
    };
    let Some(close) = list.find(']') else {
        return Err("the rule list is not closed with `]`".into());
    };
    // Where the list's text starts in the source.
    let list_at = offset + lead + (directive.trim_start().len() - list.len());
    let mut rules = Vec::new();
    let mut at = 0;
    for part in list[..close].split(',') {
        let id = part.trim();
        let start = list_at + at + (part.len() - part.trim_start().len());
        if !id.is_empty() {
            rules.push((id.to_string(), Span::new(start, start + id.len())));
        }
        at += part.len() + 1;
    }
    if rules.is_empty() {
        return Err("name the rules to ignore: `retort: ignore[rule-id, …] -- reason`".into());
    }
    // Text after another `#` is a comment of its own (`# noqa`, …).
    let after = list[close + 1..].split(" #").next().unwrap_or("").trim();
    let reason = match after.strip_prefix("--") {
        Some(reason) => Some(reason.trim())
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        None if after.is_empty() => None,
        None => {
            return Err(format!(
                "expected ` -- reason` after the rule list, found `{after}`"
            ));
        }
    };
    Ok((file, rules, reason))
}

/// The line a line-ignore covers: its own line when code precedes it there;
/// otherwise the first line below that is not a comment.
fn covered_line(source: &str, index: &LineIndex<'_>, comment: Span) -> usize {
    let at = index.line_col(comment.start);
    let line_start = source[..comment.start].rfind('\n').map_or(0, |p| p + 1);
    let own_line = source[line_start..comment.start].trim().is_empty();
    if !own_line {
        return at.line;
    }
    let mut line = at.line + 1;
    while let Some(text) = index.line_text(line) {
        let text = text.trim_start();
        if !(text.starts_with('#') || text.starts_with("--")) {
            break;
        }
        line += 1;
    }
    line
}

fn invalid_finding(span: Span, message: String) -> Finding {
    let rule = &super::rules::invalid_ignore::RULE;
    Finding {
        rule: rule.id,
        severity: rule.severity,
        span,
        message,
        fix: None,
    }
}

/// `findings` without the ones an ignore covers, with the ignores that are
/// not well formed or suppress nothing reported. In source order.
pub fn apply(
    source: &str,
    comments: &[Span],
    findings: Vec<Finding>,
    settings: &Settings,
) -> Vec<Finding> {
    if comments.is_empty() {
        return findings;
    }
    let index = LineIndex::new(source);
    let (ignores, mut invalid) = read(source, comments);
    let mut used = vec![false; ignores.iter().map(|i| i.rules.len()).sum()];
    let mut kept = Vec::new();
    for finding in findings {
        let first = index.line_col(finding.span.start).line;
        let last = index
            .line_col(finding.span.end.max(finding.span.start))
            .line;
        let mut suppressed = false;
        let mut slot = 0;
        for ignore in &ignores {
            let covers = ignore.file || (first..=last).contains(&ignore.line);
            for (id, _) in &ignore.rules {
                if covers && id == finding.rule {
                    used[slot] = true;
                    suppressed = true;
                }
                slot += 1;
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    let mut slot = 0;
    let unused = &super::rules::unused_ignore::RULE;
    for ignore in &ignores {
        for (id, at) in &ignore.rules {
            let known = rules::rule(id).filter(|r| settings.enabled(r));
            if !used[slot] && known.is_some() {
                invalid.push(Finding {
                    rule: unused.id,
                    severity: unused.severity,
                    span: *at,
                    message: format!(
                        "`{id}` is ignored {} but reports nothing {}; remove it from the ignore",
                        if ignore.file { "for the file" } else { "here" },
                        if ignore.file { "in it" } else { "here" },
                    ),
                    fix: None,
                });
            }
            slot += 1;
        }
    }
    // The rules' own findings were configured by `check`; these now.
    invalid.retain(|f| rules::rule(f.rule).is_some_and(|r| settings.enabled(r)));
    for finding in &mut invalid {
        finding.severity = settings.severity(finding.rule, finding.severity);
    }
    kept.append(&mut invalid);
    kept.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    kept
}
