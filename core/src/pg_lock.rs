//! PostgreSQL's table lock modes ("Explicit Locking" in its manual): what
//! each blocks, and their names in SQL and in `pg_locks`. The lint's lock
//! table and the rehearsal's observed locks both speak in these.

use serde::{Deserialize, Serialize};

/// PostgreSQL's table lock modes, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    pub fn name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// What other sessions cannot do while it is held.
    pub fn blocks(self) -> &'static str {
        match self {
            LockMode::AccessShare => "only ACCESS EXCLUSIVE (DROP, most ALTER TABLE)",
            LockMode::RowShare => "EXCLUSIVE and ACCESS EXCLUSIVE locks",
            LockMode::RowExclusive => "index builds and DDL",
            LockMode::ShareUpdateExclusive => "DDL, VACUUM and concurrent index builds",
            LockMode::Share | LockMode::ShareRowExclusive | LockMode::Exclusive => {
                "writes (INSERT, UPDATE, DELETE) and DDL"
            }
            LockMode::AccessExclusive => "reads, writes and DDL",
        }
    }

    /// Whether it stops ordinary application traffic (writes or reads).
    pub fn blocks_traffic(self) -> bool {
        self >= LockMode::Share
    }

    /// A mode as `LOCK TABLE … IN mode MODE` writes it.
    pub fn from_sql(mode: &str) -> LockMode {
        match mode.trim().to_ascii_uppercase().as_str() {
            "ACCESS SHARE" => LockMode::AccessShare,
            "ROW SHARE" => LockMode::RowShare,
            "ROW EXCLUSIVE" => LockMode::RowExclusive,
            "SHARE UPDATE EXCLUSIVE" => LockMode::ShareUpdateExclusive,
            "SHARE" => LockMode::Share,
            "SHARE ROW EXCLUSIVE" => LockMode::ShareRowExclusive,
            "EXCLUSIVE" => LockMode::Exclusive,
            _ => LockMode::AccessExclusive,
        }
    }
    /// A mode as `pg_locks.mode` names it (`AccessExclusiveLock`); `None`
    /// for the modes of other lock types.
    pub fn from_pg_locks(mode: &str) -> Option<LockMode> {
        Some(match mode {
            "AccessShareLock" => LockMode::AccessShare,
            "RowShareLock" => LockMode::RowShare,
            "RowExclusiveLock" => LockMode::RowExclusive,
            "ShareUpdateExclusiveLock" => LockMode::ShareUpdateExclusive,
            "ShareLock" => LockMode::Share,
            "ShareRowExclusiveLock" => LockMode::ShareRowExclusive,
            "ExclusiveLock" => LockMode::Exclusive,
            "AccessExclusiveLock" => LockMode::AccessExclusive,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn pg_locks_names_read() {
        assert_eq!(LockMode::from_pg_locks("ShareLock"), Some(LockMode::Share));
        assert_eq!(
            LockMode::from_pg_locks("AccessExclusiveLock").map(LockMode::name),
            Some("ACCESS EXCLUSIVE")
        );
        assert_eq!(
            LockMode::from_pg_locks("ExclusiveLock"),
            Some(LockMode::Exclusive)
        );
        assert_eq!(LockMode::from_pg_locks("SIReadLock"), None);
        assert_eq!(
            LockMode::from_sql("share row exclusive"),
            LockMode::ShareRowExclusive
        );
    }
}
