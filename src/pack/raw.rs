//! The rule-pack files as written (shapes with spans), read from TOML by [`super::walk`]. See
//! docs/RULES.md.
//!
//! Each shape lists its fields in declaration order, as serde's derive did: unknown-field
//! messages name them in this order and missing fields are reported in it.

use indexmap::IndexMap;
use toml::Spanned;
use toml_datetime::Datetime;

use super::walk::{Error, Node, R, Shape, Table, Value};

/// A string in several languages: `{ kk = "…", ru = "…", en = "…" }`.
pub type RawText = Spanned<IndexMap<String, Spanned<String>>>;

fn text(n: &Node<'_, '_>) -> R<RawText> {
    n.spanned(|n| n.map(|v| v.spanned_string()))
}

fn spanned_datetime(n: &Node<'_, '_>) -> R<Spanned<Datetime>> {
    n.spanned(|v| v.datetime())
}

fn string_map(n: &Node<'_, '_>) -> R<IndexMap<String, Spanned<String>>> {
    n.map(|v| v.spanned_string())
}

pub struct Manifest {
    pub id: Spanned<String>,
    pub version: Spanned<String>,
    /// A layer names the id of the pack it is layered on (its base directory's name).
    pub extends: Option<Spanned<String>>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    pub default_language: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
    pub title: Option<RawText>,
    pub types: Option<Spanned<String>>,
    pub rule_files: Vec<Spanned<String>>,
    pub data: IndexMap<String, Spanned<String>>,
    pub data_edition: Vec<RawEdition>,
    /// Lists every layer adds rows to (name → the record type of a row, from the types file).
    pub shared_data: IndexMap<String, Spanned<String>>,
    pub calendars: IndexMap<String, Spanned<String>>,
    pub params: Table,
    pub messages: IndexMap<String, RawText>,
}

impl Manifest {
    const SHAPE: Shape = Shape {
        name: "struct Manifest",
        fields: &[
            "id", "version", "extends", "effective_from", "effective_to", "languages", "default_language", "timezone",
            "title", "types", "rule_files", "data", "data_edition", "shared_data", "calendars", "params", "messages",
        ],
        defaults: &["rule_files", "data", "data_edition", "shared_data", "calendars", "params", "messages"],
    };

    pub fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut id, mut version, mut extends, mut effective_from, mut effective_to) = (None, None, None, None, None);
        let (mut languages, mut default_language, mut timezone, mut title, mut types) = (None, None, None, None, None);
        let (mut rule_files, mut data, mut data_edition, mut shared_data) = (Vec::new(), IndexMap::new(), Vec::new(), IndexMap::new());
        let (mut calendars, mut params, mut messages) = (IndexMap::new(), Table::new(), IndexMap::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => id = Some(v.spanned_string()?),
                1 => version = Some(v.spanned_string()?),
                2 => extends = Some(v.spanned_string()?),
                3 => effective_from = Some(spanned_datetime(&v)?),
                4 => effective_to = Some(spanned_datetime(&v)?),
                5 => languages = Some(v.spanned(|n| n.vec(|v| v.spanned_string()))?),
                6 => default_language = Some(v.spanned_string()?),
                7 => timezone = Some(v.spanned_string()?),
                8 => title = Some(text(&v)?),
                9 => types = Some(v.spanned_string()?),
                10 => rule_files = v.vec(|v| v.spanned_string())?,
                11 => data = string_map(&v)?,
                12 => data_edition = v.vec(RawEdition::read)?,
                13 => shared_data = string_map(&v)?,
                14 => calendars = string_map(&v)?,
                15 => params = v.table()?,
                _ => messages = v.map(text)?,
            }
            Ok(())
        })?;
        Ok(Manifest {
            id: n.missing(id, "id")?,
            version: n.missing(version, "version")?,
            extends,
            effective_from: n.missing(effective_from, "effective_from")?,
            effective_to,
            languages,
            default_language,
            timezone,
            title,
            types,
            rule_files,
            data,
            data_edition,
            shared_data,
            calendars,
            params,
            messages,
        })
    }
}

