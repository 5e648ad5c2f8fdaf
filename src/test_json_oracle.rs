//! The oracles of the document parser's tests (`document_tests.rs`): serde_json's own reader
//! (`arbitrary_precision`, `preserve_order`), driven by serde visitors that enforce the same
//! limits ([`oracle`]) and list repeated member names ([`dup_oracle`]); and the documents they
//! are compared on: fixed cases, generated documents and their mutations.
//!
//! serde_json's `Value` reads a number's text through the map key
//! `$serde_json::private::Number` when `arbitrary_precision` is on; the visitors below read it
//! the same way (test code only: the library never depends on it).

use crate::test_rng::Rng;

pub(crate) mod dup_oracle {
    //! Duplicate member names found by a serde visitor over `serde_json::Deserializer`: the
    //! pointer of each repeated member, in document order.

    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::fmt;

    use std::str::FromStr;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

    const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    /// `(pointer, key)` of every repeated member, or `None` when serde_json refuses the text.
    pub fn duplicates(bytes: &[u8]) -> Option<Vec<(String, String)>> {
        let found = RefCell::new(Vec::new());
        let mut de = serde_json::Deserializer::from_slice(bytes);
        Walk { path: String::new(), found: &found }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(found.into_inner())
    }

    struct Walk<'f> {
        path: String,
        found: &'f RefCell<Vec<(String, String)>>,
    }

    impl Walk<'_> {
        fn child(&self, seg: &str) -> Self {
            Walk { path: format!("{}/{}", self.path, seg.replace('~', "~0").replace('/', "~1")), found: self.found }
        }
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();

        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0usize;
            while seq.next_element_seed(self.child(&i.to_string()))?.is_some() {
                i += 1;
            }
            Ok(())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = HashSet::new();
            let mut first = true;
            while let Some(key) = map.next_key::<String>()? {
                if first && key == NUMBER_TOKEN {
                    // A number's text, as serde_json's `Value` reads it (the map must end
                    // there, which serde_json checks when this returns).
                    let text = map.next_value::<String>()?;
                    return serde_json::Number::from_str(&text).map(|_| ()).map_err(de::Error::custom);
                }
                first = false;
                let child = self.child(&key);
                if !seen.insert(key.clone()) {
                    self.found.borrow_mut().push((child.path.clone(), key));
                }
                map.next_value_seed(child)?;
            }
            Ok(())
        }
    }
}

pub(crate) mod oracle {
    //! serde_json's reader, driven by a seed that enforces the depth and array-length limits
    //! as the document parser does (the reader the project used before either parser).

    use std::cell::Cell;
    use std::fmt;
    use std::str::FromStr;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value as Json};

    use crate::document::LimitHit;

    #[derive(Debug)]
    pub enum ParseError {
        Limit(LimitHit),
        Json,
    }

    pub fn parse_limited(bytes: &[u8], max_depth: usize, max_array_len: usize) -> Result<Json, ParseError> {
        let hit = Cell::new(None);
        let limits = Limits { max_depth, max_array_len, hit: &hit };
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let value = ValueSeed { limits: &limits, depth: 0 }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
        match (value, hit.get()) {
            (_, Some(h)) => Err(ParseError::Limit(h)),
            (Ok(v), None) => Ok(v),
            (Err(_), None) => Err(ParseError::Json),
        }
    }

    struct Limits<'h> {
        max_depth: usize,
        max_array_len: usize,
        hit: &'h Cell<Option<LimitHit>>,
    }

    impl Limits<'_> {
        fn stop<E: de::Error>(&self, what: LimitHit) -> E {
            self.hit.set(Some(what));
            E::custom(match what {
                LimitHit::Depth => "nesting limit",
                LimitHit::ArrayLength => "array length limit",
                LimitHit::Memory => "memory limit",
            })
        }
    }

    #[derive(Clone, Copy)]
    struct ValueSeed<'l, 'h> {
        limits: &'l Limits<'h>,
        depth: usize,
    }

    impl ValueSeed<'_, '_> {
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
}

