//! The document model: a JSON value that borrows its strings, keys and numbers from the input
//! bytes, read by `jiter`'s iterator with the limits enforced while parsing.
//!
//! * **Strings and keys** are `Cow<'a, str>`: borrowed from the input unless they hold escapes
//!   (then decoded once by jiter, into their own allocation). jiter finds each one's end and
//!   checks its escapes (`known_bytes`, `next_key_bytes`); the input was checked as UTF-8 once,
//!   as a whole, so a string is not checked again, and one `memchr` per escaped string tells
//!   which strings have escapes.
//! * **Numbers** keep their text exactly as written ([`Number::as_str`]), so a decimal is decoded
//!   from its digits (`12.345678901234567890123` stays exact): no `f64` on the way.
//! * **Objects** keep their members in input order in one vector of pairs; a lookup scans it up
//!   to [`INDEX_FROM`] members and uses a hash index (`hashbrown::HashTable` of positions) above;
//!   a lookup given a [`Hint`] (a field access of the check language) first tries the position
//!   where that access last found its member.
//!   A repeated name keeps the last value at the first one's position and is noted
//!   ([`DuplicateKey`]), as I-JSON (RFC 7493) says names must be unique.
//! * **Buffers**: the elements of the arrays and the members of the objects being read wait on
//!   two stacks of the parser; a container that closes takes its own off into a buffer of
//!   exactly their number (one allocation each, no growth).
//! * **Limits** ([`Limits`]): nesting depth and array length are checked at the first container
//!   or element past them; the tree's heap is charged before it is built (each element's or
//!   member's slot as it is read, a decoded string, an object's index), and the parse stops at
//!   the first one past `max_bytes`. Borrowed strings and numbers cost no heap.
//!
//! The engine, the check language and the values read documents through this model only; a
//! `serde_json::Value` (the public `Pack::validate`) is seen through it by [`Json::from_serde`],
//! borrowing its strings. The pack keeps its parameters, reference data and fixtures in it,
//! owned (`Json<'static>`).

use std::borrow::Cow;
use std::fmt;

mod object;
pub use object::{Hint, INDEX_FROM, Object, not_blank};
pub(crate) use object::NameSet;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use object::same_bytes;
mod parser;
#[cfg(not(test))]
use parser::Parser;
#[cfg(test)]
use parser::*;
/// The compiled pack form of a value (`pack::compiled`).
pub(crate) mod wire;

/// A JSON value borrowing from the input `'a`.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON number, as its text in the input (valid JSON number syntax): borrowed from a parsed
/// document, owned in the pack's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number<'a>(Cow<'a, str>);

