//! Positions in text: byte spans, lines and columns, UTF-16 offsets.
//!
//! The core speaks byte offsets. Three other position systems meet it at the
//! edges and are converted here, and only here:
//! - 1-based line and column (in characters), for `file:line:col` output;
//! - UTF-16 code unit offsets, which the browser editor (CodeMirror) uses;
//! - PostgreSQL error positions: 1-based character indexes into the query.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into a text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; the two are swapped if given backwards.
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, for converting byte offsets in both directions.
///
/// Offsets that fall inside a multi-byte character, or past the end, are
/// clamped to the nearest earlier character boundary (or the end), so a bad
/// position from outside never panics.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first character of each line; always starts with 0.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        // `match_indices` of a `char` searches with memchr: far faster than
        // a byte at a time on a long script.
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The nearest character boundary at or before `offset`, within the text.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        LineCol {
            line: line + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> Option<&'a str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// The byte offset of a 1-based line and column; `None` when the line does
    /// not exist, the end of the line when the column is past it.
    pub fn offset(&self, at: LineCol) -> Option<usize> {
        let line_text = self.line_text(at.line)?;
        let start = self.line_starts[at.line - 1];
        let within = line_text
            .char_indices()
            .nth(at.column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The UTF-16 offset (what JavaScript strings and CodeMirror count) of a
    /// byte offset.
    pub fn utf16_offset(&self, offset: usize) -> usize {
        let offset = self.clamp(offset);
        self.text[..offset].encode_utf16().count()
    }

    /// The byte offset of a UTF-16 offset; one that splits a surrogate pair is
    /// moved back to the start of that character, one past the end to the end.
    pub fn offset_from_utf16(&self, utf16: usize) -> usize {
        let mut seen = 0;
        for (byte, ch) in self.text.char_indices() {
            let next = seen + ch.len_utf16();
            if next > utf16 {
                return byte;
            }
            seen = next;
        }
        self.text.len()
    }

    /// The byte offset of a PostgreSQL error position: a 1-based index, in
    /// characters, into the query text as it was sent. `None` for 0 (Postgres
    /// sends no position) or a position past the end.
    pub fn offset_from_pg_position(&self, position: usize) -> Option<usize> {
        let index = position.checked_sub(1)?;
        if index == self.text.chars().count() {
            return Some(self.text.len());
        }
        self.text.char_indices().nth(index).map(|(byte, _)| byte)
    }
}

/// `sql` in parentheses, as PostgreSQL prints a predicate, unless one pair
/// already encloses all of it (`(a) OR (b)` is not enclosed).
pub fn parenthesized(sql: &str) -> String {
    let sql = sql.trim();
    let mut depth = 0usize;
    let enclosed = sql.starts_with('(')
        && sql.ends_with(')')
        && sql.char_indices().all(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth > 0 || i == sql.len() - 1
        });
    if enclosed {
        sql.to_string()
    } else {
        format!("({sql})")
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    const SQL: &str = "SELECT 1;\nSELECT * FROM missing;\n";

    #[test]
    fn span_is_ordered() {
        assert_eq!(Span::new(7, 3), Span::new(3, 7));
        assert_eq!(Span::new(3, 7).len(), 4);
        assert!(Span::new(5, 5).is_empty());
    }

    #[test]
    fn line_col_is_one_based() {
        let index = LineIndex::new(SQL);
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(10), LineCol { line: 2, column: 1 });
        assert_eq!(
            index.line_col(24),
            LineCol {
                line: 2,
                column: 15
            }
        );
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let index = LineIndex::new("é = 'ü'");
        // `=` is the 3rd character but starts at byte 3.
        assert_eq!(index.line_col(3), LineCol { line: 1, column: 3 });
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let index = LineIndex::new("aé");
        assert_eq!(index.clamp(2), 1);
        assert_eq!(index.clamp(99), 3);
        assert_eq!(index.line_col(99), LineCol { line: 1, column: 3 });
    }

    #[test]
    fn line_text_and_offset_round_trip() {
        let index = LineIndex::new("a\r\nbé c\n");
        assert_eq!(index.line_text(1), Some("a"));
        assert_eq!(index.line_text(2), Some("bé c"));
        assert_eq!(index.line_text(3), Some(""));
        assert_eq!(index.line_text(4), None);
        assert_eq!(index.line_text(0), None);
        for offset in [0, 3, 4, 6, 7] {
            assert_eq!(index.offset(index.line_col(offset)), Some(offset));
        }
        assert_eq!(
            index.offset(LineCol {
                line: 2,
                column: 99
            }),
            Some(8)
        );
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs_twice() {
        let text = "x🙂y";
        let index = LineIndex::new(text);
        assert_eq!(index.utf16_offset(1), 1);
        assert_eq!(index.utf16_offset(5), 3);
        assert_eq!(index.offset_from_utf16(3), 5);
        // Inside the pair: back to the start of the emoji.
        assert_eq!(index.offset_from_utf16(2), 1);
        assert_eq!(index.offset_from_utf16(99), text.len());
    }

    #[test]
    fn pg_positions_are_one_based_characters() {
        let sql = "SELECT 'ü' FROM missing";
        let index = LineIndex::new(sql);
        // Postgres reports position 17 for `missing` (character 17).
        let byte = index.offset_from_pg_position(17).unwrap();
        assert_eq!(&sql[byte..], "missing");
        assert_eq!(index.offset_from_pg_position(0), None);
        assert_eq!(index.offset_from_pg_position(24), Some(sql.len()));
        assert_eq!(index.offset_from_pg_position(25), None);
    }

    #[test]
    fn a_predicate_is_parenthesized_once() {
        assert_eq!(super::parenthesized("a IS NOT NULL"), "(a IS NOT NULL)");
        assert_eq!(super::parenthesized("(a > 1)"), "(a > 1)");
        assert_eq!(super::parenthesized("(a) OR (b)"), "((a) OR (b))");
    }
}
