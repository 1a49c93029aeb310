//! Python source → syntax tree, with every syntax error as a [`Diagnostic`].
//!
//! The parser is ruff's (`ruff_python_parser`), which recovers from errors:
//! a file in the middle of a keystroke still yields a tree for everything
//! around the error, so the model reader can still see every complete table.
//! Nothing here executes Python.

mod models;
mod program;
mod regex;
mod resolve;
mod symbol;
mod types;

#[cfg(feature = "sql")]
pub(crate) use models::values::{keyword, string, string_list, string_pairs, written_order};
pub use models::{DEFAULT_MODULE, read_module_schema, read_schema};
pub use program::{
    FileSet, Finder, ModuleFile, ParseCache, Program, module_name, read_program,
    read_program_cached,
};

use ruff_python_ast::ModModule;
use ruff_python_parser::{LexicalErrorType, Mode, ParseErrorType, ParseOptions};
use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::Diagnostic;
use crate::text::Span;

/// A parsed Python module and what was wrong with its syntax.
#[derive(Debug)]
pub struct PythonFile {
    pub module: ModModule,
    /// Syntax errors (and syntax newer than the parser's target Python), in
    /// source order. The module is still complete around them.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a Python module. Never fails and never panics: errors become
/// diagnostics and the tree holds what could be read.
pub fn parse(source: &str) -> PythonFile {
    let parsed = ruff_python_parser::parse_unchecked(source, ParseOptions::from(Mode::Module));
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors()
        .iter()
        .map(|error| {
            match &error.error {
                // Valid Python when the name exists, which retort cannot
                // tell: a warning, not an error that fails a valid file.
                ParseErrorType::Lexical(LexicalErrorType::UnicodeError) => Diagnostic::warning(
                    span(error.location),
                    syntax_message(&error.error),
                )
                .with_help(
                    "retort does not carry Unicode's table of character names; if a table or \
                     column is declared here, write the character itself or a \\u escape",
                ),
                _ => Diagnostic::error(span(error.location), syntax_message(&error.error)),
            }
        })
        .collect();
    diagnostics.extend(
        parsed
            .unsupported_syntax_errors()
            .iter()
            .map(|error| Diagnostic::warning(span(error.range()), error.to_string())),
    );
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let module = parsed.into_syntax().module().unwrap_or_else(|| ModModule {
        node_index: Default::default(),
        range: TextRange::default(),
        body: Default::default(),
    });
    PythonFile {
        module,
        diagnostics,
    }
}

fn syntax_message(error: &ParseErrorType) -> String {
    match error {
        ParseErrorType::Lexical(LexicalErrorType::UnicodeError) => {
            "unknown Unicode character name in a \\N{…} escape".to_string()
        }
        other => format!("syntax error: {other}"),
    }
}

fn span(range: TextRange) -> Span {
    Span::new(range.start().to_usize(), range.end().to_usize())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use ruff_python_ast::Stmt;

    use super::*;
    use crate::diagnostic::Severity;

    const MODEL: &str = "\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = \"users\"
    id: Mapped[int] = mapped_column(primary_key=True)
";

    #[test]
    fn a_valid_model_has_no_diagnostics() {
        let file = parse(MODEL);
        assert_eq!(file.diagnostics, vec![]);
        assert_eq!(file.module.body.len(), 3);
    }

    #[test]
    fn a_half_typed_line_keeps_the_classes_around_it() {
        // The editor mid-keystroke: an unclosed call in the middle class.
        let source = format!(
            "{MODEL}\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    title: Mapped[str] = mapped_column(String(\n\n\nclass Tag(Base):\n    __tablename__ = \"tags\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
        );
        let file = parse(&source);
        assert!(!file.diagnostics.is_empty());
        assert!(
            file.diagnostics
                .iter()
                .all(|d| d.severity == Severity::Error)
        );
        let classes: Vec<&str> = file
            .module
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::ClassDef(class) => Some(class.name.as_str()),
                _ => None,
            })
            .collect();
        assert!(classes.contains(&"User"), "{classes:?}");
        assert!(classes.contains(&"Tag"), "{classes:?}");
        // The first error is on the unfinished line.
        let first = &file.diagnostics[0];
        let line_start = source.find("    title:").unwrap();
        assert!(first.span.start >= line_start, "{first:?}");
    }

    #[test]
    fn syntax_error_spans_point_into_the_source() {
        let source = "class User(Base)\n    id = 1\n";
        let file = parse(source);
        let d = &file.diagnostics[0];
        assert!(d.message.starts_with("syntax error: "), "{}", d.message);
        assert!(d.span.end <= source.len());
        assert_eq!(d.span.start, source.find('\n').unwrap());
    }

    #[test]
    fn unicode_name_escapes_are_reported_with_help() {
        let file = parse("comment = \"\\N{BULLET} point\"\n");
        let d = &file.diagnostics[0];
        assert_eq!(
            d.message,
            "unknown Unicode character name in a \\N{…} escape"
        );
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("write the character itself")
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let inputs = [
            "",
            "(",
            "class",
            "\"\"\"",
            "def f(:\n",
            "x = [1, 2,\ny: Mapped[",
            "\u{feff}class A:\n\tpass\n        x",
            "lambda: (yield)",
            "f'{'",
            "\\",
        ];
        for input in inputs {
            let file = parse(input);
            for d in &file.diagnostics {
                assert!(d.span.end <= input.len(), "{input:?}: {d:?}");
            }
        }
    }
}