/// One edition of a reference list, in force over a period.
pub struct RawEdition {
    pub name: Spanned<String>,
    pub file: Spanned<String>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    /// Free text naming the act of this edition (informational).
    #[allow(dead_code)]
    pub source: Option<String>,
}

impl RawEdition {
    const SHAPE: Shape = Shape {
        name: "struct RawEdition",
        fields: &["name", "file", "effective_from", "effective_to", "source"],
        defaults: &[],
    };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut name, mut file, mut effective_from, mut effective_to, mut source) = (None, None, None, None, None);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => name = Some(v.spanned_string()?),
                1 => file = Some(v.spanned_string()?),
                2 => effective_from = Some(spanned_datetime(&v)?),
                3 => effective_to = Some(spanned_datetime(&v)?),
                _ => source = Some(v.string()?),
            }
            Ok(())
        })?;
        Ok(RawEdition {
            name: n.missing(name, "name")?,
            file: n.missing(file, "file")?,
            effective_from: n.missing(effective_from, "effective_from")?,
            effective_to,
            source,
        })
    }
}

/// A deployment's overrides: severities changed or rules silenced by ID.
pub struct OverridesFile {
    pub rules: IndexMap<Spanned<String>, RawOverride>,
}

impl OverridesFile {
    const SHAPE: Shape = Shape { name: "struct OverridesFile", fields: &["rules"], defaults: &["rules"] };

    pub fn read(n: &Node<'_, '_>) -> R<Self> {
        let mut rules = IndexMap::new();
        n.each_field(&Self::SHAPE, |_, v| {
            rules = v.spanned_key_map(RawOverride::read)?;
            Ok(())
        })?;
        Ok(OverridesFile { rules })
    }
}

pub struct RawOverride {
    pub severity: Option<Spanned<String>>,
    pub enabled: Option<bool>,
}

impl RawOverride {
    const SHAPE: Shape = Shape { name: "struct RawOverride", fields: &["severity", "enabled"], defaults: &[] };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut severity, mut enabled) = (None, None);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => severity = Some(v.spanned_string()?),
                _ => enabled = Some(v.boolean()?),
            }
            Ok(())
        })?;
        Ok(RawOverride { severity, enabled })
    }
}

pub struct TypesFile {
    pub types: IndexMap<Spanned<String>, IndexMap<String, Spanned<String>>>,
    pub documents: IndexMap<Spanned<String>, RawDocType>,
}

impl TypesFile {
    const SHAPE: Shape = Shape { name: "struct TypesFile", fields: &["types", "documents"], defaults: &["types", "documents"] };

    pub fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut types, mut documents) = (IndexMap::new(), IndexMap::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => types = v.spanned_key_map(string_map)?,
                _ => documents = v.spanned_key_map(RawDocType::read)?,
            }
            Ok(())
        })?;
        Ok(TypesFile { types, documents })
    }
}

pub struct RawDocType {
    /// The field giving the document's own date, or several (the latest present is its date);
    /// a dotted path reaches into a record (`signature.signed_at`).
    pub as_of: Vec<Spanned<String>>,
    /// For a document that holds documents (`list<document>`): the field that identifies each
    /// of them; two members with the same value are a finding.
    pub member_id: Option<Spanned<String>>,
    pub fields: IndexMap<String, Spanned<String>>,
}

impl RawDocType {
    const SHAPE: Shape = Shape { name: "struct RawDocType", fields: &["as_of", "member_id", "fields"], defaults: &["fields"] };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut as_of, mut member_id, mut fields) = (Vec::new(), None, IndexMap::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => {
                    as_of = match v.spanned_string() {
                        Ok(one) => vec![one],
                        Err(_) => v.vec(|v| v.spanned_string()).map_err(|e| Error { message: format!("as_of is a field name or a list of them: {}", e.message), ..e })?,
                    }
                }
                1 => member_id = Some(v.spanned_string()?),
                _ => fields = string_map(&v)?,
            }
            Ok(())
        })?;
        Ok(RawDocType { as_of, member_id, fields })
    }
}

