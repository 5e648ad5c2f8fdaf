//! The jiter-based document parser against serde_json's reader driven by a seed that enforces
//! the same limits (`test_json_oracle.rs`): the same values (numbers' text, member order, a
//! repeated name's last value at its first position), the same documents refused, the same
//! limit hits and the same repeated names listed — on the fixed cases, generated documents,
//! their mutations and prefixes, and the pack's fixtures and examples. Error messages are jiter's words (serde_json's, for most) and their positions may
//! differ (jiter points at the first bad byte of an escape, serde_json after the four it read);
//! an object past the depth limit is refused as such before its first name is read (serde_json
//! read the name first, so a bad name there was a syntax error).

use std::borrow::Cow;
use std::str::FromStr;

use super::*;
#[path = "test_json_oracle.rs"]
mod oracles;

use oracles::{FIXED, NOISE, dup_oracle, gen_value, mutate, oracle};
use crate::test_rng::Rng;

fn lim(max_depth: usize, max_array_len: usize) -> Limits {
    Limits { max_depth, max_array_len, max_bytes: usize::MAX }
}

/// The value as serde_json (`arbitrary_precision`, `preserve_order`) would build it.
fn to_serde(v: &Json) -> serde_json::Value {
    match v {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => serde_json::Value::Bool(*b),
        Json::Number(n) => serde_json::Value::Number(serde_json::Number::from_str(n.as_str()).expect("a JSON number")),
        Json::String(s) => serde_json::Value::String(s.to_string()),
        Json::Array(a) => serde_json::Value::Array(a.iter().map(to_serde).collect()),
        Json::Object(o) => serde_json::Value::Object(o.iter().map(|(k, v)| (k.to_string(), to_serde(v))).collect()),
    }
}

/// A parse's outcome in a comparable form: the value, the repeated names listed and the count
/// of the rest; or the limit hit, or "invalid".
type Outcome = Result<(serde_json::Value, Vec<(String, String)>, usize), String>;

fn ours(text: &[u8], l: Limits) -> Outcome {
    match parse(text, l) {
        Ok(p) => Ok((to_serde(&p.value), p.duplicate_keys.into_iter().map(|d| (d.pointer, d.key)).collect(), p.more_duplicates)),
        Err(ParseError::Limit(h)) => Err(format!("limit {h:?}")),
        Err(ParseError::Syntax(_)) => Err("invalid".into()),
    }
}

/// serde_json's outcome: its value with the limits enforced, and the repeated names its walk
/// finds (the first [`MAX_DUPLICATE_KEYS`] listed, the rest counted).
fn before(text: &[u8], l: Limits) -> Outcome {
    match oracle::parse_limited(text, l.max_depth, l.max_array_len) {
        Ok(v) => {
            let dups = dup_oracle::duplicates(text).unwrap_or_default();
            let more = dups.len().saturating_sub(MAX_DUPLICATE_KEYS);
            Ok((v, dups.into_iter().take(MAX_DUPLICATE_KEYS).collect(), more))
        }
        Err(oracle::ParseError::Limit(h)) => Err(format!("limit {h:?}")),
        Err(oracle::ParseError::Json) => Err("invalid".into()),
    }
}

const DEPTHS: [usize; 9] = [0, 1, 2, 3, 5, 64, 126, 127, usize::MAX];
const LENS: [usize; 6] = [0, 1, 2, 3, 100_000, usize::MAX];

/// serde_json's reader gave `{"$serde_json::private::Number": "1"}` the meaning of a number;
/// here it is an object like any other, so such texts are not compared.
fn comparable(text: &[u8]) -> bool {
    !text.windows(13).any(|w| w == b"$serde_json::")
}

fn same(text: &[u8], d: usize, l: usize) {
    if comparable(text) {
        let (a, b) = (ours(text, lim(d, l)), before(text, lim(d, l)));
        // Refused both times, once as past the depth limit, once as invalid: the object whose
        // first name was read before its level counted.
        let depth_first = matches!((&a, &b), (Err(x), Err(y)) if x == "limit Depth" && y == "invalid");
        if !depth_first {
            assert_eq!(a, b, "{:?} depth {d} len {l}", String::from_utf8_lossy(text));
        }
    }
}

