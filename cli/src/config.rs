//! `retort lint`'s configuration: `[tool.retort]` in `pyproject.toml`, or a
//! `retort.toml` (which wins when a folder has both).
//!
//! ```toml
//! [tool.retort]
//! postgres = 15                      # the target major version
//! assume-in-transaction = false      # .sql files run inside a transaction
//! enable = ["drop-table", "…"]       # only these rules (default: all)
//! disable = ["prefer-text-over-varchar"]
//! exclude = ["versions/legacy_*.py"] # relative to the configuration's folder
//!
//! [tool.retort.severity]
//! drop-column = "error"
//! ```
//!
//! It is found from the first path given (or the current folder) upwards,
//! as ruff finds its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use retort_core::LineIndex;
use retort_core::Severity;
use retort_core::lint::rules::{self, RULES};
use retort_core::lint::{NEWEST_POSTGRES, OLDEST_POSTGRES, Settings};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    postgres: Option<u32>,
    assume_in_transaction: Option<bool>,
    enable: Option<Vec<String>>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    exclude: Vec<String>,
    /// The model modules of an Alembic project, where env.py's
    /// `target_metadata` cannot be followed.
    #[serde(default)]
    models: Vec<String>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    retort: Option<toml::Value>,
}

/// A configuration, read and checked.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (none: the defaults).
    pub path: Option<PathBuf>,
    pub postgres: Option<u32>,
    pub assume_in_transaction: Option<bool>,
    pub disabled: Vec<&'static str>,
    pub severities: Vec<(&'static str, Severity)>,
    /// Glob patterns, relative to the configuration's folder.
    pub exclude: Vec<String>,
    /// `models = [...]`: model files or folders, relative to the
    /// configuration's folder.
    pub models: Vec<PathBuf>,
}

impl Config {
    /// The settings: the configuration's, then the command line's.
    pub fn settings(&self, postgres: Option<u32>, assume_in_transaction: bool) -> Settings {
        Settings {
            postgres: postgres.or(self.postgres).unwrap_or(NEWEST_POSTGRES),
            assume_in_transaction: assume_in_transaction
                || self.assume_in_transaction.unwrap_or(false),
            disabled: self.disabled.clone(),
            severities: self.severities.clone(),
        }
    }

    /// Whether a file met while walking a folder is excluded.
    pub fn excludes(&self, file: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
        let full = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let relative = dir
            .as_deref()
            .and_then(|d| full.strip_prefix(d).ok())
            .unwrap_or(file);
        let relative = relative.to_string_lossy().replace('\\', "/");
        self.exclude.iter().any(|pattern| {
            if pattern.contains('/') {
                glob(pattern.trim_start_matches("./"), &relative)
            } else {
                // A bare name matches any component, as in .gitignore.
                relative.split('/').any(|part| glob(pattern, part))
            }
        })
    }
}

/// `*` (within a path component), `?`, and `**/` (any number of components).
fn glob(pattern: &str, text: &str) -> bool {
    if let Some(rest) = pattern.strip_prefix("**/") {
        return glob(rest, text)
            || text
                .char_indices()
                .filter(|(_, c)| *c == '/')
                .any(|(i, _)| glob(rest, &text[i + 1..]));
    }
    if pattern == "**" {
        return true;
    }
    let mut p = pattern.chars();
    match p.next() {
        None => text.is_empty(),
        Some('*') => {
            let rest = p.as_str();
            let mut t = text;
            loop {
                if glob(rest, t) {
                    return true;
                }
                match t.chars().next() {
                    Some(c) if c != '/' => t = &t[c.len_utf8()..],
                    _ => return false,
                }
            }
        }
        Some('?') => text
            .chars()
            .next()
            .is_some_and(|c| c != '/' && glob(p.as_str(), &text[c.len_utf8()..])),
        Some(c) => text
            .strip_prefix(c)
            .is_some_and(|rest| glob(p.as_str(), rest)),
    }
}

/// The configuration that applies to `start` (a file or folder): the nearest
/// `retort.toml`, or `pyproject.toml` with a `[tool.retort]` table, in it or
/// above it. `Err`: a message for a file that is there but wrong.
pub fn discover(start: &Path) -> Result<Config, String> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let own = d.join("retort.toml");
        if own.is_file() {
            return load(&own);
        }
        let pyproject = d.join("pyproject.toml");
        if pyproject.is_file() {
            let text = std::fs::read_to_string(&pyproject)
                .map_err(|e| format!("{}: cannot read: {e}", pyproject.display()))?;
            if text.contains("[tool.retort") {
                return parse(&pyproject, &text);
            }
        }
        dir = d.parent();
    }
    Ok(Config::default())
}

/// A configuration file named on the command line (`--config`).
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Config, String> {
    let at = |span: Option<std::ops::Range<usize>>| {
        let lc = LineIndex::new(text).line_col(span.map_or(0, |s| s.start));
        format!("{}:{}:{}", path.display(), lc.line, lc.column)
    };
    let pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let options: Options = if pyproject {
        let file: Pyproject = toml::from_str(text)
            .map_err(|e| format!("{}: error: {}", at(e.span()), e.message()))?;
        match file.tool.and_then(|t| t.retort) {
            Some(table) => table.try_into().map_err(|e: toml::de::Error| {
                format!("{}: error: [tool.retort]: {}", at(e.span()), e.message())
            })?,
            None => Options::default(),
        }
    } else {
        toml::from_str(text).map_err(|e| format!("{}: error: {}", at(e.span()), e.message()))?
    };
    let here = at(None);
    let rule = |id: &str| {
        rules::rule(id)
            .map(|r| r.id)
            .ok_or_else(|| format!("{here}: error: {}", rules::unknown(id)))
    };
    if let Some(v) = options.postgres
        && !(OLDEST_POSTGRES..=NEWEST_POSTGRES).contains(&v)
    {
        return Err(format!(
            "{here}: error: postgres = {v}: retort knows PostgreSQL {OLDEST_POSTGRES} to {NEWEST_POSTGRES}"
        ));
    }
    let mut disabled = Vec::new();
    if let Some(enable) = &options.enable {
        let on = enable
            .iter()
            .map(|id| rule(id))
            .collect::<Result<Vec<_>, _>>()?;
        disabled.extend(RULES.iter().map(|r| r.id).filter(|id| !on.contains(id)));
    }
    for id in &options.disable {
        disabled.push(rule(id)?);
    }
    let mut severities = Vec::new();
    for (id, name) in &options.severity {
        let severity = match name.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            other => {
                return Err(format!(
                    "{here}: error: severity `{other}` for {id}: expected \"error\", \"warning\" or \"info\""
                ));
            }
        };
        severities.push((rule(id)?, severity));
    }
    Ok(Config {
        path: Some(path.to_path_buf()),
        postgres: options.postgres,
        assume_in_transaction: options.assume_in_transaction,
        disabled,
        severities,
        exclude: options.exclude,
        models: {
            let base = path.parent().unwrap_or(Path::new("."));
            options.models.iter().map(|m| base.join(m)).collect()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_components_and_any_depth() {
        assert!(glob("versions/legacy_*.py", "versions/legacy_0001.py"));
        assert!(!glob("versions/legacy_*.py", "versions/sub/legacy_0001.py"));
        assert!(glob("**/legacy_*.py", "a/b/legacy_1.py"));
        assert!(glob("**/legacy_*.py", "legacy_1.py"));
        assert!(glob("v?.sql", "v1.sql"));
        assert!(!glob("*.sql", "a/b.sql"));
        assert!(glob("old/**", "old/x/y.py"));
    }
}
