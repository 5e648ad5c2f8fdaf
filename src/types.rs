//! The static type model shared by the document model (`types.toml`), reference data,
//! params and the check language's type checker.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

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

/// A named record type with ordered fields.
#[derive(Debug)]
pub struct RecordType {
    pub name: String,
    pub fields: IndexMap<String, Type>,
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
