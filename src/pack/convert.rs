//! TOML values of params and reference data: conversion to JSON and type inference.

use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::Value as Json;
use toml_datetime::Datetime;

use super::raw::{Table, Value};
use crate::types::{RecordType, Type};

/// Converts a TOML value to JSON. Dates become ISO text, datetimes RFC 3339 text, floats keep
/// their shortest decimal text (so `0.5` stays `0.5`).
pub fn toml_to_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::String(s.clone()),
        Value::Integer(i) => Json::from(*i),
        Value::Float(f) => {
            if f.is_finite() {
                serde_json::Number::from_str(&format!("{f}"))
                    .map(Json::Number)
                    .unwrap_or(Json::Null)
            } else {
                Json::Null
            }
        }
        Value::Boolean(b) => Json::Bool(*b),
        Value::Datetime(d) => Json::String(d.to_string()),
        Value::Array(items) => Json::Array(items.iter().map(toml_to_json).collect()),
        Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

pub fn table_to_json(t: &Table) -> Json {
    Json::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect())
}

/// Infers the static type of a TOML value. Empty arrays are `list<any>`.
pub fn infer_type(v: &Value, name: &str) -> Type {
    match v {
        Value::String(_) => Type::String,
        Value::Integer(_) | Value::Float(_) => Type::Number,
        Value::Boolean(_) => Type::Bool,
        Value::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(_), None, None) => Type::Date,
            (Some(_), Some(_), Some(_)) => Type::DateTime,
            _ => Type::String,
        },
        Value::Array(items) => Type::List(Box::new(
            items
                .first()
                .map(|f| infer_type(f, name))
                .unwrap_or(Type::Any),
        )),
        Value::Table(t) => Type::Record(Arc::new(infer_record(t, name))),
    }
}

pub fn infer_record(t: &Table, name: &str) -> RecordType {
    let fields: crate::types::NameMap<Type> = t
        .iter()
        .map(|(k, v)| (k.clone(), infer_type(v, &format!("{name}.{k}"))))
        .collect();
    RecordType {
        name: name.to_string(),
        fields,
    }
}

/// Whether the record `infer_record(t, _)` would build has the shape of `ty` — a quick
/// structural check: `true` means `shape` of both is the same text; `false` may still be the
/// same text (field names holding `:` or `,`), so callers compare the texts then.
pub fn table_has_shape(t: &Table, ty: &Type) -> bool {
    let Type::Record(r) = ty else { return false };
    t.len() == r.fields.len()
        && t.iter().zip(r.fields.iter()).all(|((k, v), (fk, ft))| k == fk && value_has_shape(v, ft))
}

fn value_has_shape(v: &Value, ty: &Type) -> bool {
    match (v, ty) {
        (Value::Table(t), _) => table_has_shape(t, ty),
        (Value::Array(items), Type::List(e)) => match items.first() {
            None => matches!(**e, Type::Any),
            Some(first) => value_has_shape(first, e),
        },
        (Value::Array(_), _) => false,
        (leaf, _) => std::mem::discriminant(&infer_type(leaf, "")) == std::mem::discriminant(ty),
    }
}

/// A structural description of a type, for comparing inferred shapes.
pub fn shape(t: &Type) -> String {
    match t {
        Type::Record(r) => {
            let inner: Vec<String> = r
                .fields
                .iter()
                .map(|(k, v)| format!("{k}:{}", shape(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Type::List(e) => format!("list<{}>", shape(e)),
        other => other.to_string(),
    }
}

/// A TOML date with no time part.
pub fn toml_date(d: &Datetime) -> Option<NaiveDate> {
    match (d.date, d.time, d.offset) {
        (Some(date), None, None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        ),
        _ => None,
    }
}

/// Whether a row of reference data fits a declared type: every field of a record present (a
/// data row is complete, unlike an input document), no field it does not declare, and every
/// value decoding as its type. The error names the first misfit's field path.
pub fn check_value(v: &Json, ty: &Type) -> Result<(), String> {
    match (ty, v) {
        (Type::Any, _) => Ok(()),
        (Type::Record(r), Json::Object(o)) => {
            for (name, fty) in &r.fields {
                let fv = o.get(name).ok_or_else(|| format!("`{name}` is missing"))?;
                check_value(fv, fty).map_err(|e| format!("{name}: {e}"))?;
            }
            match o.keys().find(|k| r.field(k).is_none()) {
                Some(k) => Err(format!("`{k}` is not a field of `{}`", r.name)),
                None => Ok(()),
            }
        }
        (Type::List(e), Json::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(item, e).map_err(|m| format!("[{i}]: {m}"))?;
            }
            Ok(())
        }
        (leaf, v) if !matches!(leaf, Type::Record(_) | Type::List(_)) && crate::value::decode(&crate::document::Json::from_serde(v), leaf).is_some() && !v.is_null() => Ok(()),
        (ty, _) => Err(format!("expected `{ty}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_floats_keep_their_decimal_text() {
        let t: Table = super::super::raw::read_doc("a = 0.1\nb = 2026-03-15\nc = [1, 2]").unwrap();
        let j = table_to_json(&t);
        assert_eq!(j["a"].to_string(), "0.1");
        assert_eq!(j["b"], "2026-03-15");
        assert!(matches!(infer_type(&t["b"], "b"), Type::Date));
        assert_eq!(shape(&infer_type(&t["c"], "c")), "list<number>");
    }
}
