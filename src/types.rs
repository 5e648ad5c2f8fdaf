//! The static type model shared by the document model (`types.toml`), reference data,
//! params and the check language's type checker.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::refuse;

/// An ordered map by name (insertion order, as `IndexMap`) hashed with hashbrown's default
/// hasher (foldhash) rather than std's SipHash: the maps validation looks names up in (a
/// record's fields, the pack's document types). SipHash's keyed rounds cost about 100
/// instructions a lookup of a short name; foldhash a few; and std's `RandomState` and SipHash
/// leave the WebAssembly module with them.
pub type NameMap<V> = IndexMap<String, V, hashbrown::DefaultHashBuilder>;

/// A static type. Every value may additionally be *missing* at run time; optionality is
/// not part of the type.
#[derive(Clone, Debug)]
pub enum Type {
    Bool,
    /// Exact decimal.
    Number,
    /// A number with no fraction in the input; identical to `Number` in expressions.
    Integer,
    String,
    Date,
    DateTime,
    Duration,
    /// The type of the `null` literal; unifies with anything.
    Null,
    List(Box<Type>),
    Record(Arc<RecordType>),
    /// Any document of the pack, told apart by its `document_type` (the members of a bundle).
    /// Fields are read dynamically; a check narrows it with `of_type`.
    Document,
    /// A working-day calendar of the pack (`calendars.NAME`), opaque to expressions.
    Calendar,
    /// Unchecked: field access and operators are resolved at run time.
    Any,
}

/// The same type: records by name (a pack names each record type once).
impl PartialEq for Type {
    fn eq(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::List(a), Type::List(b)) => a == b,
            (Type::Record(a), Type::Record(b)) => Arc::ptr_eq(a, b) || a.name == b.name,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b) && !matches!(a, Type::List(_) | Type::Record(_)),
        }
    }
}

/// A named record type with ordered fields.
#[derive(Debug)]
pub struct RecordType {
    pub name: String,
    pub fields: NameMap<Type>,
}

impl RecordType {
    pub fn field(&self, name: &str) -> Option<&Type> {
        self.fields.get(name)
    }
}

impl Type {
    /// `Integer` is a `Number` in expressions.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Number | Type::Integer)
    }

    /// Whether a value of type `other` may be used where `self` is expected.
    pub fn accepts(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Any, _) | (_, Type::Any) | (Type::Null, _) | (_, Type::Null) => true,
            (a, b) if a.is_number() && b.is_number() => true,
            (Type::Bool, Type::Bool)
            | (Type::String, Type::String)
            | (Type::Date, Type::Date)
            | (Type::DateTime, Type::DateTime)
            | (Type::Duration, Type::Duration)
            | (Type::Calendar, Type::Calendar)
            | (Type::Document, Type::Document) => true,
            (Type::Document, Type::Record(_)) => true,
            (Type::List(a), Type::List(b)) => a.accepts(b),
            (Type::Record(a), Type::Record(b)) => Arc::ptr_eq(a, b) || a.name == b.name,
            _ => false,
        }
    }

    /// Element type of a list (or `Any` for `Any`).
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) => Some(t),
            Type::Any => Some(&Type::Any),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::Integer => f.write_str("integer"),
            Type::String => f.write_str("string"),
            Type::Date => f.write_str("date"),
            Type::DateTime => f.write_str("datetime"),
            Type::Duration => f.write_str("duration"),
            Type::Null => f.write_str("null"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Record(r) => f.write_str(&r.name),
            Type::Calendar => f.write_str("calendar"),
            Type::Document => f.write_str("document"),
            Type::Any => f.write_str("any"),
        }
    }
}

/// Parses a type expression of `types.toml` (`number`, `list<quantity>`, `organization`).
/// `lookup` resolves record type names.
pub fn parse_type(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<Type>,
) -> Result<Type, String> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        return Ok(Type::List(Box::new(parse_type(inner, lookup)?)));
    }
    Ok(match t {
        "bool" => Type::Bool,
        "number" | "decimal" => Type::Number,
        "integer" => Type::Integer,
        "string" => Type::String,
        "date" => Type::Date,
        "datetime" => Type::DateTime,
        "duration" => Type::Duration,
        "any" => Type::Any,
        "document" => Type::Document,
        other => lookup(other).ok_or_else(|| format!("unknown type `{other}`"))?,
    })
}

/// Deepest nesting of types a compiled pack may hold (lists in lists, records in records); the
/// packs' own are a few levels deep.
const MAX_TYPE_DEPTH: u32 = 64;

