//! The hand parser of `input.rs` against the serde_json reader it replaced (kept here as the
//! oracle: `serde_json::Deserializer` driven by a seed that enforces the same limits): the same
//! values (number text, key order, duplicate keys), the same errors at the same positions, and
//! the same limit hits, on fixed cases, generated documents, their mutations and their prefixes.

use super::*;
use crate::test_rng::Rng;

mod oracle {
    //! The reader before `input.rs` was written by hand (its code unchanged).

    use std::cell::Cell;
    use std::fmt;
    use std::str::FromStr;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value as Json};

    use super::LimitHit;

    #[derive(Debug)]
    pub enum ParseError {
        Limit(LimitHit),
        Json(serde_json::Error),
    }

    pub fn parse_limited(bytes: &[u8], max_depth: usize, max_array_len: usize) -> Result<Json, ParseError> {
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

/// The outcome in a comparable form: the value and its text, the limit hit, or the error's
/// text and position.
fn ours(text: &[u8], depth: usize, len: usize) -> Result<(Json, String), String> {
    match parse_limited(text, depth, len) {
        Ok(v) => {
            let t = serde_json::to_string(&v).unwrap_or_default();
            Ok((v, t))
        }
        Err(ParseError::Limit(h)) => Err(format!("limit {h:?}")),
        Err(ParseError::Json(e)) => Err(format!("{e} / {}:{}", e.line(), e.column())),
    }
}

fn theirs(text: &[u8], depth: usize, len: usize) -> Result<(Json, String), String> {
    match oracle::parse_limited(text, depth, len) {
        Ok(v) => {
            let t = serde_json::to_string(&v).unwrap_or_default();
            Ok((v, t))
        }
        Err(oracle::ParseError::Limit(h)) => Err(format!("limit {h:?}")),
        Err(oracle::ParseError::Json(e)) => Err(format!("{e} / {}:{}", e.line(), e.column())),
    }
}

const DEPTHS: [usize; 10] = [0, 1, 2, 3, 5, 64, 126, 127, 128, usize::MAX];
const LENS: [usize; 6] = [0, 1, 2, 3, 100_000, usize::MAX];

fn same(text: &[u8], depth: usize, len: usize) {
    assert_eq!(ours(text, depth, len), theirs(text, depth, len), "{:?} depth {depth} len {len}", String::from_utf8_lossy(text));
}

fn same_all_limits(text: &[u8]) {
    for d in DEPTHS {
        for l in LENS {
            same(text, d, l);
        }
    }
}

const FIXED: &[&str] = &[
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

#[test]
fn fixed_cases_match_serde_json() {
    for text in FIXED {
        same_all_limits(text.as_bytes());
    }
    // Bytes that are not UTF-8, inside and outside strings, with and without escapes.
    for text in [
        &b"\"\xff\""[..],
        b"\"ab\xc3\"",
        b"\"a\\nb\xe2\x82\"",
        b"[\"x\",\n\"\xed\xa0\x80\"]",
        b"\xff",
        b"[1,\xff]",
        b"{\"\xff\":1}",
    ] {
        same_all_limits(text);
    }
}

#[test]
fn nesting_around_the_recursion_limit_matches_serde_json() {
    for n in [1, 2, 63, 64, 65, 126, 127, 128, 129, 200] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"k\":", "}]")] {
            let text = format!("{}1{}", open.repeat(n), close.repeat(n));
            same_all_limits(text.as_bytes());
            let text = format!("{}{}", open.repeat(n), close.repeat(n.saturating_sub(1)));
            same_all_limits(text.as_bytes());
        }
        let text = format!("{}{}", "[".repeat(n), "]".repeat(n));
        same_all_limits(text.as_bytes());
        let text = format!("{}{{}}{}", "[".repeat(n), "]".repeat(n));
        same_all_limits(text.as_bytes());
    }
}

/// A random JSON text, mostly valid, with the spellings that matter to the reader.
fn gen_value(r: &mut Rng, depth: u32, out: &mut String) {
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

const NOISE: &[u8] = b"{}[],:\"\\0123456789-+.eEnultrfas \n\tx\x01\xc3\xa9\xff/ubdD8";

fn mutate(r: &mut Rng, text: &[u8]) -> Vec<u8> {
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

#[test]
fn generated_documents_mutations_and_prefixes_match_serde_json() {
    let mut r = Rng(0x5eed_0f1a);
    for case in 0..40_000 {
        let mut text = String::new();
        gen_value(&mut r, 0, &mut text);
        let d = *r.pick(&DEPTHS);
        let l = *r.pick(&LENS);
        same(text.as_bytes(), d, l);
        let m = mutate(&mut r, text.as_bytes());
        same(&m, d, l);
        same(&m, usize::MAX, usize::MAX);
        if case % 8 == 0 {
            for cut in 0..text.len() {
                same(&text.as_bytes()[..cut], 64, 100_000);
            }
        }
    }
    // Random bytes of JSON's alphabet.
    for _ in 0..100_000 {
        let n = r.index(12);
        let t: Vec<u8> = (0..n).map(|_| *r.pick(NOISE)).collect();
        same(&t, *r.pick(&DEPTHS), *r.pick(&LENS));
    }
}

#[test]
fn the_packs_fixtures_and_examples_match_serde_json() {
    let mut files = Vec::new();
    for dir in ["rules/kz-orphan/fixtures", "examples/valid", "examples/invalid"] {
        let Ok(rd) = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) else { continue };
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "json") {
                files.push(std::fs::read(e.path()).unwrap_or_default());
            }
        }
    }
    assert!(files.len() > 5);
    let mut r = Rng(77);
    for f in &files {
        same_all_limits(f);
        for cut in (0..f.len()).step_by(7) {
            same(&f[..cut], 64, 100_000);
        }
        for _ in 0..300 {
            same(&mutate(&mut r, f), 64, 100_000);
        }
    }
}

#[test]
fn parse_json_has_no_limits_but_serde_jsons_recursion_limit() {
    let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
    assert!(parse_json(deep.as_bytes()).is_ok());
    let deeper = format!("{}{}", "[".repeat(128), "]".repeat(128));
    let e = parse_json(deeper.as_bytes()).err().map(|e| e.to_string());
    assert_eq!(e.as_deref(), Some("recursion limit exceeded at line 1 column 128"));
    let long = format!("[{}0]", "0,".repeat(200_000));
    assert!(parse_json(long.as_bytes()).is_ok());
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
