//! A project's own `script.py.mako` and `file_template`, applied as
//! Alembic applies them to a new revision: the part of Mako that revision
//! templates use (`${name}`, `${repr(name)}`, `${x if x else "pass"}`, the
//! `comma,n` filter, `##` comments, `<%text>` blocks) and Python's `%`
//! formatting of the file name. A template that goes beyond it is
//! refused with the line, so the caller can say so and fall back to
//! Alembic's own template.

use crate::quote::py_repr;

/// What a revision template is filled with.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    pub message: &'a str,
    pub up_revision: &'a str,
    /// One parent, several (a merge), or none.
    pub down_revisions: &'a [String],
    pub branch_labels: &'a [String],
    pub depends_on: &'a [String],
    pub create_date: &'a str,
    pub imports: &'a str,
    pub upgrades: &'a str,
    pub downgrades: &'a str,
}

/// Where a template goes beyond what retort renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// 1-based.
    pub line: usize,
    pub what: String,
}

/// `script.py.mako` filled in.
pub fn render(template: &str, fields: &Fields<'_>) -> Result<String, Unsupported> {
    let mut out = String::new();
    let mut verbatim = false;
    let mut python = false;
    for (i, raw) in template.split_inclusive('\n').enumerate() {
        let line = i + 1;
        // A `<% … %>` block runs Python and writes nothing; what follows
        // its `%>` (the newline) is kept, as Mako keeps it.
        let raw = if python
            || raw.trim_start().starts_with("<%") && !raw.trim_start().starts_with("<%text>")
        {
            match raw.find("%>") {
                Some(end) => {
                    python = false;
                    &raw[end + 2..]
                }
                None => {
                    python = true;
                    continue;
                }
            }
        } else {
            raw
        };
        if verbatim {
            match raw.find("</%text>") {
                Some(end) => {
                    out.push_str(&raw[..end]);
                    verbatim = false;
                    let rest = &raw[end + "</%text>".len()..];
                    out.push_str(&expand(rest, fields, line)?);
                }
                None => out.push_str(raw),
            }
            continue;
        }
        let trimmed = raw.trim_start();
        if trimmed.starts_with("##") {
            continue;
        }
        if trimmed.starts_with('%') && !trimmed.starts_with("%%") {
            return Err(Unsupported {
                line,
                what: format!("the control line `{}`", trimmed.trim_end()),
            });
        }
        // A line ending in a backslash continues on the next one.
        let (text, joined) = match raw.strip_suffix("\\\n") {
            Some(text) => (text, true),
            None => (raw, false),
        };
        if let Some(start) = text.find("<%text>") {
            out.push_str(&expand(&text[..start], fields, line)?);
            let rest = &text[start + "<%text>".len()..];
            match rest.find("</%text>") {
                Some(end) => {
                    out.push_str(&rest[..end]);
                    out.push_str(&expand(&rest[end + "</%text>".len()..], fields, line)?);
                }
                None => {
                    out.push_str(rest);
                    verbatim = true;
                }
            }
        } else {
            out.push_str(&expand(text, fields, line)?);
        }
        if joined {
            continue;
        }
    }
    Ok(out)
}

