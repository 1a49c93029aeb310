//! Alembic's configuration, read as Alembic 1.x reads it: the `[alembic]`
//! section of `alembic.ini` (Python's `configparser`, with `%(here)s` and
//! `%(name)s` interpolation), then `[tool.alembic]` of `pyproject.toml`
//! (Alembic ≥ 1.16) for what the ini does not set. The ini wins, as in
//! `Config.get_alembic_option`.

use std::fmt;

/// An `.ini` file as `configparser` reads it: sections of `key = value`
/// (or `key: value`), keys lowercased, indented lines continuing a value,
/// whole-line `#` and `;` comments.
#[derive(Debug, Clone, Default)]
pub struct Ini {
    sections: Vec<Section>,
    /// `here`: the folder of the file, for `%(here)s`.
    here: String,
}

#[derive(Debug, Clone)]
struct Section {
    name: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    value: String,
    /// 1-based.
    line: usize,
}

/// A value read from the configuration, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: Origin,
}

/// Which file, and the 1-based line (0: a pyproject value, whose line is
/// not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Ini(usize),
    Pyproject,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Ini(line) => write!(f, "line {line}"),
            Origin::Pyproject => f.write_str("[tool.alembic]"),
        }
    }
}

impl Ini {
    /// Reads `text`; `here` is the absolute folder of the file.
    pub fn parse(text: &str, here: &str) -> Ini {
        let mut ini = Ini {
            sections: Vec::new(),
            here: here.to_string(),
        };
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            let indented = raw.starts_with([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
                // configparser keeps a blank line inside a multi-line value
                // only to strip it again at the end.
                continue;
            }
            if indented
                && let Some(entry) = ini.sections.last_mut().and_then(|s| s.entries.last_mut())
            {
                if !entry.value.is_empty() {
                    entry.value.push('\n');
                }
                entry.value.push_str(trimmed);
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                ini.sections.push(Section {
                    name: name.to_string(),
                    entries: Vec::new(),
                });
                continue;
            }
            let split = trimmed.find(['=', ':']);
            let (key, value) = match split {
                Some(at) => (&trimmed[..at], &trimmed[at + 1..]),
                None => (trimmed, ""),
            };
            if let Some(section) = ini.sections.last_mut() {
                let key = key.trim().to_lowercase();
                section.entries.retain(|e| e.key != key);
                section.entries.push(Entry {
                    key,
                    value: value.trim().to_string(),
                    line,
                });
            }
        }
        ini
    }

    pub fn has_section(&self, name: &str) -> bool {
        self.sections.iter().any(|s| s.name == name)
    }

    /// `section`'s `key`, interpolated as `BasicInterpolation` does
    /// (`%(here)s`, `%(other_key)s`, `%%`).
    pub fn get(&self, section: &str, key: &str) -> Option<Setting> {
        let entry = self.entry(section, key)?;
        Some(Setting {
            value: self.interpolate(section, &entry.value, 0),
            origin: Origin::Ini(entry.line),
        })
    }

    fn entry(&self, section: &str, key: &str) -> Option<&Entry> {
        self.sections
            .iter()
            .filter(|s| s.name == section)
            .flat_map(|s| &s.entries)
            .rfind(|e| e.key == key)
    }

    fn interpolate(&self, section: &str, value: &str, depth: usize) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            if let Some(after) = rest.strip_prefix('%') {
                out.push('%');
                rest = after;
                continue;
            }
            let name = rest
                .strip_prefix('(')
                .and_then(|r| r.find(")s").map(|end| &r[..end]));
            let Some(name) = name else {
                out.push('%');
                continue;
            };
            rest = &rest[name.len() + 3..];
            let key = name.to_lowercase();
            if key == "here" {
                out.push_str(&self.here);
            } else if let Some(entry) = self.entry(section, &key).filter(|_| depth < 10) {
                out.push_str(&self.interpolate(section, &entry.value, depth + 1));
            } else {
                out.push_str("%(");
                out.push_str(name);
                out.push_str(")s");
            }
        }
        out.push_str(rest);
        out
    }
}

/// A `[tool.alembic]` value, as TOML gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum TomlValue {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Int(i64),
    /// A table or anything else Alembic does not read here.
    Other,
}

/// What retort needs of Alembic's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlembicConfig {
    /// `script_location`: a folder (relative to the configuration's
    /// folder), or `package:path`.
    pub script_location: Option<Setting>,
    /// The folders revision files are in (default: `<script_location>/versions`).
    pub version_locations: Option<Vec<String>>,
    pub file_template: String,
    pub truncate_slug_length: usize,
    pub revision_environment: bool,
    pub recursive_version_locations: bool,
    pub prepend_sys_path: Vec<String>,
    /// `timezone`: the `Create Date:` is then in that zone (retort writes
    /// UTC and says so).
    pub timezone: Option<String>,
    /// What was wrong, in Alembic's words.
    pub problems: Vec<String>,
}

/// Alembic's `_default_file_template`.
pub const DEFAULT_FILE_TEMPLATE: &str = "%(rev)s_%(slug)s";

