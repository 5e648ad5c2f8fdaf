//! Reading a document's bytes into a JSON value while enforcing the nesting, array-length and
//! memory limits in the same pass.
//!
//! The value built is exactly `serde_json::from_slice::<Value>`'s (same numbers under
//! `arbitrary_precision`, same key order and duplicate-key handling under `preserve_order`:
//! the last value at the first one's position); the differences are that a document nested
//! deeper than the limit, with a longer array, or whose tree would take more heap than its
//! budget, stops the parse at that point instead of being built first and measured after, and
//! that repeated member names are reported (RFC 7493, I-JSON: names must be unique) — listed
//! for a document, an error for a pack's trusted files.
//!
//! **The memory budget.** Every allocation the tree makes is charged before it is made: a
//! string's or number's text its capacity (allocated once, at the length of its JSON text, which
//! bounds the decoded one), an array's buffer each time it grows (the parser grows it itself,
//! doubling, so the charge is its capacity in `Value` slots), an object's map each time it
//! grows (its entries — hash, name and value — and its index table, as `indexmap` and
//! `hashbrown` size them: [`map_bytes`]). The tree's values hold all of it: what the parser
//! keeps besides (its path, the repeated keys listed) is bounded by the depth and
//! [`MAX_DUPLICATE_KEYS`]. Checked against a counting allocator in `input_tests.rs`: the charge
//! is never below the heap the tree holds.

use std::fmt;

use serde_json::map::Entry;
use serde_json::{Map, Number, Value as Json};

// The repeated-key record, its caps and the pointer writer are the document model's: this oracle
// checks the parse, not how a repeated key is written down.
use crate::document::{DuplicateKey, MAX_DUPLICATE_KEY_TEXT, MAX_DUPLICATE_KEYS, cut_key_text, push_pointer_token};

/// Which limit stopped the parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LimitHit {
    Depth,
    ArrayLength,
    /// The tree would take more heap than its budget.
    Memory,
}

/// Heap of one JSON value's slot in an array, and a map entry's value.
const VALUE_BYTES: usize = std::mem::size_of::<Json>();

/// Heap of one entry of an object's map: `indexmap`'s `Bucket` — the key's hash, the key's
/// `String` and the value (the key's text is charged as a string).
const ENTRY_BYTES: usize = std::mem::size_of::<usize>() + std::mem::size_of::<String>() + VALUE_BYTES;

/// Capacity of the index table `hashbrown` gives an object's map when it grows from `capacity`
/// (3, 7, then doubling: the table has 4, 8, 16, … buckets, 7/8 of them usable from 8 on);
/// `indexmap` then grows the entries' vector to match.
fn next_map_capacity(capacity: usize) -> usize {
    match capacity {
        0 => 3,
        1..=3 => 7,
        n => n.saturating_mul(2),
    }
}

/// Heap of an object's map of `capacity` entries: the entries' vector (`indexmap` keeps it as
/// large as the index table's capacity) and the index table — per bucket an index and a
/// control byte, plus 16 control bytes, with the buckets rounded up as `hashbrown` does.
fn map_bytes(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 4 {
        4
    } else if capacity < 8 {
        8
    } else {
        (capacity.saturating_mul(8) / 7).checked_next_power_of_two().unwrap_or(usize::MAX)
    };
    let index = buckets.saturating_mul(std::mem::size_of::<usize>() + 1).saturating_add(16);
    capacity.saturating_mul(ENTRY_BYTES).saturating_add(index)
}

/// Why bytes could not be read as a document.
#[derive(Debug)]
pub(crate) enum ParseError {
    Limit(LimitHit),
    Json(JsonError),
}

/// A syntax error, with the text and position `serde_json::Error` has for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    msg: String,
    line: usize,
    column: usize,
}

impl JsonError {
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    pub(crate) fn column(&self) -> usize {
        self.column
    }
}

/// `serde_json::Error`'s `Display`: the message, then its position when it has one.
impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)?;
        if self.line != 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