pub struct DataFile {
    pub row: Vec<Spanned<Table>>,
}

impl DataFile {
    const SHAPE: Shape = Shape { name: "struct DataFile", fields: &["row"], defaults: &["row"] };

    pub fn read(n: &Node<'_, '_>) -> R<Self> {
        let mut row = Vec::new();
        n.each_field(&Self::SHAPE, |_, v| {
            row = v.vec(|r| r.spanned(|v| v.table()))?;
            Ok(())
        })?;
        Ok(DataFile { row })
    }
}

pub struct RuleFile {
    pub rule: Vec<RawRule>,
    /// Test cases of rules defined in a layer below (each names its `rule`): a regional
    /// layer's cases for a national rule that reads the layer's data.
    pub test: Vec<RawTest>,
}

impl RuleFile {
    const SHAPE: Shape = Shape { name: "struct RuleFile", fields: &["rule", "test"], defaults: &["rule", "test"] };

    pub fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut rule, mut test) = (Vec::new(), Vec::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => rule = v.vec(RawRule::read)?,
                _ => test = v.vec(RawTest::read)?,
            }
            Ok(())
        })?;
        Ok(RuleFile { rule, test })
    }
}

pub struct RawRule {
    pub id: Spanned<String>,
    /// A document type, or a list of them (each check then names its own).
    pub applies_to: Spanned<Value>,
    pub severity: Spanned<String>,
    pub title: Option<RawText>,
    pub clause: RawText,
    pub effective_from: Option<Spanned<Datetime>>,
    pub effective_to: Option<Spanned<Datetime>>,
    pub when: Option<Spanned<String>>,
    pub message: RawText,
    /// The message of the rule's `info` finding when one of its checks could not run.
    pub not_checked: Option<RawText>,
    pub params: Table,
    pub check: Vec<RawCheck>,
    pub test: Vec<RawTest>,
}

impl RawRule {
    const SHAPE: Shape = Shape {
        name: "struct RawRule",
        fields: &[
            "id", "applies_to", "severity", "title", "clause", "effective_from", "effective_to", "when", "message", "not_checked",
            "params", "check", "test",
        ],
        defaults: &["params", "check", "test"],
    };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut id, mut applies_to, mut severity, mut title, mut clause) = (None, None, None, None, None);
        let (mut effective_from, mut effective_to, mut when, mut message, mut not_checked) = (None, None, None, None, None);
        let (mut params, mut check, mut test) = (Table::new(), Vec::new(), Vec::new());
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => id = Some(v.spanned_string()?),
                1 => applies_to = Some(v.spanned(|v| v.value())?),
                2 => severity = Some(v.spanned_string()?),
                3 => title = Some(text(&v)?),
                4 => clause = Some(text(&v)?),
                5 => effective_from = Some(spanned_datetime(&v)?),
                6 => effective_to = Some(spanned_datetime(&v)?),
                7 => when = Some(v.spanned_string()?),
                8 => message = Some(text(&v)?),
                9 => not_checked = Some(text(&v)?),
                10 => params = v.table()?,
                11 => check = v.vec(RawCheck::read)?,
                _ => test = v.vec(RawTest::read)?,
            }
            Ok(())
        })?;
        Ok(RawRule {
            id: n.missing(id, "id")?,
            applies_to: n.missing(applies_to, "applies_to")?,
            severity: n.missing(severity, "severity")?,
            title,
            clause: n.missing(clause, "clause")?,
            effective_from,
            effective_to,
            when,
            message: n.missing(message, "message")?,
            not_checked,
            params,
            check,
            test,
        })
    }
}

