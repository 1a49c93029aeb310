//! The database form of a schema: what PostgreSQL stores for it, so that a
//! schema read from a model and one read back from the database (through
//! `pg_dump`) can be compared field by field.
//!
//! - Types as PostgreSQL keeps them: `FLOAT` is `double precision`,
//!   `FLOAT(10)` is `real`, `CHAR` is `character(1)`, array dimensions are
//!   not stored.
//! - Autoincrement as the DDL makes it: `true` for the column SQLAlchemy
//!   creates as `SERIAL` (and a serial column read from SQL), `false` for
//!   every other column.
//! - Unnamed constraints get the name PostgreSQL gives them
//!   ([`default_constraint_name`]); names over 63 bytes are cut the way
//!   SQLAlchemy cuts them in DDL ([`ddl_name`]). `NUMERIC(p)` is
//!   `NUMERIC(p, 0)`; interval fields are upper case.
//! - Expressions (defaults, checks, index elements, predicates) in
//!   [`canonical`] form; referential actions in upper case, with PostgreSQL's
//!   defaults (`NO ACTION`, `NOT DEFERRABLE`, `INITIALLY IMMEDIATE`) as none.
//! - Identity and sequence start/increment with PostgreSQL's defaults filled.

use rustc_hash::FxHashSet;

use super::expr::{canonical, column_references};
use crate::naming::ddl_name;
use crate::schema::{Autoincrement, Schema, SqlType, Table};

/// PostgreSQL's identifier limit: NAMEDATALEN - 1 bytes.
const MAX_IDENTIFIER: usize = 63;

/// The schema as PostgreSQL stores it (see the module documentation).
pub fn database_form(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    // Constraint names taken per schema: PostgreSQL avoids clashes by
    // numbering (`t_a_key1`).
    let mut taken: FxHashSet<(Option<String>, String)> = FxHashSet::default();
    for table in &out.tables {
        let schema = public_as_none(&table.schema);
        let named = table
            .primary_key
            .iter()
            .filter_map(|pk| pk.name.clone())
            .chain(table.foreign_keys.iter().filter_map(|c| c.name.clone()))
            .chain(
                table
                    .unique_constraints
                    .iter()
                    .filter_map(|c| c.name.clone()),
            )
            .chain(
                table
                    .check_constraints
                    .iter()
                    .filter_map(|c| c.name.clone()),
            )
            .chain(table.indexes.iter().filter_map(|c| c.name.clone()));
        for name in named {
            taken.insert((schema.clone(), name));
        }
    }
    for table in &mut out.tables {
        table.schema = public_as_none(&table.schema);
        let serial = serial_column(table);
        for column in &mut table.columns {
            column.ty = stored_type(&column.ty);
            // How a model spelled the type is not stored in the database.
            column.sa_type.clear();
            column.autoincrement = if Some(column.name.as_str()) == serial.as_deref() {
                Autoincrement::True
            } else {
                Autoincrement::False
            };
            column.server_default = column
                .server_default
                .as_deref()
                .map(|d| typed_constant(&column.ty, canonical(d)))
                // PostgreSQL does not store `DEFAULT NULL`.
                .filter(|d| !d.eq_ignore_ascii_case("null"));
            column.computed = column.computed.as_deref().map(canonical);
            if let Some(identity) = &mut column.identity {
                let increment = *identity.increment.get_or_insert(1);
                identity
                    .start
                    .get_or_insert(if increment < 0 { -1 } else { 1 });
            }
        }
        truncate_names(table);
        name_constraints(table, &mut taken);
        for fk in &mut table.foreign_keys {
            fk.referred_schema = public_as_none(&fk.referred_schema);
            fk.ondelete = action(&fk.ondelete);
            fk.onupdate = action(&fk.onupdate);
            if fk.deferrable == Some(false) {
                fk.deferrable = None;
            }
            fk.initially = fk
                .initially
                .as_deref()
                .map(str::to_uppercase)
                .filter(|i| i != "IMMEDIATE");
        }
        for check in &mut table.check_constraints {
            check.sqltext = canonical(&check.sqltext);
        }
        for index in &mut table.indexes {
            index.expressions = index.expressions.iter().map(|e| canonical(e)).collect();
            index.r#where = index.r#where.as_deref().map(canonical);
            index.using = index
                .using
                .as_deref()
                .map(str::to_lowercase)
                .filter(|u| u != "btree");
            // `pg_dump` qualifies an operator class outside pg_catalog
            // (`public.gin_trgm_ops`); the search path finds it unqualified.
            for (_, class) in &mut index.ops {
                let bare = class
                    .strip_prefix("public.")
                    .or_else(|| class.strip_prefix("pg_catalog."))
                    .unwrap_or(class);
                *class = bare.to_lowercase();
            }
        }
        for exclude in &mut table.exclude_constraints {
            exclude.using = exclude.using.to_lowercase();
            for (element, _) in &mut exclude.elements {
                *element = canonical(element);
            }
            exclude.r#where = exclude.r#where.as_deref().map(canonical);
        }
    }
    for e in &mut out.enums {
        e.schema = public_as_none(&e.schema);
    }
    for s in &mut out.sequences {
        s.schema = public_as_none(&s.schema);
        let increment = *s.increment.get_or_insert(1);
        s.start.get_or_insert(if increment < 0 { -1 } else { 1 });
    }
    out
}

