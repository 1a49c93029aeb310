//! How an op's time grows with the table: measured at two seed sizes, and
//! an estimate for a production row count drawn through those two points.

/// The two sizes a scale run seeds.
pub const SIZES: [u32; 2] = [1_000, 100_000];

/// One op measured at both sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub label: String,
    pub revision: String,
    /// Milliseconds at `SIZES[0]` and `SIZES[1]` rows.
    pub ms: [f64; 2],
}

/// Whether the time grew with the rows: more than 5 times for 100 times
/// the rows, and by more than 5 ms (below that, it is noise).
pub fn grows(ms: [f64; 2]) -> bool {
    ms[1] > 5.0 * ms[0].max(0.05) && ms[1] - ms[0] > 5.0
}

/// In words: "flat (catalogue only)" or "grows with the rows (×N)".
pub fn describe(ms: [f64; 2]) -> String {
    if grows(ms) {
        format!(
            "grows with the rows (×{:.0} for ×{})",
            ms[1] / ms[0].max(0.05),
            SIZES[1] / SIZES[0]
        )
    } else {
        "flat (catalogue only)".to_string()
    }
}

/// The time at `rows`, on the line through the two measurements (an
/// estimate: PostgreSQL on a server, with its caches and disks, is not
/// PGlite in a tab).
pub fn project(ms: [f64; 2], rows: f64) -> f64 {
    let [a, b] = ms;
    let (x0, x1) = (f64::from(SIZES[0]), f64::from(SIZES[1]));
    let slope = (b - a) / (x1 - x0);
    if !grows(ms) {
        return b.max(a);
    }
    (a + slope * (rows - x0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_ops_stay_flat() {
        assert!(!grows([0.4, 0.6]));
        assert_eq!(describe([0.4, 0.6]), "flat (catalogue only)");
        assert_eq!(project([0.4, 0.6], 1e9), 0.6);
    }

    #[test]
    fn scans_grow_and_project_on_their_line() {
        let ms = [2.0, 200.0];
        assert!(grows(ms));
        assert_eq!(describe(ms), "grows with the rows (×100 for ×100)");
        // 2 ms + 198 ms per 99,000 rows: 10 million rows ≈ 20 s.
        let at = project(ms, 10_000_000.0);
        assert!((at - 20_000.0).abs() < 1.0, "{at}");
    }
}