/// Reads the options from `ini`'s `section` (normally `alembic`), then
/// from `toml` (the `[tool.alembic]` table, with `%(here)s` already its
/// folder: see [`toml_text`]).
pub fn read_config(
    ini: Option<&Ini>,
    section: &str,
    toml: &[(String, TomlValue)],
) -> AlembicConfig {
    let mut problems = Vec::new();
    let from_ini = |key: &str| ini.and_then(|ini| ini.get(section, key));
    let from_toml = |key: &str| toml.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let text = |key: &str| -> Option<Setting> {
        from_ini(key).or_else(|| match from_toml(key) {
            Some(TomlValue::Text(value)) => Some(Setting {
                value: value.clone(),
                origin: Origin::Pyproject,
            }),
            Some(TomlValue::Int(value)) => Some(Setting {
                value: value.to_string(),
                origin: Origin::Pyproject,
            }),
            _ => None,
        })
    };
    let boolean = |key: &str, problems: &mut Vec<String>| -> bool {
        match from_ini(key) {
            Some(setting) => setting.value == "true",
            None => match from_toml(key) {
                None | Some(TomlValue::Bool(false)) => false,
                Some(TomlValue::Bool(true)) => true,
                Some(_) => {
                    problems.push(format!("boolean value expected for TOML parameter '{key}'"));
                    false
                }
            },
        }
    };
    let separator = |problems: &mut Vec<String>, names: &[&str]| -> Option<char> {
        let (name, setting) = names.iter().find_map(|n| from_ini(n).map(|s| (*n, s)))?;
        match setting.value.as_str() {
            "space" => Some(' '),
            "newline" => Some('\n'),
            "os" | ":" => Some(':'),
            ";" => Some(';'),
            other => {
                problems.push(format!(
                    "'{other}' is not a valid value for {name}; expected 'space', 'newline', 'os', ':', ';'"
                ));
                None
            }
        }
    };
    let list =
        |key: &str, legacy_colon: bool, problems: &mut Vec<String>, names: &[&str]| match from_ini(
            key,
        )
        .filter(|s| !s.value.is_empty())
        {
            Some(setting) => Some(match separator(problems, names) {
                Some(sep) => setting
                    .value
                    .split(sep)
                    .filter(|x| !x.is_empty())
                    .map(|x| x.trim().to_string())
                    .collect(),
                None => legacy_split(&setting.value, legacy_colon),
            }),
            None => match from_toml(key) {
                Some(TomlValue::List(values)) => Some(values.clone()),
                _ => None,
            },
        };
    let version_locations = list(
        "version_locations",
        false,
        &mut problems,
        &["path_separator", "version_path_separator"],
    );
    let prepend_sys_path =
        list("prepend_sys_path", true, &mut problems, &["path_separator"]).unwrap_or_default();
    let truncate_slug_length = match text("truncate_slug_length") {
        None => 40,
        Some(setting) => setting.value.trim().parse().unwrap_or_else(|_| {
            problems.push(format!(
                "truncate_slug_length ({}): {:?} is not a whole number; 40 is used",
                setting.origin, setting.value
            ));
            40
        }),
    };
    AlembicConfig {
        script_location: text("script_location"),
        version_locations,
        file_template: text("file_template")
            .map_or_else(|| DEFAULT_FILE_TEMPLATE.to_string(), |s| s.value),
        truncate_slug_length,
        revision_environment: boolean("revision_environment", &mut problems),
        recursive_version_locations: boolean("recursive_version_locations", &mut problems),
        prepend_sys_path,
        timezone: text("timezone").map(|s| s.value),
        problems,
    }
}

/// Alembic's legacy splitting, with no `path_separator`: on commas and
/// runs of spaces (and on colons, for `prepend_sys_path`).
fn legacy_split(value: &str, colon: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ',' || c == ' ' || (colon && c == ':') {
            out.push(std::mem::take(&mut current));
            if c != ':' {
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out
}

/// A `[tool.alembic]` string with `%(here)s` (and `%%`) substituted, as
/// Alembic's `value % toml_args` does.
pub fn toml_text(value: &str, here: &str) -> String {
    value.replace("%(here)s", here).replace("%%", "%")
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn ini_values_interpolate_and_continue() {
        let ini = Ini::parse(
            "# a comment\n[alembic]\nscript_location = %(here)s/migrations\n\
             Version_Locations: %(here)s/a\n  %(here)s/b\n; more\nfile_template = %%(rev)s_%%(slug)s\n\
             path_separator = newline\n",
            "/p",
        );
        let config = read_config(Some(&ini), "alembic", &[]);
        assert_eq!(
            config.script_location,
            Some(Setting {
                value: "/p/migrations".into(),
                origin: Origin::Ini(3)
            })
        );
        assert_eq!(
            config.version_locations,
            Some(vec!["/p/a".to_string(), "/p/b".to_string()])
        );
        assert_eq!(config.file_template, "%(rev)s_%(slug)s");
        assert_eq!(config.truncate_slug_length, 40);
    }

    #[test]
    fn legacy_separators_and_toml_fallback() {
        let ini = Ini::parse(
            "[alembic]\nversion_locations = a, b  c\nprepend_sys_path = .:src\n",
            "/p",
        );
        let toml = vec![
            (
                "script_location".to_string(),
                TomlValue::Text("/p/alembic".into()),
            ),
            ("truncate_slug_length".to_string(), TomlValue::Int(12)),
            (
                "revision_environment".to_string(),
                TomlValue::Text("yes".into()),
            ),
        ];
        let config = read_config(Some(&ini), "alembic", &toml);
        assert_eq!(
            config.version_locations,
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(
            config.prepend_sys_path,
            vec![".".to_string(), "src".to_string()]
        );
        assert_eq!(
            config.script_location.map(|s| s.origin),
            Some(Origin::Pyproject)
        );
        assert_eq!(config.truncate_slug_length, 12);
        assert_eq!(
            config.problems,
            vec!["boolean value expected for TOML parameter 'revision_environment'"]
        );
    }

    #[test]
    fn a_bad_separator_is_alembics_error() {
        let ini = Ini::parse(
            "[alembic]\nversion_locations = a b\npath_separator = tab\n",
            "/p",
        );
        let config = read_config(Some(&ini), "alembic", &[]);
        assert_eq!(config.version_locations, Some(vec!["a".into(), "b".into()]));
        assert!(config.problems[0].starts_with("'tab' is not a valid value for path_separator"));
    }
}
