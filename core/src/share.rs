//! The playground's state as text: what a share link's hash and the
//! autosave hold.
//!
//! A link is `<version>.<payload>`: the format version in decimal, a dot,
//! then base64url (no padding) of the raw-deflated fields. The fields are
//! records, `tag` (one byte), a count, then that many strings, each a
//! varint length and UTF-8 bytes; flags and numbers are decimal strings.
//! A reader skips tags it does not know, so fields can be added within a
//! version; a change of meaning takes a new version.
//!
//! Links come from anyone: [`decode`] never panics, bounds what it reads
//! (`MAX_LINK` characters in, `MAX_STATE` bytes once inflated, so a
//! decompression bomb stops at the limit), and returns a [`LinkError`] whose
//! message says what to do. The state is data only: text for editors and
//! values for controls, never markup or a URL the page would follow.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::autogen::{ColumnFill, RenamedColumn, RenamedTable};

/// The format this build writes and reads.
pub const VERSION: u32 = 1;
/// The longest payload accepted, in characters: 64 KiB, about 48 KiB of
/// compressed text (some 300 KiB of models). Chromium and Firefox open
/// far longer URLs; chat tools and issue trackers cut earlier ones.
pub const MAX_LINK: usize = 64 * 1024;
/// The most a payload may inflate to.
pub const MAX_STATE: usize = 1024 * 1024;
/// The autosave's limits (browser storage holds about 5 MB per origin):
/// work too big for a link is still saved.
pub const MAX_SAVED: usize = 4 * 1024 * 1024;
pub const MAX_SAVED_STATE: usize = 32 * 1024 * 1024;

/// What a link holds. `Default` is the empty page, not the example: the
/// playground fills what a link leaves out with its own defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageState {
    pub before: String,
    pub after: String,
    /// The Revision pane's text, only when the user edited it.
    pub revision: Option<String>,
    pub safe: bool,
    pub batch: bool,
    pub renames: Vec<RenamedColumn>,
    pub table_renames: Vec<RenamedTable>,
    pub backfills: Vec<ColumnFill>,
    /// The PostgreSQL major version the review targets (0: the default).
    pub postgres: u32,
    /// Seed rows per table for the rehearsal.
    pub rows: u32,
    /// The rehearsal runs each revision as its own step.
    pub per_migration: bool,
    /// The seed SQL, only when the user edited it.
    pub seed: Option<String>,
    /// The pane in focus (its test id, e.g. `pane-review`).
    pub focus: Option<String>,
    /// A lesson and the step reached in it.
    pub lesson: Option<(String, u32)>,
}

/// Why a link could not be opened, or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Not `<version>.<payload>`: not a retort link at all.
    NotALink,
    /// Made by another version of the format.
    Version(String),
    /// Longer than [`MAX_LINK`] characters.
    TooLong(usize),
    /// A character outside base64url, at this offset of the payload.
    Base64(usize),
    /// The compressed data is cut short or damaged.
    Inflate,
    /// It inflates past [`MAX_STATE`].
    TooLarge,
    /// The fields inside are damaged: which part.
    Corrupt(&'static str),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotALink => f.write_str(
                "this link holds no retort state (it should look like #1.…); the page opened empty",
            ),
            LinkError::Version(found) => write!(
                f,
                "this link was written in format {found}, and this retort reads format {VERSION}: \
                 open it with the retort that made it"
            ),
            LinkError::TooLong(chars) => write!(
                f,
                "the state is {} KiB as a link, over the {} KiB limit: share the model files or the \
                 versions/ folder instead (or run `retort` on them)",
                chars.div_ceil(1024),
                MAX_LINK / 1024
            ),
            LinkError::Base64(at) => write!(
                f,
                "the link is damaged at character {at} of its state: copy it again, whole"
            ),
            LinkError::Inflate => {
                f.write_str("the link is cut short or damaged: copy it again, whole")
            }
            LinkError::TooLarge => write!(
                f,
                "the link's state expands past {} KiB, more than retort writes: it was not opened",
                MAX_STATE / 1024
            ),
            LinkError::Corrupt(what) => write!(
                f,
                "the link's state is damaged ({what}): copy it again, whole"
            ),
        }
    }
}

impl std::error::Error for LinkError {}

