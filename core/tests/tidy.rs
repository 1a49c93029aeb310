//! Tidy: the layering of `retort-core`, checked on its sources, in the
//! manner of rust-analyzer's tidy tests.
//!
//! The crate's top-level modules sit in layers, bottom to top, in
//! [`LAYERS`]. A module may use its own layer and the layers below it,
//! never one above. Among the top-level modules, and among the child
//! modules of any one module, the uses form no cycle (a module using its
//! parent, or its own children, is not an edge: the parent is the face its
//! children share). No module is over [`MAX_LINES`] lines, not counting its
//! tests. A type name (struct, enum, type alias, trait) is declared once in
//! the crate, so a name means one thing wherever it is read.
//!
//! What counts as a use: every path that starts with `crate::`, `super::`
//! or `self::`, in `use` items (groups expanded) and in code, outside
//! comments and outside the `#[cfg(test)]` module that closes a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, bottom first: (what the layer is, its top-level modules).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "text and quoting",
        &[
            "text",
            "diagnostic",
            "quote",
            "hash",
            "par",
            "pg_lock",
            "zip",
            "naming",
        ],
    ),
    ("schema", &["schema"]),
    ("op", &["op"]),
    ("readers", &["python", "sql", "revision", "graph", "input"]),
    ("diff", &["diff"]),
    ("render", &["render"]),
    ("lint", &["lint"]),
    (
        "report and protocol",
        &[
            "report", "autogen", "rehearse", "project", "protocol", "share",
        ],
    ),
];

/// The longest a module may be, tests not counted.
const MAX_LINES: usize = 800;

/// A module's path in the crate (`["sql", "ops"]`), empty for the root.
type ModPath = Vec<String>;

/// One source file: its module path and its text without tests.
struct Module {
    file: String,
    path: ModPath,
    code: String,
}

#[test]
fn core_is_layered_without_cycles_in_modules_of_readable_size() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    let problems = check(&files);
    assert!(
        problems.is_empty(),
        "tidy found {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The checker itself fails on what it must find.
#[test]
fn tidy_finds_an_upward_use_a_cycle_and_a_long_module() {
    let file = |name: &str, text: &str| (name.to_string(), text.to_string());
    let upward = check(&[
        file("schema.rs", "use crate::text::Span;\n"),
        file("text.rs", "pub struct Span;\n"),
        file("op.rs", "fn f() { crate::render::revision(); }\n"),
        file("render/mod.rs", "pub fn revision() {}\n"),
    ]);
    assert_eq!(upward.len(), 1, "{upward:?}");
    assert!(upward[0].contains("op.rs uses render"), "{upward:?}");

    let cycle = check(&[
        file("sql/mod.rs", "mod a;\nmod b;\n"),
        file("sql/a.rs", "use super::b::{self, X};\n"),
        file(
            "sql/b.rs",
            "// use super::a; (a comment)\nfn f() { super::a::g() }\n",
        ),
    ]);
    assert_eq!(cycle.len(), 1, "{cycle:?}");
    assert!(cycle[0].contains("sql::a -> sql::b -> sql::a"), "{cycle:?}");

    let tests_left_out = check(&[
        file(
            "op.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::lint::X;\n}\n",
        ),
        file("lint/mod.rs", "pub struct X;\n"),
    ]);
    assert!(tests_left_out.is_empty(), "{tests_left_out:?}");

    let long = check(&[file("schema.rs", &"fn f() {}\n".repeat(MAX_LINES + 1))]);
    assert_eq!(long.len(), 1, "{long:?}");
    assert!(long[0].contains("801 lines"), "{long:?}");

    let twice = check(&[
        file("schema.rs", "pub struct Table {}\n"),
        file(
            "op.rs",
            "pub(crate) struct Table;\nimpl X { type Table = u8; }\n",
        ),
    ]);
    assert_eq!(twice.len(), 1, "{twice:?}");
    assert!(twice[0].contains("Table is declared in"), "{twice:?}");

    let unplaced = check(&[file("newthing.rs", "")]);
    assert!(unplaced[0].contains("in no layer"), "{unplaced:?}");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        panic!("cannot list {}", dir.display());
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let text = fs::read_to_string(&path).unwrap_or_default();
            out.push((name, text));
        }
    }
}

/// Every problem in the files (`(path under src/, text)`), as messages.
fn check(files: &[(String, String)]) -> Vec<String> {
    let modules: Vec<Module> = files
        .iter()
        .filter_map(|(file, text)| {
            let path = module_path(file)?;
            Some(Module {
                file: file.clone(),
                path,
                code: without_tests(text),
            })
        })
        .collect();
    let known: BTreeSet<ModPath> = modules.iter().map(|m| m.path.clone()).collect();
    let layer_of = |top: &str| LAYERS.iter().position(|(_, mods)| mods.contains(&top));
    let mut problems = Vec::new();

    for top in known.iter().filter(|p| p.len() == 1) {
        if layer_of(&top[0]).is_none() {
            problems.push(format!(
                "module {} is in no layer: add it to LAYERS in core/tests/tidy.rs",
                top[0]
            ));
        }
    }

    let mut declared: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for module in &modules {
        for name in type_names(&module.code) {
            declared.entry(name).or_default().push(&module.file);
        }
    }
    for (name, files) in &declared {
        if files.len() > 1 {
            problems.push(format!(
                "the type name {name} is declared in {}: give each its own name",
                files.join(" and ")
            ));
        }
    }

    // Edges between siblings, keyed by their common parent.
    let mut siblings: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for module in &modules {
        let lines = module.code.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{}: {lines} lines without its tests (at most {MAX_LINES}): split it by concept",
                module.file
            ));
        }
        for used in uses(module) {
            let Some(target) = resolve(&used, &known) else {
                continue;
            };
            if target.starts_with(&module.path) || module.path.starts_with(&target) {
                continue;
            }
            let (Some(from), Some(to)) = (module.path.first(), target.first()) else {
                continue;
            };
            if let (Some(low), Some(high)) = (layer_of(to), layer_of(from))
                && low > high
            {
                problems.push(format!(
                    "{} uses {} ({}): the layer \"{}\" is above \"{}\"; move what it needs down",
                    module.file,
                    to,
                    used.join("::"),
                    LAYERS[low].0,
                    LAYERS[high].0
                ));
            }
            let common = module
                .path
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            siblings
                .entry(module.path[..common].to_vec())
                .or_default()
                .entry(module.path[common].clone())
                .or_default()
                .insert(target[common].clone());
        }
    }
    for (parent, edges) in &siblings {
        for cycle in cycles(edges) {
            let named: Vec<String> = cycle
                .iter()
                .map(|m| {
                    parent
                        .iter()
                        .chain(std::iter::once(m))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("::")
                })
                .collect();
            problems.push(format!("a cycle of uses: {}", named.join(" -> ")));
        }
    }
    // A use in a `use` item is also a path in the code: say it once.
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}