impl Number<'_> {
    /// The number's text exactly as written (`1E5`, `-0.10`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'a> Json<'a> {
    /// Member `key` of an object (`None` for anything else).
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(o) => o.get(key),
            _ => None,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Json::Number(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A `serde_json::Value` (with `arbitrary_precision`: numbers keep their text) seen as this
    /// model, its strings, names and numbers borrowed: a document read, as [`parse`] reads one
    /// (a new [`generation`]).
    pub fn from_serde(v: &'a serde_json::Value) -> Json<'a> {
        next_generation();
        Json::seen(v)
    }

    fn seen(v: &'a serde_json::Value) -> Json<'a> {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(Number(Cow::Borrowed(n.as_str()))),
            serde_json::Value::String(s) => Json::String(Cow::Borrowed(s)),
            serde_json::Value::Array(a) => Json::Array(a.iter().map(Json::seen).collect()),
            serde_json::Value::Object(o) => {
                Json::Object(Object::from_pairs(o.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::seen(v))).collect()))
            }
        }
    }

    /// A `serde_json::Value` copied into this model, owning its text (the pack's parameters and
    /// reference data, kept for the pack's life).
    pub fn owned_from_serde(v: &serde_json::Value) -> Json<'static> {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(Number(Cow::Owned(n.as_str().to_owned()))),
            serde_json::Value::String(s) => Json::String(Cow::Owned(s.clone())),
            serde_json::Value::Array(a) => Json::Array(a.iter().map(Json::owned_from_serde).collect()),
            serde_json::Value::Object(o) => {
                Json::Object(Object::from_pairs(o.iter().map(|(k, v)| (Cow::Owned(k.clone()), Json::owned_from_serde(v))).collect()))
            }
        }
    }

    /// The value owning its text (the pack's parameters, reference data and fixtures, read from
    /// a compiled pack's JSON text and kept for the pack's life).
    pub fn into_owned(self) -> Json<'static> {
        let own = |s: Cow<'a, str>| Cow::Owned(s.into_owned());
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Number(Number(n)) => Json::Number(Number(own(n))),
            Json::String(s) => Json::String(own(s)),
            Json::Array(a) => Json::Array(a.into_iter().map(Json::into_owned).collect()),
            Json::Object(o) => Json::Object(Object::from_pairs(o.pairs.into_iter().map(|(k, v)| (own(k), v.into_owned())).collect())),
        }
    }

    /// The value as `serde_json::Value` (numbers by their text, with `arbitrary_precision`). A
    /// number serde_json does not take (none the parser accepts) becomes `null`; see
    /// [`Json::try_to_serde`] to be told instead.
    pub fn to_serde(&self) -> serde_json::Value {
        self.try_to_serde().unwrap_or_else(|_| serde_json::Value::Null)
    }

    /// The value as `serde_json::Value`, or the text of the first number serde_json does not
    /// take.
    pub fn try_to_serde(&self) -> Result<serde_json::Value, String> {
        Ok(match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::Value::Number(n.as_str().parse::<serde_json::Number>().map_err(|_| n.as_str().to_string())?),
            Json::String(s) => serde_json::Value::String(s.to_string()),
            Json::Array(a) => serde_json::Value::Array(a.iter().map(Json::try_to_serde).collect::<Result<_, _>>()?),
            Json::Object(o) => serde_json::Value::Object(
                o.iter().map(|(k, v)| Ok((k.to_string(), v.try_to_serde()?))).collect::<Result<_, String>>()?,
            ),
        })
    }

    /// Writes the value's compact JSON (as `serde_json::to_writer` writes it; numbers as their
    /// text).
    pub fn write_json(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Json::Null => w.write_str("null"),
            Json::Bool(b) => w.write_str(if *b { "true" } else { "false" }),
            Json::Number(n) => w.write_str(n.as_str()),
            Json::String(s) => write_json_str(w, s),
            Json::Array(a) => {
                w.write_char('[')?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        w.write_char(',')?;
                    }
                    v.write_json(w)?;
                }
                w.write_char(']')
            }
            Json::Object(o) => {
                w.write_char('{')?;
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        w.write_char(',')?;
                    }
                    write_json_str(w, k)?;
                    w.write_char(':')?;
                    v.write_json(w)?;
                }
                w.write_char('}')
            }
        }
    }
}

/// The value's compact JSON.
impl fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_json(f)
    }
}

/// A JSON string literal as serde_json writes it: `"` and `\\` escaped, control characters as
/// `\b \f \n \r \t` or `\u00XX`, everything else as it is.
fn write_json_str(w: &mut dyn fmt::Write, s: &str) -> fmt::Result {
    w.write_char('"')?;
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        w.write_str(s.get(start..i).unwrap_or_default())?;
        if esc.is_empty() {
            write!(w, "\\u{b:04x}")?;
        } else {
            w.write_str(esc)?;
        }
        start = i + 1;
    }
    w.write_str(s.get(start..).unwrap_or_default())?;
    w.write_char('"')
}

/// `v[name]` when `v` is an object.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(crate) fn member<'v, 'a>(v: &'v Json<'a>, name: &str) -> Option<&'v Json<'a>> {
    v.as_object()?.get(name)
}

/// The `document_type` of a document, if it names one.
pub(crate) fn type_name<'v>(v: &'v Json<'_>) -> Option<&'v str> {
    member(v, "document_type")?.as_str()
}

/// Which limit stopped the parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitHit {
    Depth,
    ArrayLength,
    /// The tree would take more heap than its budget.
    Memory,
}

/// The limits of [`parse`].
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting: the top-level object or array is depth 1.
    pub max_depth: usize,
    /// Most elements of one array.
    pub max_array_len: usize,
    /// Most heap the tree may take, in bytes, as charged (see the module's docs).
    pub max_bytes: usize,
}