pub struct RawCheck {
    /// Which of the rule's document types this check reads (required when there are several).
    pub applies_to: Option<Spanned<String>>,
    pub assert: Option<Spanned<String>>,
    pub require: Option<Vec<Spanned<String>>>,
    pub for_each: Option<Spanned<String>>,
    /// With `for_each` over a list of documents: only members of this document type.
    pub of_type: Option<Spanned<String>>,
    /// With `for_each`: a list inside each item to run on, element by element (`elem`).
    pub then_each: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    /// `let` in the file.
    pub lets: IndexMap<String, Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub actual: Option<Spanned<String>>,
    pub expected: Option<Spanned<String>>,
    pub message: Option<RawText>,
    /// This check's severity, when it differs from the rule's.
    pub severity: Option<Spanned<String>>,
    /// The message of the `info` finding when this check could not run (else the rule's).
    pub not_checked: Option<RawText>,
}

impl RawCheck {
    const SHAPE: Shape = Shape {
        name: "struct RawCheck",
        fields: &[
            "applies_to", "assert", "require", "for_each", "of_type", "then_each", "when", "let", "path", "actual", "expected",
            "message", "severity", "not_checked",
        ],
        defaults: &["let"],
    };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let mut c = RawCheck {
            applies_to: None,
            assert: None,
            require: None,
            for_each: None,
            of_type: None,
            then_each: None,
            when: None,
            lets: IndexMap::new(),
            path: None,
            actual: None,
            expected: None,
            message: None,
            severity: None,
            not_checked: None,
        };
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => c.applies_to = Some(v.spanned_string()?),
                1 => c.assert = Some(v.spanned_string()?),
                2 => c.require = Some(v.vec(|v| v.spanned_string())?),
                3 => c.for_each = Some(v.spanned_string()?),
                4 => c.of_type = Some(v.spanned_string()?),
                5 => c.then_each = Some(v.spanned_string()?),
                6 => c.when = Some(v.spanned_string()?),
                7 => c.lets = string_map(&v)?,
                8 => c.path = Some(v.spanned_string()?),
                9 => c.actual = Some(v.spanned_string()?),
                10 => c.expected = Some(v.spanned_string()?),
                11 => c.message = Some(text(&v)?),
                12 => c.severity = Some(v.spanned_string()?),
                _ => c.not_checked = Some(text(&v)?),
            }
            Ok(())
        })?;
        Ok(c)
    }
}

#[derive(Clone)]
pub struct RawTest {
    /// Only in a file's top-level `[[test]]`: the rule (of a layer below) the case tests.
    pub rule: Option<Spanned<String>>,
    pub name: Spanned<String>,
    pub fixture: Spanned<String>,
    pub set: IndexMap<String, Value>,
    pub remove: Vec<String>,
    pub as_of: Option<Spanned<Datetime>>,
    pub expect: Spanned<String>,
    pub paths: Option<Vec<String>>,
    /// With `expect = "fail"`: the severity every finding of the rule must have.
    pub severity: Option<Spanned<String>>,
}

impl RawTest {
    const SHAPE: Shape = Shape {
        name: "struct RawTest",
        fields: &["rule", "name", "fixture", "set", "remove", "as_of", "expect", "paths", "severity"],
        defaults: &["set", "remove"],
    };

    fn read(n: &Node<'_, '_>) -> R<Self> {
        let (mut rule, mut name, mut fixture, mut set, mut remove) = (None, None, None, IndexMap::new(), Vec::new());
        let (mut as_of, mut expect, mut paths, mut severity) = (None, None, None, None);
        n.each_field(&Self::SHAPE, |i, v| {
            match i {
                0 => rule = Some(v.spanned_string()?),
                1 => name = Some(v.spanned_string()?),
                2 => fixture = Some(v.spanned_string()?),
                3 => set = v.map(|v| v.value())?,
                4 => remove = v.vec(|v| v.string())?,
                5 => as_of = Some(spanned_datetime(&v)?),
                6 => expect = Some(v.spanned_string()?),
                7 => paths = Some(v.vec(|v| v.string())?),
                _ => severity = Some(v.spanned_string()?),
            }
            Ok(())
        })?;
        Ok(RawTest {
            rule,
            name: n.missing(name, "name")?,
            fixture: n.missing(fixture, "fixture")?,
            set,
            remove,
            as_of,
            expect: n.missing(expect, "expect")?,
            paths,
            severity,
        })
    }
}