/// The types a module declares at its top level.
fn type_names(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let rest = match line.strip_prefix("pub") {
                Some(rest) if rest.starts_with('(') => rest.split_once(')')?.1.trim_start(),
                Some(rest) => rest.trim_start(),
                None => line,
            };
            let (keyword, rest) = rest.split_once(' ')?;
            matches!(keyword, "struct" | "enum" | "type" | "trait").then(|| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
        })
        .collect()
}

/// `sql/ops.rs` → `["sql", "ops"]`; `sql/mod.rs` → `["sql"]`; `None` for
/// the crate root and for files of tests (`tests.rs`).
fn module_path(file: &str) -> Option<ModPath> {
    let stem = file.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts.last().is_some_and(|p| p == "tests") {
        return None;
    }
    Some(parts)
}

/// The text before the `#[cfg(test)]` module that ends the file, without
/// comment lines.
fn without_tests(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.starts_with("mod tests"))
        {
            break;
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The absolute module paths a module's code names.
fn uses(module: &Module) -> Vec<ModPath> {
    let mut out = Vec::new();
    let code = &module.code;
    let mut rest = code.as_str();
    // `use` items, their groups expanded.
    while let Some(at) = find_use(rest) {
        let after = &rest[at..];
        let end = after.find(';').unwrap_or(after.len());
        let tree: String = after[..end]
            .replace(" as ", "@")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut paths = Vec::new();
        expand("", &tree, &mut paths);
        for path in paths {
            if let Some(absolute) = absolute(&module.path, &path) {
                out.push(absolute);
            }
        }
        rest = &after[end..];
    }
    // Paths in code.
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(start) {
            if at > 0
                && (bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':')
            {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if let Some(absolute) = absolute(&module.path, path.trim_end_matches(':')) {
                out.push(absolute);
            }
        }
    }
    out
}

/// Where the next `use` item's tree starts (after `use `).
fn find_use(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find("use ") {
        let at = from + at;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..at].trim();
        if before.is_empty() || before.starts_with("pub") {
            return Some(at + 4);
        }
        from = at + 4;
    }
    None
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e` (`self` in a group
/// stands for the group's path).
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else if b == "self" {
            a.to_string()
        } else {
            format!("{a}::{b}")
        }
    };
    match tree.find('{') {
        Some(open) if tree.ends_with('}') => {
            let head = tree[..open].trim_end_matches(':');
            let inner = &tree[open + 1..tree.len() - 1];
            let base = join(prefix, head);
            for item in split_top(inner) {
                expand(&base, item, out);
            }
        }
        _ => {
            // `path as name`: the path is what is used.
            let tree = tree.split('@').next().unwrap_or(tree);
            out.push(join(prefix, tree));
        }
    }
}

/// A group's items, split at the commas outside nested braces.
fn split_top(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items.into_iter().filter(|i| !i.is_empty()).collect()
}

/// A path as written in module `here`, made absolute; `None` for a path
/// into another crate.
fn absolute(here: &[String], path: &str) -> Option<ModPath> {
    let mut parts = path.split("::").filter(|p| !p.is_empty());
    let mut out: ModPath = match parts.next()? {
        "crate" => Vec::new(),
        "self" => here.to_vec(),
        "super" => here[..here.len().saturating_sub(1)].to_vec(),
        _ => return None,
    };
    for part in parts {
        if part == "super" {
            out.pop();
        } else {
            out.push(part.to_string());
        }
    }
    Some(out)
}

/// The module a path names: its longest prefix that is a module.
fn resolve(path: &[String], known: &BTreeSet<ModPath>) -> Option<ModPath> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| known.contains(prefix))
}

/// The cycles of a graph, each once (from its least node).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn walk(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[at..].to_vec();
            let least = cycle
                .iter()
                .enumerate()
                .min_by_key(|(_, n)| n.as_str())
                .map_or(0, |(i, _)| i);
            cycle.rotate_left(least);
            let first = cycle[0].clone();
            cycle.push(first);
            found.insert(cycle);
            return;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            walk(next, edges, stack, found);
        }
        stack.pop();
    }
    let mut found = BTreeSet::new();
    for node in edges.keys() {
        walk(node, edges, &mut Vec::new(), &mut found);
    }
    found.into_iter().collect()
}
