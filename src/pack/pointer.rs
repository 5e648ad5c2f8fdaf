//! JSON Pointers (RFC 6901) in a pack: a check's pointers with their tokens unescaped once,
//! array indexes, and the static type a pointer reaches in the document model.

#[cfg(not(target_arch = "wasm32"))]
use crate::document::Hint;
use crate::types::Type;

/// A JSON Pointer (RFC 6901) as written, and its tokens unescaped once when the pack loads.
#[derive(Debug, Clone)]
pub struct Pointer {
    pub text: String,
    /// `None` when the text is neither empty nor starts with `/` (it then points at nothing).
    tokens: Option<Box<[String]>>,
    /// By token: where the member was last found ([`crate::document::Object::get_hinted`];
    /// native builds: the WebAssembly module keeps the smaller code).
    #[cfg(not(target_arch = "wasm32"))]
    hints: Box<[Hint]>,
}

/// Written as its text; read back with its tokens unescaped again.
impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Pointer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pointer, D::Error> {
        Ok(Pointer::new(<&str>::deserialize(d)?))
    }
}

impl Pointer {
    pub fn new(text: &str) -> Pointer {
        Pointer::of(text.to_string(), pointer_tokens(text).ok().map(Vec::into_boxed_slice))
    }

    fn of(text: String, tokens: Option<Box<[String]>>) -> Pointer {
        Pointer {
            #[cfg(not(target_arch = "wasm32"))]
            hints: tokens.as_deref().unwrap_or_default().iter().map(|_| Hint::default()).collect(),
            text,
            tokens,
        }
    }

    /// The tokens, each with the hint of where its member was last found.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn hinted_tokens(&self) -> Option<impl Iterator<Item = (&str, &Hint)>> {
        Some(self.tokens.as_deref()?.iter().map(String::as_str).zip(self.hints.iter()))
    }

    /// The unescaped tokens, or `None` for a text that is not a pointer.
    pub fn tokens(&self) -> Option<&[String]> {
        self.tokens.as_deref()
    }

    /// The pointer to the (unescaped) tokens.
    pub fn from_tokens(tokens: &[String]) -> Pointer {
        let mut text = String::new();
        for t in tokens {
            text.push('/');
            crate::document::push_pointer_token(&mut text, t);
        }
        Pointer::of(text, Some(tokens.to_vec().into_boxed_slice()))
    }
}

/// Splits a JSON Pointer into unescaped tokens. `""` is the root.
pub fn pointer_tokens(ptr: &str) -> Result<Vec<String>, String> {
    if ptr.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = ptr.strip_prefix('/') else {
        return Err(format!("`{ptr}` is not a JSON Pointer (it must start with `/`)"));
    };
    Ok(rest.split('/').map(|t| unescape_token(t).into_owned()).collect())
}

/// One reference token unescaped (`~1` is `/`, then `~0` is `~`, RFC 6901 §4). Most tokens
/// have no escape: borrowed as they are (a compiled pack reads a thousand pointers).
pub fn unescape_token(t: &str) -> std::borrow::Cow<'_, str> {
    if t.contains('~') { t.replace("~1", "/").replace("~0", "~").into() } else { t.into() }
}

/// An array index token of a JSON Pointer (RFC 6901): `0`, or digits without a leading zero —
/// no sign, no `01`. Every walk of a pointer into an array reads its index with this one rule
/// (`require`, `for_each`, the pack loader's type resolution, the pack tests' `set`/`remove`).
pub fn array_index(tok: &str) -> Option<usize> {
    let b = tok.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    tok.parse().ok()
}

/// The static type a JSON Pointer reaches inside `ty`; an error names the unknown step.
pub fn resolve_pointer(ty: &Type, ptr: &str) -> Result<Type, String> {
    let mut cur = ty;
    for tok in pointer_tokens(ptr)? {
        cur = match cur {
            Type::Record(r) => match r.field(&tok) {
                Some(t) => t,
                None => {
                    let known: Vec<&str> = r.fields.keys().map(String::as_str).collect();
                    return Err(format!("unknown field `{tok}` in `{ptr}`: `{}` has {}", r.name, known.join(", ")));
                }
            },
            Type::List(e) if array_index(&tok).is_some() => e,
            // Every step into `any` is `any`.
            Type::Any => return Ok(Type::Any),
            other => return Err(format!("`{ptr}`: cannot step into `{tok}` of a `{other}`")),
        };
    }
    Ok(cur.clone())
}