/// The record types of one compiled pack being written or read ([`record_table`]): a record
/// type is written in full the first time (its fields first) and by number afterwards, so that
/// every node typed with the document's record does not repeat it, and the types read back
/// share their records as the loader's do.
#[derive(Default)]
struct Records {
    /// Inside [`record_table`]: records are numbered (else each is written in full).
    active: bool,
    /// Written: the address of each record type, in the order they were numbered.
    written: Vec<usize>,
    /// Read: each record type, in the order they were numbered.
    read: Vec<Arc<RecordType>>,
    /// How deep the type being read is nested.
    depth: u32,
}

thread_local! {
    static RECORDS: RefCell<Records> = RefCell::new(Records::default());
}

/// Runs `f` (the writing or reading of one compiled pack) with a table of record types of its
/// own: types serialised inside it number their records.
pub(crate) fn record_table<R>(f: impl FnOnce() -> R) -> R {
    let outer = RECORDS.with(|r| std::mem::replace(&mut *r.borrow_mut(), Records { active: true, ..Records::default() }));
    let out = f();
    RECORDS.with(|r| *r.borrow_mut() = outer);
    out
}

fn with_records<R>(f: impl FnOnce(&mut Records) -> R) -> R {
    RECORDS.with(|r| f(&mut r.borrow_mut()))
}

/// A type as written: a record in full ([`TypeOut::Def`]) or by number ([`TypeOut::Ref`]).
#[derive(Serialize)]
enum TypeOut<'a> {
    Bool,
    Number,
    Integer,
    String,
    Date,
    DateTime,
    Duration,
    Null,
    List(&'a Type),
    Def(&'a str, RecordFields<'a>),
    Ref(usize),
    Document,
    Calendar,
    Any,
}

/// A record's fields, written as a sequence of (name, type) pairs.
struct RecordFields<'a>(&'a NameMap<Type>);

impl Serialize for RecordFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl Serialize for Type {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Type::Bool => TypeOut::Bool,
            Type::Number => TypeOut::Number,
            Type::Integer => TypeOut::Integer,
            Type::String => TypeOut::String,
            Type::Date => TypeOut::Date,
            Type::DateTime => TypeOut::DateTime,
            Type::Duration => TypeOut::Duration,
            Type::Null => TypeOut::Null,
            Type::List(t) => TypeOut::List(t),
            Type::Record(r) => return serialize_record(r, s),
            Type::Document => TypeOut::Document,
            Type::Calendar => TypeOut::Calendar,
            Type::Any => TypeOut::Any,
        }
        .serialize(s)
    }
}

/// A record type: by number when [`record_table`] has it, else in full (and numbered after its
/// fields, so that the reader meets the same order).
pub(crate) fn serialize_record<S: Serializer>(r: &Arc<RecordType>, s: S) -> Result<S::Ok, S::Error> {
    let addr = Arc::as_ptr(r) as usize;
    if let Some(i) = with_records(|t| t.written.iter().position(|a| *a == addr)) {
        return TypeOut::Ref(i).serialize(s);
    }
    // A `Serialize` of the whole definition that numbers the record once its fields are out.
    struct Def<'a>(&'a Arc<RecordType>);
    impl Serialize for Def<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            TypeOut::Def(&self.0.name, RecordFields(&self.0.fields)).serialize(s)
        }
    }
    let out = Def(r).serialize(s);
    with_records(|t| {
        if t.active {
            t.written.push(addr);
        }
    });
    out
}

/// A type as [`TypeOut`] wrote it, read without a thread-local look-up for the common types:
/// only a list or a record (the nested ones, bounded by [`MAX_TYPE_DEPTH`]) and a record by
/// number reach the table of records.
struct TypeVisitor;

impl<'de> serde::de::Visitor<'de> for TypeVisitor {
    type Value = Type;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a type")
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Type, A::Error> {
        use serde::de::VariantAccess;
        let (variant, v): (u32, _) = data.variant()?;
        // `TypeOut`'s variants, in order.
        let leaf = match variant {
            0 => Type::Bool,
            1 => Type::Number,
            2 => Type::Integer,
            3 => Type::String,
            4 => Type::Date,
            5 => Type::DateTime,
            6 => Type::Duration,
            7 => Type::Null,
            8 => return nested(|| v.newtype_variant::<Type>()).map(|t| Type::List(Box::new(t))),
            9 => {
                let (name, fields) = nested(|| v.newtype_variant::<(String, Vec<(String, Type)>)>())?;
                let rec = Arc::new(RecordType { name, fields: fields.into_iter().collect() });
                with_records(|t| {
                    if t.active {
                        t.read.push(rec.clone());
                    }
                });
                return Ok(Type::Record(rec));
            }
            10 => {
                let i = v.newtype_variant::<usize>()?;
                return match with_records(|t| t.read.get(i).cloned()) {
                    Some(rec) => Ok(Type::Record(rec)),
                    None => Err(refuse(format_args!("record type #{i} is not defined before"))),
                };
            }
            11 => Type::Document,
            12 => Type::Calendar,
            13 => Type::Any,
            n => return Err(refuse(format_args!("no type #{n} in this engine"))),
        };
        v.unit_variant()?;
        Ok(leaf)
    }
}

