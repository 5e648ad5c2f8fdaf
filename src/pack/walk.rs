//! Reading TOML by hand: a walk over the spanned tree `toml::de::DeTable::parse` gives, in place
//! of serde's derived deserialisers (which cost most of the WebAssembly module's code).
//!
//! The loader's `file:line:col` diagnostics are part of the behaviour, so the walk reports what
//! `toml::from_str` reported for the same shapes, word for word and at the same place: serde's
//! `missing field`, `unknown field`, `invalid type`, `invalid value` and `invalid length`
//! messages, each at the span the `toml` deserialiser gave it (the key for an unknown field, the
//! enclosing table for a missing one, the value otherwise). It also keeps serde's quieter
//! behaviours: a struct may be written as an array of its fields in order, a datetime read where
//! a map is expected is the one-entry map `{ "$__toml_private_datetime" = "<text>" }`, and a table
//! whose first key is that name is a datetime. `walk_tests.rs` holds the expected diagnostics and
//! compares the walk with serde's path on generated files.

use std::fmt::Write as _;

use indexmap::IndexMap;
use toml::Spanned;
use toml::de::{DeInteger, DeTable, DeValue};
use toml_datetime::Datetime;

/// The key under which serde's view of a TOML datetime carries its text.
const DATETIME_FIELD: &str = "$__toml_private_datetime";

/// A diagnostic of the walk (or of the TOML parser): message and byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: String,
    pub at: Option<usize>,
}

pub type R<T> = Result<T, Error>;

fn err<T>(at: usize, message: String) -> R<T> {
    Err(Error { message, at: Some(at) })
}

/// A TOML value as the pack keeps it (params, rows of reference data, test values, names).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(Datetime),
    Array(Vec<Value>),
    Table(Table),
}

/// A TOML table, keys in the order of the file.
pub type Table = IndexMap<String, Value>;

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses a TOML document. A syntax error (or a duplicate key) is reported as the parser words it.
pub fn parse(src: &str) -> R<Spanned<DeValue<'_>>> {
    match DeTable::parse(src) {
        Ok(t) => {
            let span = t.span();
            Ok(Spanned::new(span, DeValue::Table(t.into_inner())))
        }
        Err(e) => Err(Error { message: e.message().trim().to_string(), at: e.span().map(|s| s.start) }),
    }
}

/// A value being read: a node of the TOML tree, or the text of a datetime read as a map (which
/// has no span of its own; errors about it point at the datetime).
#[derive(Clone, Copy)]
pub enum Node<'a, 'i> {
    Toml(&'a Spanned<DeValue<'i>>),
    Plain(&'a str, usize),
}

/// A key of a table being read.
pub struct Key<'a> {
    pub name: &'a str,
    /// The key's span; `None` for the datetime key of a datetime read as a map.
    span: Option<std::ops::Range<usize>>,
    at: usize,
}

impl Key<'_> {
    pub fn spanned(&self) -> R<Spanned<String>> {
        match &self.span {
            Some(s) => Ok(Spanned::new(s.clone(), self.name.to_string())),
            None => err(self.at, format!("invalid type: string {:?}, expected a spanned value", self.name)),
        }
    }
}

/// The shape of a struct: serde's name for it (`struct Manifest`), its fields in declaration
/// order, and which of them have a default (`#[serde(default)]`).
pub struct Shape {
    pub name: &'static str,
    pub fields: &'static [&'static str],
    pub defaults: &'static [&'static str],
}

/// An integer as serde's TOML deserialiser passes it to a visitor.
enum Int {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
}

fn int(i: &DeInteger<'_>, at: usize) -> R<Int> {
    let (s, radix) = (i.as_str(), i.radix());
    if let Ok(v) = i64::from_str_radix(s, radix) {
        Ok(Int::I64(v))
    } else if let Ok(v) = u64::from_str_radix(s, radix) {
        Ok(Int::U64(v))
    } else if let Ok(v) = i128::from_str_radix(s, radix) {
        Ok(Int::I128(v))
    } else if let Ok(v) = u128::from_str_radix(s, radix) {
        Ok(Int::U128(v))
    } else {
        err(at, "integer number overflowed".into())
    }
}

fn float(text: &str, at: usize) -> R<f64> {
    match text.parse::<f64>().ok() {
        // As `toml`: infinity only when written so, not from overflow.
        Some(f) if !f.is_infinite() || text.contains("inf") => Ok(f),
        _ => err(at, "floating-point number overflowed".into()),
    }
}

