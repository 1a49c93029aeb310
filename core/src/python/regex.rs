//! The small part of Python's `re` that model files use to name tables:
//! `re.sub(pattern, repl, name)` and `re.compile(pattern).sub(repl, name)`
//! in camel-to-snake helpers, with Python's semantics for the cases they
//! write (`(?<!^)(?=[A-Z])`, `((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))`,
//! `(.)([A-Z][a-z]+)` with `\1_\2`).
//!
//! Supported: literals and escapes, `.`, classes (`[a-z0-9_]`, `[^…]`,
//! `\d \w \s`), `^ $`, capturing and `(?:…)` groups, `|`, greedy `* + ?`
//! and `{m}`/`{m,n}`, lookahead `(?=…)`/`(?!…)`, lookbehind
//! `(?<=…)`/`(?<!…)`. Matching backtracks over a tree; a name is a few
//! dozen characters. Anything else is `None`: the caller reports the
//! expression rather than guess.

/// A parsed pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    root: Term,
    groups: usize,
}

#[derive(Debug, Clone)]
enum Term {
    Empty,
    Char(char),
    Any,
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Start,
    End,
    Group(Box<Term>, Option<usize>),
    Look {
        node: Box<Term>,
        ahead: bool,
        negated: bool,
    },
    Concat(Vec<Term>),
    Alternation(Vec<Term>),
    Repeat {
        node: Box<Term>,
        min: usize,
        max: Option<usize>,
    },
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];

impl Pattern {
    pub fn parse(pattern: &str) -> Option<Pattern> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut parser = Parser {
            chars: &chars,
            at: 0,
            groups: 0,
        };
        let root = parser.alternation()?;
        (parser.at == chars.len()).then_some(Pattern {
            root,
            groups: parser.groups,
        })
    }

    /// `re.sub(pattern, repl, text)`: every non-overlapping match replaced,
    /// `\1`…`\9` and `\g<n>` in `repl` by the groups.
    pub fn sub(&self, repl: &str, text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let (mut last, mut at) = (0, 0);
        let mut empty_at: Option<usize> = None;
        while at <= chars.len() {
            let mut groups = vec![None; self.groups + 1];
            let found = self.root.matches(&chars, at, &mut groups, &mut |_, _| true);
            match found {
                Some(end) if !(end == at && empty_at == Some(at)) => {
                    groups[0] = Some((at, end));
                    out.extend(&chars[last..at]);
                    expand(repl, &chars, &groups, &mut out)?;
                    last = end;
                    if end == at {
                        empty_at = Some(at);
                    } else {
                        empty_at = None;
                        at = end;
                        continue;
                    }
                    at += 1;
                }
                _ => at += 1,
            }
        }
        out.extend(&chars[last.min(chars.len())..]);
        Some(out)
    }
}

fn expand(
    repl: &str,
    chars: &[char],
    groups: &[Option<(usize, usize)>],
    out: &mut String,
) -> Option<()> {
    let repl: Vec<char> = repl.chars().collect();
    let mut i = 0;
    while i < repl.len() {
        if repl[i] == '\\' && i + 1 < repl.len() {
            let next = repl[i + 1];
            let (group, width) = if let Some(d) = next.to_digit(10) {
                (d as usize, 2)
            } else if next == 'g' && repl.get(i + 2) == Some(&'<') {
                let close = repl[i + 3..].iter().position(|&c| c == '>')?;
                let number: String = repl[i + 3..i + 3 + close].iter().collect();
                (number.parse().ok()?, close + 4)
            } else {
                out.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                i += 2;
                continue;
            };
            if let Some((start, end)) = groups.get(group).copied()? {
                out.extend(&chars[start..end]);
            }
            i += width;
        } else {
            out.push(repl[i]);
            i += 1;
        }
    }
    Some(())
}

type Groups = Vec<Option<(usize, usize)>>;

impl Term {
    /// Matches at `at`; `then` is the rest of the pattern (continuation
    /// passing, so that alternation and repetition backtrack).
    fn matches(
        &self,
        text: &[char],
        at: usize,
        groups: &mut Groups,
        then: &mut dyn FnMut(usize, &mut Groups) -> bool,
    ) -> Option<usize> {
        let mut end = None;
        let mut record = |e: usize, g: &mut Groups| {
            if then(e, g) {
                end = Some(e);
                true
            } else {
                false
            }
        };
        self.walk(text, at, groups, 0, &mut record);
        end
    }

