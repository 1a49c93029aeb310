//! `retort lint`'s output formats: what the findings look like in a
//! terminal ([`text`]), to a program ([`json`]), in GitHub Actions
//! ([`github`]) and to code scanning ([`sarif`]). The machine formats are
//! serde values written by one JSON formatter ([`Spaced`]).

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io;

use clap::ValueEnum;
use retort_core::LineIndex;
use retort_core::lint::Finding;
use serde_json::ser::{CharEscape, Formatter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// `path:line:col: rule message`, the source line under it.
    Text,
    /// An array of findings (1-based lines and columns).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// One file reviewed: its path as shown, and its lines.
pub struct Reviewed<'a> {
    pub path: &'a str,
    pub index: &'a LineIndex<'a>,
}

/// What the formats print: the findings (each with its file's index into
/// `files`), and the files.
pub struct Printed<'a> {
    pub found: &'a [(usize, &'a Finding)],
    pub files: &'a [Reviewed<'a>],
}

/// A finding with where it is, as every format prints it (1-based).
pub struct Located<'a> {
    /// Its file, an index into [`Printed::files`].
    pub file: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub finding: &'a Finding,
}

impl<'a> Printed<'a> {
    /// A finding with its lines and columns.
    pub fn locate(&self, &(file, finding): &(usize, &'a Finding)) -> Located<'a> {
        let index = self.files[file].index;
        let start = index.line_col(finding.span.start);
        let end = index.line_col(finding.span.end.max(finding.span.start));
        Located {
            file,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            finding,
        }
    }

    /// Every finding, located.
    pub fn located(&self) -> impl Iterator<Item = Located<'a>> + '_ {
        self.found.iter().map(|f| self.locate(f))
    }

    pub fn path(&self, f: &Located) -> &'a str {
        self.files[f.file].path
    }
}

/// JSON with a space after each `,` and `:` (`{"a": 1, "b": [2, 3]}`), on
/// one line, and the control characters without a short escape written as
/// `\u00XX` (serde_json writes `\b` and `\f`; retort's JSON never has).
pub struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::Backspace => w.write_all(b"\\u0008"),
            CharEscape::FormFeed => w.write_all(b"\\u000c"),
            other => serde_json::ser::CompactFormatter.write_char_escape(w, other),
        }
    }
}

/// `value` as [`Spaced`] JSON, appended to `out`.
pub fn write_json(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    let mut serializer = serde_json::Serializer::with_formatter(out, Spaced);
    // Writing into a Vec cannot fail, and the values are plain data.
    let _ = value.serialize(&mut serializer);
}

#[cfg(test)]
mod tests {
    use super::write_json;

    #[test]
    fn strings_read_back_as_the_text() {
        let mut texts: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        texts.extend(
            [
                "",
                "plain",
                "ünïcode `name`",
                "a\"b\\c\nd\re\tf",
                "\u{1f}\u{7f}€",
            ]
            .map(String::from),
        );
        for at in 0..40 {
            for special in ["\"", "\\", "\n", "\u{1}", "é"] {
                let mut text = "x".repeat(40);
                text.insert_str(at, special);
                texts.push(text);
            }
        }
        for text in texts {
            let mut out = Vec::new();
            write_json(&mut out, &text);
            let back: String = serde_json::from_slice(&out).expect("valid JSON");
            assert_eq!(back, text);
        }
        let mut out = Vec::new();
        write_json(&mut out, &"\u{8}\u{c}\u{1}");
        assert_eq!(out, b"\"\\u0008\\u000c\\u0001\"");
    }

    #[test]
    fn objects_and_arrays_are_spaced() {
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({"a": [1, 2], "b": {}}));
        assert_eq!(String::from_utf8_lossy(&out), r#"{"a": [1, 2], "b": {}}"#);
    }
}
