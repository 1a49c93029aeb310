//! Cuts a SQL script into statements without parsing it, so that one bad
//! statement costs only itself: the parser then sees one statement at a time.
//!
//! Knows what can hide a `;`: `--` and nested `/* */` comments, `'…'` strings
//! (`''` inside), `E'…'` strings (backslash escapes), `"…"` identifiers and
//! `$tag$…$tag$` bodies. A line starting with `\` between statements is a
//! psql meta-command (pg_dump writes `\restrict …`); it is returned apart.

use crate::text::Span;

/// One piece of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// A statement, without its `;`, trimmed of surrounding whitespace and
    /// comments. Never empty.
    Statement(Span),
    /// A psql meta-command line (`\connect db`, `\restrict key`).
    MetaCommand(Span),
}

/// The statements and meta-commands of `source`, in order.
pub fn split(source: &str) -> Vec<Piece> {
    scan(source, &mut Vec::new())
}

/// The spans of `source`'s comments (`--` to the line's end, `/* */` whole),
/// in order.
pub fn comments(source: &str) -> Vec<Span> {
    let mut comments = Vec::new();
    scan(source, &mut comments);
    comments
}

fn scan(source: &str, comments: &mut Vec<Span>) -> Vec<Piece> {
    let bytes = source.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    // Start of the current statement's first significant byte, if any yet.
    let mut start: Option<usize> = None;
    // End of the last significant byte of the current statement.
    let mut end = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let stop = line_end(bytes, i);
                comments.push(Span::new(i, trim_end(bytes, i, stop)));
                i = stop;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let stop = block_comment_end(bytes, i);
                comments.push(Span::new(i, stop));
                i = stop;
            }
            b'\\' if start.is_none() && at_line_start(bytes, i) => {
                let stop = line_end(bytes, i);
                pieces.push(Piece::MetaCommand(Span::new(i, trim_end(bytes, i, stop))));
                i = stop;
            }
            b';' => {
                if let Some(s) = start.take() {
                    pieces.push(Piece::Statement(Span::new(s, end)));
                }
                i += 1;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                start.get_or_insert(i);
                i = match b {
                    b'\'' => {
                        let escapes = i > 0
                            && matches!(bytes[i - 1], b'e' | b'E')
                            && !word_before(bytes, i - 1);
                        quoted_end(bytes, i, b'\'', escapes)
                    }
                    b'"' => quoted_end(bytes, i, b'"', false),
                    b'$' => dollar_end(bytes, i),
                    // This byte, and the run after it of bytes none of the
                    // arms above look at, whitespace included (a UTF-8
                    // sequence's bytes are all ≥ 0x80: never one of them,
                    // so the run ends on a character boundary).
                    _ => {
                        let run = i
                            + 1
                            + bytes[i + 1..]
                                .iter()
                                .position(|&b| {
                                    matches!(b, b'-' | b'/' | b';' | b'\'' | b'"' | b'$' | b'\\')
                                })
                                .unwrap_or(bytes.len() - i - 1);
                        // The statement ends at the run's last significant
                        // byte, not at the whitespace after it.
                        end = trim_end(bytes, i, run);
                        i = run;
                        continue;
                    }
                };
                end = i;
            }
        }
    }
    if let Some(s) = start {
        pieces.push(Piece::Statement(Span::new(s, end)));
    }
    pieces
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| i + p)
}

fn at_line_start(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .take_while(|&&b| b != b'\n')
        .all(|b| b.is_ascii_whitespace())
}

fn trim_end(bytes: &[u8], start: usize, mut stop: usize) -> usize {
    while stop > start && bytes[stop - 1].is_ascii_whitespace() {
        stop -= 1;
    }
    stop
}

/// Whether the byte at `i` continues a word (so `e` in `name'` is not `E'`).
fn word_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The end of a quoted string or identifier starting at `i`; a doubled quote
/// stays inside. Unterminated: the end of the input.
fn quoted_end(bytes: &[u8], mut i: usize, quote: u8, backslash_escapes: bool) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash_escapes => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `$tag$ … $tag$` (tag possibly empty); a `$` that does not open one (`$1`)
/// is one byte.
fn dollar_end(bytes: &[u8], i: usize) -> usize {
    let tag_len = bytes[i + 1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'));
    let Some(tag_len) = tag_len else {
        return bytes.len();
    };
    let close = i + 1 + tag_len;
    if bytes[close] != b'$' || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return i + 1;
    }
    let tag = &bytes[i..=close];
    let body = close + 1;
    bytes[body..]
        .windows(tag.len())
        .position(|w| w == tag)
        .map_or(bytes.len(), |p| body + p + tag.len())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn texts(source: &str) -> Vec<&str> {
        split(source)
            .into_iter()
            .map(|p| match p {
                Piece::Statement(s) | Piece::MetaCommand(s) => &source[s.start..s.end],
            })
            .collect()
    }

    #[test]
    fn statements_end_at_semicolons_outside_strings_and_comments() {
        let sql = "-- a; comment\nCREATE TABLE t (a text DEFAULT 'x;y', \"b;\" int); /* c; /* nested; */ */\n\
                   COMMENT ON TABLE t IS E'it\\'s; fine';\n\
                   CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   SELECT $1;";
        assert_eq!(
            texts(sql),
            [
                "CREATE TABLE t (a text DEFAULT 'x;y', \"b;\" int)",
                "COMMENT ON TABLE t IS E'it\\'s; fine'",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT $1",
            ]
        );
    }

    #[test]
    fn psql_meta_commands_are_pieces_of_their_own() {
        let sql = "\\restrict abc\nSET x = 1;\n\\unrestrict abc\n";
        let pieces = split(sql);
        assert!(matches!(pieces[0], Piece::MetaCommand(_)));
        assert_eq!(
            texts(sql),
            ["\\restrict abc", "SET x = 1", "\\unrestrict abc"]
        );
    }

    #[test]
    fn unterminated_input_is_one_last_statement() {
        assert_eq!(texts("SELECT 1; SELECT 'abc"), ["SELECT 1", "SELECT 'abc"]);
        assert_eq!(
            texts("SELECT $x$ never closed"),
            ["SELECT $x$ never closed"]
        );
        assert_eq!(texts("/* open"), Vec::<&str>::new());
        assert_eq!(texts("SELECT é;"), ["SELECT é"]);
        assert_eq!(texts("x$"), ["x$"]);
    }
}
