//! Constraint and index names the way SQLAlchemy gives them: from
//! `MetaData(naming_convention=...)` templates, and truncated to PostgreSQL's
//! identifier length the way SQLAlchemy's compiler does.

use std::collections::BTreeMap;
use std::fmt;

use md5::{Digest, Md5};

/// PostgreSQL's `NAMEDATALEN - 1`.
pub const MAX_IDENTIFIER_LENGTH: usize = 63;

/// What a name is for: the keys of a naming convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstraintKind {
    Index,
    Unique,
    Check,
    ForeignKey,
    PrimaryKey,
}

impl ConstraintKind {
    /// The convention key: `ix`, `uq`, `ck`, `fk`, `pk`.
    pub fn key(self) -> &'static str {
        match self {
            ConstraintKind::Index => "ix",
            ConstraintKind::Unique => "uq",
            ConstraintKind::Check => "ck",
            ConstraintKind::ForeignKey => "fk",
            ConstraintKind::PrimaryKey => "pk",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ix" => ConstraintKind::Index,
            "uq" => ConstraintKind::Unique,
            "ck" => ConstraintKind::Check,
            "fk" => ConstraintKind::ForeignKey,
            "pk" => ConstraintKind::PrimaryKey,
            _ => return None,
        })
    }
}

/// A column as naming templates see it: `name` is the database name, `key`
/// the Python-side key (`Column("x", key="xk")`), usually the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    pub name: String,
    pub key: String,
}

impl ColumnName {
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        ColumnName {
            key: name.clone(),
            name,
        }
    }
}

/// Everything a template can refer to for one constraint or index.
#[derive(Debug, Clone, Default)]
pub struct NameContext<'a> {
    pub table_schema: Option<&'a str>,
    pub table_name: &'a str,
    pub columns: &'a [ColumnName],
    pub referred_table: Option<&'a str>,
    pub referred_columns: &'a [String],
    /// The name given in the model (`CheckConstraint(..., name="positive")`).
    pub explicit_name: Option<&'a str>,
}

/// Why a template could not produce a name; SQLAlchemy raises on each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamingError {
    /// `%(constraint_name)s` with no name given in the model.
    NeedsExplicitName { template: String },
    /// A token SQLAlchemy does not know (or a callable token we cannot run).
    UnknownToken { token: String },
    /// `column_3_name` on a constraint with fewer columns.
    NoSuchColumn { token: String },
    /// The template is not a `%(...)s` format string we can read.
    Malformed { template: String },
}

impl fmt::Display for NamingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NamingError::NeedsExplicitName { template } => write!(
                f,
                "naming convention `{template}` uses %(constraint_name)s, so the constraint needs an explicit name="
            ),
            NamingError::UnknownToken { token } => write!(
                f,
                "naming convention token %({token})s is not one SQLAlchemy defines"
            ),
            NamingError::NoSuchColumn { token } => write!(
                f,
                "naming convention token %({token})s refers to a column the constraint does not have"
            ),
            NamingError::Malformed { template } => {
                write!(
                    f,
                    "naming convention `{template}` is not a %(...)s template"
                )
            }
        }
    }
}

/// `MetaData(naming_convention=...)`: templates by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingConvention {
    templates: BTreeMap<ConstraintKind, String>,
}

impl Default for NamingConvention {
    /// SQLAlchemy's default: only indexes are named, `ix_%(column_0_label)s`.
    fn default() -> Self {
        NamingConvention::new([(ConstraintKind::Index, "ix_%(column_0_label)s")])
    }
}

impl NamingConvention {
    pub fn new<S: Into<String>>(templates: impl IntoIterator<Item = (ConstraintKind, S)>) -> Self {
        NamingConvention {
            templates: templates.into_iter().map(|(k, t)| (k, t.into())).collect(),
        }
    }

    pub fn template(&self, kind: ConstraintKind) -> Option<&str> {
        self.templates.get(&kind).map(String::as_str)
    }