fn same_all_limits(text: &[u8]) {
    for d in DEPTHS {
        for l in LENS {
            same(text, d, l);
        }
    }
}

#[test]
fn fixed_cases_read_as_before() {
    for text in FIXED {
        same_all_limits(text.as_bytes());
    }
    for text in [&b"\"\xff\""[..], b"\"ab\xc3\"", b"\"a\\nb\xe2\x82\"", b"[\"x\",\n\"\xed\xa0\x80\"]", b"\xff", b"[1,\xff]", b"{\"\xff\":1}"] {
        same_all_limits(text);
    }
}

#[test]
fn nesting_up_to_the_recursion_limit_reads_as_before_and_past_it_is_refused() {
    for n in [1, 2, 63, 64, 65, 126, 127] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"k\":", "}]")] {
            let text = format!("{}1{}", open.repeat(n), close.repeat(n));
            same_all_limits(text.as_bytes());
            let text = format!("{}{}", open.repeat(n), close.repeat(n.saturating_sub(1)));
            same_all_limits(text.as_bytes());
        }
    }
    for n in [128, 129, 200, 100_000] {
        let text = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let e = parse(text.as_bytes(), Limits::NONE).err();
        assert!(matches!(&e, Some(ParseError::Syntax(s)) if s.msg == "recursion limit exceeded"), "{n}: {e:?}");
        assert_eq!(parse(text.as_bytes(), lim(64, 10)).err(), Some(ParseError::Limit(LimitHit::Depth)));
    }
}

