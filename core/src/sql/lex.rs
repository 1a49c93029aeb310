//! A fast tokenizer for the common part of PostgreSQL, giving exactly the
//! tokens (and spans) sqlparser's own tokenizer gives, or `None`.
//!
//! sqlparser's tokenizer reads a `char` at a time through a peekable
//! iterator and asks the dialect about each one; on a long migration it is
//! half the time of reading a statement. This one works on bytes and knows
//! only what migrations are mostly made of: words, quoted identifiers,
//! plain `'…'` strings, integers, `--` comments and the punctuation of DDL.
//! Whatever else it meets (`E'…'`, `$$`, `/* */`, decimals, custom
//! operators, non-ASCII outside quotes …) makes it give up, and the caller
//! uses sqlparser's tokenizer, which also words the errors. The test
//! `fast_tokens_are_sqlparsers` holds the two to the same output.

use std::sync::OnceLock;

use sqlparser::keywords::{ALL_KEYWORDS, ALL_KEYWORDS_INDEX, Keyword};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Whitespace, Word};

use crate::hash::FastMap;

/// Keywords of up to [`PACKED`] bytes, packed into one integer each (see
/// [`pack`]): a lookup compares integers, with no call to compare bytes.
type Short = rustc_hash::FxHashMap<u128, Keyword>;
/// The longer keywords, by their bytes.
type Long = FastMap<&'static [u8], Keyword>;

/// The longest keyword sqlparser knows fits in this many bytes; a longer
/// word is no keyword.
const KEYWORD_MAX: usize = 48;

/// Keywords this long or shorter are packed.
const PACKED: usize = 16;

/// A word of at most [`PACKED`] bytes, upper-cased, as one integer (its
/// bytes from the lowest, zeros after it: no word holds a zero byte, so two
/// words pack alike only if they are the same).
fn pack(word: &[u8]) -> u128 {
    word.iter().rev().fold(0u128, |packed, b| {
        packed << 8 | u128::from(b.to_ascii_uppercase())
    })
}

fn keywords() -> &'static (Short, Long) {
    static TABLE: OnceLock<(Short, Long)> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut short = Short::default();
        let mut long = Long::default();
        for (word, keyword) in ALL_KEYWORDS.iter().zip(ALL_KEYWORDS_INDEX.iter()) {
            let bytes = word.as_bytes();
            if bytes.len() <= PACKED {
                short.insert(pack(bytes), *keyword);
            } else if bytes.len() <= KEYWORD_MAX {
                long.insert(bytes, *keyword);
            }
        }
        (short, long)
    })
}

/// The keyword an unquoted word is (sqlparser compares case-insensitively).
fn keyword(word: &[u8]) -> Keyword {
    let (short, long) = keywords();
    if word.len() <= PACKED {
        return short
            .get(&pack(word))
            .copied()
            .unwrap_or(Keyword::NoKeyword);
    }
    if word.len() > KEYWORD_MAX {
        return Keyword::NoKeyword;
    }
    let mut upper = [0u8; KEYWORD_MAX];
    for (u, b) in upper.iter_mut().zip(word) {
        *u = b.to_ascii_uppercase();
    }
    long.get(&upper[..word.len()])
        .copied()
        .unwrap_or(Keyword::NoKeyword)
}

/// Characters that may continue a PostgreSQL operator: after one of the
/// simple operators below they make sqlparser read a custom operator.
fn operator_part(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
    )
}

fn word_part(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

struct Lexer<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    line: u64,
    column: u64,
}

