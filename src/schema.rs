//! A pack's document model as a JSON Schema (draft 2020-12): every document type and the record
//! types they use, with the model's labels in each language and its enumerations. What
//! `qagida pack schema` prints; the npm package ships it (`documents.schema.json`) and generates
//! the documents' TypeScript declarations from it, and forms read their labels from it.
//!
//! The schema says what the engine's shape check says (`TYPE`): each declared field's JSON form;
//! every field optional (presence is the rules' to check), unknown fields allowed (the contract
//! lets vendors carry their own). Keywords of its own start with `x-qagida-`; `tsType` is
//! json-schema-to-typescript's (an open enumeration: its values, or any string).

use serde_json::{Map, Value, json};

use crate::pack::{Pack, Text};
use crate::types::{RecordType, Type};

/// The JSON Schema of `pack`'s documents; `description`s in `lang` (a language of the pack).
pub fn document_schema(pack: &Pack, lang: Option<&str>) -> Value {
    let lang_id = pack.language(lang);
    let labels = &pack.labels;
    let all = |t: &Text| -> Value {
        let m: Map<String, Value> = pack.languages.iter().enumerate().map(|(i, l)| (l.code().to_string(), Value::from(t.get(crate::pack::LangId(u16::try_from(i).unwrap_or(0)))))).collect();
        Value::Object(m)
    };
    // Record types reachable from the document types, in the order first met.
    let mut records: Vec<std::sync::Arc<RecordType>> = Vec::new();
    for dt in pack.doc_types.values() {
        collect_records(&Type::Record(dt.record.clone()), &mut records, true);
    }
    let record_key = |name: &str| if pack.doc_types.contains_key(name) { format!("{name}_record") } else { name.to_string() };
    let mut defs = Map::new();
    let object = |rec: &RecordType, doc: bool| -> Value {
        let mut props = Map::new();
        if doc {
            props.insert("document_type".into(), json!({ "const": rec.name }));
        }
        for (field, ty) in &rec.fields {
            let mut s = field_schema(ty, &record_key);
            if let Value::Object(m) = &mut s {
                if let Some(t) = labels.field(&rec.name, field) {
                    m.insert("description".into(), Value::from(t.get(lang_id)));
                    m.insert("x-qagida-labels".into(), all(t));
                }
                if let Some(e) = labels.enumeration(&rec.name, field) {
                    enumerate(m, e, &all);
                }
            }
            props.insert(field.clone(), s);
        }
        let mut m = Map::new();
        m.insert("type".into(), "object".into());
        m.insert("title".into(), Value::from(rec.name.clone()));
        let label = if doc { labels.document(&rec.name) } else { None };
        if let Some(t) = label {
            m.insert("description".into(), Value::from(t.get(lang_id)));
            m.insert("x-qagida-labels".into(), all(t));
        }
        m.insert("x-qagida-kind".into(), Value::from(if doc { "document" } else { "record" }));
        if doc {
            m.insert("required".into(), json!(["document_type"]));
        }
        m.insert("properties".into(), Value::Object(props));
        Value::Object(m)
    };
    for (name, dt) in &pack.doc_types {
        defs.insert(name.clone(), object(&dt.record, true));
    }
    for r in &records {
        defs.insert(record_key(&r.name), object(r, false));
    }
    let one_of: Vec<Value> = pack.doc_types.keys().map(|n| json!({ "$ref": format!("#/$defs/{n}") })).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:qagida:{}:{}:documents", pack.id, pack.version),
        "title": "QagidaDocument",
        "description": pack.title.get(lang_id),
        "x-qagida-pack": { "id": pack.id, "version": pack.version, "languages": pack.languages.iter().map(|l| l.code()).collect::<Vec<_>>() },
        "oneOf": one_of,
        "$defs": defs,
    })
}

