//! A JSON value of the document model in the compiled pack form (the pack's parameters,
//! reference data, fixtures and test values): its tokens in document order, each container
//! saying how many members follow, so that reading it back builds the owned value directly
//! (no JSON text to parse again, no borrowed tree to copy) and without recursion on the bytes.
//!
//! `[1, {"a": "x"}]` is written `Arr(2) Num("1") Obj(1) Str("a") Str("x")`: a sequence of
//! tokens after its length (postcard's form of a sequence), an object's member as its name
//! (a `Str`) then its value. The reader treats the bytes as untrusted: nesting is bounded by
//! [`RECURSION_LIMIT`] (the parser's), room is reserved for at most [`RESERVE_AT_MOST`] members
//! of a container whatever it claims (memory grows with the tokens actually read), a number's
//! text must be a JSON number (jiter checks it, as the parser does), texts must be UTF-8
//! (checked as `wire::owned_text` checks a text), an object's member names must be unique (as
//! [`Object`] holds them; a repeated one is refused, in the parser's words for one), and the
//! tokens must make exactly one value.

use std::borrow::Cow;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Json, Number, Object, RECURSION_LIMIT};
use crate::wire::{owned_text, refuse};

/// Most members a container's claim reserves room for before they are read.
const RESERVE_AT_MOST: usize = 1024;

/// A token as written.
#[derive(Serialize)]
enum TokOut<'a> {
    Null,
    False,
    True,
    Num(&'a str),
    Str(&'a str),
    Arr(usize),
    Obj(usize),
}

/// A token as read: texts as bytes (postcard writes a text and bytes alike), checked here.
#[derive(Deserialize)]
enum TokIn<'a> {
    Null,
    False,
    True,
    Num(&'a [u8]),
    Str(&'a [u8]),
    Arr(usize),
    Obj(usize),
}

/// A value to write in the compiled form ([`Out`]) or read from it ([`In`]).
pub(crate) struct Out<'v>(pub(crate) &'v Json<'static>);

fn tokens(v: &Json<'_>) -> usize {
    match v {
        Json::Array(a) => 1 + a.iter().map(tokens).sum::<usize>(),
        Json::Object(o) => 1 + o.iter().map(|(_, v)| 1 + tokens(v)).sum::<usize>(),
        _ => 1,
    }
}

fn write<S: SerializeSeq>(v: &Json<'_>, s: &mut S) -> Result<(), S::Error> {
    match v {
        Json::Null => s.serialize_element(&TokOut::Null),
        Json::Bool(false) => s.serialize_element(&TokOut::False),
        Json::Bool(true) => s.serialize_element(&TokOut::True),
        Json::Number(n) => s.serialize_element(&TokOut::Num(n.as_str())),
        Json::String(t) => s.serialize_element(&TokOut::Str(t)),
        Json::Array(a) => {
            s.serialize_element(&TokOut::Arr(a.len()))?;
            a.iter().try_for_each(|v| write(v, s))
        }
        Json::Object(o) => {
            s.serialize_element(&TokOut::Obj(o.len()))?;
            o.iter().try_for_each(|(k, v)| {
                s.serialize_element(&TokOut::Str(k))?;
                write(v, s)
            })
        }
    }
}

impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(tokens(self.0)))?;
        write(self.0, &mut seq)?;
        seq.end()
    }
}