/// A quoted default on a number or boolean column is stored as the typed
/// constant: PostgreSQL prints `DEFAULT '0'` on an integer as `0` and
/// `'false'` on a boolean as `false` (and `'0'::smallint` on a smallint,
/// which [`canonical`] has already turned into `'0'`).
fn typed_constant(ty: &SqlType, default: String) -> String {
    let Some(inner) = default
        .strip_prefix('\'')
        .and_then(|d| d.strip_suffix('\''))
    else {
        return default;
    };
    let inner = inner.trim();
    match ty {
        SqlType::SmallInt
        | SqlType::Integer
        | SqlType::BigInt
        | SqlType::Numeric { .. }
        | SqlType::Float { .. }
        | SqlType::Real
        | SqlType::DoublePrecision
            if !inner.is_empty()
                && inner.parse::<f64>().is_ok()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) =>
        {
            inner.to_string()
        }
        SqlType::Boolean => match inner.to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "true".to_string(),
            "f" | "false" | "n" | "no" | "off" | "0" => "false".to_string(),
            _ => default,
        },
        _ => default,
    }
}

fn public_as_none(schema: &Option<String>) -> Option<String> {
    schema.clone().filter(|s| s != "public")
}

fn action(action: &Option<String>) -> Option<String> {
    action
        .as_deref()
        .map(str::to_uppercase)
        .filter(|a| a != "NO ACTION")
}

fn stored_type(ty: &SqlType) -> SqlType {
    match ty {
        SqlType::Float { precision: None } => SqlType::DoublePrecision,
        SqlType::Float { precision: Some(p) } => {
            if *p <= 24 {
                SqlType::Real
            } else {
                SqlType::DoublePrecision
            }
        }
        SqlType::Char { length: None } => SqlType::Char { length: Some(1) },
        SqlType::Numeric {
            precision: Some(p),
            scale: None,
        } => SqlType::Numeric {
            precision: Some(*p),
            scale: Some(0),
        },
        SqlType::Interval { fields, precision } => SqlType::Interval {
            fields: fields.as_deref().map(str::to_uppercase),
            precision: *precision,
        },
        SqlType::Bit { length: None } => SqlType::Bit { length: Some(1) },
        SqlType::Array { element, .. } => SqlType::Array {
            element: Box::new(stored_type(element)),
            dimensions: 1,
        },
        SqlType::Enum { schema, name } => SqlType::Enum {
            schema: public_as_none(schema),
            name: name.clone(),
        },
        SqlType::Named(name) => {
            let upper = name.to_uppercase();
            SqlType::Named(
                upper
                    .strip_prefix("PUBLIC.")
                    .map_or(upper.clone(), str::to_string),
            )
        }
        other => other.clone(),
    }
}

/// The column the DDL creates as `SERIAL`: SQLAlchemy's rule for the
/// PostgreSQL dialect — an integer column without identity or server
/// default that is the table's autoincrement column: the only primary key
/// column (and not a foreign key) with `autoincrement="auto"`, or the one
/// primary key column marked `autoincrement=True`.
fn serial_column(table: &Table) -> Option<String> {
    let pk = table.primary_key.as_ref()?;
    let integer =
        |ty: &SqlType| matches!(ty, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt);
    let in_fk = |name: &str| {
        table
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.iter().any(|c| c == name))
    };
    let mut candidates = pk.columns.iter().filter_map(|name| table.column(name));
    let chosen = if pk.columns.len() == 1 {
        candidates.find(|c| {
            c.autoincrement == Autoincrement::True
                || (c.autoincrement == Autoincrement::Auto && !in_fk(&c.name))
        })
    } else {
        candidates.find(|c| c.autoincrement == Autoincrement::True)
    }?;
    (integer(&chosen.ty) && chosen.identity.is_none() && chosen.server_default.is_none())
        .then(|| chosen.name.clone())
}