impl Lexer<'_> {
    fn location(&self) -> Location {
        Location::new(self.line, self.column)
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    /// Moves over `n` bytes of ASCII that hold no newline.
    fn skip(&mut self, n: usize) {
        self.at += n;
        self.column += n as u64;
    }

    /// Moves to byte `end`, counting lines and characters as sqlparser does
    /// (a column is a `char`; only `\n` starts a line).
    fn advance_to(&mut self, end: usize) {
        for &b in &self.bytes[self.at..end] {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.at = end;
    }

    /// The text between quotes starting at the current byte (`quote`
    /// doubled inside stands for one), or `None` when unterminated.
    fn quoted(&mut self, quote: u8) -> Option<String> {
        let start = self.at + 1;
        let mut i = start;
        let mut value = String::new();
        let mut piece = start;
        loop {
            let found = self.bytes[i..].iter().position(|&b| b == quote)? + i;
            if self.bytes.get(found + 1) == Some(&quote) {
                value.push_str(&self.text[piece..=found]);
                i = found + 2;
                piece = i;
            } else {
                value.push_str(&self.text[piece..found]);
                self.advance_to(found + 1);
                return Some(value);
            }
        }
    }

    /// The next token, `Ok(None)` at the end, `Err(())` to give up.
    fn token(&mut self) -> Result<Option<Token>, ()> {
        let Some(b) = self.peek(0) else {
            return Ok(None);
        };
        let next = self.peek(1);
        let simple = |token: Token, lexer: &mut Self, n: usize| {
            lexer.skip(n);
            Ok(Some(token))
        };
        // An operator that must not run on into a custom one.
        let operator = |token: Token, lexer: &mut Self, n: usize| {
            if lexer.peek(n).is_some_and(operator_part) {
                return Err(());
            }
            lexer.skip(n);
            Ok(Some(token))
        };
        match b {
            b' ' => simple(Token::Whitespace(Whitespace::Space), self, 1),
            b'\t' => simple(Token::Whitespace(Whitespace::Tab), self, 1),
            b'\n' => {
                self.at += 1;
                self.line += 1;
                self.column = 1;
                Ok(Some(Token::Whitespace(Whitespace::Newline)))
            }
            b'\r' => {
                if next == Some(b'\n') {
                    self.at += 2;
                    self.line += 1;
                    self.column = 1;
                } else {
                    self.skip(1);
                }
                Ok(Some(Token::Whitespace(Whitespace::Newline)))
            }
            b'(' => simple(Token::LParen, self, 1),
            b')' => simple(Token::RParen, self, 1),
            b',' => simple(Token::Comma, self, 1),
            b'[' => simple(Token::LBracket, self, 1),
            b']' => simple(Token::RBracket, self, 1),
            b'*' => simple(Token::Mul, self, 1),
            b'+' => simple(Token::Plus, self, 1),
            b'.' => match next {
                Some(n) if n.is_ascii_digit() || n == b'_' => Err(()),
                _ => simple(Token::Period, self, 1),
            },
            b':' => match next {
                Some(b':') => simple(Token::DoubleColon, self, 2),
                Some(b'=') => Err(()),
                _ => simple(Token::Colon, self, 1),
            },
            b'=' => match next {
                Some(b'>' | b'=') => Err(()),
                _ => simple(Token::Eq, self, 1),
            },
            b'-' => match next {
                Some(b'-') => {
                    let start = self.at + 2;
                    let end = self.bytes[start..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .map_or(self.bytes.len(), |p| start + p);
                    let comment = self.text[start..end].to_string();
                    self.advance_to(end);
                    Ok(Some(Token::Whitespace(Whitespace::SingleLineComment {
                        comment,
                        prefix: "--".to_string(),
                    })))
                }
                Some(b'>') => Err(()),
                _ => operator(Token::Minus, self, 1),
            },
            b'<' => match next {
                Some(b'=') => operator(Token::LtEq, self, 2),
                Some(b'>') => operator(Token::Neq, self, 2),
                Some(n) if operator_part(n) => Err(()),
                _ => simple(Token::Lt, self, 1),
            },
            b'>' => match next {
                Some(b'=') => operator(Token::GtEq, self, 2),
                Some(n) if operator_part(n) => Err(()),
                _ => simple(Token::Gt, self, 1),
            },
            b'!' if next == Some(b'=') => operator(Token::Neq, self, 2),
            b'|' if next == Some(b'|') => match self.peek(2) {
                Some(b'/') => Err(()),
                _ => operator(Token::StringConcat, self, 2),
            },
            b'/' => match next {
                Some(n) if operator_part(n) => Err(()),
                _ => simple(Token::Div, self, 1),
            },
            b'\'' => {
                let value = self.quoted(b'\'').ok_or(())?;
                Ok(Some(Token::SingleQuotedString(value)))
            }
            b'"' => {
                let value = self.quoted(b'"').ok_or(())?;
                Ok(Some(Token::Word(Word {
                    value,
                    quote_style: Some('"'),
                    keyword: Keyword::NoKeyword,
                })))
            }
            b'0'..=b'9' => {
                let len = self.bytes[self.at..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(self.bytes.len() - self.at);
                // `1.5`, `1e3`, `0x1F`, `1_000`, `10L`: sqlparser's rules.
                if self
                    .peek(len)
                    .is_some_and(|b| word_part(b) || b == b'.' || !b.is_ascii())
                {
                    return Err(());
                }
                let value = self.text[self.at..self.at + len].to_string();
                self.skip(len);
                Ok(Some(Token::Number(value, false)))
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let len = self.bytes[self.at..]
                    .iter()
                    .position(|&b| !word_part(b))
                    .unwrap_or(self.bytes.len() - self.at);
                // A quote or `&` right after a word may make it a prefixed
                // string (`E'…'`, `B'…'`, `U&'…'`); a non-ASCII letter
                // continues the word.
                if self
                    .peek(len)
                    .is_some_and(|b| matches!(b, b'\'' | b'"' | b'&') || !b.is_ascii())
                {
                    return Err(());
                }
                let word = &self.bytes[self.at..self.at + len];
                let token = Token::Word(Word {
                    value: self.text[self.at..self.at + len].to_string(),
                    quote_style: None,
                    keyword: keyword(word),
                });
                self.skip(len);
                Ok(Some(token))
            }
            _ => Err(()),
        }
    }
}

/// Each token of `text` with where it starts and ends, to `push`; `false`
/// where this reader gives up (sqlparser must then tokenize it).
fn each_token(text: &str, mut push: impl FnMut(Token, Location, Location)) -> bool {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
        column: 1,
    };
    let mut first = true;
    loop {
        let start = lexer.location();
        match lexer.token() {
            Ok(Some(token)) => {
                // `COPY … FROM STDIN` data follows the statement's `;`:
                // sqlparser reads it as one token.
                if first && matches!(&token, Token::Word(w) if w.keyword == Keyword::COPY) {
                    return false;
                }
                first = false;
                push(token, start, lexer.location());
            }
            Ok(None) => return true,
            Err(()) => return false,
        }
    }
}

/// The tokens of `text` as sqlparser's PostgreSQL tokenizer gives them, or
/// `None` where this reader gives up (sqlparser must then tokenize it).
pub fn tokens(text: &str) -> Option<Vec<TokenWithSpan>> {
    let mut out = Vec::with_capacity(text.len() / 3);
    each_token(text, |token, start, end| {
        out.push(TokenWithSpan::new(token, Span::new(start, end)))
    })
    .then_some(out)
}

/// [`tokens`] without the whitespace and comments, and without spans: what
/// a statement's words say (half the tokens of most DDL are spaces).
pub fn words(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(text.len() / 6);
    each_token(text, |token, _, _| {
        if !matches!(token, Token::Whitespace(_)) {
            out.push(token)
        }
    })
    .then_some(out)
}

/// Whether [`tokens`] keeps its promise on `text`: it gives up, or gives
/// what sqlparser's tokenizer gives, token for token and span for span; and
/// [`words`] gives up with it, or gives its tokens but the whitespace (the
/// tests run it on every statement they have).
#[cfg(any(test, feature = "testing"))]
pub fn agrees_with_sqlparser(text: &str) -> bool {
    let fast = tokens(text);
    // The words are the tokens', or both give up.
    let words = words(text);
    let same_words = match (&fast, &words) {
        (Some(tokens), Some(words)) => tokens
            .iter()
            .map(|t| &t.token)
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .eq(words.iter()),
        (None, None) => true,
        _ => false,
    };
    let Some(fast) = fast else {
        return same_words;
    };
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let Ok(slow) = sqlparser::tokenizer::Tokenizer::new(&dialect, text).tokenize_with_location()
    else {
        return false;
    };
    same_words
        && fast.len() == slow.len()
        && fast
            .iter()
            .zip(&slow)
            .all(|(a, b)| a.token == b.token && a.span == b.span)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn same(text: &str) -> bool {
        agrees_with_sqlparser(text)
    }

    #[test]
    fn common_ddl_is_read_fast_and_the_same() {
        for text in [
            "CREATE TABLE t0 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now())",
            "ALTER TABLE \"Weird \"\"name\"\"\" ADD COLUMN c0 integer -- a note\n  , ADD COLUMN d varchar(20)[]",
            "UPDATE accounts SET c0 = 0 WHERE c0 IS NULL AND x <> 1 AND y >= 2 AND z != 3",
            "COMMENT ON TABLE t IS 'it''s a table: ünïcode'",
            "SELECT a::text || b, 4 * 5 + 6 - 7 / 8 FROM s.t\r\nWHERE q < 1 AND r > 2 AND p <= 3",
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a = -1)",
        ] {
            assert!(tokens(text).is_some(), "gave up on {text}");
            assert!(same(text), "differs on {text}");
        }
    }

    #[test]
    fn every_keyword_is_found_in_any_case_and_other_words_are_none() {
        for (word, expected) in ALL_KEYWORDS.iter().zip(ALL_KEYWORDS_INDEX.iter()) {
            let lower = word.to_ascii_lowercase();
            let want = if word.len() <= KEYWORD_MAX {
                *expected
            } else {
                Keyword::NoKeyword
            };
            assert_eq!(keyword(word.as_bytes()), want, "{word}");
            assert_eq!(keyword(lower.as_bytes()), want, "{lower}");
        }
        for word in [
            "accounts",
            "ix_accounts_c0",
            "c0",
            "a",
            "selects",
            "tablex",
            "x_table_y_zzzzzzz",
        ] {
            assert_eq!(keyword(word.as_bytes()), Keyword::NoKeyword, "{word}");
        }
    }

    #[test]
    fn gives_up_where_sqlparser_has_rules_of_its_own() {
        for text in [
            "SELECT E'a\\nb'",
            "SELECT $$body$$",
            "SELECT 1.5",
            "SELECT 1e3",
            "SELECT x'1F'",
            "SELECT a /* c */ b",
            "SELECT a ->> 'k'",
            "SELECT a @> b",
            "SELECT 'unterminated",
            "SELECT \"unterminated",
            "SELECT naïve",
            "COPY t FROM STDIN",
            "SELECT a <-> b",
        ] {
            assert!(tokens(text).is_none(), "should give up on {text}");
        }
    }
}
