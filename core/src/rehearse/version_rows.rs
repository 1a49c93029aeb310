//! The `alembic_version` rows a SQL text leaves: a `pg_dump` (its `COPY …
//! FROM stdin` block or `INSERT`s), or an offline script (`INSERT`,
//! `UPDATE`, `DELETE` in order). What `alembic current` would read from the
//! database the text describes.

use crate::sql::split::{Piece, split};

/// The rows, in the order they were written; `None` when the text never
/// touches `alembic_version`.
pub fn version_rows(sql: &str) -> Option<Vec<String>> {
    let mut rows: Vec<String> = Vec::new();
    let mut touched = false;
    // pg_dump's data: `COPY public.alembic_version (version_num) FROM stdin;`
    // then one row per line up to `\.`.
    let mut lines = sql.lines();
    while let Some(line) = lines.next() {
        let lower = line.trim().to_ascii_lowercase();
        if lower.starts_with("copy ")
            && lower.contains("alembic_version")
            && lower.contains("from stdin")
        {
            touched = true;
            for row in lines.by_ref() {
                if row.trim() == "\\." {
                    break;
                }
                rows.push(row.trim().to_string());
            }
        }
    }
    for piece in split(sql) {
        let Piece::Statement(span) = piece else {
            continue;
        };
        let statement = &sql[span.start..span.end];
        let lower = statement.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let names_table = |at: usize| {
            words
                .get(at)
                .is_some_and(|w| w.trim_matches('"').ends_with("alembic_version"))
        };
        let literals = quoted(statement);
        match words.as_slice() {
            ["insert", "into", ..] if names_table(2) => {
                touched = true;
                rows.extend(literals);
            }
            ["update", ..] if names_table(1) => {
                touched = true;
                if let [to, from, ..] = literals.as_slice() {
                    if let Some(row) = rows.iter_mut().find(|r| *r == from) {
                        *row = to.clone();
                    }
                } else if let [to] = literals.as_slice() {
                    rows = vec![to.clone()];
                }
            }
            ["delete", "from", ..] if names_table(2) => {
                touched = true;
                match literals.first() {
                    Some(gone) => rows.retain(|r| r != gone),
                    None => rows.clear(),
                }
            }
            ["truncate", ..]
                if words
                    .iter()
                    .any(|w| w.trim_matches('"').ends_with("alembic_version")) =>
            {
                touched = true;
                rows.clear();
            }
            _ => {}
        }
    }
    touched.then_some(rows)
}

/// The `'…'` literals of a statement, `''` read as a quote.
fn quoted(statement: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    value.push('\'');
                } else {
                    break;
                }
            } else {
                value.push(c);
            }
        }
        out.push(value);
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn rows_from_a_dump_and_from_an_offline_script() {
        let dump = "SET x = 1;\nCOPY public.alembic_version (version_num) FROM stdin;\nae1027a6acf\nbb2\n\\.\n\nCREATE TABLE t (id int);\n";
        assert_eq!(
            version_rows(dump),
            Some(vec!["ae1027a6acf".to_string(), "bb2".to_string()])
        );
        let script = "BEGIN;\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n\
            INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;\n\
            UPDATE alembic_version SET version_num='b1' WHERE alembic_version.version_num = 'a1';\n\
            INSERT INTO alembic_version (version_num) VALUES ('c1') RETURNING alembic_version.version_num;\n\
            DELETE FROM alembic_version WHERE alembic_version.version_num = 'c1';\nCOMMIT;\n";
        assert_eq!(version_rows(script), Some(vec!["b1".to_string()]));
        assert_eq!(version_rows("CREATE TABLE t (id int);"), None);
    }
}
