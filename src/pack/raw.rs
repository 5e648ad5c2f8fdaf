//! The rule-pack files as written: serde shapes with spans, read by the `toml` crate's
//! deserialiser. See docs/RULES.md.
//!
//! Every shape refuses unknown fields. An error carries the byte offset `toml` gives it (the key
//! of an unknown field, the enclosing table of a missing one, the value otherwise), which the
//! loader turns into `file:line:col`; the messages are serde's and `toml`'s own. Nesting is
//! bounded by `toml`'s parser (80 levels: "cannot recurse further; max recursion depth met"), so
//! no file can exhaust the stack.

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::de::{DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;
use toml_datetime::Datetime;

use crate::calendar::{Calendar, CalendarData, Fixed, YearData};

/// A TOML value as the pack keeps it (params, rows of reference data, test values, names).
pub use toml::Value;
/// A TOML table, keys in the order of the file.
pub use toml::Table;

/// A diagnostic of reading a TOML file: message and byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: String,
    pub at: Option<usize>,
}

pub type R<T> = Result<T, Error>;

/// Reads a whole TOML document as `T`. Syntax errors (and duplicate keys) are worded by the
/// parser, shape errors by serde. The one error `toml` gives no place (a key of 80 dotted parts
/// or more: "recursion limit") is reported at the file's start.
pub fn read_doc<T: DeserializeOwned>(src: &str) -> R<T> {
    toml::from_str(src).map_err(|e| Error { message: e.message().trim().to_string(), at: Some(e.span().map_or(0, |s| s.start)) })
}

/// `Type::read(text)` for each file's shape (what `Loader::parse` takes).
macro_rules! readable {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn read(src: &str) -> R<Self> {
                read_doc(src)
            }
        }
    )*};
}
readable!(Manifest, OverridesFile, TypesFile, DataFile, RuleFile, RawCalendar);

/// A string in several languages: `{ kk = "…", ru = "…", en = "…" }`.
pub type RawText = Spanned<IndexMap<String, Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(default)]
    pub rule_files: Vec<Spanned<String>>,
    #[serde(default)]
    pub data: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub data_edition: Vec<RawEdition>,
    /// Lists every layer adds rows to (name → the record type of a row, from the types file).
    #[serde(default)]
    pub shared_data: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub calendars: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub params: Table,
    #[serde(default)]
    pub messages: IndexMap<String, RawText>,
}

/// One edition of a reference list, in force over a period.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEdition {
    pub name: Spanned<String>,
    pub file: Spanned<String>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    /// Free text naming the act of this edition (informational).
    #[allow(dead_code)]
    pub source: Option<String>,
}

/// A deployment's overrides: severities changed or rules silenced by ID.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverridesFile {
    #[serde(default)]
    pub rules: IndexMap<Spanned<String>, RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    pub severity: Option<Spanned<String>>,
    pub enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesFile {
    #[serde(default)]
    pub types: IndexMap<Spanned<String>, IndexMap<String, Spanned<String>>>,
    #[serde(default)]
    pub documents: IndexMap<Spanned<String>, RawDocType>,
    /// Field labels: `[labels.T]` (a record or document type) → field → its text per language.
    #[serde(default)]
    pub labels: IndexMap<Spanned<String>, IndexMap<Spanned<String>, RawText>>,
    /// Enumerations: the values string fields take, each with its label.
    #[serde(default)]
    pub enums: IndexMap<Spanned<String>, RawEnum>,
}

/// `[enums.NAME]`: the fields (`"T.FIELD"`) that take the values, whether others are lawful too
/// (`open`), and each value's label.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnum {
    #[serde(default)]
    pub fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub values: IndexMap<Spanned<String>, RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocType {
    /// The field giving the document's own date, or several (the latest present is its date);
    /// a dotted path reaches into a record (`signature.signed_at`).
    #[serde(default, deserialize_with = "field_or_fields")]
    pub as_of: Vec<Spanned<String>>,
    /// For a document that holds documents (`list<document>`): the field that identifies each
    /// of them; two members with the same value are a finding.
    pub member_id: Option<Spanned<String>>,
    /// The document type's own label (a form's type picker).
    pub label: Option<RawText>,
    #[serde(default)]
    pub fields: IndexMap<String, Spanned<String>>,
}

