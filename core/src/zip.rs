//! The files of a zip archive (a `versions/` folder zipped), read without
//! IO: stored and deflated entries, names as written. Bad archives are an
//! error, never a panic; sizes are capped so a zip bomb stops early.

/// What a zip archive holds: `(path, bytes)` for each file, in the
/// archive's order.
pub type Entries = Vec<(String, Vec<u8>)>;

/// The most one entry (and all of them) may inflate to.
pub const MAX_ENTRY: usize = 64 << 20;
pub const MAX_TOTAL: usize = 256 << 20;

fn u16_at(data: &[u8], at: usize) -> Option<usize> {
    let b = data.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<usize> {
    let b = data.get(at..at + 4)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// Reads the archive's central directory and every file in it.
pub fn entries(data: &[u8]) -> Result<Entries, String> {
    // The end-of-central-directory record: 22 bytes plus a comment of up
    // to 65,535 bytes, at the end.
    let earliest = data.len().saturating_sub(22 + 65_535);
    let end = (earliest..=data.len().saturating_sub(22))
        .rev()
        .find(|&at| data.get(at..at + 4) == Some(b"PK\x05\x06"))
        .ok_or("not a zip archive (no end of central directory)")?;
    let count = u16_at(data, end + 10).ok_or("truncated zip archive")?;
    let mut at = u32_at(data, end + 16).ok_or("truncated zip archive")?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for _ in 0..count {
        if data.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(format!("damaged central directory at byte {at}"));
        }
        let flags = u16_at(data, at + 8).ok_or("truncated entry")?;
        let method = u16_at(data, at + 10).ok_or("truncated entry")?;
        let compressed = u32_at(data, at + 20).ok_or("truncated entry")?;
        let size = u32_at(data, at + 24).ok_or("truncated entry")?;
        let name_len = u16_at(data, at + 28).ok_or("truncated entry")?;
        let extra_len = u16_at(data, at + 30).ok_or("truncated entry")?;
        let comment_len = u16_at(data, at + 32).ok_or("truncated entry")?;
        let local = u32_at(data, at + 42).ok_or("truncated entry")?;
        let name_bytes = data
            .get(at + 46..at + 46 + name_len)
            .ok_or("truncated entry name")?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        at += 46 + name_len + extra_len + comment_len;
        if name.ends_with('/') {
            continue; // a folder
        }
        if flags & 1 != 0 {
            return Err(format!("{name}: encrypted entries are not read"));
        }
        if size > MAX_ENTRY || total + size > MAX_TOTAL {
            return Err(format!("{name}: too large ({size} bytes unpacked)"));
        }
        // The local header repeats the name and has its own extra field.
        if data.get(local..local + 4) != Some(b"PK\x03\x04") {
            return Err(format!("{name}: damaged local header"));
        }
        let local_name = u16_at(data, local + 26).ok_or("truncated local header")?;
        let local_extra = u16_at(data, local + 28).ok_or("truncated local header")?;
        let start = local + 30 + local_name + local_extra;
        let raw = data
            .get(start..start + compressed)
            .ok_or_else(|| format!("{name}: truncated data"))?;
        let bytes = match method {
            0 => raw.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(raw, size.max(1))
                .map_err(|e| format!("{name}: cannot inflate: {e:?}"))?,
            other => return Err(format!("{name}: compression method {other} is not read")),
        };
        total += bytes.len();
        out.push((name, bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// A zip of `versions/a.py` (stored) and `versions/b.py` (deflated),
    /// as Python's zipfile writes them.
    const ARCHIVE: &[u8] = include_bytes!("../../tests/fixtures/history/versions.zip");

    #[test]
    fn stored_and_deflated_entries_are_read() {
        let files = entries(ARCHIVE).unwrap_or_default();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["versions/a.py", "versions/b.py"]);
        assert!(String::from_utf8_lossy(&files[1].1).contains("revision = 'bbb'"));
    }

    #[test]
    fn damaged_archives_are_errors_not_panics() {
        assert!(entries(b"").is_err());
        assert!(entries(b"PK\x05\x06").is_err());
        for cut in [10, ARCHIVE.len() / 2, ARCHIVE.len() - 30] {
            let mut broken = ARCHIVE.to_vec();
            broken.truncate(cut);
            let _ = entries(&broken);
            let mut flipped = ARCHIVE.to_vec();
            flipped[cut] ^= 0xff;
            let _ = entries(&flipped);
        }
    }
}
