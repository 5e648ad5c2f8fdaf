//! The input's shape, before any rule runs: the document type, each declared field's JSON type
//! and number range (`TYPE`), the documents a bundle holds (`DOCTYPE`, `BUNDLE`, at every level
//! of nesting) and keys repeated in one object (`INPUT`).

use crate::document::Json;

use super::{Finding, Out, json_kind, member, render, truncate, type_name};
use crate::document::{DuplicateKey, Object, push_pointer_token};
use crate::pack::{DocType, LangId, Pack, Seg, Severity, SysMsg};
use crate::types::{RecordType, Type};
use crate::value::{NumberError, decimal_error, decode};

/// Rule ID of engine findings about input that does not fit the document model.
pub const TYPE_RULE: &str = "TYPE";
/// Rule ID of engine findings about a missing or unknown `document_type`.
pub const DOCTYPE_RULE: &str = "DOCTYPE";
/// Rule ID of engine findings about the documents a bundle holds: absent or empty, a member that
/// is not a document, two members with one id.
pub const BUNDLE_RULE: &str = "BUNDLE";
/// Rule ID of engine findings about the JSON text itself: a key repeated in one object
/// (RFC 7493, I-JSON).
pub const INPUT_RULE: &str = "INPUT";

impl Pack {
    /// An engine finding: its severity as the deployment set it, the message in `lang`.
    pub(super) fn engine_finding(&self, rule: &str, msg: SysMsg, lang: LangId, path: String, actual: Option<String>, expected: Option<String>) -> Finding {
        self.field_finding(rule, msg, lang, path, None, actual, expected)
    }

    /// An engine finding on a field: `{field}` in its message says `label` (else the pointer).
    #[allow(clippy::too_many_arguments)]
    fn field_finding(&self, rule: &str, msg: SysMsg, lang: LangId, path: String, label: Option<&str>, actual: Option<String>, expected: Option<String>) -> Finding {
        let message = render(self.messages.get(msg), lang, &|s, out| match s {
            Seg::Actual => out.push_str(actual.as_deref().unwrap_or("—")),
            Seg::Expected => out.push_str(expected.as_deref().unwrap_or("—")),
            Seg::Path => out.push_str(&path),
            Seg::Field => out.push_str(label.unwrap_or(&path)),
            _ => {}
        });
        let severity = crate::pack::engine_rule(rule).and_then(|i| self.engine_severity.get(i)).copied().unwrap_or(Severity::Error);
        // The findings on the input's shape cite the pack's document contract, when it names one.
        let clause = if matches!(rule, TYPE_RULE | DOCTYPE_RULE | BUNDLE_RULE) { render(self.messages.get(SysMsg::ShapeClause), lang, &|_, _| {}) } else { String::new() };
        Finding { rule_id: rule.into(), severity, path, message, clause, actual, expected }
    }

    /// The document type `doc` names; else a `DOCTYPE` (or, for a non-object, `TYPE`) finding at
    /// `prefix` (the document's pointer in the input).
    pub(super) fn document_type(&self, doc: &Json<'_>, prefix: &str, lang: LangId, out: &mut Out) -> Option<&DocType> {
        let Some(obj) = doc.as_object() else {
            out.push(self.engine_finding(TYPE_RULE, SysMsg::TypeMismatch, lang, prefix.into(), Some(json_kind(doc).into()), Some("object".into())));
            return None;
        };
        let known = || self.doc_types.keys().cloned().collect::<Vec<_>>().join(" | ");
        // Written only for a finding.
        let path = || format!("{prefix}/document_type");
        match obj.get("document_type") {
            None | Some(Json::Null) => {
                out.push(self.engine_finding(DOCTYPE_RULE, SysMsg::MissingDocumentType, lang, path(), None, Some(known())));
                None
            }
            Some(Json::String(s)) => match self.doc_types.get(&**s) {
                Some(dt) => Some(dt),
                None => {
                    out.push(self.engine_finding(DOCTYPE_RULE, SysMsg::UnknownDocumentType, lang, path(), Some(truncate(s, 64)), Some(known())));
                    None
                }
            },
            Some(other) => {
                let shown = truncate(&other.to_string(), 64);
                out.push(self.engine_finding(DOCTYPE_RULE, SysMsg::UnknownDocumentType, lang, path(), Some(shown), Some(known())));
                None
            }
        }
    }