impl Limits {
    /// No limits but [`RECURSION_LIMIT`].
    pub const NONE: Limits = Limits { max_depth: usize::MAX, max_array_len: usize::MAX, max_bytes: usize::MAX };
}

/// Nesting past which any parse stops (the stack's guard, whatever [`Limits::max_depth`] says):
/// `serde_json`'s recursion limit.
pub const RECURSION_LIMIT: usize = 127;

/// Why bytes could not be read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Limit(LimitHit),
    Syntax(SyntaxError),
}

/// Invalid JSON: the message (jiter's words, which are serde_json's) and where, line and column
/// from 1 (the column in bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub msg: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.msg, self.line, self.column)
    }
}

/// A member name repeated in an object: one per occurrence after the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// RFC 6901 JSON Pointer of the member (`/drug/inn`; `~` and `/` in names as `~0`, `~1`).
    pub pointer: String,
    /// The member's name, decoded.
    pub key: String,
}

/// How many repeated names [`parse`] lists; the rest are only counted.
pub const MAX_DUPLICATE_KEYS: usize = 100;

/// Longest pointer and name of a listed repeated name, in bytes: past it they are cut (on a
/// character boundary) and end with `…`.
pub const MAX_DUPLICATE_KEY_TEXT: usize = 4096;

/// A document read by [`parse`].
#[derive(Debug)]
pub struct Parsed<'a> {
    pub value: Json<'a>,
    /// The repeated names, in document order, at most [`MAX_DUPLICATE_KEYS`].
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Repeated names past the first [`MAX_DUPLICATE_KEYS`].
    pub more_duplicates: usize,
    /// Bytes of heap charged for the value (at most [`Limits::max_bytes`]).
    pub charged: usize,
}

/// Parses `bytes` as one JSON value (nothing but whitespace after it) within `limits`; repeated
/// names are listed.
pub fn parse(bytes: &[u8], limits: Limits) -> Result<Parsed<'_>, ParseError> {
    next_generation();
    let mut p = Parser::new(bytes, limits, false);
    let value = p.document()?;
    Ok(Parsed { value, duplicate_keys: p.dups, more_duplicates: p.more_dups, charged: limits.max_bytes - p.budget })
}

thread_local! {
    static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A number that changes each time this thread reads a document ([`parse`],
/// [`Json::from_serde`]): what the layers above remember of one document's values (the dates
/// `value` decodes) they forget at the next.
pub fn generation() -> u64 {
    GENERATION.try_with(std::cell::Cell::get).unwrap_or(u64::MAX)
}

fn next_generation() {
    let _ = GENERATION.try_with(|g| g.set(g.get().wrapping_add(1)));
}

/// Parses `bytes` as one JSON value with no limits but [`RECURSION_LIMIT`], for trusted files (a
/// pack's fixtures): a repeated name is an error at that name.
pub fn parse_trusted(bytes: &[u8]) -> Result<Json<'_>, SyntaxError> {
    let mut p = Parser::new(bytes, Limits::NONE, true);
    p.document().map_err(|e| match e {
        ParseError::Syntax(e) => e,
        // No limits: only the budget of `usize::MAX` bytes, which no allocation reaches.
        ParseError::Limit(hit) => SyntaxError { msg: format!("{hit:?} limit"), line: 0, column: 0 },
    })
}

/// Parses a trusted file (a pack's fixture, a compiled pack's JSON) as [`parse_trusted`] does,
/// into a `serde_json::Value` (numbers keep their text).
pub fn parse_json_value(bytes: &[u8]) -> Result<serde_json::Value, SyntaxError> {
    parse_trusted(bytes)?.try_to_serde().map_err(|n| SyntaxError { msg: format!("number `{n}` out of serde_json's range"), line: 0, column: 0 })
}

/// Appends `token` to a JSON Pointer as RFC 6901 escapes it.
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// `s` cut to [`MAX_DUPLICATE_KEY_TEXT`] bytes, with `…`.
pub(crate) fn cut_key_text(s: &mut String) {
    if s.len() > MAX_DUPLICATE_KEY_TEXT {
        let mut end = MAX_DUPLICATE_KEY_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
