//! A typed wrapper over PGlite: the real PostgreSQL, compiled to wasm, running
//! in the page.
//!
//! The JavaScript side boots PGlite in its own worker (`www/js/pg-worker.js`,
//! so a long statement never holds the page) and hands back a proxy with
//! PGlite's `exec` and `query`; every call goes from Rust to that proxy, and
//! results come back as Rust values.

use std::fmt;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// A PGlite instance, as `PGlite.create()` returned it.
    #[derive(Clone)]
    type JsPGlite;

    #[wasm_bindgen(method, catch)]
    async fn exec(this: &JsPGlite, sql: &str, options: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    async fn query(
        this: &JsPGlite,
        sql: &str,
        params: &Array,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = retort, js_name = loadPglite)]
    fn load_pglite(on_progress: &Function) -> Result<Promise, JsValue>;
}

/// How far loading has got; sizes are bytes.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "phase", rename_all = "lowercase")]
pub enum Progress {
    /// Fetching PGlite's wasm, its file bundle and the initial data directory.
    Download { loaded: f64, total: f64 },
    /// Compiling the wasm module.
    Compile,
    /// Postgres is starting from the data directory.
    Start,
}

/// A connection to PGlite, ready for queries.
#[derive(Clone)]
pub struct Database {
    inner: JsPGlite,
    /// `select version()`, e.g. `PostgreSQL 18.6 (PGlite 0.5.16) on wasm32…`.
    pub version: String,
    /// From the start of the download to the first answered query.
    pub boot_ms: f64,
}

/// Starts loading PGlite and returns the promise of the loaded instance, so
/// that any number of callers can wait for the same load.
pub fn start_loading(on_progress: &Function) -> Result<Promise, DbError> {
    load_pglite(on_progress).map_err(DbError::from_js)
}

impl Database {
    /// Waits for a load started by [`start_loading`].
    pub async fn from_loading(loading: &Promise) -> Result<Database, DbError> {
        let loaded = JsFuture::from(loading.clone())
            .await
            .map_err(DbError::from_js)?;
        let inner: JsPGlite = get(&loaded, "db").unchecked_into();
        let version = get(&loaded, "version").as_string().unwrap_or_default();
        let boot_ms = get(&loaded, "bootMs").as_f64().unwrap_or_default();
        Ok(Database {
            inner,
            version,
            boot_ms,
        })
    }

    /// Runs one or more statements (simple query protocol) and returns one
    /// result per statement. Statements run in one implicit transaction unless
    /// the text has its own `BEGIN`/`COMMIT`, as in psql.
    pub async fn exec(&self, sql: &str) -> Result<Vec<QueryResult>, DbError> {
        let results = self
            .inner
            .exec(sql, &query_options())
            .await
            .map_err(DbError::from_js)?;
        Array::from(&results)
            .iter()
            .map(|result| QueryResult::from_js(&result))
            .collect()
    }

    /// Runs a single statement with `$1`, `$2`… parameters (extended query
    /// protocol).
    pub async fn query(&self, sql: &str, params: &[Value]) -> Result<QueryResult, DbError> {
        let params: Array = params.iter().map(Value::to_js).collect();
        let result = self
            .inner
            .query(sql, &params, &query_options())
            .await
            .map_err(DbError::from_js)?;
        QueryResult::from_js(&result)
    }
}

/// Rows as arrays, and date/time values in Postgres's own text form (a JS
/// `Date` would drop microseconds and the zone).
fn query_options() -> JsValue {
    const TEXT_KEPT: [u32; 6] = [
        1082, // date
        1083, // time
        1114, // timestamp
        1184, // timestamptz
        1186, // interval
        1266, // timetz
    ];
    let options = Object::new();
    set(&options, "rowMode", &JsValue::from_str("array"));
    let keep_text = Reflect::get(&js_sys::global(), &JsValue::from_str("retort"))
        .map(|glue| get(&glue, "keepText"))
        .unwrap_or(JsValue::UNDEFINED);
    if keep_text.is_function() {
        let parsers = Object::new();
        for oid in TEXT_KEPT {
            set(&parsers, &oid.to_string(), &keep_text);
        }
        set(&options, "parsers", &parsers);
    }
    options.into()
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we just made cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A column of a result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    /// The type's OID (`pg_type.oid`), e.g. 23 for `integer`.
    #[serde(rename = "dataTypeID")]
    pub data_type_id: u32,
}

/// What one statement returned.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// The command tag's verb: `SELECT`, `INSERT`, `CREATE`…
    pub command: Option<String>,
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    /// Rows inserted, updated, deleted (or selected).
    pub affected_rows: Option<u64>,
}

impl QueryResult {
    /// Postgres's EmptyQueryResponse: the text held only comments or
    /// whitespace, so nothing ran (no command tag, no columns).
    pub fn is_empty_query(&self) -> bool {
        self.command.is_none() && self.fields.is_empty()
    }

