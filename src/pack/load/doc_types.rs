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
    pub(super) fn load_types(&mut self, files: &[String]) -> (crate::types::NameMap<DocType>, HashMap<String, Type>) {
        let mut out = crate::types::NameMap::default();
        // type name -> fields (name -> (file, type text)), merged over the files in order.
        type Fields = IndexMap<String, (String, Spanned<String>)>;
        let mut types: IndexMap<String, (String, Spanned<String>, Fields)> = IndexMap::new();
        // document type -> (file, as_of fields, member_id, fields)
        type DocDecl = (String, Vec<Spanned<String>>, Option<Spanned<String>>, Fields);
        let mut docs: IndexMap<String, DocDecl> = IndexMap::new();
        for file in files {
            let Some(tf) = self.parse(file, raw::TypesFile::read) else { continue };
            for (name, fields) in tf.types {
                let entry = types.entry(name.get_ref().clone()).or_insert_with(|| (file.clone(), name.clone(), IndexMap::new()));
                for (k, v) in fields {
                    entry.2.insert(k, (file.clone(), v));
                }
            }
            for (name, dt) in tf.documents {
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
        (out, built)
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

fn base_type_name(t: &str) -> &str {
    let mut t = t.trim();
    while let Some(inner) = t.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        t = inner.trim();
    }
    t
}