mod tag {
    pub const BEFORE: u8 = 1;
    pub const AFTER: u8 = 2;
    pub const REVISION: u8 = 3;
    pub const SAFE: u8 = 4;
    pub const BATCH: u8 = 5;
    pub const RENAME: u8 = 6;
    pub const TABLE_RENAME: u8 = 7;
    pub const BACKFILL: u8 = 8;
    pub const POSTGRES: u8 = 9;
    pub const ROWS: u8 = 10;
    pub const PER_MIGRATION: u8 = 11;
    pub const SEED: u8 = 12;
    pub const FOCUS: u8 = 13;
    pub const LESSON: u8 = 14;
}

/// `state` as link text, or [`LinkError::TooLong`] when it does not fit.
pub fn encode(state: &PageState) -> Result<String, LinkError> {
    encode_within(state, MAX_LINK)
}

/// The state in `link` (a URL's hash without `#`).
pub fn decode(link: &str) -> Result<PageState, LinkError> {
    decode_within(link, MAX_LINK, MAX_STATE)
}

/// `state` as the autosave keeps it: a link's text, under the storage's
/// limits.
pub fn encode_saved(state: &PageState) -> Result<String, LinkError> {
    encode_within(state, MAX_SAVED)
}

/// The state the autosave kept.
pub fn decode_saved(saved: &str) -> Result<PageState, LinkError> {
    decode_within(saved, MAX_SAVED, MAX_SAVED_STATE)
}

fn encode_within(state: &PageState, max_link: usize) -> Result<String, LinkError> {
    let fields = fields(state);
    let compressed = miniz_oxide::deflate::compress_to_vec(&fields, 9);
    let payload = URL_SAFE_NO_PAD.encode(compressed);
    if payload.len() > max_link {
        return Err(LinkError::TooLong(payload.len()));
    }
    Ok(format!("{VERSION}.{payload}"))
}

fn decode_within(link: &str, max_link: usize, max_state: usize) -> Result<PageState, LinkError> {
    let (version, payload) = link.split_once('.').ok_or(LinkError::NotALink)?;
    if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::NotALink);
    }
    if version.parse::<u32>().ok() != Some(VERSION) {
        return Err(LinkError::Version(version.to_string()));
    }
    if payload.len() > max_link {
        return Err(LinkError::TooLong(payload.len()));
    }
    if let Some(at) = payload
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return Err(LinkError::Base64(at));
    }
    let compressed = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| LinkError::Inflate)?;
    let fields = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, max_state)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Inflate,
        })?;
    read_fields(&fields)
}

fn fields(state: &PageState) -> Vec<u8> {
    let mut out = Vec::new();
    let flag = |on: bool| if on { "1" } else { "0" };
    record(&mut out, tag::BEFORE, &[&state.before]);
    record(&mut out, tag::AFTER, &[&state.after]);
    if let Some(revision) = &state.revision {
        record(&mut out, tag::REVISION, &[revision]);
    }
    record(&mut out, tag::SAFE, &[flag(state.safe)]);
    record(&mut out, tag::BATCH, &[flag(state.batch)]);
    for r in &state.renames {
        record(&mut out, tag::RENAME, &[&r.table, &r.old, &r.new]);
    }
    for t in &state.table_renames {
        let schema = t.schema.as_deref().unwrap_or("");
        record(&mut out, tag::TABLE_RENAME, &[schema, &t.old, &t.new]);
    }
    for b in &state.backfills {
        record(
            &mut out,
            tag::BACKFILL,
            &[&b.table, &b.column, &b.expression],
        );
    }
    record(&mut out, tag::POSTGRES, &[&state.postgres.to_string()]);
    record(&mut out, tag::ROWS, &[&state.rows.to_string()]);
    record(&mut out, tag::PER_MIGRATION, &[flag(state.per_migration)]);
    if let Some(seed) = &state.seed {
        record(&mut out, tag::SEED, &[seed]);
    }
    if let Some(focus) = &state.focus {
        record(&mut out, tag::FOCUS, &[focus]);
    }
    if let Some((lesson, step)) = &state.lesson {
        record(&mut out, tag::LESSON, &[lesson, &step.to_string()]);
    }
    out
}

