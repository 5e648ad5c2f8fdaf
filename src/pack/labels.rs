//! The labels of a pack's document model (`[documents.T] label`, `[labels.T]`, `[enums.NAME]` of
//! its types files): how forms and messages name document types, fields and the values of
//! enumerated fields, in each of the pack's languages. The engine reads a field's label for the
//! `{field}` of a message; forms read all of it through the pack's JSON Schema
//! (`crate::schema`).

use serde::{Deserialize, Serialize};

use super::{LangId, Text};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Labels {
    /// Document types' labels, sorted by type name.
    pub documents: Vec<(String, Text)>,
    /// Field labels by `TYPE.FIELD` (a record type or a document type, and its field), sorted
    /// by (type, field). (Pairs of one type with the documents' labels: one deserialiser less in
    /// the WebAssembly module.)
    pub fields: Vec<(String, Text)>,
    /// Enumerations, in the order the types files declare them.
    pub enums: Vec<Enumeration>,
}

/// The values string fields take, each with its label.
#[derive(Debug, Serialize, Deserialize)]
pub struct Enumeration {
    pub name: String,
    /// The fields that take these values, as `TYPE.FIELD`.
    pub fields: Vec<String>,
    /// Other values are lawful too: the contract lists these with "…". (The engine checks no
    /// field against its enumeration either way: rules do, where the acts say so.)
    pub open: bool,
    pub values: Vec<(String, Text)>,
}

/// `TYPE.FIELD` as `(TYPE, FIELD)`.
pub(crate) fn split(key: &str) -> (&str, &str) {
    key.split_once('.').unwrap_or((key, ""))
}

impl Labels {
    /// The label of `field` of the record or document type `of`.
    pub fn field(&self, of: &str, field: &str) -> Option<&Text> {
        self.fields.binary_search_by(|(k, _)| split(k).cmp(&(of, field))).ok().and_then(|i| self.fields.get(i)).map(|(_, t)| t)
    }

    /// The label of a document type.
    pub fn document(&self, name: &str) -> Option<&Text> {
        self.documents.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().and_then(|i| self.documents.get(i)).map(|(_, t)| t)
    }

    /// The enumeration `field` of `of` takes, if any.
    pub fn enumeration(&self, of: &str, field: &str) -> Option<&Enumeration> {
        self.enums.iter().find(|e| e.fields.iter().any(|k| split(k) == (of, field)))
    }

    /// The label of `field` of `of` in `lang`, when the model gives one.
    pub fn field_text(&self, of: &str, field: &str, lang: LangId) -> Option<&str> {
        self.field(of, field).map(|t| t.get(lang)).filter(|s| !s.is_empty())
    }
}

impl super::Pack {
    /// The label, in `lang`, of the field a JSON Pointer into a document of type `doc_type`
    /// names (an item of a list: the list's label), when the model gives one; a field of a
    /// record that is itself a field is named with it ("Single dose — Amount"), as a form shows
    /// it under its group.
    pub fn field_label(&self, doc_type: &str, pointer: &str, lang: LangId) -> Option<String> {
        use crate::types::{RecordType, Type};
        // Where the walk is: in a record (its fields next), or at a value of a type.
        enum At<'t> {
            Record(&'t RecordType),
            Value(&'t Type),
        }
        let mut at = At::Record(&self.doc_types.get(doc_type)?.record);
        // The last two fields the pointer names, as (record or document type, field).
        let mut named: [Option<(&str, &str)>; 2] = [None, None];
        for token in pointer.split('/').skip(1) {
            let ty = match at {
                At::Record(r) => {
                    // The field's name as the model holds it (a token may be escaped: `~1` is `/`).
                    let (name, ty) = r.fields.get_key_value(&*super::unescape_token(token))?;
                    named = [named[1], Some((r.name.as_str(), name.as_str()))];
                    ty
                }
                // An index into a list: what it holds.
                At::Value(Type::List(e)) => &**e,
                // Inside a document of any type, or a value of no declared type: not a field of
                // this model's walk.
                At::Value(_) => return None,
            };
            at = match ty {
                Type::Record(r) => At::Record(r),
                other => At::Value(other),
            };
        }
        let text = |(of, field): (&str, &str)| self.labels.field_text(of, field, lang);
        let own = text(named[1]?)?;
        Some(match named[0].and_then(text) {
            Some(group) => [group, " — ", own].concat(),
            None => own.to_string(),
        })
    }
}
