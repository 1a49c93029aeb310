//! The share-link codec: round trips, versions, limits, damage, and
//! 100,000 mutated links that must each open or give an error, never panic.

use retort_core::autogen::{ColumnFill, RenamedColumn, RenamedTable};
use retort_core::share::{self, LinkError, MAX_LINK, MAX_STATE, PageState, VERSION};

fn example() -> PageState {
    PageState {
        before: "class User(Base):\n    __tablename__ = \"users\"\n    id = Column(Integer, primary_key=True)\n".into(),
        after: "class User(Base):\n    __tablename__ = \"users\"\n    id = Column(Integer, primary_key=True)\n    bio = Column(String(500), nullable=False)  # ünïcode ✓\n".into(),
        revision: Some("def upgrade():\n    op.add_column('users', sa.Column('bio', sa.String(500)))\n".into()),
        safe: true,
        batch: false,
        renames: vec![RenamedColumn { table: "users".into(), old: "name".into(), new: "full_name".into() }],
        table_renames: vec![
            RenamedTable { schema: None, old: "user_accounts".into(), new: "users".into() },
            RenamedTable { schema: Some("billing".into()), old: "inv".into(), new: "invoices".into() },
        ],
        backfills: vec![ColumnFill { table: "users".into(), column: "bio".into(), expression: "''".into() }],
        postgres: 15,
        rows: 1000,
        per_migration: true,
        seed: Some("INSERT INTO users (id) VALUES (1);".into()),
        focus: Some("pane-review".into()),
        lesson: Some(("not-null".into(), 3)),
    }
}

#[test]
fn round_trips_every_field() {
    let state = example();
    let link = share::encode(&state).expect("fits");
    assert!(link.starts_with(&format!("{VERSION}.")));
    assert!(
        link.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
        "{link}"
    );
    assert_eq!(share::decode(&link), Ok(state));
    assert_eq!(
        share::decode(&share::encode(&PageState::default()).expect("fits")),
        Ok(PageState::default())
    );
}

#[test]
fn hostile_text_is_kept_as_text() {
    let state = PageState {
        before: "<script>alert(1)</script><img src=x onerror=alert(1)>".into(),
        after: "javascript:alert(document.cookie)".into(),
        focus: Some("javascript:alert(1)".into()),
        ..PageState::default()
    };
    let link = share::encode(&state).expect("fits");
    assert_eq!(share::decode(&link), Ok(state));
}

#[test]
fn other_versions_and_other_text_are_refused() {
    let link = share::encode(&example()).expect("fits");
    let payload = link.split_once('.').expect("dot").1;
    assert_eq!(
        share::decode(&format!("2.{payload}")),
        Err(LinkError::Version("2".into()))
    );
    assert_eq!(
        share::decode(&format!("0.{payload}")),
        Err(LinkError::Version("0".into()))
    );
    for not_a_link in [
        "",
        "hello",
        "pane-review",
        ".abc",
        "x.abc",
        "1x.abc",
        "-1.abc",
        "１.abc",
    ] {
        assert_eq!(
            share::decode(not_a_link),
            Err(LinkError::NotALink),
            "{not_a_link}"
        );
    }
    assert_eq!(share::decode("1.ab+c"), Err(LinkError::Base64(2)));
    assert_eq!(share::decode("1.ab%3Cscript"), Err(LinkError::Base64(2)));
    let message = LinkError::Version("2".into()).to_string();
    assert!(
        message.contains("format 2") && message.contains(&format!("format {VERSION}")),
        "{message}"
    );
}

#[test]
fn truncated_links_are_refused() {
    let link = share::encode(&example()).expect("fits");
    for cut in 2..link.len() - 1 {
        let result = share::decode(&link[..cut]);
        assert!(result.is_err(), "a link cut at {cut} opened: {result:?}");
    }
}