    fn walk(
        &self,
        text: &[char],
        at: usize,
        groups: &mut Groups,
        depth: usize,
        then: &mut dyn FnMut(usize, &mut Groups) -> bool,
    ) -> bool {
        if depth > 200 {
            return false;
        }
        let single = |ok: bool,
                      then: &mut dyn FnMut(usize, &mut Groups) -> bool,
                      g: &mut Groups| { ok && then(at + 1, g) };
        match self {
            Term::Empty => then(at, groups),
            Term::Char(c) => single(text.get(at) == Some(c), then, groups),
            Term::Any => single(text.get(at).is_some_and(|&c| c != '\n'), then, groups),
            Term::Class { ranges, negated } => {
                let ok = text
                    .get(at)
                    .is_some_and(|&c| ranges.iter().any(|&(a, b)| a <= c && c <= b) != *negated);
                single(ok, then, groups)
            }
            Term::Start => at == 0 && then(at, groups),
            Term::End => at == text.len() && then(at, groups),
            Term::Group(node, index) => {
                let index = *index;
                node.walk(text, at, groups, depth + 1, &mut |end, g| {
                    let before = index.map(|i| g[i]);
                    if let Some(i) = index {
                        g[i] = Some((at, end));
                    }
                    if then(end, g) {
                        return true;
                    }
                    if let (Some(i), Some(before)) = (index, before) {
                        g[i] = before;
                    }
                    false
                })
            }
            Term::Look {
                node,
                ahead,
                negated,
            } => {
                let found = if *ahead {
                    node.walk(text, at, &mut groups.clone(), depth + 1, &mut |_, _| true)
                } else {
                    (0..=at).any(|start| {
                        node.walk(
                            text,
                            start,
                            &mut groups.clone(),
                            depth + 1,
                            &mut |end, _| end == at,
                        )
                    })
                };
                found != *negated && then(at, groups)
            }
            Term::Concat(nodes) => concat(nodes, text, at, groups, depth, then),
            Term::Alternation(options) => options
                .iter()
                .any(|option| option.walk(text, at, groups, depth + 1, then)),
            Term::Repeat { node, min, max } => {
                repeat(node, *min, *max, 0, text, at, groups, depth, then)
            }
        }
    }
}

fn concat(
    nodes: &[Term],
    text: &[char],
    at: usize,
    groups: &mut Groups,
    depth: usize,
    then: &mut dyn FnMut(usize, &mut Groups) -> bool,
) -> bool {
    match nodes.split_first() {
        None => then(at, groups),
        Some((first, rest)) => first.walk(text, at, groups, depth + 1, &mut |end, g| {
            concat(rest, text, end, g, depth + 1, then)
        }),
    }
}

/// Greedy: as many more as match (never an empty one), then the rest.
#[allow(clippy::too_many_arguments)]
fn repeat(
    node: &Term,
    min: usize,
    max: Option<usize>,
    done: usize,
    text: &[char],
    at: usize,
    groups: &mut Groups,
    depth: usize,
    then: &mut dyn FnMut(usize, &mut Groups) -> bool,
) -> bool {
    if depth > 200 {
        return false;
    }
    if max.is_none_or(|max| done < max)
        && node.walk(text, at, groups, depth + 1, &mut |end, g| {
            end > at && repeat(node, min, max, done + 1, text, end, g, depth + 1, then)
        })
    {
        return true;
    }
    done >= min && then(at, groups)
}

