//! What `alembic history`, `heads`, `branches` and `show` print: one
//! revision's line and its verbose entry, as Alembic's `Script` formats them.

use super::*;

/// What [`Graph::line`] includes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Line {
    pub parents: bool,
    pub doc: bool,
    /// `(branchpoint)`, `(mergepoint)`.
    pub tree: bool,
    /// Leave out the branch labels (`alembic current` prints none).
    pub no_labels: bool,
}

impl Graph {
    /// One line of `alembic history` for revision `i`: parents, id, branch
    /// labels, head/branch/merge markers, the docstring's first paragraph.
    pub fn history_line(&self, i: usize, current: &[usize]) -> String {
        self.line(
            i,
            Line {
                parents: true,
                doc: true,
                tree: true,
                no_labels: false,
            },
            current,
        )
    }

    /// Alembic's `Script._head_only` with `include_branches=True`: the id,
    /// optionally its parents, branch labels, `(head)`, the tree markers
    /// and the docstring; `(current)` when `current` holds it.
    pub fn line(&self, i: usize, what: Line, current: &[usize]) -> String {
        let node = &self.nodes[i];
        let mut text = node.id.clone();
        if what.parents {
            let parents = if node.down.is_empty() {
                "<base>".to_string()
            } else {
                node.down.join(", ")
            };
            text = if node.depends_on.is_empty() {
                format!("{parents} -> {text}")
            } else {
                format!("{parents} ({}) -> {text}", node.depends_on.join(", "))
            };
        }
        if !what.no_labels && !self.branch_labels[i].is_empty() {
            text.push_str(&format!(" ({})", self.branch_labels[i].join(", ")));
        }
        if self.is_real_head(i) {
            text.push_str(" (head)");
        } else if self.is_head(i) {
            text.push_str(" (effective head)");
        }
        if current.contains(&i) {
            text.push_str(" (current)");
        }
        if what.tree {
            if self.is_branch_point(i) {
                text.push_str(" (branchpoint)");
            }
            if self.is_merge_point(i) {
                text.push_str(" (mergepoint)");
            }
        }
        if what.doc {
            text.push_str(&format!(", {}", node.doc));
        }
        text
    }

    /// `alembic history --verbose` / `alembic show` for revision `i`.
    pub fn log_entry(&self, i: usize, path: &str, longdoc: &str, current: Option<usize>) -> String {
        let node = &self.nodes[i];
        let mut entry = format!(
            "Rev: {}{}{}{}{}\n",
            node.id,
            if self.is_head(i) { " (head)" } else { "" },
            if self.is_branch_point(i) {
                " (branchpoint)"
            } else {
                ""
            },
            if self.is_merge_point(i) {
                " (mergepoint)"
            } else {
                ""
            },
            if current == Some(i) { " (current)" } else { "" },
        );
        let parents = if node.down.is_empty() {
            "<base>".to_string()
        } else {
            node.down.join(", ")
        };
        if self.is_merge_point(i) {
            entry.push_str(&format!("Merges: {parents}\n"));
        } else {
            entry.push_str(&format!("Parent: {parents}\n"));
        }
        if !node.depends_on.is_empty() {
            entry.push_str(&format!(
                "Also depends on: {}\n",
                node.depends_on.join(", ")
            ));
        }
        if self.is_branch_point(i) {
            entry.push_str(&format!("Branches into: {}\n", self.children(i).join(", ")));
        }
        if !self.branch_labels[i].is_empty() {
            entry.push_str(&format!(
                "Branch names: {}\n",
                self.branch_labels[i].join(", ")
            ));
        }
        entry.push_str(&format!("Path: {path}\n"));
        let body: Vec<String> = longdoc.lines().map(|l| format!("    {l}")).collect();
        entry.push_str(&format!("\n{}\n", body.join("\n")));
        entry
    }
}
