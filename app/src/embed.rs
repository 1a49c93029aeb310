//! `?embed`: the compact page a documentation site puts in an `<iframe>`.
//!
//! The query names what to show: `panes=revision,sql` (short names, in
//! [`SHORT`]), `mode=live` to let the reader edit and run (read-only
//! otherwise). The state comes from the hash, as in a share link. The
//! height follows the content: the page posts `{type: "retort:height",
//! height}` to its host (`glue.js`), and the snippet [`snippet`] writes
//! listens for it.

use crate::workspace::PANES;

/// Pane short names, in the order of [`PANES`].
pub const SHORT: [&str; 7] = [
    "before", "after", "revision", "sql", "review", "history", "simulate",
];

/// What an embed shows when its query names no pane.
pub const DEFAULT_PANES: [&str; 3] = ["pane-revision", "pane-sql", "pane-review"];

/// An embed's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// Test ids of the panes shown, in page order.
    pub panes: Vec<&'static str>,
    /// The reader may edit and run.
    pub live: bool,
}

impl Embed {
    /// The options in `search` (`location.search`, with or without `?`);
    /// `None` when it does not ask for an embed. Unknown names are
    /// skipped, never echoed.
    pub fn parse(search: &str) -> Option<Embed> {
        let mut embed = false;
        let mut panes = None::<Vec<&'static str>>;
        let mut live = false;
        for pair in search.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "embed" => embed = true,
                "panes" => {
                    let wanted: Vec<&str> = value.split([',', '+', ' ']).collect();
                    panes = Some(
                        SHORT
                            .iter()
                            .zip(PANES)
                            .filter(|(short, _)| wanted.contains(short))
                            .map(|(_, id)| id)
                            .collect(),
                    );
                }
                "mode" => live = value == "live",
                _ => {}
            }
        }
        embed.then(|| Embed {
            panes: panes
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| DEFAULT_PANES.to_vec()),
            live,
        })
    }

    pub fn shows(&self, pane: &str) -> bool {
        self.panes.contains(&pane)
    }

    /// The query that asks for these options.
    pub fn query(&self) -> String {
        let panes: Vec<&str> = SHORT
            .iter()
            .zip(PANES)
            .filter(|(_, id)| self.shows(id))
            .map(|(short, _)| *short)
            .collect();
        let mode = if self.live { "&mode=live" } else { "" };
        format!("?embed&panes={}{mode}", panes.join(","))
    }
}

/// The `<iframe>` a documentation page pastes for `address` (the page,
/// without query or hash) and `link` (the state).
pub fn snippet(address: &str, embed: &Embed, link: &str) -> String {
    let src = format!("{address}{}#{link}", embed.query());
    format!(
        "<iframe src=\"{}\" title=\"retort: an Alembic migration, reviewed\" \
         width=\"100%\" height=\"480\" style=\"border:0\" loading=\"lazy\" \
         data-retort-embed></iframe>",
        attribute(&src)
    )
}

fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_options_from_the_query() {
        assert_eq!(Embed::parse(""), None);
        assert_eq!(Embed::parse("?panes=sql"), None);
        let plain = Embed::parse("?embed").expect("embed");
        assert_eq!(plain.panes, DEFAULT_PANES.to_vec());
        assert!(!plain.live);
        let chosen = Embed::parse("?embed&panes=sql,before,nonsense&mode=live").expect("embed");
        // Page order, unknown names dropped.
        assert_eq!(chosen.panes, vec!["pane-before", "pane-sql"]);
        assert!(chosen.live);
        assert_eq!(chosen.query(), "?embed&panes=before,sql&mode=live");
        assert_eq!(Embed::parse(&chosen.query()), Some(chosen));
        // Nothing known: the default panes, not an empty page.
        let unknown = Embed::parse("embed=1&panes=<script>").expect("embed");
        assert_eq!(unknown.panes, DEFAULT_PANES.to_vec());
    }

    #[test]
    fn the_snippet_is_one_quoted_iframe() {
        let embed = Embed::parse("?embed&panes=revision").expect("embed");
        let snippet = snippet("https://docs.example/retort/", &embed, "1.abc");
        assert_eq!(
            snippet,
            "<iframe src=\"https://docs.example/retort/?embed&amp;panes=revision#1.abc\" \
             title=\"retort: an Alembic migration, reviewed\" width=\"100%\" height=\"480\" \
             style=\"border:0\" loading=\"lazy\" data-retort-embed></iframe>"
        );
    }
}
