//! retort's stand-in for the `unicode_names2` crate, patched in through
//! `[patch.crates-io]` in the workspace `Cargo.toml`.
//!
//! ruff's Python parser uses `unicode_names2` for one thing: resolving
//! `\N{NAME}` escapes in string literals. The real crate carries the whole
//! Unicode character-name table, which measured 387 KB gzipped in the
//! playground's wasm (ARCHITECTURE.md, "Decisions and their numbers") —
//! more than the parser itself — for an escape that SQLAlchemy model files
//! practically never use. Without the table, every name is unknown: the
//! parser reports the escape as a syntax error with its position, and
//! retort's reader says to write the character itself instead.
#![forbid(unsafe_code)]

/// The character with this Unicode name: always `None` here (no table).
pub fn character(_name: &str) -> Option<char> {
    None
}