/// The `${…}` expressions of one line, substituted.
fn expand(text: &str, fields: &Fields<'_>, line: usize) -> Result<String, Unsupported> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(Unsupported {
                line,
                what: "an unclosed `${`".into(),
            });
        };
        out.push_str(
            &value(after[..end].trim(), fields).ok_or_else(|| Unsupported {
                line,
                what: format!("the expression `${{{}}}`", &after[..end]),
            })?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(expr: &str, fields: &Fields<'_>) -> Option<String> {
    let (expr, filters) = match expr.split_once('|') {
        Some((e, f)) => (e.trim(), f.replace(' ', "")),
        None => (expr, String::new()),
    };
    if !filters.is_empty() && filters != "comma,n" && filters != "n" {
        return None;
    }
    let list = |name: &str| -> Option<&[String]> {
        match name {
            "down_revision" => Some(fields.down_revisions),
            "branch_labels" => Some(fields.branch_labels),
            "depends_on" => Some(fields.depends_on),
            _ => None,
        }
    };
    if filters == "comma,n" {
        return list(expr)
            .map(|items| items.join(", "))
            .or_else(|| text(expr, fields));
    }
    if let Some(inner) = expr.strip_prefix("repr(").and_then(|e| e.strip_suffix(')')) {
        let inner = inner.trim();
        if inner == "up_revision" {
            return Some(py_repr(fields.up_revision));
        }
        return list(inner).map(python_value);
    }
    // `upgrades if upgrades else "pass"`.
    if let Some((then, rest)) = expr.split_once(" if ") {
        let (test, otherwise) = rest.split_once(" else ")?;
        let chosen = text(test.trim(), fields)?;
        return if chosen.is_empty() {
            literal(otherwise.trim())
        } else {
            text(then.trim(), fields)
        };
    }
    text(expr, fields)
}

fn text(name: &str, fields: &Fields<'_>) -> Option<String> {
    Some(
        match name {
            "message" => fields.message,
            "up_revision" => fields.up_revision,
            "create_date" => fields.create_date,
            "imports" => fields.imports,
            "upgrades" => fields.upgrades,
            "downgrades" => fields.downgrades,
            _ => return None,
        }
        .to_string(),
    )
}

/// A string literal of the template (`"pass"`, `""`).
fn literal(expr: &str) -> Option<String> {
    let quoted = |q: char| expr.strip_prefix(q).and_then(|e| e.strip_suffix(q));
    quoted('"').or_else(|| quoted('\'')).map(str::to_string)
}

/// Python's `repr` of `None`, a string, or a tuple of strings, as the
/// revision context gives them.
fn python_value(items: &[String]) -> String {
    match items {
        [] => "None".into(),
        [one] => py_repr(one),
        many => format!(
            "({})",
            many.iter()
                .map(|s| py_repr(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The date and time parts `file_template` may use.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub epoch: u64,
}

/// `file_template` (`%(rev)s_%(slug)s`, `%%(year)d_%%(month).2d_…` once
/// the ini's interpolation has run) formatted with Python's `%`, `.py`
/// added; `Err` names a token or a conversion Alembic does not give.
pub fn file_name(template: &str, rev: &str, slug: &str, clock: Clock) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let Some(inner) = rest.strip_prefix('(') else {
            return Err(format!("`%` not followed by a (name) in {template:?}"));
        };
        let Some(close) = inner.find(')') else {
            return Err(format!("an unclosed `%(` in {template:?}"));
        };
        let name = &inner[..close];
        let spec_start = &inner[close + 1..];
        let kind_at = spec_start
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| format!("no conversion after %({name}) in {template:?}"))?;
        let spec = &spec_start[..kind_at];
        let kind = &spec_start[kind_at..=kind_at];
        rest = &spec_start[kind_at + 1..];
        let number = |n: i64| -> Result<String, String> {
            // `.2d`: at least two digits; `02d` too.
            let width = spec
                .trim_start_matches('.')
                .trim_start_matches('0')
                .parse::<usize>()
                .unwrap_or(0);
            Ok(format!("{n:0width$}"))
        };
        let piece = match (name, kind) {
            ("rev", "s") => rev.to_string(),
            ("slug", "s") => slug.to_string(),
            ("epoch", "s" | "d") => clock.epoch.to_string(),
            ("year", "d") => number(clock.year)?,
            ("month", "d") => number(i64::from(clock.month))?,
            ("day", "d") => number(i64::from(clock.day))?,
            ("hour", "d") => number(i64::from(clock.hour))?,
            ("minute", "d") => number(i64::from(clock.minute))?,
            ("second", "d") => number(i64::from(clock.second))?,
            _ => {
                return Err(format!(
                    "file_template token %({name}){spec}{kind} is not one Alembic gives"
                ));
            }
        };
        out.push_str(&piece);
    }
    out.push_str(rest);
    out.push_str(".py");
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    const OLD: &str = "\"\"\"${message}\n\nRevision ID: ${up_revision}\nRevises: ${down_revision | comma,n}\n\
        Create Date: ${create_date}\n\n\"\"\"\n## a Mako comment\nfrom alembic import op\nimport sqlalchemy as sa\n\
        ${imports if imports else \"\"}\n\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n\
        branch_labels = ${repr(branch_labels)}\n\n<%\n    sqlite = dialect == \"sqlite\"\n%>\n\ndef upgrade():\n    ${upgrades if upgrades else \"pass\"}\n\n\n\
        def downgrade():\n    ${downgrades if downgrades else \"pass\"}\n";

    #[test]
    fn an_older_template_is_filled_as_mako_fills_it() {
        let down = vec!["a1".to_string(), "b2".to_string()];
        let fields = Fields {
            message: "merge",
            up_revision: "c3",
            down_revisions: &down,
            branch_labels: &[],
            depends_on: &[],
            create_date: "2026-12-06 10:00:00.000000",
            imports: "",
            upgrades: "",
            downgrades: "op.drop_table('t')",
        };
        let text = render(OLD, &fields).unwrap_or_else(|u| panic!("{u:?}"));
        assert!(text.contains("Revises: a1, b2\n"));
        assert!(text.contains("down_revision = ('a1', 'b2')\nbranch_labels = None\n"));
        assert!(text.contains("branch_labels = None\n\n\n\ndef upgrade():\n    pass\n"));
        assert!(text.contains("def downgrade():\n    op.drop_table('t')\n"));
        assert!(!text.contains("Mako comment"));
        assert!(text.contains("import sqlalchemy as sa\n\n\nrevision"));
    }

    #[test]
    fn what_is_not_rendered_is_located() {
        let template = "\"\"\"${message}\"\"\"\n% if upgrades:\n${upgrades}\n% endif\n";
        let err = render(
            template,
            &Fields {
                message: "m",
                up_revision: "r",
                down_revisions: &[],
                branch_labels: &[],
                depends_on: &[],
                create_date: "",
                imports: "",
                upgrades: "",
                downgrades: "",
            },
        );
        assert_eq!(err.map_err(|u| u.line), Err(2));
    }

    #[test]
    fn file_templates_format_as_python_does() {
        let clock = Clock {
            year: 2026,
            month: 1,
            day: 5,
            hour: 7,
            minute: 3,
            second: 9,
            epoch: 1_767_596_589,
        };
        assert_eq!(
            file_name(
                "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d%(second).2d_%(rev)s_%(slug)s",
                "ab12",
                "add_users",
                clock
            ),
            Ok("2026_01_05_070309_ab12_add_users.py".to_string())
        );
        assert_eq!(
            file_name("%(epoch)s_%(rev)s", "ab12", "x", clock),
            Ok("1767596589_ab12.py".into())
        );
        assert!(file_name("%(nope)s", "a", "b", clock).is_err());
        assert_eq!(
            crate::autogen::truncated_slug("Add a 'users' table, with e-mail!", 12),
            "add_a_users_"
        );
    }
}
