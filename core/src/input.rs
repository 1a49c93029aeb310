//! What kind of input a text is: a SQLAlchemy model file or PostgreSQL DDL,
//! and reading it with the matching reader.

/// Whether a pane holds SQL rather than Python: its first comment is
/// `--`/`/*` (Python's is `#`), or its first word, followed by a space, starts
/// a SQL statement (`CREATE`, `ALTER`… not `create_engine(`); `SET` and `WITH`,
/// which open Python statements too, only on a line ending in `;`.
pub fn looks_like_sql(text: &str) -> bool {
    const SQL_STARTS: [&str; 15] = [
        "create", "alter", "drop", "comment", "set", "begin", "start", "commit", "select",
        "insert", "update", "delete", "grant", "revoke", "with",
    ];
    let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    if line.starts_with('#') {
        return false;
    }
    if line.starts_with("--") || line.starts_with("/*") || line.starts_with('\\') {
        return true;
    }
    let word_end = line
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_end);
    let word = word.to_ascii_lowercase();
    // `select = 3`, `update(x)`: Python using the word as a name.
    let python_name = rest
        .trim_start()
        .starts_with(['=', '(', '.', ':', ',', '[']);
    let ends_word = !python_name
        && (rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ';'));
    let ambiguous = matches!(word.as_str(), "set" | "with");
    ends_word && SQL_STARTS.contains(&word.as_str()) && (!ambiguous || line.ends_with(';'))
}

/// A model file read inside the folder it came from: the schema its
/// imports give, its own diagnostics, and how many modules were read.
#[derive(Debug, Clone)]
pub struct FolderRead {
    pub schema: crate::schema::Schema,
    /// The diagnostics of the file itself (its text's offsets).
    pub diagnostics: Vec<crate::Diagnostic>,
    /// Those of the other modules read, with their paths.
    pub elsewhere: Vec<(String, crate::Diagnostic)>,
    pub modules: usize,
}

/// The model `text`, the file at `entry` of a folder whose other files are
/// `files` (`(path, text)`), read with the modules it imports from there.
pub fn read_model_in_folder(
    text: &str,
    entry: &str,
    files: impl IntoIterator<Item = (String, String)>,
) -> FolderRead {
    use crate::python::{FileSet, read_program};
    let mut files: Vec<(String, String)> = files.into_iter().filter(|(p, _)| p != entry).collect();
    files.push((entry.to_string(), text.to_string()));
    let set = FileSet::new(files);
    let Some(module) = set.at(entry).cloned() else {
        let (schema, diagnostics) = crate::python::read_schema(text);
        return FolderRead {
            schema,
            diagnostics,
            elsewhere: Vec::new(),
            modules: 1,
        };
    };
    let program = read_program(vec![module], &set);
    let (mine, elsewhere): (Vec<_>, Vec<_>) = program
        .diagnostics
        .into_iter()
        .partition(|(file, _)| *file == 0);
    FolderRead {
        schema: program.schema,
        diagnostics: mine.into_iter().map(|(_, d)| d).collect(),
        elsewhere: elsewhere
            .into_iter()
            .map(|(file, d)| (program.files[file].path.clone(), d))
            .collect(),
        modules: program.files.len(),
    }
}

/// Reads `source` with the reader its content calls for.
#[cfg(feature = "sql")]
pub fn read_schema(source: &str) -> (crate::schema::Schema, Vec<crate::Diagnostic>) {
    if looks_like_sql(source) {
        crate::sql::read_schema(source)
    } else {
        crate::python::read_schema(source)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn sql_is_told_from_python_by_its_first_statement() {
        for sql in [
            "CREATE TABLE t (id int);",
            "-- migration\nALTER TABLE t ADD COLUMN x int;",
            "\n  create table t (id int)",
            "/* header */ CREATE TYPE mood AS ENUM ('a');",
            "\\restrict abc\nSET x = 1;",
            "SET lock_timeout = '2s';",
            "BEGIN;",
        ] {
            assert!(looks_like_sql(sql), "{sql:?}");
        }
        for python in [
            "from sqlalchemy import Column",
            "# CREATE TABLE in a comment\nimport sqlalchemy as sa",
            "import enum",
            "\"\"\"Models.\"\"\"",
            "class User(Base):",
            "set_a = 1",
            "create_engine = None",
            "select = 3",
            "with open('x') as f:",
            "",
        ] {
            assert!(!looks_like_sql(python), "{python:?}");
        }
    }
}