struct Parser<'c> {
    chars: &'c [char],
    at: usize,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn alternation(&mut self) -> Option<Term> {
        let mut options = vec![self.concat()?];
        while self.eat('|') {
            options.push(self.concat()?);
        }
        Some(if options.len() == 1 {
            options.remove(0)
        } else {
            Term::Alternation(options)
        })
    }

    fn concat(&mut self) -> Option<Term> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Some(match nodes.len() {
            0 => Term::Empty,
            1 => nodes.remove(0),
            _ => Term::Concat(nodes),
        })
    }

    fn quantified(&mut self, atom: Term) -> Option<Term> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|&c| c == '}')?;
                let inside: String = self.chars[self.at + 1..self.at + close].iter().collect();
                let (min, max) = match inside.split_once(',') {
                    Some((a, b)) => (
                        a.trim().parse().ok()?,
                        if b.trim().is_empty() {
                            None
                        } else {
                            Some(b.trim().parse().ok()?)
                        },
                    ),
                    None => {
                        let n = inside.trim().parse().ok()?;
                        (n, Some(n))
                    }
                };
                self.at += close;
                (min, max)
            }
            _ => return Some(atom),
        };
        self.at += 1;
        // Lazy (`*?`) and possessive forms are not read.
        if matches!(self.peek(), Some('?' | '+')) {
            return None;
        }
        Some(Term::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn atom(&mut self) -> Option<Term> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '.' => Term::Any,
            '^' => Term::Start,
            '$' => Term::End,
            '[' => self.class()?,
            '\\' => self.escape(false)?,
            '(' => {
                let node = if self.eat('?') {
                    match self.peek()? {
                        ':' => {
                            self.at += 1;
                            Term::Group(Box::new(self.alternation()?), None)
                        }
                        '=' | '!' => {
                            let negated = self.peek() == Some('!');
                            self.at += 1;
                            Term::Look {
                                node: Box::new(self.alternation()?),
                                ahead: true,
                                negated,
                            }
                        }
                        '<' => {
                            self.at += 1;
                            let negated = match self.peek()? {
                                '=' => false,
                                '!' => true,
                                _ => return None,
                            };
                            self.at += 1;
                            Term::Look {
                                node: Box::new(self.alternation()?),
                                ahead: false,
                                negated,
                            }
                        }
                        _ => return None,
                    }
                } else {
                    self.groups += 1;
                    let index = self.groups;
                    Term::Group(Box::new(self.alternation()?), Some(index))
                };
                if !self.eat(')') {
                    return None;
                }
                node
            }
            '*' | '+' | '?' | '{' | ')' => return None,
            other => Term::Char(other),
        })
    }

    /// After a `\`: a class escape, or the character itself.
    fn escape(&mut self, in_class: bool) -> Option<Term> {
        let c = self.peek()?;
        self.at += 1;
        let class = |ranges: &[(char, char)], negated| Term::Class {
            ranges: ranges.to_vec(),
            negated,
        };
        Some(match c {
            'd' => class(DIGIT, false),
            'D' => class(DIGIT, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'n' => Term::Char('\n'),
            't' => Term::Char('\t'),
            c if c.is_ascii_alphanumeric() && !in_class => return None,
            other => Term::Char(other),
        })
    }

    fn class(&mut self) -> Option<Term> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            if c == ']' && !first {
                self.at += 1;
                break;
            }
            first = false;
            self.at += 1;
            let low = if c == '\\' {
                match self.escape(true)? {
                    Term::Char(c) => c,
                    Term::Class {
                        ranges: more,
                        negated: false,
                    } => {
                        ranges.extend(more);
                        continue;
                    }
                    _ => return None,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let mut high = self.peek()?;
                self.at += 1;
                if high == '\\' {
                    high = match self.escape(true)? {
                        Term::Char(c) => c,
                        _ => return None,
                    };
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Some(Term::Class { ranges, negated })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn sub(pattern: &str, repl: &str, text: &str) -> Option<String> {
        Pattern::parse(pattern)?.sub(repl, text)
    }

    #[test]
    fn camel_to_snake_helpers_give_what_python_gives() {
        // Each expected value is what CPython 3.11's re.sub returns.
        let prefect = r"(?<!^)(?=[A-Z])";
        assert_eq!(
            sub(prefect, "_", "FlowRunState").as_deref(),
            Some("Flow_Run_State")
        );
        assert_eq!(sub(prefect, "_", "HTTPLog").as_deref(), Some("H_T_T_P_Log"));
        let flask = r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))";
        assert_eq!(
            sub(flask, r"_\1", "HTTPLogEntry").as_deref(),
            Some("HTTP_Log_Entry")
        );
        assert_eq!(
            sub(flask, r"_\1", "OAuth2Token").as_deref(),
            Some("O_Auth2_Token")
        );
        let first = sub(r"(.)([A-Z][a-z]+)", r"\1_\2", "CamelCaseHTTPName").expect("sub");
        assert_eq!(first, "Camel_CaseHTTP_Name");
        assert_eq!(
            sub(r"([a-z0-9])([A-Z])", r"\1_\2", &first).as_deref(),
            Some("Camel_Case_HTTP_Name")
        );
        assert_eq!(
            sub(r"([A-Z])", r"_\g<1>", "UserRole").as_deref(),
            Some("_User_Role")
        );
        assert_eq!(sub(r"[^a-z]+", "-", "ab12cd").as_deref(), Some("ab-cd"));
        assert_eq!(sub(r"x*", "-", "abc").as_deref(), Some("-a-b-c-"));
        assert_eq!(sub(r"a{2}", "b", "aaaaa").as_deref(), Some("bba"));
    }

    #[test]
    fn what_is_not_read_is_none_never_a_guess() {
        for pattern in [
            r"(?P<name>x)",
            r"a*?",
            r"\bword",
            "(unclosed",
            "[abc",
            r"(?i)x",
        ] {
            assert!(Pattern::parse(pattern).is_none(), "{pattern}");
        }
    }
}