/// A value read from the compiled form.
pub(crate) struct In(pub(crate) Json<'static>);

/// A container being filled: its members so far, how many are still to come, and for an
/// object the name of the member whose value comes next.
enum Open {
    Arr(Vec<Json<'static>>, usize),
    Obj(Vec<(Cow<'static, str>, Json<'static>)>, usize, Option<Cow<'static, str>>),
}

/// A complete object, unless it names a member twice: each name must be where the object finds
/// it ([`Object::position`]: a scan up to [`super::INDEX_FROM`] members, which finds a repeated
/// name's first place, and past them its index, which finds one of its places; either way the
/// search stays cheap whatever the bytes hold).
fn object<E: serde::de::Error>(pairs: Vec<(Cow<'static, str>, Json<'static>)>) -> Result<Json<'static>, E> {
    let o = Object::from_pairs(pairs);
    // Natively, below the index, only a name whose bit (`parser::name_bit`, as the parser's) an earlier
    // name has is looked up: −0.1 M instructions of a read of the default pack. The WebAssembly
    // validator looks every one up: the bits would cost it 114 bytes, gzipped.
    #[cfg(not(target_arch = "wasm32"))]
    let mut may_repeat = {
        let (mut seen, indexed) = (0u64, o.index.is_some());
        move |name: &str| {
            let bit = super::parser::name_bit(name);
            let clash = seen & bit != 0;
            seen |= bit;
            clash || indexed
        }
    };
    #[cfg(target_arch = "wasm32")]
    let may_repeat = |_: &str| true;
    match o.pairs.iter().enumerate().find(|(i, (k, _))| may_repeat(k) && o.position(k) != Some(*i)) {
        Some((_, (k, _))) => Err(refuse(format_args!("duplicate key `{}` in a JSON object", &**k))),
        None => Ok(Json::Object(o)),
    }
}

fn text<E: serde::de::Error>(bytes: &[u8]) -> Result<Cow<'static, str>, E> {
    match owned_text(bytes) {
        Some(s) => Ok(Cow::Owned(s)),
        None => Err(refuse("a JSON text that is not UTF-8")),
    }
}

/// A number's text, checked as the parser checks one (jiter's syntax, nothing around it).
fn number<E: serde::de::Error>(bytes: &[u8]) -> Result<Json<'static>, E> {
    let whole = bytes.first().is_some_and(|b| *b == b'-' || b.is_ascii_digit()) && bytes.last().is_some_and(u8::is_ascii_digit);
    let mut j = jiter::Jiter::new(bytes);
    let ok = whole && j.peek().is_ok_and(|p| p.is_num() && j.known_skip(p).is_ok() && j.finish().is_ok());
    match std::str::from_utf8(bytes) {
        Ok(t) if ok => Ok(Json::Number(Number(Cow::Owned(t.to_owned())))),
        _ => Err(refuse("a JSON number's text that is not a JSON number")),
    }
}

fn reserve<T>(claim: usize) -> Vec<T> {
    Vec::with_capacity(claim.min(RESERVE_AT_MOST))
}

struct InVisitor;

impl<'de> Visitor<'de> for InVisitor {
    type Value = In;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value's tokens")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<In, A::Error> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            let Some(tok) = seq.next_element::<TokIn<'de>>()? else {
                return Err(refuse("a JSON value's tokens end inside it"));
            };
            // An object's member name comes before its value.
            if let Some(Open::Obj(_, _, key @ None)) = open.last_mut() {
                match tok {
                    TokIn::Str(k) => *key = Some(text(k)?),
                    _ => return Err(refuse("a JSON object's member without a name")),
                }
                continue;
            }
            let mut value = match tok {
                TokIn::Null => Json::Null,
                TokIn::False => Json::Bool(false),
                TokIn::True => Json::Bool(true),
                TokIn::Num(t) => number(t)?,
                TokIn::Str(t) => Json::String(text(t)?),
                TokIn::Arr(n) | TokIn::Obj(n) if n > 0 => {
                    if open.len() >= RECURSION_LIMIT {
                        return Err(refuse(format_args!("JSON nested deeper than {RECURSION_LIMIT}")));
                    }
                    open.push(match tok {
                        TokIn::Arr(_) => Open::Arr(reserve(n), n),
                        _ => Open::Obj(reserve(n), n, None),
                    });
                    continue;
                }
                TokIn::Arr(_) => Json::Array(Vec::new()),
                TokIn::Obj(_) => Json::Object(Object::default()),
            };
            // The value fills its container, which may complete it, and so on outwards.
            loop {
                let Some(mut top) = open.pop() else {
                    return match seq.next_element::<TokIn<'de>>()? {
                        None => Ok(In(value)),
                        Some(_) => Err(refuse("tokens after a JSON value")),
                    };
                };
                let left = match &mut top {
                    Open::Arr(items, left) => {
                        items.push(value);
                        left
                    }
                    Open::Obj(pairs, left, key) => {
                        pairs.push((key.take().unwrap_or_default(), value));
                        left
                    }
                };
                *left -= 1;
                if *left > 0 {
                    open.push(top);
                    break;
                }
                value = match top {
                    Open::Arr(items, _) => Json::Array(items),
                    Open::Obj(pairs, _, _) => object(pairs)?,
                };
            }
        }
    }
}