    /// `INPUT` findings for keys repeated in one object (`more`: how many beyond those listed).
    pub(super) fn duplicate_key_findings(&self, dups: &[DuplicateKey], more: usize, lang: LangId, out: &mut Out) {
        for d in dups {
            out.push(self.engine_finding(INPUT_RULE, SysMsg::DuplicateKey, lang, d.pointer.clone(), Some(truncate(&d.key, 64)), None));
        }
        if more > 0 {
            let shown = format!("{more} more");
            out.push(self.engine_finding(INPUT_RULE, SysMsg::DuplicateKey, lang, String::new(), Some(shown), None));
        }
    }

    /// Every shape finding of a document of type `dt`: wrong-typed fields (`TYPE`), then, for
    /// the documents it holds, members that are not documents or name no known type, an absent
    /// or empty list, and repeated member ids (`BUNDLE`, `DOCTYPE`); members are walked the
    /// same way, at every level.
    pub(super) fn check_shape(&self, doc: &Json<'_>, dt: &DocType, prefix: &str, lang: LangId, out: &mut Out) {
        if let Some(obj) = doc.as_object() {
            let draft = out.draft;
            let mut report = |path: &str, problem: Problem| {
                // The field's pointer inside this document.
                let own = path.strip_prefix(prefix).unwrap_or(path);
                // A draft: a blank text is not filled in yet, not a value of the wrong type.
                if draft && super::places::unfilled(doc, own) {
                    return;
                }
                let label = self.field_label(&dt.name, own, lang);
                let label = label.as_deref();
                out.push(match problem {
                    Problem::Kind { expected, actual, ty } => {
                        let plain = plain_type_message(ty).filter(|m| !self.messages.get(*m).0.is_empty());
                        let msg = plain.unwrap_or(SysMsg::TypeMismatch);
                        self.field_finding(TYPE_RULE, msg, lang, path.into(), label, Some(actual.into()), Some(expected))
                    }
                    Problem::Number(e, text) => {
                        let msg = if e == NumberError::OutOfRange { SysMsg::NumberOutOfRange } else { SysMsg::NumberTooManyDigits };
                        self.field_finding(TYPE_RULE, msg, lang, path.into(), label, Some(truncate(&text, 64)), Some(e.as_str().into()))
                    }
                });
            };
            check_fields(obj, &dt.record, &At::Prefix(prefix), &mut report);
        }
        for (field, list) in member_lists(doc, dt) {
            let list_path = format!("{prefix}/{field}");
            let Some(items) = list.and_then(Json::as_array).filter(|a| !a.is_empty()) else {
                // An absent or empty list: nothing to validate. (A list of another JSON kind has
                // its TYPE finding.)
                // A draft does not report what is not filled in yet.
                if list.is_none_or(|l| l.is_null() || l.as_array().is_some()) && !out.draft {
                    out.push(self.engine_finding(BUNDLE_RULE, SysMsg::BundleEmpty, lang, list_path, None, None));
                }
                continue;
            };
            let mut first_of: Vec<(&str, usize)> = Vec::new();
            for (i, m) in items.iter().enumerate() {
                let at = format!("{list_path}/{i}");
                if !m.is_object() {
                    out.push(self.engine_finding(BUNDLE_RULE, SysMsg::BundleMember, lang, at, Some(json_kind(m).into()), Some("document".into())));
                    continue;
                }
                if let Some(key) = &dt.member_id
                    && let Some(id) = member(m, key).and_then(Json::as_str)
                    && (!out.draft || crate::document::not_blank(id))
                {
                    // Sorted ids: a repeated one is found in log time, so a bundle of 10,000
                    // documents costs no more than sorting them.
                    match first_of.binary_search_by(|(have, _)| (*have).cmp(id)) {
                        Ok(k) => {
                            let first = first_of.get(k).map(|(_, j)| format!("{list_path}/{j}")).unwrap_or_default();
                            let key_path = format!("{at}/{key}");
                            out.push(self.engine_finding(BUNDLE_RULE, SysMsg::BundleDuplicateId, lang, key_path, Some(truncate(id, 64)), Some(first)));
                        }
                        Err(k) => first_of.insert(k, (id, i)),
                    }
                }
                if let Some(mt) = self.document_type(m, &at, lang, out) {
                    self.check_shape(m, mt, &at, lang, out);
                }
            }
        }
    }

    /// How many documents `doc` holds, at every level of nesting.
    pub(super) fn count_members(&self, doc: &Json<'_>, dt: &DocType) -> usize {
        member_lists(doc, dt)
            .filter_map(|(_, l)| l.and_then(Json::as_array))
            .flatten()
            .map(|m| 1 + type_name(m).and_then(|t| self.doc_types.get(t)).map_or(0, |mt| self.count_members(m, mt)))
            .sum()
    }
}