/// Reads a type nested in the one being read, within [`MAX_TYPE_DEPTH`].
fn nested<T, E: serde::de::Error>(read: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let depth = with_records(|t| {
        t.depth += 1;
        t.depth
    });
    let out = if depth > MAX_TYPE_DEPTH { Err(refuse(format_args!("types nested deeper than {MAX_TYPE_DEPTH}"))) } else { read() };
    with_records(|t| t.depth -= 1);
    out
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Type, D::Error> {
        const VARIANTS: &[&str] = &[
            "Bool", "Number", "Integer", "String", "Date", "DateTime", "Duration", "Null", "List", "Def", "Ref", "Document", "Calendar", "Any",
        ];
        d.deserialize_enum("TypeOut", VARIANTS, TypeVisitor)
    }
}

/// A record type written by [`serialize_record`].
pub(crate) fn deserialize_record<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<RecordType>, D::Error> {
    match Type::deserialize(d)? {
        Type::Record(r) => Ok(r),
        t => Err(refuse(format_args!("a record type was expected, not {t}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_record_type_is_written_once_and_shared_when_read_back() {
        let rec = Arc::new(RecordType { name: "r".into(), fields: [("a".to_string(), Type::Number)].into_iter().collect() });
        let types = vec![Type::Record(rec.clone()), Type::List(Box::new(Type::Record(rec)))];
        let bytes = record_table(|| postcard::to_allocvec(&types)).unwrap();
        assert_eq!(bytes.iter().filter(|b| **b == b'r').count(), 1, "{bytes:?}");
        let back: Vec<Type> = record_table(|| postcard::from_bytes(&bytes)).unwrap();
        match (&back[0], &back[1]) {
            (Type::Record(a), Type::List(b)) => match &**b {
                Type::Record(b) => assert!(Arc::ptr_eq(a, b) && a.field("a").is_some()),
                t => panic!("{t}"),
            },
            _ => panic!("{back:?}"),
        }
    }

    /// The reader numbers `TypeOut`'s variants by hand (`TypeVisitor`): every type reads back as
    /// the one written, so the two lists cannot drift apart unnoticed.
    #[test]
    fn every_type_reads_back_as_written() {
        let rec = Arc::new(RecordType { name: "r".into(), fields: [("a".to_string(), Type::Date)].into_iter().collect() });
        let types = vec![
            Type::Bool,
            Type::Number,
            Type::Integer,
            Type::String,
            Type::Date,
            Type::DateTime,
            Type::Duration,
            Type::Null,
            Type::List(Box::new(Type::Integer)),
            Type::Record(rec.clone()),
            Type::Record(rec),
            Type::Document,
            Type::Calendar,
            Type::Any,
        ];
        let bytes = record_table(|| postcard::to_allocvec(&types)).unwrap();
        let back: Vec<Type> = record_table(|| postcard::from_bytes(&bytes)).unwrap();
        assert_eq!(back.iter().map(ToString::to_string).collect::<Vec<_>>(), types.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert_eq!(back, types);
    }

    #[test]
    fn types_nested_too_deep_or_unknown_records_are_refused() {
        // `List` is variant 8, `Bool` 0, `Ref` 10.
        let mut deep = vec![8u8; 100_000];
        deep.push(0);
        assert!(record_table(|| postcard::from_bytes::<Type>(&deep)).is_err());
        let ok: Type = record_table(|| postcard::from_bytes(&[8, 8, 0])).unwrap();
        assert_eq!(ok.to_string(), "list<list<bool>>");
        let _ = crate::wire::take_problem();
        assert!(record_table(|| postcard::from_bytes::<Type>(&[10, 0])).is_err());
        assert_eq!(crate::wire::take_problem().as_deref(), Some("record type #0 is not defined before"));
    }
}