/// A document read by [`parse_limited`].
#[derive(Debug)]
pub struct Parsed {
    /// The value, as serde_json builds it: a repeated name's last value, at its first position.
    pub value: Json,
    /// The repeated names, in document order, at most [`MAX_DUPLICATE_KEYS`].
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Repeated names past the first [`MAX_DUPLICATE_KEYS`].
    pub more_duplicates: usize,
    /// Bytes of heap charged for the value (at most [`Limits::max_bytes`]).
    pub charged: usize,
}

/// The limits of [`parse_limited`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Deepest nesting: the top-level object or array is depth 1.
    pub max_depth: usize,
    /// Most elements of one array.
    pub max_array_len: usize,
    /// Most heap the tree built may take, in bytes (as charged: see the module's docs).
    pub max_bytes: usize,
}

impl Limits {
    /// No limits of ours.
    pub(crate) const NONE: Limits = Limits { max_depth: usize::MAX, max_array_len: usize::MAX, max_bytes: usize::MAX };
}

/// Parses `bytes` as one JSON value (nothing but whitespace after it), refusing nesting deeper
/// than `max_depth`, arrays of more than `max_array_len` elements and a tree that would take
/// more than `max_bytes` of heap — each at the first value past it, before building it.
/// Repeated member names are listed with the value.
pub(crate) fn parse_limited(bytes: &[u8], limits: Limits) -> Result<Parsed, ParseError> {
    let mut p = Parser::new(bytes, limits);
    let value = p.value(0)?;
    match p.ws() {
        Some(_) => Err(p.peek_err(TRAILING_CHARACTERS)),
        None => Ok(Parsed { value, duplicate_keys: p.dups, more_duplicates: p.more_dups, charged: limits.max_bytes - p.budget }),
    }
}

/// Parses `bytes` as one JSON value with no limits of ours (`serde_json`'s recursion limit of
/// 128 levels still applies): for trusted files such as a pack's fixtures. A repeated member
/// name is an error at that name (a trusted file must still be unambiguous). The same parser
/// as documents, so the module carries one copy of it.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Json, JsonError> {
    let mut p = Parser::new(bytes, Limits::NONE);
    p.dup_is_error = true;
    let v = p.value(0).and_then(|v| match p.ws() {
        Some(_) => Err(p.peek_err(TRAILING_CHARACTERS)),
        None => Ok(v),
    });
    v.map_err(|e| match e {
        ParseError::Json(e) => e,
        ParseError::Limit(hit) => JsonError {
            msg: match hit {
                LimitHit::Depth => "Depth limit",
                LimitHit::ArrayLength => "ArrayLength limit",
                LimitHit::Memory => "Memory limit",
            }
            .into(),
            line: 0,
            column: 0,
        },
    })
}

// serde_json's messages (`ErrorCode`'s `Display`).
const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const INVALID_CODE_POINT: &str = "invalid unicode code point";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_A_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT: &str = "recursion limit exceeded";
// Ours (serde_json keeps the last value without a word).
const DUPLICATE_KEY: &str = "duplicate key";

/// serde_json's private key that marks a number under `arbitrary_precision` (the number's text
/// follows as the entry's value); `serde_json::Value`'s own deserialiser treats it the same way.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A port of the parts of `serde_json::Deserializer<SliceRead>` that `deserialize_any` into a
/// `Value` goes through (features `arbitrary_precision`, `preserve_order`): the same values, the
/// same errors at the same positions, checked against serde_json in `input_tests.rs`. The limits
/// stop the parse where the former serde visitor stopped it.
struct Parser<'b> {
    s: &'b [u8],
    /// Index of the next byte.
    i: usize,
    /// serde_json's recursion limit: 128 nested arrays and objects.
    remaining_depth: u8,
    max_depth: usize,
    max_array_len: usize,
    /// Heap the tree may still take, in bytes: each allocation is charged before it is made.
    budget: usize,
    /// Where the value being read sits: one segment per enclosing array or object, written out
    /// as a JSON Pointer only when a duplicate key is found.
    path: Vec<Seg>,
    /// A duplicate key stops the parse with an error (instead of being listed).
    dup_is_error: bool,
    dups: Vec<DuplicateKey>,
    more_dups: usize,
}

/// A step of [`Parser::path`].
#[derive(Clone, Copy)]
enum Seg {
    /// An array element, by index.
    Index(usize),
    /// An object member, by the index of its name's first byte after the opening `"` (the
    /// name is decoded again only for a pointer).
    Key(usize),
}