#[test]
fn generated_documents_mutations_and_prefixes_read_as_before() {
    let mut r = Rng(0x5eed_0f1a);
    for case in 0..20_000 {
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
    for _ in 0..50_000 {
        let n = r.index(12);
        let t: Vec<u8> = (0..n).map(|_| *r.pick(NOISE)).collect();
        same(&t, *r.pick(&DEPTHS), *r.pick(&LENS));
    }
}

fn pack_documents() -> Vec<Vec<u8>> {
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
    files
}

#[test]
fn the_packs_fixtures_and_examples_read_as_before() {
    let mut r = Rng(77);
    for f in &pack_documents() {
        same_all_limits(f);
        assert_eq!(parse_trusted(f).map(|v| to_serde(&v)).ok(), serde_json::from_slice(f).ok());
        for cut in (0..f.len()).step_by(7) {
            same(&f[..cut], 64, 100_000);
        }
        for _ in 0..100 {
            same(&mutate(&mut r, f), 64, 100_000);
        }
    }
}

#[test]
fn strings_and_keys_without_escapes_are_borrowed_from_the_input_and_escaped_ones_decoded() {
    let p = parse(br#"{"name":"\u0410\u0441\u0430\u043d","k\u0065y":"plain","\u00e9":"\ud83d\ude00\n"}"#, Limits::NONE).unwrap();
    let Json::Object(o) = &p.value else { panic!("an object") };
    let kinds: Vec<(bool, bool)> = o.pairs.iter().map(|(k, v)| (matches!(k, Cow::Borrowed(_)), matches!(v, Json::String(Cow::Borrowed(_))))).collect();
    assert_eq!(kinds, [(true, false), (false, true), (false, false)]);
    assert_eq!(p.value.get("name").and_then(Json::as_str), Some("Асан"));
    assert_eq!(p.value.get("key").and_then(Json::as_str), Some("plain"));
    assert_eq!(p.value.get("é").and_then(Json::as_str), Some("😀\n"));
    // Only the decoded texts were charged.
    assert_eq!(p.charged, 3 * PAIR_BYTES + "Асан".len() + "key".len() + "é".len() + "😀\n".len());
}

/// Strings are read as byte ranges and borrowed unless a `\` lies inside them: the search for
/// the next `\` moves past each escaped string, so those before, between and after are borrowed.
#[test]
fn strings_around_escaped_ones_are_borrowed_and_each_escaped_one_decoded() {
    let text = r#"{"a":"x","b\"":"y\\z","c":["é","\n","",  "\u00e9\t", "w"],"d":"v","e\u0041":"\"","f":"\\"}"#;
    let p = parse(text.as_bytes(), Limits::NONE).unwrap();
    let mut seen = Vec::new();
    fn walk(v: &Json, seen: &mut Vec<(String, bool)>) {
        match v {
            Json::String(s) => seen.push((s.to_string(), matches!(s, Cow::Borrowed(_)))),
            Json::Array(a) => a.iter().for_each(|v| walk(v, seen)),
            Json::Object(o) => {
                for (k, v) in &o.pairs {
                    seen.push((k.to_string(), matches!(k, Cow::Borrowed(_))));
                    walk(v, seen);
                }
            }
            _ => {}
        }
    }
    walk(&p.value, &mut seen);
    let want: Vec<(String, bool)> = [
        ("a", true), ("x", true), ("b\"", false), ("y\\z", false), ("c", true), ("é", true), ("\n", false), ("", true),
        ("é\t", false), ("w", true), ("d", true), ("v", true), ("eA", false), ("\"", false), ("f", true), ("\\", false),
    ]
    .iter()
    .map(|(s, b)| (s.to_string(), *b))
    .collect();
    assert_eq!(seen, want);
    assert_eq!(p.value, Json::from_serde(&serde_json::from_str::<serde_json::Value>(text).unwrap()));
}

/// Input that is not UTF-8 as a whole: each string's bytes are checked as it is read, and the
/// error is jiter's own, where jiter's decoding puts it (with escapes or without).
#[test]
fn a_string_that_is_not_utf8_is_refused_where_jiter_refuses_it() {
    for text in [&b"[\"ok\", \"ab\xffc\"]"[..], b"[\"ok\",\n \"\\n\\u00e9\xc3\"]", b"{\"k\": 1, \"\xe2\x82\": 2}", b"[\"\\\\\", \"\xed\xa0\x80\"]"] {
        let mut j = jiter::Jiter::new(text);
        let theirs = j.next_value().expect_err("not UTF-8");
        let want = (theirs.error_type.to_string(), j.error_position(theirs.index));
        match parse(text, Limits::NONE) {
            Err(ParseError::Syntax(e)) => assert_eq!((e.msg, e.line, e.column), (want.0, want.1.line, want.1.column), "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

/// The WebAssembly module's search for the next `\` (core's) finds what memchr finds.
#[test]
fn the_backslash_search_of_either_build_finds_the_same() {
    let texts: [&[u8]; 5] = [b"", b"abc", br#""a\nb" "\\" x\"#, &[b'\\'; 40], &[b'a'; 100]];
    for text in texts {
        for from in 0..=text.len() + 1 {
            assert_eq!(find_backslash_core(text, from), find_backslash(text, from), "{text:?} {from}");
        }
    }
}

#[test]
fn numbers_keep_their_text_exactly_as_written() {
    for n in ["0", "-0", "12.345678901234567890123", "1E5", "1e+5", "-2.5e-3", "18446744073709551616", "1e400", "0.10"] {
        let text = format!("[{n}]");
        let p = parse(text.as_bytes(), Limits::NONE).unwrap();
        assert_eq!(p.value.as_array().and_then(|a| a.first()), Some(&Json::Number(Number(Cow::Borrowed(n)))), "{n}");
    }
    let p = parse(b"12.345678901234567890123", Limits::NONE).unwrap();
    let Json::Number(n) = p.value else { panic!("a number") };
    assert_eq!(rust_decimal::Decimal::from_str_exact(n.as_str()).map(|d| d.to_string()).ok().as_deref(), Some("12.345678901234567890123"));
}

#[test]
fn invalid_utf8_and_lone_surrogates_are_refused_with_their_line() {
    for (text, line) in [(&b"\"\xff\""[..], 1), (b"[\"x\",\n\"\xed\xa0\x80\"]", 2), (b"{\"\xff\":1}", 1), (br#"["\udc00"]"#, 1), (b"[\n\"\\ud83d\"]", 2)] {
        match parse(text, Limits::NONE) {
            Err(ParseError::Syntax(e)) => assert_eq!(e.line, line, "{text:?}: {e}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn syntax_errors_say_what_and_where() {
    let e = |t: &str| match parse(t.as_bytes(), Limits::NONE) {
        Err(ParseError::Syntax(e)) => e.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(e("[1,]"), "trailing comma at line 1 column 4");
    assert_eq!(e("{\"a\":1}x"), "trailing characters at line 1 column 8");
    assert_eq!(e("[\n1,\n\n2,\n  x]"), "expected value at line 5 column 3");
    assert_eq!(e(""), "EOF while parsing a value at line 1 column 0");
}

#[test]
fn depth_counts_every_array_and_object_including_empty_ones() {
    assert!(parse(b"[[[]]]", lim(3, 10)).is_ok());
    assert!(matches!(parse(b"[[[]]]", lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(matches!(parse(br#"{"a":{"b":{}}}"#, lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(parse(br#"{"a":{"b":{}}}"#, lim(3, 10)).is_ok());
    assert!(parse(b"1", lim(0, 10)).is_ok());
}

#[test]
fn array_length_limit_counts_elements_at_each_level() {
    assert!(parse(b"[1,2,3]", lim(8, 3)).is_ok());
    assert!(matches!(parse(b"[1,2,3,4]", lim(8, 3)), Err(ParseError::Limit(LimitHit::ArrayLength))));
    assert!(parse(b"[[1,2,3],[1,2,3],[1,2,3]]", lim(8, 3)).is_ok());
    assert!(parse(br#"{"a":1,"b":2,"c":3,"d":4}"#, lim(8, 3)).is_ok());
}

#[test]
fn a_limit_hit_before_a_syntax_error_is_reported_as_the_limit() {
    assert!(matches!(parse(b"[[[[ oops", lim(2, 10)), Err(ParseError::Limit(LimitHit::Depth))));
    assert!(matches!(parse(b"[1, oops", lim(2, 10)), Err(ParseError::Syntax(_))));
}

fn dups(text: &str) -> (serde_json::Value, Vec<(String, String)>, usize) {
    ours(text.as_bytes(), Limits::NONE).unwrap()
}

fn pairs(xs: &[(&str, &str)]) -> Vec<(String, String)> {
    xs.iter().map(|(p, k)| (p.to_string(), k.to_string())).collect()
}

#[test]
fn duplicate_keys_are_listed_each_time_and_the_last_value_wins_at_the_first_position() {
    let (v, d, more) = dups(r#"{"a":1,"b":2,"a":3,"c":4,"a":5}"#);
    assert_eq!(d, pairs(&[("/a", "a"), ("/a", "a")]));
    assert_eq!(more, 0);
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":5,"b":2,"c":4}"#);
    let text = r#"{"drug":{"inn":"x","inn":"y"},"lines":[{"q":1},{"q":1,"r":[{"s":0},{"s":0,"s":1}],"q":2}]}"#;
    let (_, d, _) = dups(text);
    assert_eq!(d, pairs(&[("/drug/inn", "inn"), ("/lines/1/r/1/s", "s"), ("/lines/1/q", "q")]));
    let (_, d, _) = dups(r#"{"a":{"x":0},"a":{"y":1,"y":2}}"#);
    assert_eq!(d, pairs(&[("/a", "a"), ("/a/y", "y")]));
    let (_, d, _) = dups(r#"{"a/b":{"~c":1,"~c":2},"a/b":0}"#);
    assert_eq!(d, pairs(&[("/a~1b/~0c", "~c"), ("/a~1b", "a/b")]));
    let (v, d, _) = dups(r#"{"a":1,"\u0061":2}"#);
    assert_eq!(d, pairs(&[("/a", "a")]));
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":2}"#);
    let (_, d, _) = dups(r#"{"\u00e9\/\ud83d\ude00":{"k":1,"\u006b":2},"é/😀":0}"#);
    assert_eq!(d, pairs(&[("/é~1😀/k", "k"), ("/é~1😀", "é/😀")]));
}

#[test]
fn duplicate_keys_of_large_objects_are_found_through_their_index() {
    for n in [INDEX_FROM - 1, INDEX_FROM, INDEX_FROM + 1, 100, 1000] {
        let members: Vec<String> = (0..n).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let text = format!("{{{},\"k0\":\"last\",\"k{}\":\"end\"}}", members.join(","), n - 1);
        let p = parse(text.as_bytes(), Limits::NONE).unwrap();
        let found: Vec<String> = p.duplicate_keys.iter().map(|d| d.pointer.clone()).collect();
        assert_eq!(found, ["/k0".to_string(), format!("/k{}", n - 1)], "{n}");
        let o = p.value.as_object().unwrap();
        assert_eq!(o.len(), n);
        assert_eq!(o.get("k0"), Some(&Json::String(Cow::Borrowed("last"))));
        assert_eq!(o.keys().take(2).collect::<Vec<_>>(), ["k0", "k1"]);
        for i in 1..n - 1 {
            assert_eq!(o.get(&format!("k{i}")).map(|v| to_serde(v)), Some(serde_json::json!(i)), "{n} {i}");
        }
        assert_eq!(o.get("nope"), None);
    }
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
fn parse_trusted_refuses_a_duplicate_key_at_the_repeated_name() {
    let e = parse_trusted(b"{\"a\": 1,\n \"a\": 2}").err().map(|e| (e.to_string(), e.line, e.column));
    assert_eq!(e, Some(("duplicate key `a` at line 2 column 4".to_string(), 2, 4)));
    assert!(parse_trusted(br#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#).is_ok());
    assert!(parse_trusted(format!("[{}]", vec!["0"; 10_000].join(",")).as_bytes()).is_ok());
}

#[test]
fn generated_documents_list_the_duplicates_a_serde_walk_finds() {
    let mut r = Rng(0x00d0_b1e5);
    let mut with = 0;
    for _ in 0..20_000 {
        let mut text = String::new();
        gen_value(&mut r, 0, &mut text);
        if !comparable(text.as_bytes()) {
            continue;
        }
        if let (Ok((_, listed, more)), Some(found)) = (ours(text.as_bytes(), Limits::NONE), dup_oracle::duplicates(text.as_bytes())) {
            assert_eq!(listed, found.iter().take(MAX_DUPLICATE_KEYS).cloned().collect::<Vec<_>>(), "{text}");
            assert_eq!(more, found.len().saturating_sub(MAX_DUPLICATE_KEYS), "{text}");
            assert_eq!(parse_trusted(text.as_bytes()).is_ok(), found.is_empty(), "{text}");
            with += usize::from(!found.is_empty());
        }
    }
    assert!(with > 300, "{with}");
}

#[test]
fn the_parse_stops_at_the_first_value_past_its_memory_budget() {
    let mut cases: Vec<String> = ["0", "[]", "{}", r#""abc""#, r#""a\nb""#, r#"{"a":0,"a":1}"#, r#"{"k\u0065y":[1,2,3,4,5]}"#]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for n in [1, 4, 5, 8, 9, 15, 16, 17, 32, 33, 100, 1000] {
        cases.push(format!("[{}]", vec!["0"; n].join(",")));
        cases.push(format!("[{}]", vec![r#""x\n""#; n].join(",")));
        cases.push(format!("{{{}}}", (0..n).map(|i| format!(r#""k{i}":[{i}]"#)).collect::<Vec<_>>().join(",")));
    }
    for text in cases {
        let charged = parse(text.as_bytes(), Limits::NONE).map(|p| p.charged).unwrap();
        let at = |max_bytes| parse(text.as_bytes(), Limits { max_bytes, ..Limits::NONE });
        assert!(at(charged).is_ok(), "{text}");
        if charged > 0 {
            assert_eq!(at(charged - 1).err(), Some(ParseError::Limit(LimitHit::Memory)), "{text}");
        }
    }
    // Borrowed strings and numbers cost nothing; an array its slots, exactly.
    assert_eq!(parse(br#""abc""#, Limits::NONE).map(|p| p.charged).ok(), Some(0));
    assert_eq!(parse(b"[1,2]", Limits::NONE).map(|p| p.charged).ok(), Some(2 * VALUE_BYTES));
    assert!(matches!(parse(br#"["a\n", oops"#, Limits { max_bytes: 1000, ..Limits::NONE }), Err(ParseError::Syntax(_))));
    assert!(matches!(parse(br#"["a\n", oops"#, Limits { max_bytes: 1, ..Limits::NONE }), Err(ParseError::Limit(LimitHit::Memory))));
}

/// Up to [`ON_STACK`] elements or members wait on the parser's stack and get a buffer of exactly
/// their number; past them, a container has its own buffer, doubling from twice that: the same
/// values either way (nested containers in between, a repeated name before and after the
/// switch), each buffer charged what it allocates.
#[test]
fn containers_on_either_side_of_the_stacks_share_read_the_same_and_are_charged_their_buffers() {
    for n in [1, ON_STACK - 1, ON_STACK, ON_STACK + 1, ON_STACK + 2, 2 * ON_STACK, 2 * ON_STACK + 1, 300] {
        let array = format!("[{}]", (0..n).map(|i| if i % 7 == 3 { format!(r#"{{"k":[{i}]}}"#) } else { i.to_string() }).collect::<Vec<_>>().join(","));
        let object = format!("{{{}}}", (0..n).map(|i| format!(r#""k{i}":[{i},{{"a":{i}}}]"#)).collect::<Vec<_>>().join(","));
        let repeated = format!(r#"{{"k0":0,{},"k0":1,"k{}":2}}"#, (1..n).map(|i| format!(r#""k{i}":{i}"#)).collect::<Vec<_>>().join(","), n - 1);
        for text in [&array, &object, &repeated] {
            same_all_limits(text.as_bytes());
        }
        // Exactly `n` slots on the stack's side; past it 2 × ON_STACK, doubling (ON_STACK is a
        // power of two, so the next one up).
        let cap = if n <= ON_STACK { n } else { n.next_power_of_two() };
        let flat = format!("[{}]", vec!["0"; n].join(","));
        assert_eq!(parse(flat.as_bytes(), Limits::NONE).map(|p| p.charged).ok(), Some(cap * VALUE_BYTES), "{n}");
    }
}

#[test]
fn names_compare_equal_exactly_when_their_bytes_do_at_every_length() {
    let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
    for n in 0..=base.len() {
        let a = base.get(..n).unwrap();
        assert!(object::same_bytes(a, a), "{n}");
        for i in 0..n {
            let mut b = a.to_vec();
            b[i] ^= 0x20;
            assert!(!object::same_bytes(a, &b), "{n} {i}");
        }
        if n > 0 {
            assert!(!object::same_bytes(a, base.get(..n - 1).unwrap()), "{n}");
        }
    }
}

/// A field access's hint is where it last found its member: right or stale (another layout, an
/// object too small for it, an indexed object), the lookup gives the member or nothing, as `get`.
#[test]
fn hinted_and_ordered_lookups_find_what_get_finds_whatever_the_hint() {
    let texts = [
        r#"{"a":1,"bb":2,"ccc":3}"#.to_string(),
        r#"{"ccc":30,"a":10}"#.to_string(),
        r#"{}"#.to_string(),
        format!("{{{}}}", (0..40).map(|i| format!(r#""k{i}":{i}"#)).collect::<Vec<_>>().join(",")),
    ];
    let docs: Vec<Json<'_>> = texts.iter().map(|t| parse(t.as_bytes(), Limits::NONE).unwrap().value).collect();
    let names = ["a", "bb", "ccc", "k0", "k17", "k39", "k40", "zz"];
    let hints: Vec<Hint> = names.iter().map(|_| Hint::default()).collect();
    for _ in 0..2 {
        for doc in &docs {
            let obj = doc.as_object().unwrap();
            let mut next = 0;
            for (name, hint) in names.iter().zip(&hints) {
                assert_eq!(obj.get_hinted(name, hint), obj.get(name), "{name} in {doc}");
                assert_eq!(obj.get_next(name, &mut next), obj.get(name), "{name} in {doc}");
            }
        }
    }
}
