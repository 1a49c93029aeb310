//! The rows a rehearsal starts with, planned from the `Schema`: one
//! `INSERT … SELECT … FROM generate_series(1, N)` per table, parents
//! before the tables that refer to them.
//!
//! Row `g` gets values made from `g`, so primary keys and unique columns
//! stay distinct, a foreign key points at an existing parent row (`1 +
//! (g - 1) % N`, the parent's row made from that number), enums cycle
//! through their values, a `CHECK (col IN (…))` is met by picking from its
//! list, and every tenth row leaves a nullable column `NULL`. Numbers are
//! positive and strings non-empty, which is what most other checks ask.
//! Columns the database fills (a `SERIAL` key, identity, computed) are
//! left to it. The SQL is shown to the user, who can edit it; a row that
//! still breaks a constraint gets PostgreSQL's own error.

use crate::quote::{ident, literal};
use crate::schema::{Autoincrement, Column, Schema, SqlType, Table};

/// The most rows a seed plans per table.
pub const MAX_ROWS: u32 = 100_000;

/// The seed for `schema`, `rows` rows per table (clamped to
/// `1..=MAX_ROWS`).
pub fn seed_sql(schema: &Schema, rows: u32) -> String {
    let rows = rows.clamp(1, MAX_ROWS);
    let order = parents_first(schema);
    let mut out = format!("-- {rows} rows per table, parents first; edit freely.\n");
    for &t in &order {
        let table = &schema.tables[t];
        let seeded_before = |other: &Table| -> bool {
            order
                .iter()
                .take_while(|&&o| o != t)
                .any(|&o| std::ptr::eq(&schema.tables[o], other))
        };
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for column in &table.columns {
            if filled_by_database(table, column) {
                continue;
            }
            let value = match foreign_value(schema, table, column, &seeded_before, rows) {
                Some(v) => v,
                None => own_value(schema, table, column, "g"),
            };
            columns.push(ident(&column.name));
            values.push(value);
        }
        let name = match &table.schema {
            Some(s) => format!("{}.{}", ident(s), ident(&table.name)),
            None => ident(&table.name),
        };
        if columns.is_empty() {
            out.push_str(&format!(
                "INSERT INTO {name} SELECT FROM generate_series(1, {rows}) AS g;\n"
            ));
            continue;
        }
        out.push_str(&format!(
            "INSERT INTO {name} ({})\nSELECT {}\nFROM generate_series(1, {rows}) AS g;\n",
            columns.join(", "),
            values.join(",\n       ")
        ));
    }
    out
}

/// Tables in an order where each comes after the tables its foreign keys
/// name (a cycle is cut where it closes; those keys get `NULL` or fail).
fn parents_first(schema: &Schema) -> Vec<usize> {
    let mut order = Vec::new();
    let mut state = vec![0u8; schema.tables.len()];
    fn visit(schema: &Schema, t: usize, state: &mut [u8], order: &mut Vec<usize>) {
        if state[t] != 0 {
            return;
        }
        state[t] = 1;
        for fk in &schema.tables[t].foreign_keys {
            let schema_name = fk
                .referred_schema
                .as_deref()
                .or(schema.tables[t].schema.as_deref());
            if let Some(p) = schema
                .tables
                .iter()
                .position(|p| p.name == fk.referred_table && p.schema.as_deref() == schema_name)
            {
                visit(schema, p, state, order);
            }
        }
        state[t] = 2;
        order.push(t);
    }
    for t in 0..schema.tables.len() {
        visit(schema, t, &mut state, &mut order);
    }
    order
}

fn is_integer(ty: &SqlType) -> bool {
    matches!(ty, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
}

/// A `SERIAL` key, an identity or a computed column.
fn filled_by_database(table: &Table, column: &Column) -> bool {
    if column.identity.is_some() || column.computed.is_some() {
        return true;
    }
    let lone_key = table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == column.name);
    lone_key
        && is_integer(&column.ty)
        && column.autoincrement != Autoincrement::False
        && column.server_default.is_none()
}

fn in_primary_key(table: &Table, column: &Column) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.contains(&column.name))
}

