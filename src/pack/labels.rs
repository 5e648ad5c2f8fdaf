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
    /// Field labels, sorted by (type, field): the type is a record type or a document type.
    pub fields: Vec<FieldLabel>,
    /// Enumerations, in the order the types files declare them.
    pub enums: Vec<Enumeration>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FieldLabel {
    /// The record or document type that declares the field.
    pub of: String,
    pub field: String,
    pub label: Text,
}

/// The values string fields take, each with its label.
#[derive(Debug, Serialize, Deserialize)]
pub struct Enumeration {
    pub name: String,
    /// The fields that take these values, as `(type, field)`.
    pub fields: Vec<(String, String)>,
    /// Other values are lawful too: the contract lists these with "…". (The engine checks no
    /// field against its enumeration either way: rules do, where the acts say so.)
    pub open: bool,
    pub values: Vec<(String, Text)>,
}

impl Labels {
    /// The label of `field` of the record or document type `of`.
    pub fn field(&self, of: &str, field: &str) -> Option<&Text> {
        self.fields.binary_search_by(|l| (l.of.as_str(), l.field.as_str()).cmp(&(of, field))).ok().and_then(|i| self.fields.get(i)).map(|l| &l.label)
    }

    /// The label of a document type.
    pub fn document(&self, name: &str) -> Option<&Text> {
        self.documents.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().and_then(|i| self.documents.get(i)).map(|(_, t)| t)
    }

    /// The enumeration `field` of `of` takes, if any.
    pub fn enumeration(&self, of: &str, field: &str) -> Option<&Enumeration> {
        self.enums.iter().find(|e| e.fields.iter().any(|(t, f)| t == of && f == field))
    }

    /// The label of `field` of `of` in `lang`, when the model gives one.
    pub fn field_text(&self, of: &str, field: &str, lang: LangId) -> Option<&str> {
        self.field(of, field).map(|t| t.get(lang)).filter(|s| !s.is_empty())
    }
}

impl super::Pack {
    /// The label, in `lang`, of the field a JSON Pointer into a document of type `doc_type`
    /// names (for a list's item: the list's label), when the model gives one.
    pub fn field_label(&self, doc_type: &str, pointer: &str, lang: LangId) -> Option<&str> {
        use crate::types::Type;
        let mut ty = Type::Record(self.doc_types.get(doc_type)?.record.clone());
        let mut named: Option<(String, String)> = None;
        for token in super::pointer_tokens(pointer).ok()? {
            ty = match ty {
                Type::Record(r) => {
                    let next = r.field(&token)?.clone();
                    named = Some((r.name.clone(), token));
                    next
                }
                Type::List(e) => (*e).clone(),
                _ => break,
            };
        }
        let (of, field) = named?;
        self.labels.field_text(&of, &field, lang)
    }
}