/// Names longer than PostgreSQL's limit as SQLAlchemy emits them in DDL
/// (cut, with a hash of the full name: [`ddl_name`]).
fn truncate_names(table: &mut Table) {
    for name in table.constraint_names_mut().flatten() {
        *name = ddl_name(name);
    }
    for name in table.indexes.iter_mut().filter_map(|i| i.name.as_mut()) {
        *name = ddl_name(name);
    }
}

pub(super) fn name_constraints(table: &mut Table, taken: &mut FxHashSet<(Option<String>, String)>) {
    let schema = table.schema.clone();
    let name = table.name.clone();
    let mut choose = |columns: &[String], label: &str| {
        let chosen = default_constraint_name(&name, columns, label, |candidate| {
            taken.contains(&(schema.clone(), candidate.to_string()))
        });
        taken.insert((schema.clone(), chosen.clone()));
        chosen
    };
    if let Some(pk) = &mut table.primary_key
        && pk.name.is_none()
    {
        pk.name = Some(choose(&[], "pkey"));
    }
    for unique in &mut table.unique_constraints {
        if unique.name.is_none() {
            unique.name = Some(choose(&unique.columns, "key"));
        }
    }
    for fk in &mut table.foreign_keys {
        if fk.name.is_none() {
            fk.name = Some(choose(&fk.columns, "fkey"));
        }
    }
    let columns: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    for check in &mut table.check_constraints {
        if check.name.is_none() {
            let mentioned: Vec<String> = column_references(&check.sqltext)
                .into_iter()
                .filter(|r| columns.contains(r))
                .collect();
            let single = if mentioned.len() == 1 {
                mentioned
            } else {
                Vec::new()
            };
            check.name = Some(choose(&single, "check"));
        }
    }
    for index in &mut table.indexes {
        if index.name.is_none() {
            let plain: Vec<String> = index
                .expressions
                .iter()
                .filter(|e| columns.contains(e))
                .cloned()
                .collect();
            let parts = if plain.is_empty() {
                vec!["expr".to_string()]
            } else {
                plain
            };
            index.name = Some(choose(&parts, "idx"));
        }
    }
}

/// The name PostgreSQL gives an unnamed constraint or index on `table`:
/// `table_col1_col2_label` (`users_pkey`, `users_email_key`,
/// `posts_author_id_fkey`, `t_price_check`), shortened to 63 bytes the way
/// PostgreSQL's `makeObjectName` does (the longer of the two parts loses a
/// byte at a time), with a number after the label while `taken` says the name
/// is in use.
pub fn default_constraint_name(
    table: &str,
    columns: &[String],
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let addition = columns.join("_");
    let mut n = 0u32;
    loop {
        let label = if n == 0 {
            label.to_string()
        } else {
            format!("{label}{n}")
        };
        let candidate = make_object_name(table, &addition, &label);
        if !taken(&candidate) || n > 1000 {
            return candidate;
        }
        n += 1;
    }
}

fn make_object_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(!name2.is_empty());
    let available = MAX_IDENTIFIER.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = clip(name1, n1);
    if !name2.is_empty() {
        out.push('_');
        out.push_str(&clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// Names PostgreSQL 15 chose for the fixtures' unnamed constraints.
    #[test]
    fn default_names_are_postgresql_s() {
        let free = |_: &str| false;
        assert_eq!(
            default_constraint_name("users", &[], "pkey", free),
            "users_pkey"
        );
        assert_eq!(
            default_constraint_name("posts", &cols(&["author_id"]), "fkey", free),
            "posts_author_id_fkey"
        );
        assert_eq!(
            default_constraint_name("bin", &cols(&["region", "code"]), "key", free),
            "bin_region_code_key"
        );
        assert_eq!(
            default_constraint_name("product", &cols(&["stock"]), "check", free),
            "product_stock_check"
        );
        assert_eq!(
            default_constraint_name("product", &[], "check", |n| n == "product_check"),
            "product_check1"
        );
    }

    /// `CREATE TABLE aaa…(60) (bbb…(40) int UNIQUE)` in PostgreSQL 15 names
    /// the constraint with 29 + 29 bytes of the two names.
    #[test]
    fn long_names_are_shortened_like_make_object_name() {
        let table = "a".repeat(60);
        let column = "b".repeat(40);
        let name = default_constraint_name(&table, &cols(&[&column]), "key", |_| false);
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
    }
}