/// serde's `Unexpected::Float`: the float's text, with `.0` when it has no decimal point.
fn float_text(f: f64) -> String {
    let mut s = format!("{f}");
    if f.is_finite() && !s.contains('.') {
        s.push_str(".0");
    }
    s
}

impl<'a, 'i> Node<'a, 'i> {
    /// Where an error about this value is reported.
    pub fn at(&self) -> usize {
        match self {
            Node::Toml(v) => v.span().start,
            Node::Plain(_, at) => *at,
        }
    }

    /// serde's `invalid type: <what this is>, expected <exp>`.
    fn invalid_type<T>(&self, exp: &str) -> R<T> {
        let what = match self {
            Node::Plain(s, _) => format!("string {s:?}"),
            Node::Toml(v) => match v.get_ref() {
                DeValue::String(s) => format!("string {:?}", s.as_ref()),
                DeValue::Integer(i) => match int(i, self.at())? {
                    Int::I64(v) => format!("integer `{v}`"),
                    Int::U64(v) => format!("integer `{v}`"),
                    Int::I128(v) => format!("integer `{v}` as i128"),
                    Int::U128(v) => format!("integer `{v}` as u128"),
                },
                DeValue::Float(f) => format!("floating point `{}`", float_text(float(f.as_str(), self.at())?)),
                DeValue::Boolean(b) => format!("boolean `{b}`"),
                DeValue::Datetime(_) | DeValue::Table(_) => "map".into(),
                DeValue::Array(_) => "sequence".into(),
            },
        };
        err(self.at(), format!("invalid type: {what}, expected {exp}"))
    }

    pub fn string(&self) -> R<String> {
        match self {
            Node::Plain(s, _) => Ok((*s).to_string()),
            Node::Toml(v) => match v.get_ref() {
                DeValue::String(s) => Ok(s.to_string()),
                _ => self.invalid_type("a string"),
            },
        }
    }

    /// A value that keeps its span (`Spanned<T>`): only values of the TOML tree have one.
    pub fn spanned<T>(&self, read: impl FnOnce(&Self) -> R<T>) -> R<Spanned<T>> {
        match self {
            Node::Toml(v) => Ok(Spanned::new(v.span(), read(self)?)),
            Node::Plain(s, at) => err(*at, format!("invalid type: string {s:?}, expected a spanned value")),
        }
    }

    pub fn spanned_string(&self) -> R<Spanned<String>> {
        self.spanned(Self::string)
    }

    pub fn boolean(&self) -> R<bool> {
        match self {
            Node::Toml(v) => match v.get_ref() {
                DeValue::Boolean(b) => Ok(*b),
                _ => self.invalid_type("a boolean"),
            },
            Node::Plain(..) => self.invalid_type("a boolean"),
        }
    }

    /// An `i32` (serde's integer visitor: out of range is an `invalid value`).
    pub fn i32(&self) -> R<i32> {
        self.integer("i32", |v| i32::try_from(v).ok())
    }

    /// A `u32`.
    pub fn u32(&self) -> R<u32> {
        self.integer("u32", |v| u32::try_from(v).ok())
    }

    fn integer<T>(&self, name: &str, fit: impl Fn(i128) -> Option<T>) -> R<T> {
        let Node::Toml(v) = self else { return self.invalid_type(name) };
        let DeValue::Integer(i) = v.get_ref() else { return self.invalid_type(name) };
        let what = match int(i, self.at())? {
            Int::I64(v) => match fit(i128::from(v)) {
                Some(x) => return Ok(x),
                None => format!("integer `{v}`"),
            },
            Int::U64(v) => match fit(i128::from(v)) {
                Some(x) => return Ok(x),
                None => format!("integer `{v}`"),
            },
            // serde's integer visitors take no 128-bit integers: a type error, not a range one.
            Int::I128(v) => return err(self.at(), format!("invalid type: integer `{v}` as i128, expected {name}")),
            Int::U128(v) => return err(self.at(), format!("invalid type: integer `{v}` as u128, expected {name}")),
        };
        err(self.at(), format!("invalid value: {what}, expected {name}"))
    }

