//! Reading a document's bytes into a JSON value while enforcing the nesting and array-length
//! limits in the same pass.
//!
//! The value built is exactly `serde_json::from_slice::<Value>`'s (same numbers under
//! `arbitrary_precision`, same key order and duplicate-key handling under `preserve_order`);
//! the difference is that a document nested deeper than the limit, or with a longer array,
//! stops the parse at that point instead of being built first and measured after.

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

/// Which limit stopped the parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LimitHit {
    Depth,
    ArrayLength,
}

/// Why bytes could not be read as a document.
#[derive(Debug)]
pub(crate) enum ParseError {
    Limit(LimitHit),
    Json(serde_json::Error),
}

/// Parses `bytes` as one JSON value (nothing but whitespace after it), refusing nesting deeper
/// than `max_depth` (the top-level object or array is depth 1) and arrays of more than
/// `max_array_len` elements.
pub(crate) fn parse_limited(bytes: &[u8], max_depth: usize, max_array_len: usize) -> Result<Json, ParseError> {
    let hit = Cell::new(None);
    let limits = Limits { max_depth, max_array_len, hit: &hit };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = ValueSeed { limits: &limits, depth: 0 }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (value, hit.get()) {
        (_, Some(h)) => Err(ParseError::Limit(h)),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(ParseError::Json(e)),
    }
}

/// Parses `bytes` as one JSON value with no limits of ours (`serde_json`'s recursion limit of
/// 128 levels still applies): for trusted files such as a pack's fixtures. The same parser as
/// documents, so the module carries one copy of it.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Json, serde_json::Error> {
    parse_limited(bytes, usize::MAX, usize::MAX).map_err(|e| match e {
        ParseError::Json(e) => e,
        ParseError::Limit(hit) => de::Error::custom(format!("{hit:?} limit")),
    })
}

struct Limits<'h> {
    max_depth: usize,
    max_array_len: usize,
    /// Set when a limit stops the parse (the error serde passes up is then only a carrier).
    hit: &'h Cell<Option<LimitHit>>,
}

impl Limits<'_> {
    fn stop<E: de::Error>(&self, what: LimitHit) -> E {
        self.hit.set(Some(what));
        E::custom(match what {
            LimitHit::Depth => "nesting limit",
            LimitHit::ArrayLength => "array length limit",
        })
    }
}

/// A JSON value at nesting `depth` (the number of arrays and objects around it).
#[derive(Clone, Copy)]
struct ValueSeed<'l, 'h> {
    limits: &'l Limits<'h>,
    depth: usize,
}

impl ValueSeed<'_, '_> {
    /// The seed for a member of the array or object this seed opens.
    fn enter<E: de::Error>(self) -> Result<Self, E> {
        let depth = self.depth + 1;
        if depth > self.limits.max_depth {
            return Err(self.limits.stop(LimitHit::Depth));
        }
        Ok(ValueSeed { depth, ..self })
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Json;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// serde_json's private key that marks a number under `arbitrary_precision` (the number's text
/// follows as the entry's value); `serde_json::Value`'s own deserialiser treats it the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let inner = self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            if items.len() == self.limits.max_array_len {
                return Err(self.limits.stop(LimitHit::ArrayLength));
            }
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            // `{}` still counts as a level.
            self.enter()?;
            return Ok(Json::Object(Map::new()));
        };
        if first == NUMBER_TOKEN {
            return map.next_value_seed(NumberText).map(Json::Number);
        }
        let inner = self.enter()?;
        let mut obj = Map::new();
        obj.insert(first, map.next_value_seed(inner)?);
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            obj.insert(key, value);
        }
        Ok(Json::Object(obj))
    }
}

/// The text of an `arbitrary_precision` number.
struct NumberText;

impl<'de> DeserializeSeed<'de> for NumberText {
    type Value = Number;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Number, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for NumberText {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
        Number::from_str(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde_json(text: &str) {
        let ours = parse_limited(text.as_bytes(), 64, 1000).map_err(|e| format!("{e:?}"));
        let theirs = serde_json::from_slice::<Json>(text.as_bytes()).map_err(|e| format!("{:?}", ParseError::Json(e)));
        assert_eq!(ours, theirs, "{text}");
        if let Ok(v) = ours {
            // Same key order and the same number text.
            assert_eq!(serde_json::to_string(&v).ok(), serde_json::to_string(&theirs.unwrap_or_default()).ok());
        }
    }

    #[test]
    fn builds_the_same_value_and_errors_as_serde_json() {
        for text in [
            "{}",
            "[]",
            "null",
            "true",
            "0",
            "-0",
            "12.50",
            "1e400",
            "123456789012345678901234567890.000000000000000000001",
            r#""a\u00e9\n""#,
            r#"{"b":1,"a":[1,2,{"c":null}],"b":2}"#,
            r#"{"$serde_json::private::Number":"1"}"#,
            r#"{"x":"1","y":[[],{}]}"#,
            "",
            "{",
            "[1,]",
            r#"{"a":1}x"#,
            r#"{"a":01}"#,
            "[1 2]",
            "\u{feff}{}",
            "  {\"a\" : [ 1 , 2 ] }  ",
        ] {
            same_as_serde_json(text);
        }
    }

    #[test]
    fn depth_counts_every_array_and_object_including_empty_ones() {
        assert!(parse_limited(b"[[[]]]", 3, 10).is_ok());
        assert!(matches!(parse_limited(b"[[[]]]", 2, 10), Err(ParseError::Limit(LimitHit::Depth))));
        assert!(matches!(parse_limited(br#"{"a":{"b":{}}}"#, 2, 10), Err(ParseError::Limit(LimitHit::Depth))));
        assert!(parse_limited(br#"{"a":{"b":{}}}"#, 3, 10).is_ok());
        // Scalars add no level.
        assert!(parse_limited(b"1", 0, 10).is_ok());
    }

    #[test]
    fn array_length_limit_counts_elements_at_each_level() {
        assert!(parse_limited(b"[1,2,3]", 8, 3).is_ok());
        assert!(matches!(parse_limited(b"[1,2,3,4]", 8, 3), Err(ParseError::Limit(LimitHit::ArrayLength))));
        assert!(parse_limited(b"[[1,2,3],[1,2,3],[1,2,3]]", 8, 3).is_ok());
        // Objects have no length limit here (the input size bounds them).
        assert!(parse_limited(br#"{"a":1,"b":2,"c":3,"d":4}"#, 8, 3).is_ok());
    }

    #[test]
    fn a_limit_hit_before_a_syntax_error_is_reported_as_the_limit() {
        assert!(matches!(parse_limited(b"[[[[ oops", 2, 10), Err(ParseError::Limit(LimitHit::Depth))));
        assert!(matches!(parse_limited(b"[1, oops", 2, 10), Err(ParseError::Json(_))));
    }
}
