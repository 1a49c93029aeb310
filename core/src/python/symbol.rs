//! A name in a model file, resolved: which library it comes from (its
//! [`Family`]) and its last component. [`super::resolve`] makes symbols
//! from a file's imports; [`super::types`] and the reader match on them.

/// Where a symbol lives, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `sqlalchemy`, `sqlalchemy.types`, `sqlalchemy.schema`, `sqlalchemy.sql…`.
    Sqlalchemy,
    /// `sqlalchemy.orm`, `sqlalchemy.ext.declarative`.
    Orm,
    /// `sqlalchemy.dialects.postgresql`.
    Postgresql,
    /// `sqlalchemy.func.<name>` (and `sqlalchemy.sql.functions`).
    Func,
    /// `enum`.
    Enum,
    /// `typing`, `typing_extensions`.
    Typing,
    /// Python's builtins and the `datetime`, `decimal`, `uuid` modules.
    Python,
    /// Anything else (another package, a relative import…).
    Other,
}

/// A resolved name: its family and its last component (`String`, `now`),
/// borrowed from the syntax tree and the import table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol<'s> {
    pub family: Family,
    /// The first component of the module path (`datetime` in
    /// `datetime.datetime`, `builtins` for a bare name).
    pub module: &'s str,
    pub name: &'s str,
}

impl Symbol<'_> {
    pub fn is(&self, family: Family, name: &str) -> bool {
        self.family == family && self.name == name
    }
}
