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
    /// names (an item of a list: the list's label), when the model gives one; a field of a
    /// record that is itself a field is named with it ("Single dose — Amount"), as a form shows
    /// it under its group.
    pub fn field_label(&self, doc_type: &str, pointer: &str, lang: LangId) -> Option<String> {
        use crate::types::Type;
        let mut ty = Type::Record(self.doc_types.get(doc_type)?.record.clone());
        // The last two fields the pointer names, as (record or document type, field).
        let mut named: [Option<(String, String)>; 2] = [None, None];
        for token in super::pointer_tokens(pointer).ok()? {
            ty = match ty {
                Type::Record(r) => {
                    let next = r.field(&token)?.clone();
                    named = [named[1].take(), Some((r.name.clone(), token))];
                    next
                }
                Type::List(e) => (*e).clone(),
                _ => break,
            };
        }
        let [parent, own] = named;
        let (of, field) = own?;
        let own = self.labels.field_text(&of, &field, lang)?;
        match parent.and_then(|(of, field)| self.labels.field_text(&of, &field, lang)) {
            Some(p) => Some(format!("{p} — {own}")),
            None => Some(own.to_string()),
        }
    }
}