/// A foreign key column's value: the parent row `1 + (g - 1) % rows`'s
/// referred column, or `NULL` when the parent is not seeded yet.
fn foreign_value(
    schema: &Schema,
    table: &Table,
    column: &Column,
    seeded_before: &dyn Fn(&Table) -> bool,
    rows: u32,
) -> Option<String> {
    let fk = table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.contains(&column.name))?;
    let at = fk.columns.iter().position(|c| *c == column.name)?;
    let parent_schema = fk.referred_schema.as_deref().or(table.schema.as_deref());
    let parent = schema.table(parent_schema, &fk.referred_table)?;
    let referred = parent.column(fk.referred_columns.get(at)?)?;
    let self_reference = std::ptr::eq(parent, table);
    if self_reference {
        // Each row points at the one before it (the first at nothing).
        let row = "(g - 1)";
        let value = own_value(schema, parent, referred, row);
        return Some(if column.nullable {
            format!("CASE WHEN g > 1 THEN {value} END")
        } else {
            own_value(schema, parent, referred, "g")
        });
    }
    if !seeded_before(parent) {
        return Some("NULL".to_string());
    }
    Some(own_value(
        schema,
        parent,
        referred,
        &format!("(1 + (g - 1) % {rows})"),
    ))
}

/// Row `g`'s value of `column` (`g` an SQL expression for the row number).
fn own_value(schema: &Schema, table: &Table, column: &Column, g: &str) -> String {
    let value = if filled_by_database(table, column) {
        // What the sequence gives row g of a fresh table.
        g.to_string()
    } else if let Some(choices) = check_choices(table, column) {
        let list: Vec<String> = choices.iter().map(|c| literal(c)).collect();
        format!("(ARRAY[{}])[1 + {g} % {}]", list.join(", "), choices.len())
    } else {
        type_value(schema, &column.ty, &column.name, g)
    };
    let nullable = column.nullable && !in_primary_key(table, column);
    if nullable && g == "g" && !is_unique(table, column) {
        format!("CASE WHEN g % 10 <> 0 THEN {value} END")
    } else {
        value
    }
}

fn is_unique(table: &Table, column: &Column) -> bool {
    table
        .unique_constraints
        .iter()
        .any(|u| u.columns.contains(&column.name))
        || table
            .indexes
            .iter()
            .any(|i| i.unique && i.expressions.contains(&column.name))
}

/// The values a `CHECK (col IN ('a', 'b'))` (or `col = ANY (ARRAY[…])`)
/// allows.
fn check_choices(table: &Table, column: &Column) -> Option<Vec<String>> {
    table.check_constraints.iter().find_map(|check| {
        let text = check.sqltext.trim();
        let rest = text
            .trim_start_matches('(')
            .trim_start()
            .strip_prefix(column.name.as_str())
            .or_else(|| {
                text.trim_start_matches('(')
                    .strip_prefix(&format!("\"{}\"", column.name))
            })?
            .trim_start();
        let list = rest
            .strip_prefix("IN")
            .or_else(|| rest.strip_prefix("in"))?
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')');
        let values: Option<Vec<String>> = list
            .split(',')
            .map(|v| {
                let v = v.trim();
                v.strip_prefix('\'')
                    .and_then(|v| v.strip_suffix('\''))
                    .map(|v| v.replace("''", "'"))
            })
            .collect();
        values.filter(|v| !v.is_empty())
    })
}