/// The lists of documents a document type declares (a bundle's `documents`), with the value
/// the input has for each (absent: `None`).
pub(super) fn member_lists<'a>(doc: &'a Json<'a>, dt: &'a DocType) -> impl Iterator<Item = (&'a str, Option<&'a Json<'a>>)> {
    dt.record.fields.iter().filter_map(move |(name, ty)| match ty {
        Type::List(e) if matches!(**e, Type::Document) => Some((name.as_str(), member(doc, name))),
        _ => None,
    })
}

/// The plain-words TYPE message for a value that should have been of type `ty`.
fn plain_type_message(ty: &Type) -> Option<SysMsg> {
    Some(match ty {
        Type::Integer => SysMsg::TypeExpectedInteger,
        Type::Number => SysMsg::TypeExpectedNumber,
        Type::String => SysMsg::TypeExpectedString,
        Type::Bool => SysMsg::TypeExpectedBool,
        Type::Date => SysMsg::TypeExpectedDate,
        Type::DateTime => SysMsg::TypeExpectedDatetime,
        Type::Record(_) => SysMsg::TypeExpectedObject,
        Type::List(_) => SysMsg::TypeExpectedList,
        _ => return None,
    })
}

/// Why a value does not fit its declared type.
enum Problem<'t> {
    /// The JSON kind (`actual`) is not the `expected` type's (`ty`).
    Kind { expected: String, actual: &'static str, ty: &'t Type },
    /// A number (as written) that no exact decimal holds.
    Number(NumberError, String),
}

/// Where a value sits in the input: a JSON Pointer written out only when a finding needs it.
#[derive(Clone, Copy)]
enum At<'a> {
    /// A document at this pointer (empty: the input's root).
    Prefix(&'a str),
    Field(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match *self {
            At::Prefix(p) => out.push_str(p),
            At::Field(parent, name) => {
                parent.write(out);
                out.push('/');
                push_pointer_token(out, name);
            }
            At::Item(parent, i) => {
                parent.write(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
}

/// Reports every declared field whose input value does not fit its type, with its pointer.
/// Documents held in a `list<document>` are left to [`Pack::check_shape`].
fn check_types(v: &Json<'_>, ty: &Type, at: &At, report: &mut dyn FnMut(&str, Problem<'_>)) {
    let path = || {
        let mut p = String::new();
        at.write(&mut p);
        p
    };
    if v.is_null() {
        return;
    }
    match ty {
        Type::Document | Type::Any => {}
        Type::Record(r) => match v.as_object() {
            Some(obj) => check_fields(obj, r, at, report),
            None => report(&path(), Problem::Kind { expected: "object".into(), actual: json_kind(v), ty }),
        },
        Type::List(elem) => {
            let Some(items) = v.as_array() else {
                report(&path(), Problem::Kind { expected: ty.to_string(), actual: json_kind(v), ty });
                return;
            };
            for (i, item) in items.iter().enumerate() {
                check_types(item, elem, &At::Item(at, i), report);
            }
        }
        leaf => {
            if decode(v, leaf).is_none() {
                let problem = match decimal_error(v).filter(|_| matches!(leaf, Type::Number | Type::Integer)) {
                    Some(e @ (NumberError::OutOfRange | NumberError::TooManyDigits)) => {
                        let text = match v {
                            Json::Number(n) => n.as_str().to_string(),
                            other => other.as_str().unwrap_or_default().trim().to_string(),
                        };
                        Problem::Number(e, text)
                    }
                    _ => Problem::Kind { expected: leaf.to_string(), actual: json_kind(v), ty: leaf },
                };
                report(&path(), problem);
            }
        }
    }
}

fn check_fields(obj: &Object<'_>, r: &RecordType, at: &At, report: &mut dyn FnMut(&str, Problem<'_>)) {
    // Documents mostly list the fields in the order declared: each is looked for first after
    // the one found before it.
    let mut next = 0;
    for (name, fty) in &r.fields {
        if let Some(fv) = obj.get_next(name, &mut next)
            && !plainly_fits(fv, fty)
        {
            check_types(fv, fty, &At::Field(at, name), report);
        }
    }
}

/// Whether `v` fits `ty` by its JSON kind alone (most fields: a string, a flag, `null`), so that
/// [`check_types`] has nothing to do there.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
fn plainly_fits(v: &Json<'_>, ty: &Type) -> bool {
    matches!((ty, v), (_, Json::Null) | (Type::Document | Type::Any, _) | (Type::String, Json::String(_)) | (Type::Bool, Json::Bool(_)))
}