fn record(out: &mut Vec<u8>, tag: u8, strings: &[&str]) {
    out.push(tag);
    varint(out, strings.len());
    for s in strings {
        varint(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }
}

fn varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// Reads the records of a payload, one cursor over its bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Result<usize, LinkError> {
        let mut n: usize = 0;
        for shift in (0..35).step_by(7) {
            let b = self
                .byte()
                .ok_or(LinkError::Corrupt("a length is cut short"))?;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(LinkError::Corrupt("a length is too long"))
    }

    fn string(&mut self) -> Result<&'a str, LinkError> {
        let len = self.varint()?;
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(LinkError::Corrupt("a text is cut short"))?;
        let text = std::str::from_utf8(&self.bytes[self.at..end])
            .map_err(|_| LinkError::Corrupt("a text is not UTF-8"))?;
        self.at = end;
        Ok(text)
    }
}

fn read_fields(bytes: &[u8]) -> Result<PageState, LinkError> {
    let mut reader = Reader { bytes, at: 0 };
    let mut state = PageState::default();
    while let Some(tag) = reader.byte() {
        let count = reader.varint()?;
        if count > bytes.len() {
            return Err(LinkError::Corrupt(
                "a record counts more texts than it holds",
            ));
        }
        let mut strings = Vec::with_capacity(count);
        for _ in 0..count {
            strings.push(reader.string()?);
        }
        apply(&mut state, tag, &strings)?;
    }
    Ok(state)
}

fn apply(state: &mut PageState, tag: u8, strings: &[&str]) -> Result<(), LinkError> {
    let owned = |i: usize| strings[i].to_string();
    let expect = |n: usize, what: &'static str| {
        if strings.len() == n {
            Ok(())
        } else {
            Err(LinkError::Corrupt(what))
        }
    };
    let flag = |what: &'static str| match strings {
        ["1"] => Ok(true),
        ["0"] => Ok(false),
        _ => Err(LinkError::Corrupt(what)),
    };
    let number = |what: &'static str| match strings {
        [n] if !n.is_empty() && n.len() <= 10 => {
            n.parse::<u32>().map_err(|_| LinkError::Corrupt(what))
        }
        _ => Err(LinkError::Corrupt(what)),
    };
    match tag {
        tag::BEFORE => {
            expect(1, "the before model")?;
            state.before = owned(0);
        }
        tag::AFTER => {
            expect(1, "the after model")?;
            state.after = owned(0);
        }
        tag::REVISION => {
            expect(1, "the revision")?;
            state.revision = Some(owned(0));
        }
        tag::SAFE => state.safe = flag("safe mode")?,
        tag::BATCH => state.batch = flag("batch mode")?,
        tag::RENAME => {
            expect(3, "a column rename")?;
            state.renames.push(RenamedColumn {
                table: owned(0),
                old: owned(1),
                new: owned(2),
            });
        }
        tag::TABLE_RENAME => {
            expect(3, "a table rename")?;
            state.table_renames.push(RenamedTable {
                schema: Some(owned(0)).filter(|s| !s.is_empty()),
                old: owned(1),
                new: owned(2),
            });
        }
        tag::BACKFILL => {
            expect(3, "a backfill")?;
            state.backfills.push(ColumnFill {
                table: owned(0),
                column: owned(1),
                expression: owned(2),
            });
        }
        tag::POSTGRES => state.postgres = number("the PostgreSQL version")?,
        tag::ROWS => state.rows = number("the seed rows")?,
        tag::PER_MIGRATION => state.per_migration = flag("the per-migration setting")?,
        tag::SEED => {
            expect(1, "the seed")?;
            state.seed = Some(owned(0));
        }
        tag::FOCUS => {
            expect(1, "the pane in focus")?;
            state.focus = Some(owned(0));
        }
        tag::LESSON => {
            expect(2, "the lesson")?;
            let step = match strings[1].parse::<u32>() {
                Ok(step) => step,
                Err(_) => return Err(LinkError::Corrupt("the lesson step")),
            };
            state.lesson = Some((owned(0), step));
        }
        // A field a later build of this version added: skipped.
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for n in [
            0usize,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            1 << 20,
            u32::MAX as usize,
        ] {
            let mut out = Vec::new();
            varint(&mut out, n);
            let mut reader = Reader { bytes: &out, at: 0 };
            assert_eq!(reader.varint(), Ok(n));
            assert_eq!(reader.at, out.len());
        }
    }
}