/// `as_of`: one field name, or a list of them, each with its span. (Not an untagged enum: serde
/// buffers those, and the elements' spans would be lost.)
fn field_or_fields<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<String>>, D::Error> {
    enum OneOrMany {
        One(String),
        Many(Vec<Spanned<String>>),
    }
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = OneOrMany;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a field name or a list of field names")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<OneOrMany, E> {
            Ok(OneOrMany::One(s.to_string()))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = seq.next_element::<Spanned<String>>()? {
                out.push(name);
            }
            Ok(OneOrMany::Many(out))
        }
    }
    impl<'de> Deserialize<'de> for OneOrMany {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(V)
        }
    }
    let v = Spanned::<OneOrMany>::deserialize(d)?;
    let span = v.span();
    Ok(match v.into_inner() {
        OneOrMany::One(name) => vec![Spanned::new(span, name)],
        OneOrMany::Many(names) => names,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    #[serde(default)]
    pub row: Vec<Spanned<Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RawRule>,
    /// Test cases of rules defined in a layer below (each names its `rule`): a regional
    /// layer's cases for a national rule that reads the layer's data.
    #[serde(default)]
    pub test: Vec<RawTest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(default)]
    pub params: Table,
    #[serde(default)]
    pub check: Vec<RawCheck>,
    #[serde(default)]
    pub test: Vec<RawTest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(default, rename = "let")]
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

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    /// Only in a file's top-level `[[test]]`: the rule (of a layer below) the case tests.
    pub rule: Option<Spanned<String>>,
    pub name: Spanned<String>,
    pub fixture: Spanned<String>,
    #[serde(default)]
    pub set: IndexMap<String, Value>,
    #[serde(default)]
    pub remove: Vec<String>,
    pub as_of: Option<Spanned<Datetime>>,
    pub expect: Spanned<String>,
    pub paths: Option<Vec<String>>,
    /// With `expect = "fail"`: the severity every finding of the rule must have.
    pub severity: Option<Spanned<String>>,
}

/// A working-day calendar file (the manifest's `calendars`), read into a calendar's data
/// ([`CalendarData`]: `crate::calendar` knows nothing of TOML):
///
/// ```toml
/// weekend = [6, 7]                       # ISO weekdays: 6 = Saturday, 7 = Sunday
/// [[holiday]]
/// date = "03-21"                         # MM-DD
/// name = { kk = "Наурыз", ru = "Наурыз", en = "Nauryz" }
/// transfer = true                        # on a day off → the next working day is off
/// from_year = 2010                       # optional
/// until_year = 2026                      # optional, inclusive
/// [[year]]
/// year = 2026
/// holidays = [{ date = 2026-05-27, name = "…", transfer = false }]   # floating holidays
/// days_off = [2026-01-05]                # extra days off (transfers)
/// working_days = [2026-01-03]            # days off made working days
/// ```
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    #[serde(default = "default_weekend")]
    pub weekend: Vec<u32>,
    #[serde(default)]
    pub holiday: Vec<RawHoliday>,
    #[serde(default)]
    pub year: Vec<RawYear>,
    /// Free text: where the data comes from.
    #[serde(default)]
    #[allow(dead_code)]
    pub provenance: Option<String>,
}

fn default_weekend() -> Vec<u32> {
    vec![6, 7]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoliday {
    pub date: String,
    /// Free-form name (a string or a `{kk, ru, en}` table); informational.
    #[allow(dead_code)]
    pub name: Option<Value>,
    #[serde(default)]
    pub transfer: bool,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawYear {
    pub year: i32,
    #[serde(default)]
    pub holidays: Vec<RawFloating>,
    #[serde(default)]
    pub days_off: Vec<Datetime>,
    #[serde(default)]
    pub working_days: Vec<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFloating {
    pub date: Datetime,
    /// Free-form name (a string or a `{kk, ru, en}` table); informational.
    #[allow(dead_code)]
    pub name: Option<Value>,
    #[serde(default)]
    pub transfer: bool,
}

impl RawCalendar {
    /// The calendar's data: each holiday's `MM-DD` a day of the year, each date of a year a
    /// date (no time). The error names the offending entry.
    pub fn data(&self) -> Result<CalendarData, String> {
        let mut holidays = Vec::with_capacity(self.holiday.len());
        for h in &self.holiday {
            let (month, day) = h
                .date
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                .filter(|(m, d)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some())
                .ok_or_else(|| format!("holiday date `{}` must be MM-DD", h.date))?;
            holidays.push(Fixed { month, day, transfer: h.transfer, from_year: h.from_year, until_year: h.until_year });
        }
        let mut years = Vec::with_capacity(self.year.len());
        for y in &self.year {
            let date = |d: &Datetime| super::convert::toml_date(d).ok_or_else(|| format!("year {}: `{d}` is not a date", y.year));
            let mut yd = YearData::default();
            for f in &y.holidays {
                yd.floating.push((date(&f.date)?, f.transfer));
            }
            for d in &y.days_off {
                yd.days_off.push(date(d)?);
            }
            for d in &y.working_days {
                yd.working_days.push(date(d)?);
            }
            years.push((y.year, yd));
        }
        Ok(CalendarData { weekend: self.weekend.clone(), fixed: holidays, years })
    }

    /// The compiled calendar named `name`; errors name the offending entry.
    pub fn compile(&self, name: &str) -> Result<Calendar, String> {
        Calendar::compile(name, &self.data()?)
    }
}

/// Reads and compiles a calendar file, as the loader does (without the file's location).
pub fn calendar_from_toml(name: &str, text: &str) -> Result<Calendar, String> {
    RawCalendar::read(text).map_err(|e| e.message)?.compile(name)
}