    /// A TOML datetime (a table `{ "$__toml_private_datetime" = "<text>" }` is one too).
    pub fn datetime(&self) -> R<Datetime> {
        const EXP: &str = "a TOML datetime";
        let Node::Toml(v) = self else { return self.invalid_type(EXP) };
        match v.get_ref() {
            DeValue::Datetime(d) => Ok(*d),
            DeValue::Table(t) => {
                let Some((k, val)) = t.iter().next() else {
                    return err(self.at(), "datetime key not found".into());
                };
                if k.get_ref().as_ref() != DATETIME_FIELD {
                    return err(k.span().start, "expected field with custom name".into());
                }
                datetime_from_string(val)
            }
            _ => self.invalid_type(EXP),
        }
    }

    /// Each element of an array, in order.
    pub fn each_item(&self, f: &mut dyn FnMut(Node<'a, 'i>) -> R<()>) -> R<()> {
        match self {
            Node::Toml(v) => match v.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        f(Node::Toml(item))?;
                    }
                    Ok(())
                }
                _ => self.invalid_type("a sequence"),
            },
            Node::Plain(..) => self.invalid_type("a sequence"),
        }
    }

    pub fn vec<T>(&self, read: impl Fn(&Node<'a, 'i>) -> R<T>) -> R<Vec<T>> {
        self.vec_dyn(&read)
    }

    // The generic readers hand their closures on as `dyn`: one copy of each per element type,
    // not per call site (code size of the WebAssembly module).
    fn vec_dyn<T>(&self, read: &dyn Fn(&Node<'a, 'i>) -> R<T>) -> R<Vec<T>> {
        let mut out = Vec::new();
        self.each_item(&mut |n| {
            out.push(read(&n)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Each entry of a map, in the order of the file; `exp` is what serde says it expected.
    pub fn each_entry(&self, exp: &str, f: &mut dyn FnMut(Key<'_>, Node<'_, 'i>) -> R<()>) -> R<()> {
        let Node::Toml(v) = self else { return self.invalid_type(exp) };
        match v.get_ref() {
            DeValue::Table(t) => {
                for (k, val) in t.iter() {
                    let key = Key { name: k.get_ref().as_ref(), span: Some(k.span()), at: k.span().start };
                    f(key, Node::Toml(val))?;
                }
                Ok(())
            }
            DeValue::Datetime(d) => {
                let text = d.to_string();
                let at = self.at();
                f(Key { name: DATETIME_FIELD, span: None, at }, Node::Plain(&text, at))
            }
            _ => self.invalid_type(exp),
        }
    }

    /// A map with string keys (`IndexMap<String, T>`).
    pub fn map<T>(&self, read: impl Fn(&Node<'_, 'i>) -> R<T>) -> R<IndexMap<String, T>> {
        self.map_dyn(&read)
    }

    fn map_dyn<T>(&self, read: &dyn Fn(&Node<'_, 'i>) -> R<T>) -> R<IndexMap<String, T>> {
        let mut out = IndexMap::new();
        self.each_entry("a map", &mut |k, v| {
            let val = read(&v)?;
            out.insert(k.name.to_string(), val);
            Ok(())
        })?;
        Ok(out)
    }

    /// A map whose keys keep their spans (`IndexMap<Spanned<String>, T>`).
    pub fn spanned_key_map<T>(&self, read: impl Fn(&Node<'_, 'i>) -> R<T>) -> R<IndexMap<Spanned<String>, T>> {
        self.spanned_key_map_dyn(&read)
    }

    fn spanned_key_map_dyn<T>(&self, read: &dyn Fn(&Node<'_, 'i>) -> R<T>) -> R<IndexMap<Spanned<String>, T>> {
        let mut out = IndexMap::new();
        self.each_entry("a map", &mut |k, v| {
            let key = k.spanned()?;
            let val = read(&v)?;
            out.insert(key, val);
            Ok(())
        })?;
        Ok(out)
    }

    /// The fields of a struct (`#[serde(deny_unknown_fields)]`): `f` gets each field's index in
    /// `shape.fields` and its value, in the order of the file. As serde allows, an array gives
    /// the fields in declaration order. The caller then asks [`Node::missing`] for each required
    /// field that did not come, in declaration order.
    pub fn each_field(&self, shape: &Shape, mut f: impl FnMut(usize, Node<'_, 'i>) -> R<()>) -> R<()> {
        self.each_field_dyn(shape, &mut f)
    }

    fn each_field_dyn(&self, shape: &Shape, f: &mut dyn FnMut(usize, Node<'_, 'i>) -> R<()>) -> R<()> {
        if let Node::Toml(v) = self
            && let DeValue::Array(items) = v.get_ref()
        {
            for (i, name) in shape.fields.iter().enumerate() {
                match items.get(i) {
                    Some(item) => f(i, Node::Toml(item))?,
                    None if shape.defaults.contains(name) => {}
                    None => {
                        let n = shape.fields.len();
                        let plural = if n == 1 { "" } else { "s" };
                        return err(self.at(), format!("invalid length {i}, expected {} with {n} element{plural}", shape.name));
                    }
                }
            }
            return Ok(());
        }
        let at = self.at();
        self.each_entry(shape.name, &mut |k, v| match shape.fields.iter().position(|f| *f == k.name) {
            Some(i) => f(i, v),
            None => err(if k.span.is_some() { k.at } else { at }, unknown_field(k.name, shape.fields)),
        })
    }

    /// serde's `missing field` for a required field that did not come, at this (the struct's) value.
    pub fn missing<T>(&self, field: Option<T>, name: &str) -> R<T> {
        match field {
            Some(v) => Ok(v),
            None => err(self.at(), format!("missing field `{name}`")),
        }
    }

    /// Any TOML value (`toml::Value`).
    pub fn value(&self) -> R<Value> {
        const EXP: &str = "any valid TOML value";
        let v = match self {
            Node::Toml(v) => v,
            Node::Plain(s, _) => return Ok(Value::String((*s).to_string())),
        };
        let at = self.at();
        Ok(match v.get_ref() {
            DeValue::String(s) => Value::String(s.to_string()),
            DeValue::Integer(i) => match int(i, at)? {
                Int::I64(v) => Value::Integer(v),
                Int::U64(_) => return err(at, "u64 value was too large".into()),
                Int::I128(v) => return err(at, format!("invalid type: integer `{v}` as i128, expected {EXP}")),
                Int::U128(v) => return err(at, format!("invalid type: integer `{v}` as u128, expected {EXP}")),
            },
            DeValue::Float(f) => Value::Float(float(f.as_str(), at)?),
            DeValue::Boolean(b) => Value::Boolean(*b),
            DeValue::Datetime(d) => Value::Datetime(*d),
            DeValue::Array(items) => Value::Array(items.iter().map(|i| Node::Toml(i).value()).collect::<R<_>>()?),
            DeValue::Table(t) => {
                if let Some((k, val)) = t.iter().next()
                    && k.get_ref().as_ref() == DATETIME_FIELD
                {
                    return datetime_from_string(val).map(Value::Datetime);
                }
                Value::Table(table_entries(t)?)
            }
        })
    }

    /// A table of any values (`toml::Table`): serde reads a datetime here as its one-entry map.
    pub fn table(&self) -> R<Table> {
        match self {
            Node::Toml(v) => match v.get_ref() {
                DeValue::Table(t) => table_entries(t),
                DeValue::Datetime(_) => self.map(|v| v.value()),
                _ => self.invalid_type("a map"),
            },
            Node::Plain(..) => self.invalid_type("a map"),
        }
    }
}

fn table_entries(t: &DeTable<'_>) -> R<Table> {
    let mut out = Table::with_capacity(t.len());
    for (k, v) in t.iter() {
        out.insert(k.get_ref().to_string(), Node::Toml(v).value()?);
    }
    Ok(out)
}

/// The value of a `$__toml_private_datetime` key: a string holding a datetime.
fn datetime_from_string(v: &Spanned<DeValue<'_>>) -> R<Datetime> {
    let n = Node::Toml(v);
    match v.get_ref() {
        DeValue::String(s) => match s.parse::<Datetime>() {
            Ok(d) => Ok(d),
            Err(e) => err(n.at(), e.to_string()),
        },
        _ => n.invalid_type("string containing a datetime"),
    }
}

/// serde's `unknown field` message.
fn unknown_field(field: &str, expected: &[&str]) -> String {
    let mut s = format!("unknown field `{field}`, ");
    match expected {
        [] => s.push_str("there are no fields"),
        [one] => {
            let _ = write!(s, "expected `{one}`");
        }
        [a, b] => {
            let _ = write!(s, "expected `{a}` or `{b}`");
        }
        _ => {
            s.push_str("expected one of ");
            for (i, name) in expected.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "`{name}`");
            }
        }
    }
    s
}

/// Reads a whole document with `read` (the root table is the value read).
pub fn read_doc<T>(src: &str, read: impl FnOnce(&Node<'_, '_>) -> R<T>) -> R<T> {
    let root = parse(src)?;
    read(&Node::Toml(&root))
}
