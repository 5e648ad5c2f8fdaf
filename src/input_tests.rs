//! The hand parser of `input.rs` against the serde_json reader it replaced (kept here as the
//! oracle: `serde_json::Deserializer` driven by a seed that enforces the same limits): the same
//! values (number text, key order, duplicate keys), the same errors at the same positions, and
//! the same limit hits, on fixed cases, generated documents, their mutations and their prefixes.
//! The duplicate keys it lists against a walk of serde_json's reader that finds them.

use super::*;
use crate::test_rng::Rng;

/// Depth and array-length limits, memory unbounded.
fn lim(max_depth: usize, max_array_len: usize) -> Limits {
    Limits { max_depth, max_array_len, max_bytes: usize::MAX }
}

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

/// The outcome in a comparable form: the value and its text, the limit hit, or the error's
/// text and position.
fn ours(text: &[u8], depth: usize, len: usize) -> Result<(Json, String), String> {
    match parse_limited(text, lim(depth, len)) {
        Ok(p) => {
            let t = serde_json::to_string(&p.value).unwrap_or_default();
            Ok((p.value, t))
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
    assert!(parse_limited(b"[[[]]]", lim(3, 10)).is_ok());
    assert!(matches!(parse_limited(b"[[[]]]", lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(matches!(parse_limited(br#"{"a":{"b":{}}}"#, lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(parse_limited(br#"{"a":{"b":{}}}"#, lim(3, 10)).is_ok());
    // Scalars add no level.
    assert!(parse_limited(b"1", lim(0, 10)).is_ok());
}

#[test]
fn array_length_limit_counts_elements_at_each_level() {
    assert!(parse_limited(b"[1,2,3]", lim(8, 3)).is_ok());
    assert!(matches!(parse_limited(b"[1,2,3,4]", lim(8, 3)), Err(ParseError::Limit(LimitHit::ArrayLength))));
    assert!(parse_limited(b"[[1,2,3],[1,2,3],[1,2,3]]", lim(8, 3)).is_ok());
    // Objects have no length limit here (the input size bounds them).
    assert!(parse_limited(br#"{"a":1,"b":2,"c":3,"d":4}"#, lim(8, 3)).is_ok());
}

#[test]
fn a_limit_hit_before_a_syntax_error_is_reported_as_the_limit() {
    assert!(matches!(parse_limited(b"[[[[ oops", lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(matches!(parse_limited(b"[1, oops", lim(2, 10)), Err(ParseError::Json(_))));
}

fn dups(text: &str) -> (Json, Vec<(String, String)>, usize) {
    let p = parse_limited(text.as_bytes(), lim(usize::MAX, usize::MAX)).unwrap();
    let d = p.duplicate_keys.into_iter().map(|d| (d.pointer, d.key)).collect();
    (p.value, d, p.more_duplicates)
}

fn pairs(xs: &[(&str, &str)]) -> Vec<(String, String)> {
    xs.iter().map(|(p, k)| (p.to_string(), k.to_string())).collect()
}

#[test]
fn duplicate_keys_at_the_root_are_listed_each_time_and_the_last_value_wins_at_the_first_position() {
    let (v, d, more) = dups(r#"{"a":1,"b":2,"a":3,"c":4,"a":5}"#);
    assert_eq!(d, pairs(&[("/a", "a"), ("/a", "a")]));
    assert_eq!(more, 0);
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":5,"b":2,"c":4}"#);
    assert_eq!(v, serde_json::from_str::<Json>(r#"{"a":1,"b":2,"a":3,"c":4,"a":5}"#).unwrap());
}

#[test]
fn duplicate_keys_nested_in_objects_and_arrays_of_objects_are_pointed_at() {
    let text = r#"{"drug":{"inn":"x","inn":"y"},"lines":[{"q":1},{"q":1,"r":[{"s":0},{"s":0,"s":1}],"q":2}]}"#;
    let (v, d, _) = dups(text);
    assert_eq!(d, pairs(&[("/drug/inn", "inn"), ("/lines/1/r/1/s", "s"), ("/lines/1/q", "q")]));
    for (pointer, _) in &d {
        assert!(v.pointer(pointer).is_some(), "{pointer}");
    }
    let (_, d, _) = dups(r#"[{}, [], {"a":1,"a":2}, [{"b":[{"c":0,"c":0}]}]]"#);
    assert_eq!(d, pairs(&[("/2/a", "a"), ("/3/0/b/0/c", "c")]));
    // A number spelled as serde_json's private map is no object on the path.
    let (_, d, _) = dups(r#"[{"$serde_json::private::Number":"1"},{"a":1,"a":2}]"#);
    assert_eq!(d, pairs(&[("/1/a", "a")]));
}

#[test]
fn a_repeated_member_is_listed_before_the_duplicates_inside_its_value() {
    // The repeated name is met before its value's contents.
    let (_, d, _) = dups(r#"{"a":{"x":0},"a":{"y":1,"y":2}}"#);
    assert_eq!(d, pairs(&[("/a", "a"), ("/a/y", "y")]));
}

#[test]
fn names_with_tilde_and_slash_are_escaped_in_the_pointer() {
    let (_, d, _) = dups(r#"{"a/b":{"~c":1,"~c":2},"a/b":0}"#);
    assert_eq!(d, pairs(&[("/a~1b/~0c", "~c"), ("/a~1b", "a/b")]));
    let (_, d, _) = dups(r#"{"~1":{"x/~":1,"x/~":2},"":{"":0,"":1}}"#);
    assert_eq!(d, pairs(&[("/~01/x~1~0", "x/~"), ("//", "")]));
}

#[test]
fn escaped_names_that_decode_to_the_same_name_are_duplicates() {
    let (v, d, _) = dups(r#"{"a":1,"\u0061":2}"#);
    assert_eq!(d, pairs(&[("/a", "a")]));
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":2}"#);
    // Ancestors' names are written decoded, then escaped for the pointer.
    let (_, d, _) = dups(r#"{"\u00e9\/\ud83d\ude00":{"k":1,"\u006b":2},"é/😀":0}"#);
    assert_eq!(d, pairs(&[("/é~1😀/k", "k"), ("/é~1😀", "é/😀")]));
}

#[test]
fn the_duplicate_list_stops_at_its_cap_and_counts_the_rest() {
    let members: Vec<String> = (0..250).map(|i| format!(r#""k":{i}"#)).collect();
    let text = format!("[{{{}}}, {{\"z\":0,\"z\":1}}]", members.join(","));
    let (v, d, more) = dups(&text);
    assert_eq!(d.len(), MAX_DUPLICATE_KEYS);
    assert!(d.iter().all(|(p, k)| p == "/0/k" && k == "k"));
    assert_eq!(more, 249 - MAX_DUPLICATE_KEYS + 1);
    assert_eq!(v[0]["k"], 249);
}

#[test]
fn parse_json_refuses_a_duplicate_key_at_the_repeated_name() {
    let e = parse_json(b"{\"a\": 1,\n \"a\": 2}").err().map(|e| (e.to_string(), e.line(), e.column()));
    assert_eq!(e, Some(("duplicate key `a` at line 2 column 4".to_string(), 2, 4)));
    let e = parse_json(br#"[{"x":{"b":1}},{"x":{"\u0062":1,"b":2}}]"#).err().map(|e| e.to_string());
    assert_eq!(e.as_deref(), Some("duplicate key `b` at line 1 column 35"));
    assert!(parse_json(br#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#).is_ok());
}

#[test]
fn documents_without_duplicates_list_none_and_read_as_before() {
    for text in FIXED {
        if let (Ok(p), Some(found)) = (parse_limited(text.as_bytes(), lim(usize::MAX, usize::MAX)), dup_oracle::duplicates(text.as_bytes())) {
            assert_eq!(p.duplicate_keys.is_empty(), found.is_empty(), "{text}");
        }
    }
    for dir in ["rules/kz-orphan/fixtures", "examples/valid", "examples/invalid"] {
        let Ok(rd) = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) else { continue };
        for e in rd.flatten() {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            let p = parse_limited(&bytes, lim(64, 100_000)).unwrap();
            assert!(p.duplicate_keys.is_empty() && p.more_duplicates == 0, "{:?}", e.path());
            assert_eq!(p.value, serde_json::from_slice::<Json>(&bytes).unwrap());
            assert_eq!(parse_json(&bytes).ok(), Some(p.value));
        }
    }
}

/// Our list against the serde walk's on `text`: the number of duplicates, or `None` when
/// the text is not JSON.
fn same_duplicates(text: &str) -> Option<usize> {
    let ours = parse_limited(text.as_bytes(), lim(usize::MAX, usize::MAX));
    let theirs = dup_oracle::duplicates(text.as_bytes());
    match (ours, theirs) {
        (Ok(p), Some(found)) => {
            let listed: Vec<_> = p.duplicate_keys.iter().map(|d| (d.pointer.clone(), d.key.clone())).collect();
            assert_eq!(listed, found.iter().take(MAX_DUPLICATE_KEYS).cloned().collect::<Vec<_>>(), "{text}");
            assert_eq!(p.more_duplicates, found.len().saturating_sub(MAX_DUPLICATE_KEYS), "{text}");
            // parse_json refuses exactly the documents with a duplicate.
            assert_eq!(parse_json(text.as_bytes()).is_ok(), found.is_empty(), "{text}");
            Some(found.len())
        }
        (Err(_), None) => None,
        (ours, theirs) => panic!("{text}: {:?} / {theirs:?}", ours.map(|p| p.value)),
    }
}

#[test]
fn generated_documents_list_the_duplicates_a_serde_walk_finds() {
    let mut r = Rng(0x00d0_b1e5);
    let (mut with, mut without, mut capped) = (0, 0, 0);
    for case in 0..40_000 {
        let mut text = String::new();
        gen_value(&mut r, 0, &mut text);
        match same_duplicates(&text) {
            Some(0) => without += 1,
            Some(_) => {
                with += 1;
                if case % 4 == 0 {
                    // Enough copies to pass the list's cap.
                    let n = same_duplicates(&format!("[{}]", vec![text; MAX_DUPLICATE_KEYS + 1].join(",")));
                    assert!(n > Some(MAX_DUPLICATE_KEYS));
                    capped += 1;
                }
            }
            None => {}
        }
    }
    assert!(with > 500 && without > 10_000 && capped > 100, "{with} {without} {capped}");
}

/// Small documents of every shape: each kind of value, objects and arrays across their growth
/// steps, escapes, numbers with exponents, repeated names, nesting (`tests/parse_memory.rs`
/// checks the charge against the heap held, with a counting allocator).
fn memory_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        "0", "-1.5e10", "1E5", "123456789012345678901234567890", "null", "true", r#""""#, r#""abc""#,
        r#""a\nb\u00e9\ud83d\ude00""#, r#""\\\\\\\\""#, "[]", "{}", "[[]]", "[{}]", r#"{"a":{}}"#,
        r#"{"a":0,"a":1}"#, r#"{"a":0,"b":1,"c":2,"a":3}"#, r#"{"a":0,"b":1,"c":2,"c":3,"d":4}"#,
        r#"{"$serde_json::private::Number":"1.5"}"#, r#"[{"$serde_json::private::Number":"12e3"}]"#,
        r#"{"долгий ключ":"значение"}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [1, 2, 3, 4, 5, 7, 8, 9, 14, 15, 16, 17, 28, 29, 56, 57, 100, 1000] {
        cases.push(format!("[{}]", vec!["0"; n].join(",")));
        cases.push(format!("[{}]", vec![r#""x""#; n].join(",")));
        cases.push(format!("[{}]", vec![r#"{"a":0}"#; n].join(",")));
        cases.push(format!("{{{}}}", (0..n).map(|i| format!(r#""k{i}":[{i}]"#)).collect::<Vec<_>>().join(",")));
        // Repeated names at the point of growth.
        cases.push(format!("{{{},\"k0\":1,\"k0\":2}}", (0..n).map(|i| format!(r#""k{i}":{i}"#)).collect::<Vec<_>>().join(",")));
    }
    let mut r = Rng(0x0a11_0c8e);
    for _ in 0..300 {
        let mut text = String::new();
        gen_value(&mut r, 0, &mut text);
        if parse_json(text.as_bytes()).is_ok() || parse_limited(text.as_bytes(), Limits::NONE).is_ok() {
            cases.push(text);
        }
    }
    cases
}

#[test]
fn the_parse_stops_at_the_first_value_past_its_memory_budget() {
    for text in memory_cases() {
        let charged = parse_limited(text.as_bytes(), Limits::NONE).map(|p| p.charged).unwrap();
        let at = |max_bytes| parse_limited(text.as_bytes(), Limits { max_depth: usize::MAX, max_array_len: usize::MAX, max_bytes });
        assert!(at(charged).is_ok(), "{text}");
        if charged > 0 {
            assert!(matches!(at(charged - 1), Err(ParseError::Limit(LimitHit::Memory))), "{text}");
        }
    }
    // A syntax error met before the budget is the error; the budget met first is the limit.
    assert!(matches!(parse_limited(br#"["abc", oops"#, Limits { max_bytes: 1000, ..Limits::NONE }), Err(ParseError::Json(_))));
    assert!(matches!(parse_limited(br#"["abc", oops"#, Limits { max_bytes: 2, ..Limits::NONE }), Err(ParseError::Limit(LimitHit::Memory))));
    // parse_json (a pack's trusted files) has no budget.
    assert!(parse_json(format!("[{}]", vec!["0"; 10_000].join(",")).as_bytes()).is_ok());
}