/// The schema of a field of type `ty` (record types by reference). `null` is taken wherever a
/// value is: the engine reads a `null` field as absent, never as a wrong type.
fn field_schema(ty: &Type, record_key: &dyn Fn(&str) -> String) -> Value {
    match ty {
        Type::Bool => json!({ "type": ["boolean", "null"] }),
        Type::Integer => json!({ "type": ["integer", "null"] }),
        // Decimals: a JSON number or a string of its decimal text (DOCUMENTS.md).
        Type::Number => json!({ "type": ["number", "string", "null"], "format": "decimal", "tsType": "number | string | null" }),
        Type::String => json!({ "type": ["string", "null"] }),
        Type::Date => json!({ "type": ["string", "null"], "format": "date" }),
        Type::DateTime => json!({ "type": ["string", "null"], "format": "date-time" }),
        Type::List(e) => json!({ "type": ["array", "null"], "items": item_schema(e, record_key) }),
        Type::Record(r) => json!({ "anyOf": [{ "$ref": format!("#/$defs/{}", record_key(&r.name)) }, { "type": "null" }] }),
        Type::Document => json!({ "anyOf": [{ "$ref": "#" }, { "type": "null" }] }),
        // Not a type of a document's field (expressions only): no value fits it.
        Type::Duration | Type::Calendar => json!({ "type": "null" }),
        Type::Null | Type::Any => json!({}),
    }
}

/// The schema of a list's item: its type's, without `null` for a record or a document (a
/// list's items are read as they are).
fn item_schema(ty: &Type, record_key: &dyn Fn(&str) -> String) -> Value {
    match ty {
        Type::Record(r) => json!({ "$ref": format!("#/$defs/{}", record_key(&r.name)) }),
        Type::Document => json!({ "$ref": "#" }),
        other => field_schema(other, record_key),
    }
}

/// An enumerated field's values: `enum` when closed, `examples` (and a TypeScript type that
/// takes any string) when open; every value's labels.
fn enumerate(m: &mut Map<String, Value>, e: &crate::pack::Enumeration, all: &dyn Fn(&Text) -> Value) {
    let values: Vec<Value> = e.values.iter().map(|(v, _)| Value::from(v.clone())).collect();
    let is_list = m.contains_key("items");
    let target = if is_list { m.get_mut("items").and_then(Value::as_object_mut) } else { Some(&mut *m) };
    if let Some(t) = target {
        if e.open {
            let literals: Vec<String> = e.values.iter().map(|(v, _)| Value::from(v.clone()).to_string()).collect();
            t.insert("examples".into(), Value::Array(values));
            t.insert("tsType".into(), Value::from(format!("{} | (string & {{}}) | null", literals.join(" | "))));
        } else {
            let mut values = values;
            values.push(Value::Null);
            t.insert("enum".into(), Value::Array(values));
        }
    }
    m.insert("x-qagida-enum".into(), Value::from(e.name.clone()));
    let labels: Map<String, Value> = e.values.iter().map(|(v, t)| (v.clone(), all(t))).collect();
    m.insert("x-qagida-enum-labels".into(), Value::Object(labels));
}

/// Every record type `ty` reaches (`top`: `ty` is a document's own record, not listed).
fn collect_records(ty: &Type, out: &mut Vec<std::sync::Arc<RecordType>>, top: bool) {
    match ty {
        Type::Record(r) => {
            if !top {
                if out.iter().any(|x| x.name == r.name) {
                    return;
                }
                out.push(r.clone());
            }
            for t in r.fields.values() {
                collect_records(t, out, false);
            }
        }
        Type::List(e) => collect_records(e, out, false),
        _ => {}
    }
}

/// Whether the model labels every field and document type in every language (for a pack's
/// lint: the forms built from the schema show a raw name where a label is missing).
pub fn unlabelled(pack: &Pack) -> Vec<String> {
    let mut out = Vec::new();
    let mut records: Vec<std::sync::Arc<RecordType>> = Vec::new();
    for dt in pack.doc_types.values() {
        if pack.labels.document(&dt.name).is_none() {
            out.push(format!("document type {}", dt.name));
        }
        collect_records(&Type::Record(dt.record.clone()), &mut records, false);
    }
    for r in &records {
        for f in r.fields.keys() {
            if pack.labels.field(&r.name, f).is_none() {
                out.push(format!("{}.{f}", r.name));
            }
        }
    }
    out
}
