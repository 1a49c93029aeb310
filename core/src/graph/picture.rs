//! The graph as a picture: a row per revision, lanes assigned as `git log
//! --graph` assigns them, drawn as SVG for the History pane.

use super::*;

/// Where each revision goes in a picture of the graph: one row per
/// revision, newest first (the `history` order), and a lane (column) per
/// line of development.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// `(node, row, lane)`, in row order.
    pub placed: Vec<(usize, usize, usize)>,
    /// `(child, parent)` for every `down_revision` (and dependency) link.
    pub edges: Vec<(usize, usize)>,
    pub lanes: usize,
}

impl Graph {
    /// Lanes the way `git log --graph` assigns them: a revision takes the
    /// lane that waits for it (the leftmost, when several children wait),
    /// hands it to its first parent, and opens lanes for other parents.
    pub fn layout(&self) -> Layout {
        let order = self.history();
        let mut lanes: Vec<Option<usize>> = Vec::new();
        let mut layout = Layout::default();
        for (row, &node) in order.iter().enumerate() {
            let waiting: Vec<usize> = (0..lanes.len())
                .filter(|&l| lanes[l] == Some(node))
                .collect();
            let lane = match waiting.first() {
                Some(&l) => l,
                None => match lanes.iter().position(Option::is_none) {
                    Some(free) => free,
                    None => {
                        lanes.push(None);
                        lanes.len() - 1
                    }
                },
            };
            for &l in &waiting {
                lanes[l] = None;
            }
            let parents = self.parents(node);
            for (k, &parent) in parents.iter().enumerate() {
                layout.edges.push((node, parent));
                if lanes.contains(&Some(parent)) {
                    continue;
                }
                if k == 0 {
                    lanes[lane] = Some(parent);
                } else if let Some(free) = lanes.iter().position(Option::is_none) {
                    lanes[free] = Some(parent);
                } else {
                    lanes.push(Some(parent));
                }
            }
            layout.placed.push((node, row, lane));
            layout.lanes = layout.lanes.max(lanes.len()).max(lane + 1);
        }
        layout
    }
}

/// Text for SVG/HTML: `&`, `<`, `>` and `"` escaped.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Graph {
    /// The graph as an SVG picture: a row per revision (newest first) with
    /// its `alembic history` line, a lane per line of development, curves
    /// from each revision to its parents; heads, merges and the current
    /// revision marked by class. Each revision is a `<g>` with
    /// `data-revision="id"` (and `data-testid="history-node"`).
    pub fn svg(&self, current: Option<usize>) -> String {
        const ROW: f64 = 26.0;
        const LANE: f64 = 18.0;
        const TOP: f64 = 14.0;
        const LEFT: f64 = 12.0;
        let x = |lane: usize| LEFT + lane as f64 * LANE;
        let y = |row: usize| TOP + row as f64 * ROW;
        let layout = self.layout();
        let mut at = vec![(0, 0); self.len()];
        for &(node, row, lane) in &layout.placed {
            at[node] = (row, lane);
        }
        let text_x = x(layout.lanes) + 8.0;
        let width = text_x + 8.0 * 90.0;
        let height = y(layout.placed.len());
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"history-graph\" data-testid=\"history-graph\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
        );
        for &(child, parent) in &layout.edges {
            let ((cr, cl), (pr, pl)) = (at[child], at[parent]);
            svg.push_str(&format!(
                "<path class=\"edge\" data-testid=\"history-edge\" d=\"M {} {} C {} {} {} {} {} {}\"/>",
                x(cl),
                y(cr),
                x(cl),
                y(cr) + ROW * 0.6,
                x(pl),
                y(pr) - ROW * 0.6,
                x(pl),
                y(pr)
            ));
        }
        for &(node, row, lane) in &layout.placed {
            let mut class = "node".to_string();
            if self.is_head(node) {
                class.push_str(" head");
            }
            if self.is_merge_point(node) {
                class.push_str(" merge");
            }
            if current == Some(node) {
                class.push_str(" current");
            }
            let line = escape(&self.history_line(node, current.as_slice()));
            svg.push_str(&format!(
                "<g class=\"{class}\" data-testid=\"history-node\" data-revision=\"{}\"><title>{line}</title><circle cx=\"{}\" cy=\"{}\" r=\"5\"/><text x=\"{text_x}\" y=\"{}\">{line}</text></g>",
                escape(&self.nodes[node].id),
                x(lane),
                y(row),
                y(row) + 4.0
            ));
        }
        svg.push_str("</svg>");
        svg
    }
}