impl<'de> Deserialize<'de> for In {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<In, D::Error> {
        d.deserialize_seq(InVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::parse_trusted;

    fn back(bytes: &[u8]) -> Result<Json<'static>, postcard::Error> {
        postcard::from_bytes::<In>(bytes).map(|i| i.0)
    }

    #[test]
    fn json_values_read_back_from_their_tokens_as_they_were() {
        for text in [
            "null",
            "[]",
            "{}",
            "-0.10",
            "1E5",
            r#""Парацетамол \"x\"""#,
            r#"[1, [], {}, [[true, false]], {"a": {"b": [null, "c"]}, "": 2}]"#,
            &format!("{{{}}}", (0..40).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(",")),
            &format!("{}1{}", "[".repeat(RECURSION_LIMIT), "]".repeat(RECURSION_LIMIT)),
        ] {
            let v = parse_trusted(text.as_bytes()).unwrap().into_owned();
            let bytes = postcard::to_allocvec(&Out(&v)).unwrap();
            let read = back(&bytes).unwrap();
            assert_eq!(read, v, "{text}");
            assert_eq!(read.to_string(), v.to_string());
            if let (Json::Object(a), Json::Object(b)) = (&read, &v) {
                assert!(a.keys().all(|k| read.get(k) == b.get(k)));
            }
        }
    }

    #[test]
    fn tokens_that_do_not_make_one_json_value_are_refused() {
        // Variants: Null 0, False 1, True 2, Num 3, Str 4, Arr 5, Obj 6.
        let deep: Vec<u8> = [vec![129, 1], [5, 1].repeat(128), vec![0]].concat();
        for (bytes, why) in [
            (&[0u8][..], "end inside it"),
            (&[1, 5, 2], "end inside it"),
            (&[2, 0, 0], "tokens after"),
            (&[2, 6, 1, 0], "without a name"),
            (&[1, 3, 2, b'1', b' '], "not a JSON number"),
            (&[1, 3, 3, b'0', b'x', b'1'], "not a JSON number"),
            (&[1, 3, 0], "not a JSON number"),
            (&[1, 4, 1, 0xff], "not UTF-8"),
            (&deep, "deeper than"),
        ] {
            let _ = crate::wire::take_problem();
            assert!(back(bytes).is_err(), "{bytes:?}");
            let problem = crate::wire::take_problem().unwrap_or_default();
            assert!(problem.contains(why), "{bytes:?}: {problem}");
        }
        // An array claiming a billion items reserves room for a few.
        assert!(back(&[3, 5, 0x80, 0x94, 0xeb, 0xdc, 0x03, 0]).is_err());
    }

    /// The tokens of an object whose members are named `names`, each valued `null`.
    fn object_named(names: &[String]) -> Vec<u8> {
        let tokens: Vec<TokOut<'_>> = std::iter::once(TokOut::Obj(names.len())).chain(names.iter().flat_map(|n| [TokOut::Str(n), TokOut::Null])).collect();
        postcard::to_allocvec(&tokens).unwrap()
    }

    #[test]
    fn an_object_naming_a_member_twice_is_refused_small_or_indexed() {
        // Small objects are searched, large ones (past INDEX_FROM members) through their index;
        // the repeat first, last, and with a name that shares the first's bit but not its text.
        let many: Vec<String> = (0..3 * super::super::INDEX_FROM).map(|i| format!("k{i}")).collect();
        for names in [vec!["a", "b", "a"], vec!["a", "a"], vec!["ab", "xb", "ab"]]
            .into_iter()
            .map(|n| n.into_iter().map(String::from).collect::<Vec<_>>())
            .chain([[many.clone(), vec!["k7".into()]].concat(), [vec!["k90".into()], many.clone()].concat()])
        {
            let _ = crate::wire::take_problem();
            assert!(back(&object_named(&names)).is_err(), "{names:?}");
            let problem = crate::wire::take_problem().unwrap_or_default();
            assert!(problem.starts_with("duplicate key `") && problem.ends_with("` in a JSON object"), "{names:?}: {problem}");
        }
        // The same names, each once, read back as an object found by any of them.
        let read = back(&object_named(&many)).unwrap();
        assert!(many.iter().all(|k| read.get(k) == Some(&Json::Null)));
        let nested = vec![TokOut::Obj(1), TokOut::Str("a"), TokOut::Obj(1), TokOut::Str("a"), TokOut::Null];
        assert!(back(&postcard::to_allocvec(&nested).unwrap()).is_ok(), "a name may repeat in a nested object");
    }
}