    /// The name SQLAlchemy gives a constraint or index of this kind: the
    /// explicit name when the template does not use `%(constraint_name)s`,
    /// the rendered template otherwise; `None` when neither exists (the
    /// database will choose one).
    pub fn name(
        &self,
        kind: ConstraintKind,
        ctx: &NameContext<'_>,
    ) -> Result<Option<String>, NamingError> {
        let Some(template) = self.template(kind) else {
            return Ok(ctx.explicit_name.map(str::to_string));
        };
        let uses_constraint_name = template.contains("%(constraint_name)s");
        if let (Some(explicit), false) = (ctx.explicit_name, uses_constraint_name) {
            return Ok(Some(explicit.to_string()));
        }
        render(template, ctx).map(Some)
    }
}

fn render(template: &str, ctx: &NameContext<'_>) -> Result<String, NamingError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find(")s").ok_or_else(|| NamingError::Malformed {
            template: template.to_string(),
        })?;
        let token = &after[..end];
        out.push_str(&token_value(token, template, ctx)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn token_value(token: &str, template: &str, ctx: &NameContext<'_>) -> Result<String, NamingError> {
    let unknown = || NamingError::UnknownToken {
        token: token.to_string(),
    };
    match token {
        "table_name" => return Ok(ctx.table_name.to_string()),
        "referred_table_name" => return ctx.referred_table.map(str::to_string).ok_or_else(unknown),
        "constraint_name" => {
            return ctx.explicit_name.map(str::to_string).ok_or_else(|| {
                NamingError::NeedsExplicitName {
                    template: template.to_string(),
                }
            });
        }
        _ => {}
    }
    let (referred, spec) = match token.strip_prefix("referred_column_") {
        Some(spec) => (true, spec),
        None => (false, token.strip_prefix("column_").ok_or_else(unknown)?),
    };
    let (which, attribute) = spec.split_once('_').ok_or_else(unknown)?;
    // `0N_name` joins every column with no separator, `0_N_name` with "_".
    let (which, attribute, separator) = match (which, attribute.strip_prefix("N_")) {
        ("0N", _) => ("all", attribute, ""),
        ("0", Some(attribute)) => ("all", attribute, "_"),
        _ => (which, attribute, ""),
    };
    let values: Vec<String> = if referred {
        if attribute != "name" {
            return Err(unknown());
        }
        ctx.referred_columns.to_vec()
    } else {
        ctx.columns
            .iter()
            .map(|c| match attribute {
                "name" => Ok(c.name.clone()),
                "key" => Ok(c.key.clone()),
                "label" => Ok(match ctx.table_schema {
                    Some(schema) => format!("{schema}_{}_{}", ctx.table_name, c.name),
                    None => format!("{}_{}", ctx.table_name, c.name),
                }),
                _ => Err(unknown()),
            })
            .collect::<Result<_, _>>()?
    };
    if which == "all" {
        return Ok(values.join(separator));
    }
    let index: usize = which.parse().map_err(|_| unknown())?;
    values
        .get(index)
        .cloned()
        .ok_or_else(|| NamingError::NoSuchColumn {
            token: token.to_string(),
        })
}

/// The name of the `CHECK (col IS NOT NULL)` that proves a column before
/// `SET NOT NULL` (safe mode's and the fix's), when it fits in an
/// identifier.
pub fn not_null_check_name(table: &str, column: &str) -> Option<String> {
    let name = format!("{table}_{column}_not_null");
    (name.len() <= 63).then_some(name)
}

/// The name as it reaches the database: SQLAlchemy shortens a
/// convention-made name longer than 63 characters to its first 55, `_`, and
/// the last four hex digits of its MD5.
pub fn ddl_name(name: &str) -> String {
    if name.chars().count() <= MAX_IDENTIFIER_LENGTH {
        return name.to_string();
    }
    let digest = Md5::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let head: String = name.chars().take(MAX_IDENTIFIER_LENGTH - 8).collect();
    format!("{head}_{}", &hex[hex.len() - 4..])
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    // Every expected name below was produced by SQLAlchemy 2.0.58 for the
    // same table and convention.

    fn columns(names: &[&str]) -> Vec<ColumnName> {
        names.iter().map(|n| ColumnName::new(*n)).collect()
    }

    fn convention() -> NamingConvention {
        NamingConvention::new([
            (ConstraintKind::Index, "ix_%(column_0_label)s"),
            (
                ConstraintKind::Unique,
                "uq_%(table_name)s_%(column_0_N_name)s",
            ),
            (
                ConstraintKind::Check,
                "ck_%(table_name)s_%(constraint_name)s",
            ),
            (
                ConstraintKind::ForeignKey,
                "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            ),
            (ConstraintKind::PrimaryKey, "pk_%(table_name)s"),
        ])
    }

    fn child(cols: &[ColumnName]) -> NameContext<'_> {
        NameContext {
            table_name: "child",
            columns: cols,
            ..NameContext::default()
        }
    }

    #[test]
    fn the_usual_alembic_convention() {
        let conv = convention();
        let (id, ab, b) = (columns(&["id"]), columns(&["a", "b"]), columns(&["b"]));
        let name = |kind, ctx: &NameContext<'_>| conv.name(kind, ctx).unwrap();
        assert_eq!(
            name(ConstraintKind::PrimaryKey, &child(&id)),
            Some("pk_child".into())
        );
        assert_eq!(
            name(ConstraintKind::Unique, &child(&ab)),
            Some("uq_child_a_b".into())
        );
        assert_eq!(
            name(ConstraintKind::Index, &child(&ab)),
            Some("ix_child_a".into())
        );
        let referred = vec!["id".to_string()];
        let fk = NameContext {
            referred_table: Some("parent"),
            referred_columns: &referred,
            ..child(&b)
        };
        assert_eq!(
            name(ConstraintKind::ForeignKey, &fk),
            Some("fk_child_b_parent".into())
        );
        let check = NameContext {
            explicit_name: Some("positive"),
            ..child(&ab)
        };
        assert_eq!(
            name(ConstraintKind::Check, &check),
            Some("ck_child_positive".into())
        );
        assert_eq!(
            conv.name(ConstraintKind::Check, &child(&ab)),
            Err(NamingError::NeedsExplicitName {
                template: "ck_%(table_name)s_%(constraint_name)s".into()
            })
        );
    }

    #[test]
    fn column_tokens() {
        // Table "tt" in schema "sch"; column "x" has key "xk".
        let cols = vec![
            ColumnName {
                name: "x".into(),
                key: "xk".into(),
            },
            ColumnName::new("y"),
        ];
        let ctx = NameContext {
            table_schema: Some("sch"),
            table_name: "tt",
            columns: &cols,
            ..NameContext::default()
        };
        let cases = [
            ("%(column_0N_name)s", "uq_xy"),
            ("%(column_0_N_name)s", "uq_x_y"),
            ("%(column_0N_label)s", "uq_sch_tt_xsch_tt_y"),
            ("%(column_0_N_label)s", "uq_sch_tt_x_sch_tt_y"),
            ("%(column_0_label)s", "uq_sch_tt_x"),
            ("%(column_0_key)s", "uq_xk"),
            ("%(column_0N_key)s", "uq_xky"),
            ("%(column_1_name)s", "uq_y"),
            ("%(table_name)s", "uq_tt"),
        ];
        for (token, expected) in cases {
            let conv = NamingConvention::new([(ConstraintKind::Unique, format!("uq_{token}"))]);
            assert_eq!(
                conv.name(ConstraintKind::Unique, &ctx).unwrap().as_deref(),
                Some(expected),
                "{token}"
            );
        }
        let conv = NamingConvention::new([(ConstraintKind::Unique, "uq_%(column_2_name)s")]);
        assert!(matches!(
            conv.name(ConstraintKind::Unique, &ctx),
            Err(NamingError::NoSuchColumn { .. })
        ));
        let conv = NamingConvention::new([(ConstraintKind::Unique, "uq_%(colour)s")]);
        assert!(matches!(
            conv.name(ConstraintKind::Unique, &ctx),
            Err(NamingError::UnknownToken { .. })
        ));
        let conv = NamingConvention::new([(ConstraintKind::Unique, "uq_%(table_name")]);
        assert!(matches!(
            conv.name(ConstraintKind::Unique, &ctx),
            Err(NamingError::Malformed { .. })
        ));
    }

    #[test]
    fn referred_column_tokens() {
        let cols = columns(&["a", "b"]);
        let referred = vec!["a".to_string(), "b".to_string()];
        let ctx = NameContext {
            table_name: "c",
            columns: &cols,
            referred_table: Some("p"),
            referred_columns: &referred,
            ..NameContext::default()
        };
        let conv = NamingConvention::new([(
            ConstraintKind::ForeignKey,
            "fk_%(referred_column_0_name)s_%(referred_column_0N_name)s_%(referred_table_name)s",
        )]);
        assert_eq!(
            conv.name(ConstraintKind::ForeignKey, &ctx).unwrap(),
            Some("fk_a_ab_p".into())
        );
    }

    #[test]
    fn explicit_names_win_unless_the_template_uses_them() {
        let cols = columns(&["e"]);
        let ctx = NameContext {
            table_name: "u",
            columns: &cols,
            explicit_name: Some("my_index"),
            ..NameContext::default()
        };
        let default = NamingConvention::default();
        assert_eq!(
            default.name(ConstraintKind::Index, &ctx).unwrap(),
            Some("my_index".into())
        );
        // No convention for unique constraints: the explicit name, or none.
        assert_eq!(
            default.name(ConstraintKind::Unique, &ctx).unwrap(),
            Some("my_index".into())
        );
        let unnamed = NameContext {
            explicit_name: None,
            ..ctx.clone()
        };
        assert_eq!(
            default.name(ConstraintKind::Unique, &unnamed).unwrap(),
            None
        );
    }

    #[test]
    fn default_convention_labels_include_the_schema() {
        let cols = columns(&["e"]);
        let ctx = NameContext {
            table_schema: Some("app"),
            table_name: "u",
            columns: &cols,
            ..NameContext::default()
        };
        assert_eq!(
            NamingConvention::default()
                .name(ConstraintKind::Index, &ctx)
                .unwrap(),
            Some("ix_app_u_e".into())
        );
    }

    #[test]
    fn long_names_are_truncated_like_sqlalchemy() {
        let long_n = "uq_a_very_long_table_name_that_goes_on_and_on_forever_first_long_column_name_here_second_long_column_name_here";
        assert_eq!(
            ddl_name(long_n),
            "uq_a_very_long_table_name_that_goes_on_and_on_forever_f_791c"
        );
        let long_0n = "uq_a_very_long_table_name_that_goes_on_and_on_forever_first_long_column_name_heresecond_long_column_name_here";
        assert_eq!(
            ddl_name(long_0n),
            "uq_a_very_long_table_name_that_goes_on_and_on_forever_f_9935"
        );
        let exactly_63 = "x".repeat(63);
        assert_eq!(ddl_name(&exactly_63), exactly_63);
        assert_eq!(ddl_name("pk_users"), "pk_users");
    }

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for kind in [
            ConstraintKind::Index,
            ConstraintKind::Unique,
            ConstraintKind::Check,
            ConstraintKind::ForeignKey,
            ConstraintKind::PrimaryKey,
        ] {
            assert_eq!(ConstraintKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(ConstraintKind::from_key("zz"), None);
    }
}