#[test]
fn links_over_the_limit_are_refused_both_ways() {
    // Text that does not compress: a pseudo-random alphabet soup.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let noise: String = (0..MAX_LINK)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(b'!' + (seed % 90) as u8)
        })
        .collect();
    let state = PageState {
        after: noise,
        ..PageState::default()
    };
    match share::encode(&state) {
        Err(LinkError::TooLong(chars)) => {
            assert!(chars > MAX_LINK);
            let message = LinkError::TooLong(chars).to_string();
            assert!(
                message.contains("limit") && message.contains("instead"),
                "{message}"
            );
        }
        other => panic!("a {} KiB payload was written: {other:?}", MAX_LINK / 1024),
    }
    let long = format!("1.{}", "A".repeat(MAX_LINK + 1));
    assert_eq!(share::decode(&long), Err(LinkError::TooLong(MAX_LINK + 1)));
    // Work too big for a link is still autosaved, and read back whole.
    let saved = share::encode_saved(&state).expect("the autosave holds it");
    assert_eq!(share::decode_saved(&saved), Ok(state));
    assert!(matches!(share::decode(&saved), Err(LinkError::TooLong(_))));
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    // 64 MiB of one byte deflates to about 64 KiB; 8 MiB to 8 KiB.
    let bomb = vec![b'a'; 8 * MAX_STATE];
    let compressed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
    let payload = base64_url(&compressed);
    assert!(payload.len() <= MAX_LINK, "{}", payload.len());
    assert_eq!(
        share::decode(&format!("1.{payload}")),
        Err(LinkError::TooLarge)
    );
}

#[test]
fn damaged_fields_are_named() {
    let cases: &[(&[u8], LinkError)] = &[
        (
            &[4, 1, 3, b'y', b'e', b's'],
            LinkError::Corrupt("safe mode"),
        ),
        (&[1, 1, 5, b'a'], LinkError::Corrupt("a text is cut short")),
        (&[1, 1, 1, 0xff], LinkError::Corrupt("a text is not UTF-8")),
        (
            &[6, 2, 1, b'a', 1, b'b'],
            LinkError::Corrupt("a column rename"),
        ),
        (
            &[9, 1, 2, b'1', b'x'],
            LinkError::Corrupt("the PostgreSQL version"),
        ),
        (
            &[1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            LinkError::Corrupt("a length is too long"),
        ),
        (&[1, 0x80], LinkError::Corrupt("a length is cut short")),
    ];
    for (fields, error) in cases {
        let link = format!(
            "1.{}",
            base64_url(&miniz_oxide::deflate::compress_to_vec(fields, 6))
        );
        assert_eq!(&share::decode(&link), &Err(error.clone()), "{fields:?}");
    }
    // A tag this build does not know is skipped.
    let link = format!(
        "1.{}",
        base64_url(&miniz_oxide::deflate::compress_to_vec(
            &[200, 1, 1, b'x', 2, 1, 2, b'h', b'i'],
            6
        ))
    );
    assert_eq!(
        share::decode(&link),
        Ok(PageState {
            after: "hi".into(),
            ..PageState::default()
        })
    );
}

/// A small deterministic generator: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%#<";

fn mutate_text(rng: &mut Rng, link: &str) -> String {
    let mut bytes = link.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 if at < bytes.len() => bytes[at] = ALPHABET[rng.below(ALPHABET.len())],
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            3 => bytes.truncate(at),
            _ => {
                let other = rng.below(bytes.len() + 1);
                bytes[at.min(other)..at.max(other)].reverse();
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn mutate_bytes(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 if at < bytes.len() => bytes[at] = rng.next() as u8,
            2 => bytes.insert(at, rng.next() as u8),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[test]
fn a_hundred_thousand_mutations_open_or_say_why() {
    let link = share::encode(&example()).expect("fits");
    let fields = {
        let payload = link.split_once('.').expect("dot").1;
        let compressed = base64_decode(payload);
        miniz_oxide::inflate::decompress_to_vec(&compressed).expect("inflates")
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut opened, mut refused) = (0u32, 0u32);
    for i in 0..100_000 {
        // Half damage the link's text, half the fields under a valid
        // compression, where the field reader is what stands.
        let candidate = if i % 2 == 0 {
            mutate_text(&mut rng, &link)
        } else {
            let damaged = mutate_bytes(&mut rng, &fields);
            format!(
                "1.{}",
                base64_url(&miniz_oxide::deflate::compress_to_vec(&damaged, 1))
            )
        };
        match share::decode(&candidate) {
            Ok(state) => {
                opened += 1;
                // What opens is a state that writes back to itself.
                let again = share::encode(&state).expect("an opened state fits");
                assert_eq!(share::decode(&again), Ok(state), "{candidate}");
            }
            Err(error) => {
                refused += 1;
                assert!(!error.to_string().is_empty());
            }
        }
    }
    assert_eq!(opened + refused, 100_000);
    // Both outcomes are reached, so the mutations test both paths.
    assert!(
        opened > 1_000 && refused > 1_000,
        "{opened} opened, {refused} refused"
    );
}

fn base64_url(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(DIGITS[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | u32::from(value(*c)) << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}