    fn from_js(result: &JsValue) -> Result<QueryResult, DbError> {
        let fields: Vec<Field> =
            serde_wasm_bindgen::from_value(get(result, "fields")).map_err(|error| DbError {
                message: format!("PGlite returned fields retort cannot read: {error}"),
                ..DbError::default()
            })?;
        let rows = Array::from(&get(result, "rows"))
            .iter()
            .map(|row| {
                Array::from(&row)
                    .iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        let oid = fields.get(i).map_or(0, |f| f.data_type_id);
                        Value::from_js(&cell, oid)
                    })
                    .collect()
            })
            .collect();
        Ok(QueryResult {
            command: get(result, "command").as_string(),
            fields,
            rows,
            affected_rows: get(result, "affectedRows")
                .as_f64()
                .filter(|n| *n >= 0.0)
                .map(|n| n as u64),
        })
    }
}

/// A value of a result cell, as PGlite parsed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text, and every type shown in its Postgres text form (numeric, dates,
    /// uuid, inet, enums…).
    Text(String),
    /// `json`/`jsonb`, serialised.
    Json(String),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
}

const INTEGER_OIDS: [u32; 4] = [20, 21, 23, 26];

impl Value {
    fn from_js(value: &JsValue, oid: u32) -> Value {
        if value.is_null() || value.is_undefined() {
            return Value::Null;
        }
        if let Some(b) = value.as_bool() {
            return Value::Bool(b);
        }
        if value.is_bigint() {
            let text = js_sys::BigInt::from(value.clone())
                .to_string(10)
                .map(String::from)
                .unwrap_or_default();
            return text.parse().map_or(Value::Text(text), Value::Int);
        }
        if let Some(n) = value.as_f64() {
            let whole = n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15;
            return if INTEGER_OIDS.contains(&oid) && whole {
                Value::Int(n as i64)
            } else {
                Value::Float(n)
            };
        }
        if let Some(s) = value.as_string() {
            return Value::Text(s);
        }
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            return Value::Bytes(bytes.to_vec());
        }
        if Array::is_array(value) {
            return Value::Array(
                Array::from(value)
                    .iter()
                    .map(|v| Value::from_js(&v, 0))
                    .collect(),
            );
        }
        if let Some(date) = value.dyn_ref::<js_sys::Date>() {
            return Value::Text(String::from(date.to_iso_string()));
        }
        match js_sys::JSON::stringify(value) {
            Ok(json) => Value::Json(String::from(json)),
            Err(_) => Value::Text(String::from(
                js_sys::Object::from(value.clone()).to_string(),
            )),
        }
    }

    fn to_js(&self) -> JsValue {
        match self {
            Value::Null => JsValue::NULL,
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Int(i) => js_sys::BigInt::from(*i).into(),
            Value::Float(f) => JsValue::from_f64(*f),
            Value::Text(s) | Value::Json(s) => JsValue::from_str(s),
            Value::Bytes(b) => Uint8Array::from(b.as_slice()).into(),
            Value::Array(items) => items.iter().map(Value::to_js).collect::<Array>().into(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Values print the way psql prints them (NULL as an empty string).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => f.write_str(if *b { "t" } else { "f" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(s) | Value::Json(s) => f.write_str(s),
            Value::Bytes(bytes) => {
                f.write_str("\\x")?;
                bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
            Value::Array(items) => {
                f.write_str("{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    match item {
                        Value::Null => f.write_str("NULL")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

/// An error from Postgres (with its SQLSTATE) or from loading PGlite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbError {
    pub message: String,
    /// SQLSTATE, e.g. `42P01`; `None` for errors that did not come from
    /// Postgres (a failed download, say).
    pub code: Option<String>,
    /// `ERROR`, `FATAL`…
    pub severity: Option<String>,
    /// 1-based character position in the query text, as Postgres reports it.
    pub position: Option<usize>,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl DbError {
    fn from_js(error: JsValue) -> DbError {
        let text = |key: &str| get(&error, key).as_string().filter(|s| !s.is_empty());
        let message = text("message")
            .or_else(|| error.as_string())
            .unwrap_or_else(|| String::from(js_sys::Object::from(error.clone()).to_string()));
        DbError {
            message,
            code: text("code"),
            severity: text("severity"),
            position: text("position").and_then(|p| p.parse().ok()).or_else(|| {
                get(&error, "position")
                    .as_f64()
                    .filter(|p| *p >= 1.0)
                    .map(|p| p as usize)
            }),
            detail: text("detail"),
            hint: text("hint"),
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(
                f,
                "{} {code}: {}",
                self.severity.as_deref().unwrap_or("ERROR"),
                self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}
