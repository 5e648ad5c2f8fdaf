//! The document model of a pack (`types.toml` of the base, extended by the layers): document
//! types and the record types they use.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use indexmap::IndexMap;
use toml::Spanned;

use crate::types::{RecordType, Type, parse_type};

use super::*;

impl Loader<'_> {
    /// The document types, and every record type by name.
    pub(super) fn load_types(&mut self, files: &[String]) -> (crate::types::NameMap<DocType>, HashMap<String, Type>, Labels) {
        let mut out = crate::types::NameMap::default();
        // type name -> fields (name -> (file, type text)), merged over the files in order.
        type Fields = IndexMap<String, (String, Spanned<String>)>;
        let mut types: IndexMap<String, (String, Spanned<String>, Fields)> = IndexMap::new();
        // document type -> (file, as_of fields, member_id, fields)
        type DocDecl = (String, Vec<Spanned<String>>, Option<Spanned<String>>, Fields);
        let mut docs: IndexMap<String, DocDecl> = IndexMap::new();
        let mut raw_labels = RawLabels::default();
        for file in files {
            let Some(tf) = self.parse(file, raw::TypesFile::read) else { continue };
            for (name, fields) in tf.types {
                let entry = types.entry(name.get_ref().clone()).or_insert_with(|| (file.clone(), name.clone(), IndexMap::new()));
                for (k, v) in fields {
                    entry.2.insert(k, (file.clone(), v));
                }
            }
            for (name, mut dt) in tf.documents {
                if let Some(label) = dt.label.take() {
                    raw_labels.documents.push((file.clone(), name.clone(), label));
                }
                let entry = docs.entry(name.get_ref().clone()).or_insert_with(|| (file.clone(), Vec::new(), None, IndexMap::new()));
                if !dt.as_of.is_empty() {
                    entry.0 = file.clone();
                    entry.1 = dt.as_of;
                }
                if let Some(k) = dt.member_id {
                    entry.0 = file.clone();
                    entry.2 = Some(k);
                }
                for (k, v) in dt.fields {
                    entry.3.insert(k, (file.clone(), v));
                }
            }
            for (of, fields) in tf.labels {
                for (field, label) in fields {
                    raw_labels.fields.push((file.clone(), of.clone(), field, label));
                }
            }
            for (name, e) in tf.enums {
                raw_labels.enums.push((file.clone(), name, e));
            }
        }
        let declared: HashSet<String> = types.keys().cloned().collect();
        let mut built: HashMap<String, Type> = HashMap::new();
        // Build record types in dependency order; a pass that makes no progress ends the loop.
        let mut pending: Vec<String> = types.keys().cloned().collect();
        loop {
            let mut next = Vec::new();
            for name in &pending {
                let Some((_, _, fields)) = types.get(name) else { continue };
                let waits = fields.values().any(|(_, t)| {
                    let b = base_type_name(t.get_ref());
                    declared.contains(b) && !built.contains_key(b)
                });
                if waits {
                    next.push(name.clone());
                    continue;
                }
                let fields = fields.clone();
                let rec = self.build_record(name, &fields, &built);
                built.insert(name.clone(), Type::Record(Arc::new(rec)));
            }
            if next.is_empty() {
                break;
            }
            if next.len() == pending.len() {
                for name in &next {
                    if let Some((file, span, _)) = types.get(name) {
                        let (file, span) = (file.clone(), span.clone());
                        self.err_at(&file, &span, format!("type `{name}` is part of a cycle of record types"));
                    }
                }
                break;
            }
            pending = next;
        }
        for (name, (file, as_of, member_id, fields)) in docs {
            let rec = Arc::new(self.build_record(&name, &fields, &built));
            let member_id = member_id.and_then(|k| {
                let holds_documents = rec.fields.values().any(|t| matches!(t, Type::List(e) if matches!(**e, Type::Document)));
                if holds_documents {
                    Some(k.get_ref().clone())
                } else {
                    self.err_at(&file, &k, format!("member_id: `{name}` has no `list<document>` field"));
                    None
                }
            });
            let mut dates = Vec::with_capacity(as_of.len());
            for f in &as_of {
                let path: Vec<String> = f.get_ref().split('.').map(str::to_string).collect();
                let ptr = Pointer::from_tokens(&path);
                match resolve_pointer(&Type::Record(rec.clone()), &ptr.text) {
                    Ok(Type::Date) => dates.push((path, false)),
                    Ok(Type::DateTime) => dates.push((path, true)),
                    _ => self.err_at(&file, f, format!("as_of must name date or datetime fields of `{name}` (`signed_at`, `signature.signed_at`)")),
                }
            }
            let as_of = dates;
            out.insert(name.clone(), DocType { name, record: rec, as_of, member_id });
        }
        let labels = self.build_labels(raw_labels, &out, &built);
        (out, built, labels)
    }

    /// The labels of the model, each naming a declared document type or field; a later file's
    /// label of the same thing replaces an earlier one's.
    fn build_labels(&mut self, raw: RawLabels, docs: &crate::types::NameMap<DocType>, records: &HashMap<String, Type>) -> Labels {
        // The fields of a record or document type, by its name.
        let fields_of = |name: &str| -> Option<Arc<RecordType>> {
            match (docs.get(name), records.get(name)) {
                (Some(d), _) => Some(d.record.clone()),
                (None, Some(Type::Record(r))) => Some(r.clone()),
                _ => None,
            }
        };
        let mut out = Labels::default();
        for (file, name, text) in &raw.documents {
            let label = self.text(file, text, &format!("documents.{}.label", name.get_ref()));
            out.documents.retain(|(n, _)| n != name.get_ref());
            out.documents.push((name.get_ref().clone(), label));
        }
        out.documents.sort_by(|a, b| a.0.cmp(&b.0));
        for (file, of, field, text) in &raw.fields {
            let (of_name, field_name) = (of.get_ref(), field.get_ref());
            if docs.contains_key(of_name.as_str()) && records.contains_key(of_name.as_str()) {
                self.err_at(file, of, format!("labels.{of_name}: `{of_name}` is both a record type and a document type"));
                continue;
            }
            let Some(rec) = fields_of(of_name) else {
                self.err_at(file, of, format!("labels.{of_name}: no record or document type `{of_name}`"));
                continue;
            };
            if rec.field(field_name).is_none() {
                self.err_at(file, field, format!("labels.{of_name}.{field_name}: `{of_name}` has no field `{field_name}`"));
                continue;
            }
            let label = self.text(file, text, &format!("labels.{of_name}.{field_name}"));
            let key = format!("{of_name}.{field_name}");
            out.fields.retain(|(k, _)| *k != key);
            out.fields.push((key, label));
        }
        out.fields.sort_by(|a, b| crate::pack::labels::split(&a.0).cmp(&crate::pack::labels::split(&b.0)));
        for (file, name, e) in &raw.enums {
            let name = name.get_ref();
            let mut fields = Vec::new();
            for f in &e.fields {
                let Some((of, field)) = f.get_ref().split_once('.') else {
                    self.err_at(file, f, format!("enums.{name}.fields: `{}` is not TYPE.FIELD", f.get_ref()));
                    continue;
                };
                let ty = fields_of(of).and_then(|r| r.field(field).cloned());
                let key = format!("{of}.{field}");
                match ty {
                    Some(Type::String) => {}
                    Some(Type::List(e)) if matches!(*e, Type::String) => {}
                    Some(t) => {
                        self.err_at(file, f, format!("enums.{name}.fields: `{key}` is {t}, not a string or list<string>"));
                        continue;
                    }
                    None => {
                        self.err_at(file, f, format!("enums.{name}.fields: no field `{field}` in a record or document type `{of}`"));
                        continue;
                    }
                }
                // A field takes one enumeration (a later file may redefine the same one).
                if let Some(other) = out.enums.iter().find(|x| x.name != *name && x.fields.contains(&key)) {
                    let msg = format!("enums.{name}.fields: `{key}` is in both `{}` and `{name}`", other.name);
                    self.err_at(file, f, msg);
                    continue;
                }
                if fields.contains(&key) {
                    self.err_at(file, f, format!("enums.{name}.fields: `{key}` is listed twice"));
                    continue;
                }
                fields.push(key);
            }
            let mut values: Vec<(String, Text)> = Vec::new();
            for (value, text) in &e.values {
                values.push((value.get_ref().clone(), self.text(file, text, &format!("enums.{name}.values.{}", value.get_ref()))));
            }
            if values.is_empty() {
                self.err(file, None, format!("enums.{name} lists no values"));
            }
            out.enums.retain(|x| x.name != *name);
            out.enums.push(Enumeration { name: name.clone(), fields, open: e.open, values });
        }
        out
    }

    fn build_record(
        &mut self,
        name: &str,
        fields: &IndexMap<String, (String, Spanned<String>)>,
        built: &HashMap<String, Type>,
    ) -> RecordType {
        let mut out = crate::types::NameMap::default();
        for (fname, (file, ty)) in fields {
            match parse_type(ty.get_ref(), &|n| built.get(n).cloned()) {
                Ok(t) => {
                    out.insert(fname.clone(), t);
                }
                Err(e) => {
                    self.err_at(file, ty, e);
                    out.insert(fname.clone(), Type::Any);
                }
            }
        }
        RecordType { name: name.to_string(), fields: out }
    }
}

/// The labels of the types files as written, each with its file.
#[derive(Default)]
struct RawLabels {
    documents: Vec<(String, Spanned<String>, raw::RawText)>,
    fields: Vec<(String, Spanned<String>, Spanned<String>, raw::RawText)>,
    enums: Vec<(String, Spanned<String>, raw::RawEnum)>,
}

fn base_type_name(t: &str) -> &str {
    let mut t = t.trim();
    while let Some(inner) = t.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        t = inner.trim();
    }
    t
}