/// A value of type `ty` for row `g`, distinct per row where the type
/// allows it.
fn type_value(schema: &Schema, ty: &SqlType, name: &str, g: &str) -> String {
    match ty {
        SqlType::SmallInt => format!("({g} % 32000)::smallint"),
        SqlType::Integer | SqlType::Oid => g.to_string(),
        SqlType::BigInt => format!("{g}::bigint"),
        SqlType::Numeric { precision, scale } => {
            let whole = precision.unwrap_or(18).saturating_sub(scale.unwrap_or(0));
            let limit = 10u64.saturating_pow(whole.min(9));
            format!("({g} % {limit})::numeric")
        }
        SqlType::Float { .. } | SqlType::Real | SqlType::DoublePrecision => {
            format!("({g} * 1.5)::double precision")
        }
        SqlType::Money => format!("({g} * 1.25)::numeric::money"),
        SqlType::Varchar { length } | SqlType::Char { length } => {
            let text = format!("'{}-' || {g}", name.replace('\'', "''"));
            match length {
                Some(n) if *n < 24 => format!("right({text}, {n})"),
                _ => text,
            }
        }
        SqlType::Text => format!("'{}-' || {g}", name.replace('\'', "''")),
        SqlType::Boolean => format!("{g} % 2 = 0"),
        SqlType::Date => format!("date '2024-01-01' + ({g} % 3650)::int"),
        SqlType::Time { .. } => format!("time '00:00' + {g} * interval '1 second'"),
        SqlType::Timestamp { .. } => {
            format!("timestamp '2024-01-01' + {g} * interval '1 minute'")
        }
        SqlType::Interval { .. } => format!("{g} * interval '1 second'"),
        SqlType::Json => format!("json_build_object('n', {g})"),
        SqlType::Jsonb => format!("jsonb_build_object('n', {g})"),
        SqlType::Bytea => format!("convert_to({g}::text, 'UTF8')"),
        SqlType::Uuid => format!("md5({g}::text)::uuid"),
        SqlType::Inet | SqlType::Cidr => {
            format!(
                "('10.' || ({g} / 65536) % 256 || '.' || ({g} / 256) % 256 || '.' || {g} % 256)::inet"
            )
        }
        SqlType::Macaddr => format!("lpad(to_hex({g}), 12, '0')::macaddr"),
        SqlType::TsVector => format!("to_tsvector('simple', 'row ' || {g})"),
        SqlType::Bit { length } => format!("({g} % 2)::bit({})", length.unwrap_or(1).max(1)),
        SqlType::Array { element, .. } => {
            format!("ARRAY[{}]", type_value(schema, element, name, g))
        }
        SqlType::Enum {
            schema: s,
            name: type_name,
        } => {
            match schema
                .enums
                .iter()
                .find(|e| e.name == *type_name && e.schema == *s)
                .filter(|e| !e.values.is_empty())
            {
                Some(e) => {
                    let list: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
                    let cast = match s {
                        Some(s) => format!("{}.{}", ident(s), ident(type_name)),
                        None => ident(type_name),
                    };
                    format!(
                        "((ARRAY[{}])[1 + {g} % {}])::{cast}",
                        list.join(", "),
                        list.len()
                    )
                }
                None => "NULL".to_string(),
            }
        }
        SqlType::Named(_) => "DEFAULT".to_string(),
    }
}

#[cfg(all(test, feature = "sql"))]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::input::read_schema;

    #[test]
    fn parents_come_first_and_keys_point_at_their_rows() {
        let (schema, _) = read_schema(
            "CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), \
             status text NOT NULL CHECK (status IN ('new', 'paid')), note text);\n\
             CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE);",
        );
        let sql = seed_sql(&schema, 50);
        let users = sql.find("INSERT INTO users").expect("users seeded");
        let orders = sql.find("INSERT INTO orders").expect("orders seeded");
        assert!(users < orders, "{sql}");
        assert!(sql.contains("(user_id, status, note)"), "{sql}");
        assert!(sql.contains("(1 + (g - 1) % 50)"), "{sql}");
        assert!(sql.contains("(ARRAY['new', 'paid'])[1 + g % 2]"), "{sql}");
        assert!(
            sql.contains("CASE WHEN g % 10 <> 0 THEN 'note-' || g END"),
            "{sql}"
        );
        // The unique email is never NULL and always distinct.
        assert!(sql.contains("SELECT 'email-' || g"), "{sql}");
    }

    #[test]
    fn counts_are_clamped() {
        let (schema, _) = read_schema("CREATE TABLE t (id int PRIMARY KEY);");
        assert!(seed_sql(&schema, 0).contains("generate_series(1, 1)"));
        assert!(seed_sql(&schema, 5_000_000).contains("generate_series(1, 100000)"));
    }
}