pub(crate) const FIXED: &[&str] = &[
    "{}",
    "[]",
    "null",
    "true",
    "false",
    "0",
    "-0",
    "-",
    "12.50",
    "1e400",
    "1E5",
    "1e-5",
    "1e+5",
    "1.",
    "1.e5",
    "1e",
    "1e+",
    "1ex",
    "01",
    "-01",
    "-x",
    ".5",
    "+1",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890.000000000000000000001",
    r#""a\u00e9\n""#,
    r#""\ud83d\ude00""#,
    r#""\ud83d""#,
    r#""\ud83d\u0041""#,
    r#""\ud83dx""#,
    r#""\ud83d\x""#,
    r#""\ude00""#,
    r#""\udc00""#,
    r#""\udfff""#,
    r#""\ud7ff\ue000""#,
    r#""\ud800\udc00""#,
    r#""\udbff\udfff""#,
    r#""\udbff\udbff""#,
    r#""\ud800\ue000""#,
    r#""\ud800\ud7ff""#,
    r#""\ud800\udc0""#,
    r#""\ud800\"#,
    r#""\ud800"#,
    r#""\uD83D\uDE00\u00FF\uFfFf""#,
    r#""\u00g0""#,
    r#""\u00"#,
    r#""\"#,
    r#""\q""#,
    "\"a\u{1}b\"",
    "\"\t\"",
    "\"abc",
    "\"\u{7f}\u{80}\"",
    r#"{"b":1,"a":[1,2,{"c":null}],"b":2}"#,
    r#"{"$serde_json::private::Number":"1"}"#,
    r#"{"$serde_json::private::Number":"1e5"}"#,
    r#"{"$serde_json::private::Number":"-0"}"#,
    r#"{"$serde_json::private::Number":""}"#,
    r#"{"$serde_json::private::Number":"x"}"#,
    r#"{"$serde_json::private::Number":"-x5"}"#,
    r#"{"$serde_json::private::Number":"1.x"}"#,
    r#"{"$serde_json::private::Number":"1\n2"}"#,
    r#"{"$serde_json::private::Number":" 1"}"#,
    r#"{"$serde_json::private::Number":"1 "}"#,
    r#"{"$serde_json::private::Number":1}"#,
    r#"{"$serde_json::private::Number":-1}"#,
    r#"{"$serde_json::private::Number":-0}"#,
    r#"{"$serde_json::private::Number":1.5}"#,
    r#"{"$serde_json::private::Number":99999999999999999999}"#,
    r#"{"$serde_json::private::Number":-99999999999999999999}"#,
    r#"{"$serde_json::private::Number":null}"#,
    r#"{"$serde_json::private::Number":nul}"#,
    r#"{"$serde_json::private::Number":true}"#,
    r#"{"$serde_json::private::Number":false}"#,
    r#"{"$serde_json::private::Number":[1]}"#,
    r#"{"$serde_json::private::Number":{}}"#,
    r#"{"$serde_json::private::Number":x}"#,
    r#"{"$serde_json::private::Number":"#,
    r#"{"$serde_json::private::Number""#,
    r#"{"$serde_json::private::Number":"1","a":2}"#,
    r#"{"$serde_json::private::Number":"1" x"#,
    r#"{"$serde_json::private::Number":"1""#,
    r#"{"a":1,"$serde_json::private::Number":"2"}"#,
    r#"[{"$serde_json::private::Number":"2"}]"#,
    r#"{"x":"1","y":[[],{}]}"#,
    "",
    " ",
    "{",
    "[",
    "[1,]",
    "[1,",
    "[1 2]",
    "[,1]",
    r#"{"a":1,}"#,
    r#"{"a":1,"#,
    r#"{"a":1 "b":2}"#,
    r#"{"a" 1}"#,
    r#"{"a""#,
    r#"{1:2}"#,
    r#"{"a":1,2:3}"#,
    r#"{"a":1}x"#,
    r#"{"a":01}"#,
    "\u{feff}{}",
    "  {\"a\" : [ 1 , 2 ] }  ",
    "nul",
    "nulx",
    "tru",
    "fals",
    "x",
    "[1]\n\n  ]",
    "[\n1,\n\n2,\n  x]",
    "{\"a\":\n\"\u{1}\"}",
    "[\"\\u12\"]",
];

/// A random JSON text, mostly valid, with the spellings that matter to the reader.
pub(crate) fn gen_value(r: &mut Rng, depth: u32, out: &mut String) {
    let ws = |r: &mut Rng, out: &mut String| {
        if r.below(4) == 0 {
            out.push_str(r.pick::<&str>(&[" ", "\n", "\t", "\r\n", "  \n "]));
        }
    };
    ws(r, out);
    let k = if depth > 4 { r.below(6) } else { r.below(9) };
    match k {
        0 => out.push_str(r.pick::<&str>(&["null", "true", "false"])),
        1 | 2 => out.push_str(r.pick::<&str>(&[
            "0", "-0", "1", "-1", "12.50", "1e5", "1E+5", "2.5e-3", "-0.0", "18446744073709551615",
            "18446744073709551616", "-9223372036854775809", "1e400", "3.14159265358979323846264338327950288",
            "100", "0.1",
        ])),
        3..=5 => {
            out.push('"');
            for _ in 0..r.below(6) {
                out.push_str(r.pick::<&str>(&[
                    "a", "é", "€", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\t", "\\udc00", "\\udbff\\udfff", "\\ud800", "\\uDFFF", "\\u",
                    " ", "\\b", "\\f", "\\r", "Ж",
                ]));
            }
            out.push('"');
        }
        6 => {
            out.push('[');
            let n = r.below(4);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                gen_value(r, depth + 1, out);
            }
            ws(r, out);
            out.push(']');
        }
        _ => {
            out.push('{');
            let n = r.below(4);
            if r.below(10) == 0 {
                out.push_str("\"$serde_json::private::Number\":");
                gen_value(r, depth + 1, out);
            } else {
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    ws(r, out);
                    out.push_str(r.pick::<&str>(&["\"a\"", "\"b\"", "\"a\\u0062\"", "\"\"", "\"document_type\""]));
                    ws(r, out);
                    out.push(':');
                    gen_value(r, depth + 1, out);
                }
            }
            ws(r, out);
            out.push('}');
        }
    }
    ws(r, out);
}

pub(crate) const NOISE: &[u8] = b"{}[],:\"\\0123456789-+.eEnultrfas \n\tx\x01\xc3\xa9\xff/ubdD8";

pub(crate) fn mutate(r: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut t = text.to_vec();
    for _ in 0..=r.below(3) {
        let at = if t.is_empty() { 0 } else { r.index(t.len() + 1) };
        match r.below(4) {
            0 if at < t.len() => {
                t.remove(at);
            }
            1 if at < t.len() => t[at] = *r.pick(NOISE),
            2 => t.insert(at, *r.pick(NOISE)),
            _ => t.truncate(at),
        }
    }
    t
}