type Res<T> = Result<T, ParseError>;

impl<'b> Parser<'b> {
    fn new(s: &'b [u8], limits: Limits) -> Self {
        Parser {
            s,
            i: 0,
            remaining_depth: 128,
            max_depth: limits.max_depth,
            max_array_len: limits.max_array_len,
            budget: limits.max_bytes,
            path: Vec::new(),
            dup_is_error: false,
            dups: Vec::new(),
            more_dups: 0,
        }
    }

    /// Takes `bytes` from the budget, before they are allocated; past it, the parse stops.
    fn charge(&mut self, bytes: usize) -> Res<()> {
        match self.budget.checked_sub(bytes) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(ParseError::Limit(LimitHit::Memory)),
        }
    }

    /// The member `key` (its name just read) repeats one of its object's: listed, or counted
    /// past the cap, or the parse's error.
    fn duplicate(&mut self, key: &str) -> Res<()> {
        if self.dup_is_error {
            return Err(self.err(&format!("{DUPLICATE_KEY} `{key}`")));
        }
        if self.dups.len() == MAX_DUPLICATE_KEYS {
            self.more_dups += 1;
            return Ok(());
        }
        let mut pointer = String::new();
        for seg in &self.path {
            pointer.push('/');
            match *seg {
                Seg::Index(n) => pointer.push_str(&n.to_string()),
                Seg::Key(start) => {
                    // A name already read once, so it decodes again without error.
                    let mut p = Parser::new(self.s, Limits::NONE);
                    p.i = start;
                    let name = p.string().unwrap_or_default();
                    push_pointer_token(&mut pointer, &name);
                }
            }
            if pointer.len() > MAX_DUPLICATE_KEY_TEXT {
                break;
            }
        }
        cut_key_text(&mut pointer);
        let mut key = key.to_string();
        cut_key_text(&mut key);
        self.dups.push(DuplicateKey { pointer, key });
        Ok(())
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// An error at byte index `i`: line from 1, column counted in bytes from the line's start.
    fn at(&self, i: usize, msg: &str) -> ParseError {
        let head = self.s.get(..i).unwrap_or(self.s);
        let mut line = 1;
        let mut start = 0;
        for (k, &b) in head.iter().enumerate() {
            if b == b'\n' {
                line += 1;
                start = k + 1;
            }
        }
        ParseError::Json(JsonError { msg: msg.into(), line, column: i - start })
    }

    /// serde_json's `error`: caused by the byte just read.
    fn err(&self, msg: &str) -> ParseError {
        self.at(self.i, msg)
    }

    /// serde_json's `peek_error`: caused by the byte peeked.
    fn peek_err(&self, msg: &str) -> ParseError {
        self.at(self.s.len().min(self.i + 1), msg)
    }

    /// Skips whitespace; the next byte.
    fn ws(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
        self.peek()
    }

    /// One value, `depth` arrays and objects deep.
    fn value(&mut self, depth: usize) -> Res<Json> {
        let Some(b) = self.ws() else {
            return Err(self.peek_err(EOF_VALUE));
        };
        Ok(match b {
            b'n' => {
                self.ident(b"null")?;
                Json::Null
            }
            b't' => {
                self.ident(b"true")?;
                Json::Bool(true)
            }
            b'f' => {
                self.ident(b"false")?;
                Json::Bool(false)
            }
            b'-' | b'0'..=b'9' => Json::Number(Number::from_string_unchecked(self.number()?)),
            b'"' => {
                self.i += 1;
                Json::String(self.string()?)
            }
            b'[' | b'{' => {
                self.remaining_depth -= 1;
                if self.remaining_depth == 0 {
                    return Err(self.peek_err(RECURSION_LIMIT));
                }
                self.i += 1;
                let v = if b == b'[' { self.array(depth)? } else { self.object(depth)? };
                self.remaining_depth += 1;
                v
            }
            _ => return Err(self.peek_err(EXPECTED_VALUE)),
        })
    }

    /// The depth of the members of a container at `depth`, unless that is past the limit.
    fn enter(&self, depth: usize) -> Res<usize> {
        let depth = depth + 1;
        if depth > self.max_depth {
            return Err(ParseError::Limit(LimitHit::Depth));
        }
        Ok(depth)
    }

    /// The rest of `ident` (its first byte peeked).
    fn ident(&mut self, ident: &[u8]) -> Res<()> {
        self.i += 1;
        for &want in ident.get(1..).unwrap_or_default() {
            let Some(b) = self.peek() else {
                return Err(self.err(EOF_VALUE));
            };
            self.i += 1;
            if b != want {
                return Err(self.err(EXPECTED_IDENT));
            }
        }
        Ok(())
    }

    /// After `[`: the elements and the `]`.
    fn array(&mut self, depth: usize) -> Res<Json> {
        let inner = self.enter(depth)?;
        let mut items = Vec::new();
        self.path.push(Seg::Index(0));
        loop {
            match self.ws() {
                None => return Err(self.peek_err(EOF_LIST)),
                Some(b']') => break,
                Some(_) if items.is_empty() => {}
                Some(b',') => {
                    self.i += 1;
                    match self.ws() {
                        Some(b']') => return Err(self.peek_err(TRAILING_COMMA)),
                        Some(_) => {}
                        None => return Err(self.peek_err(EOF_VALUE)),
                    }
                }
                Some(_) => return Err(self.peek_err(EXPECTED_LIST_COMMA_OR_END)),
            }
            if let Some(last) = self.path.last_mut() {
                *last = Seg::Index(items.len());
            }
            let item = self.value(inner)?;
            if items.len() == self.max_array_len {
                return Err(ParseError::Limit(LimitHit::ArrayLength));
            }
            if items.len() == items.capacity() {
                // Grown here, doubling (at least 4 slots, as `Vec` would), so that the charge
                // is the capacity allocated.
                let more = items.capacity().max(4);
                self.charge(more.saturating_mul(VALUE_BYTES))?;
                items.reserve_exact(more);
            }
            items.push(item);
        }
        self.path.pop();
        self.i += 1;
        Ok(Json::Array(items))
    }

    /// After `{`: the members and the `}`.
    fn object(&mut self, depth: usize) -> Res<Json> {
        let mut obj = Map::new();
        // The map's capacity, as `indexmap` and `hashbrown` grow it ([`next_map_capacity`]):
        // `serde_json::Map` does not say.
        let mut capacity = 0;
        let mut first = true;
        let mut inner = depth;
        self.path.push(Seg::Key(0));
        loop {
            match self.ws() {
                None => return Err(self.peek_err(EOF_OBJECT)),
                Some(b'}') => break,
                Some(b'"') if first => {}
                Some(_) if first => return Err(self.peek_err(KEY_MUST_BE_A_STRING)),
                Some(b',') => {
                    self.i += 1;
                    match self.ws() {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.peek_err(TRAILING_COMMA)),
                        Some(_) => return Err(self.peek_err(KEY_MUST_BE_A_STRING)),
                        None => return Err(self.peek_err(EOF_VALUE)),
                    }
                }
                Some(_) => return Err(self.peek_err(EXPECTED_OBJECT_COMMA_OR_END)),
            }
            self.i += 1;
            let key_start = self.i;
            let key = self.string()?;
            if first {
                if key == NUMBER_TOKEN {
                    self.path.pop();
                    return self.number_entry();
                }
                inner = self.enter(depth)?;
                first = false;
            }
            if let Some(last) = self.path.last_mut() {
                *last = Seg::Key(key_start);
            }
            if obj.len() == capacity {
                // The lookup below grows the map's index table when it is full (even for a
                // repeated name), and the next new name its entries to match: charged first.
                let next = next_map_capacity(capacity);
                self.charge(map_bytes(next).saturating_sub(map_bytes(capacity)))?;
                capacity = next;
            }
            // One lookup: the entry is held while the value is read (the map's `insert` would
            // put a repeated name's value at the first one's position, as this does).
            let entry = obj.entry(key);
            if let Entry::Occupied(o) = &entry {
                self.duplicate(o.key())?;
            }
            self.colon()?;
            let value = self.value(inner)?;
            match entry {
                Entry::Vacant(v) => {
                    v.insert(value);
                }
                Entry::Occupied(mut o) => {
                    o.insert(value);
                }
            }
        }
        self.path.pop();
        if first {
            // `{}` still counts as a level.
            self.enter(depth)?;
        }
        self.i += 1;
        Ok(Json::Object(obj))
    }

    fn colon(&mut self) -> Res<()> {
        match self.ws() {
            Some(b':') => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_err(EXPECTED_COLON)),
            None => Err(self.peek_err(EOF_OBJECT)),
        }
    }

    /// After the key of `{"$serde_json::private::Number": "1.5"}`: the number's text, which
    /// must be the object's only member (serde_json's `Value` reads it the same way).
    fn number_entry(&mut self) -> Res<Json> {
        self.colon()?;
        let Some(b) = self.ws() else {
            return Err(self.peek_err(EOF_VALUE));
        };
        // Anything but a string: serde's `invalid type` error, placed after the value read.
        let unexpected = match b {
            b'"' => {
                self.i += 1;
                let text = self.string()?;
                // `Number::from_str`: the text must be one number and nothing else; its errors
                // are positioned in the text.
                let mut p = Parser::new(text.as_bytes(), Limits { max_depth: 0, max_array_len: 0, max_bytes: self.budget });
                let n = match p.peek() {
                    None => Err(p.peek_err(EOF_VALUE)),
                    Some(b'-' | b'0'..=b'9') => p.number(),
                    Some(_) => Err(p.peek_err(INVALID_NUMBER)),
                };
                let n = match (n, p.peek()) {
                    (Err(e @ ParseError::Limit(_)), _) => return Err(e),
                    (_, Some(_)) => return Err(p.peek_err(INVALID_NUMBER)),
                    (n, None) => n?,
                };
                self.budget = p.budget;
                return match self.ws() {
                    Some(b'}') => {
                        self.i += 1;
                        Ok(Json::Number(Number::from_string_unchecked(n)))
                    }
                    Some(b',') => Err(self.peek_err(TRAILING_COMMA)),
                    Some(_) => Err(self.peek_err(TRAILING_CHARACTERS)),
                    None => Err(self.peek_err(EOF_OBJECT)),
                };
            }
            b'n' => {
                self.ident(b"null")?;
                "null".to_string()
            }
            b't' => {
                self.ident(b"true")?;
                "boolean `true`".to_string()
            }
            b'f' => {
                self.ident(b"false")?;
                "boolean `false`".to_string()
            }
            b'-' | b'0'..=b'9' => {
                let n = self.number()?;
                // serde_json's `ParserNumber`: an integer when it fits u64 (i64 if negative).
                let int = if b == b'-' { n != "-0" && n.parse::<i64>().is_ok() } else { n.parse::<u64>().is_ok() };
                if int { format!("integer `{n}`") } else { "number".to_string() }
            }
            b'[' => "sequence".to_string(),
            b'{' => "map".to_string(),
            _ => return Err(self.peek_err(EXPECTED_VALUE)),
        };
        Err(self.err(&format!("invalid type: {unexpected}, expected a JSON number")))
    }

    /// A number's text as `arbitrary_precision` keeps it (its first byte peeked): the exponent
    /// written `e`, with its sign.
    fn number(&mut self) -> Res<String> {
        // Its text is at most the bytes that can be part of a number, and one more (`1e5` is
        // kept as `1e+5`): allocated once, charged first.
        let len = self.s.get(self.i..).unwrap_or_default().iter().take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).count();
        self.charge(len + 1)?;
        let mut buf = String::with_capacity(len + 1);
        if self.peek() == Some(b'-') {
            self.i += 1;
            buf.push('-');
        }
        match self.digit_or_eof(&mut buf)? {
            b'0' => {
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_err(INVALID_NUMBER));
                }
            }
            b'1'..=b'9' => {
                self.digits(&mut buf);
            }
            _ => return Err(self.err(INVALID_NUMBER)),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            buf.push('.');
            if self.digits(&mut buf) == 0 {
                return Err(self.peek_err(if self.peek().is_some() { INVALID_NUMBER } else { EOF_VALUE }));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            buf.push('e');
            match self.peek() {
                Some(b @ (b'+' | b'-')) => {
                    self.i += 1;
                    buf.push(char::from(b));
                }
                _ => buf.push('+'),
            }
            if !self.digit_or_eof(&mut buf)?.is_ascii_digit() {
                return Err(self.err(INVALID_NUMBER));
            }
            self.digits(&mut buf);
        }
        Ok(buf)
    }

    /// The next byte, taken (a number cannot end here).
    fn digit_or_eof(&mut self, buf: &mut String) -> Res<u8> {
        let Some(b) = self.peek() else {
            return Err(self.err(EOF_VALUE));
        };
        self.i += 1;
        buf.push(char::from(b));
        Ok(b)
    }

    /// Takes the digits that follow; how many.
    fn digits(&mut self, buf: &mut String) -> usize {
        let mut n = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            self.i += 1;
            buf.push(char::from(b));
            n += 1;
        }
        n
    }

    /// After the opening `"`: the string's content and the closing `"`.
    fn string(&mut self) -> Res<String> {
        // Decoded, it is at most as long as its JSON text up to the closing quote (an escape is
        // never shorter than what it stands for): allocated once, charged first.
        let len = self.text_len();
        self.charge(len)?;
        let mut out = Vec::with_capacity(len);
        let mut start = self.i;
        loop {
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.extend_from_slice(self.s.get(start..self.i).unwrap_or_default());
            match self.peek() {
                None => return Err(self.err(EOF_STRING)),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|e| {
                        // At the first invalid byte, counted back from after the quote.
                        let back = e.as_bytes().len() - e.utf8_error().valid_up_to();
                        match self.err(INVALID_CODE_POINT) {
                            ParseError::Json(mut j) => {
                                j.column = j.column.saturating_sub(back);
                                ParseError::Json(j)
                            }
                            other => other,
                        }
                    });
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut out)?;
                    start = self.i;
                }
                Some(_) => {
                    self.i += 1;
                    return Err(self.err(CONTROL_CHARACTER));
                }
            }
        }
    }

    /// After the opening `"`: the bytes up to the closing one (or the end), escapes included.
    fn text_len(&self) -> usize {
        let rest = self.s.get(self.i..).unwrap_or_default();
        let mut k = 0;
        while let Some(&b) = rest.get(k) {
            match b {
                b'"' => break,
                b'\\' => k += 2,
                _ => k += 1,
            }
        }
        k.min(rest.len())
    }

    /// After a `\`: the escape, appended to `out` as UTF-8.
    fn escape(&mut self, out: &mut Vec<u8>) -> Res<()> {
        let Some(c) = self.peek() else {
            return Err(self.err(EOF_STRING));
        };
        self.i += 1;
        let b = match c {
            b'"' | b'\\' | b'/' => c,
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut n = self.hex4()?;
                if (0xDC00..=0xDFFF).contains(&n) {
                    return Err(self.err(LONE_SURROGATE));
                }
                if (0xD800..=0xDBFF).contains(&n) {
                    // A leading surrogate: `\u` and a trailing one must follow.
                    for want in [b'\\', b'u'] {
                        let Some(c) = self.peek() else {
                            return Err(self.err(EOF_STRING));
                        };
                        self.i += 1;
                        if c != want {
                            return Err(self.err(END_OF_HEX_ESCAPE));
                        }
                    }
                    let n2 = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&n2) {
                        return Err(self.err(LONE_SURROGATE));
                    }
                    n = (((n - 0xD800) << 10) | (n2 - 0xDC00)) + 0x1_0000;
                }
                let mut buf = [0; 4];
                if let Some(ch) = char::from_u32(n) {
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                return Ok(());
            }
            _ => return Err(self.err(INVALID_ESCAPE)),
        };
        out.push(b);
        Ok(())
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Res<u32> {
        let Some(hex) = self.s.get(self.i..self.i + 4) else {
            self.i = self.s.len();
            return Err(self.err(EOF_STRING));
        };
        self.i += 4;
        let mut n = 0;
        for &h in hex {
            match char::from(h).to_digit(16) {
                Some(d) => n = n * 16 + d,
                None => return Err(self.err(INVALID_ESCAPE)),
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
pub(crate) mod tests;
