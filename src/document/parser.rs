//! The JSON reader of [`super::parse`] and [`super::parse_trusted`]: jiter's parser walked into
//! the document model ([`Json`]), within the depth, array and heap limits, repeated names listed
//! or refused, strings borrowed from the input unless they have escapes.

use std::borrow::Cow;
use std::ops::Range;

use hashbrown::HashTable;
use jiter::{Jiter, JiterError, JiterErrorType, JiterResult, JsonErrorType, Peek};

use super::object::{hash, name_in, position_in, rehash_names};
use super::{DuplicateKey, INDEX_FROM, Json, LimitHit, Limits, MAX_DUPLICATE_KEY_TEXT, MAX_DUPLICATE_KEYS, Number, Object, ParseError, RECURSION_LIMIT, SyntaxError, cut_key_text, push_pointer_token};

/// A step of the path to the value being read, on the parser's stack (no allocation): the
/// parent's step and this one.
#[derive(Clone, Copy)]
pub(super) struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

#[derive(Clone, Copy)]
pub(super) enum Seg<'p> {
    Root,
    Index(usize),
    Key(&'p str),
}

impl Path<'_> {
    /// The RFC 6901 pointer of this place, up to about [`MAX_DUPLICATE_KEY_TEXT`] bytes.
    fn pointer(&self) -> String {
        let mut segs = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            segs.push(p.seg);
            at = p.parent;
        }
        let mut pointer = String::new();
        for seg in segs.iter().rev() {
            match *seg {
                Seg::Root => continue,
                Seg::Index(n) => {
                    pointer.push('/');
                    pointer.push_str(&n.to_string());
                }
                Seg::Key(k) => {
                    pointer.push('/');
                    push_pointer_token(&mut pointer, k);
                }
            }
            if pointer.len() > MAX_DUPLICATE_KEY_TEXT {
                break;
            }
        }
        pointer
    }
}

/// The members [`Parser::pairs`] first makes room for.
pub(super) const SCRATCH_PAIRS: usize = 32;

pub(super) const ROOT: Path<'static> = Path { parent: None, seg: Seg::Root };

pub(super) type Res<T> = Result<T, ParseError>;

/// The heap an array's element takes, and an object's member (the tests' reckoning).
#[cfg(test)]
pub(super) const VALUE_BYTES: usize = std::mem::size_of::<Json<'static>>();
#[cfg(test)]
pub(super) const PAIR_BYTES: usize = std::mem::size_of::<(Cow<'static, str>, Json<'static>)>();

/// Heap of a `HashTable<u32>` able to hold `capacity` entries: per bucket a position and a
/// control byte, plus a group of control bytes, buckets a power of two at most 7/8 full.
pub(super) fn table_bytes(capacity: usize) -> usize {
    let buckets = (capacity.saturating_mul(8) / 7).checked_next_power_of_two().unwrap_or(usize::MAX);
    buckets.saturating_mul(std::mem::size_of::<u32>() + 1).saturating_add(16)
}

pub(super) struct Parser<'a> {
    data: &'a [u8],
    /// The whole input as text when it is UTF-8 (checked once): strings and names without
    /// escapes, and numbers, are borrowed from it without checking their bytes again.
    text: Option<&'a str>,
    /// Where the next `\` at or after the string being read lies (`usize::MAX`: none). Found
    /// once per escape with `memchr`; a string ending before it has no escape.
    next_backslash: usize,
    /// jiter's buffer for decoding escapes, kept from one escaped string to the next.
    tape: Vec<u8>,
    jiter: Jiter<'a>,
    /// The members of the objects being read, innermost last; an object's are moved into a
    /// vector of exactly their number when it closes (one allocation, no growth).
    pairs: Vec<(Cow<'a, str>, Json<'a>)>,
    /// The same for the arrays being read.
    items: Vec<Json<'a>>,
    max_depth: usize,
    max_array_len: usize,
    pub(super) budget: usize,
    dup_is_error: bool,
    pub(super) dups: Vec<DuplicateKey>,
    pub(super) more_dups: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(data: &'a [u8], limits: Limits, dup_is_error: bool) -> Self {
        Parser {
            data,
            // 5.8 K instructions of a 1.6 KB prescription with core's `from_utf8` (its Cyrillic
            // leaves core's ASCII fast path), 0.9 K with simdutf8 (callgrind).
            text: simdutf8::basic::from_utf8(data).ok(),
            next_backslash: find_backslash(data, 0),
            tape: Vec::new(),
            jiter: Jiter::new(data),
            pairs: Vec::new(),
            items: Vec::new(),
            max_depth: limits.max_depth.min(RECURSION_LIMIT),
            max_array_len: limits.max_array_len,
            budget: limits.max_bytes,
            dup_is_error,
            dups: Vec::new(),
            more_dups: 0,
        }
    }

    pub(super) fn document(&mut self) -> Res<Json<'a>> {
        let peek = self.jiter.peek().map_err(|e| self.jerr(e))?;
        let v = self.value(peek, 0, &ROOT)?;
        self.jiter.finish().map_err(|e| self.jerr(e))?;
        Ok(v)
    }

    fn at(&self, index: usize, msg: String) -> ParseError {
        let pos = self.jiter.error_position(index);
        ParseError::Syntax(SyntaxError { msg, line: pos.line, column: pos.column })
    }

    fn jerr(&self, e: JiterError) -> ParseError {
        self.jerr_from(e, 0)
    }

    /// jiter's error `e` of a reader started at `offset` in the input.
    fn jerr_from(&self, e: JiterError, offset: usize) -> ParseError {
        let msg = match &e.error_type {
            JiterErrorType::JsonError(t) => t.to_string(),
            other => other.to_string(),
        };
        self.at(offset.saturating_add(e.index), msg)
    }

    /// The text of a string or a name whose bytes between the quotes are `r` (jiter checked its
    /// escapes and found its end, without decoding it or checking its UTF-8): borrowed from the
    /// input when it has no escape, else decoded by jiter, charged first.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    fn text_at(&mut self, r: Range<usize>) -> Res<Cow<'a, str>> {
        // Ends before the next `\`: no escape (the `\` before it, if any, was in an earlier
        // string, and was passed).
        if r.end <= self.next_backslash
            && let Some(s) = self.text.and_then(|t| t.get(r.clone()))
        {
            return Ok(Cow::Borrowed(s));
        }
        self.text_slow(r)
    }

    /// [`Parser::text_at`] of a string with escapes, or in input that is not UTF-8.
    #[cold]
    #[inline(never)]
    fn text_slow(&mut self, r: Range<usize>) -> Res<Cow<'a, str>> {
        if self.next_backslash < r.start {
            // Not reached in valid JSON (a `\` outside strings is refused before the next one).
            self.next_backslash = find_backslash(self.data, r.start);
        }
        if self.next_backslash >= r.end {
            // Input that is not UTF-8 as a whole: this string's bytes are checked as jiter's
            // `known_str` checks them, with its error.
            let bytes = self.data.get(r.clone()).unwrap_or_default();
            return match std::str::from_utf8(bytes) {
                Ok(s) => Ok(Cow::Borrowed(s)),
                Err(e) => Err(self.at(r.start + e.valid_up_to(), JsonErrorType::InvalidUnicodeCodePoint.to_string())),
            };
        }
        // Escapes: the string (quotes included) decoded by jiter on its own.
        let from = r.start.saturating_sub(1);
        let literal = self.data.get(from..r.end.saturating_add(1)).unwrap_or_default();
        let mut j = Jiter::with_tape(literal, std::mem::take(&mut self.tape));
        // `peek` and `known_str`, not `next_str`: its error path for a number reaches jiter's float
        // parser, 20 KB of the WebAssembly module (the literal starts with `"`: always a string).
        let decoded = match j.peek().and_then(|_| j.known_str()) {
            Ok(s) => charge(&mut self.budget, s.len()).map(|()| s.to_owned()),
            Err(e) => Err(self.jerr_from(e, from)),
        };
        self.tape = j.into_tape();
        self.next_backslash = find_backslash(self.data, r.end);
        decoded.map(Cow::Owned)
    }

    /// One value, its first byte peeked.
    fn value(&mut self, peek: Peek, depth: usize, path: &Path<'_>) -> Res<Json<'a>> {
        Ok(match peek {
            Peek::Array => return self.array(depth, path),
            Peek::Object => return self.object(depth, path),
            // Literals and numbers are skipped by jiter (`known_skip`: checked, not decoded): its
            // `known_bool` and `known_number_bytes` reach its float parser on their error paths,
            // 20 KB of the WebAssembly module that nothing else needs (twiggy).
            Peek::Null | Peek::True | Peek::False => {
                self.jiter.known_skip(peek).map_err(|e| self.jerr(e))?;
                match peek {
                    Peek::Null => Json::Null,
                    _ => Json::Bool(peek == Peek::True),
                }
            }
            Peek::String => {
                // The string's bytes found by jiter (`known_bytes`: escapes checked, not
                // decoded; no UTF-8 check, which the input's one check makes needless).
                let start = self.jiter.current_index() + 1;
                let len = match self.jiter.known_bytes() {
                    Ok(b) => b.len(),
                    Err(e) => return Err(self.jerr(e)),
                };
                Json::String(self.text_at(start..start + len)?)
            }
            // A number: its text as written (jiter checks its syntax, without reading it as a
            // float, which keeps its float parser out of the WebAssembly module).
            _ => {
                let start = self.jiter.current_index();
                self.jiter.known_skip(peek).map_err(|e| self.jerr(e))?;
                let end = start + self.jiter.slice_to_current(start).len();
                match match self.text {
                    Some(t) => t.get(start..end),
                    None => self.data.get(start..end).and_then(|b| std::str::from_utf8(b).ok()),
                } {
                    Some(t) => Json::Number(Number(Cow::Borrowed(t))),
                    None => return Err(self.at(start, "invalid number".into())),
                }
            }
        })
    }

    fn enter(&self, depth: usize) -> Res<usize> {
        let depth = depth + 1;
        if depth > self.max_depth {
            if self.max_depth == RECURSION_LIMIT && depth > RECURSION_LIMIT {
                return Err(self.at(self.jiter.current_index(), "recursion limit exceeded".into()));
            }
            return Err(ParseError::Limit(LimitHit::Depth));
        }
        Ok(depth)
    }

    fn array(&mut self, depth: usize, path: &Path<'_>) -> Res<Json<'a>> {
        let inner = self.enter(depth)?;
        let mut items = Gather::new(&self.items);
        let mut next = self.jiter.known_array().map_err(|e| self.jerr(e))?;
        while let Some(peek) = next {
            let n = items.len(&self.items);
            let here = Path { parent: Some(path), seg: Seg::Index(n) };
            let item = self.value(peek, inner, &here)?;
            if n == self.max_array_len {
                return Err(ParseError::Limit(LimitHit::ArrayLength));
            }
            items.push(&mut self.items, &mut self.budget, item)?;
            next = self.jiter.array_step().map_err(|e| self.jerr(e))?;
        }
        Ok(Json::Array(items.finish(&mut self.items)))
    }

    /// An object's first name, read by jiter's `known_object` (decoded and UTF-8 checked: jiter
    /// has no `known_object_bytes`, and its `next_object_bytes` reaches its float parser on an
    /// error path, 20 KB of the WebAssembly module): borrowed when it lies in the input.
    fn first_key(&mut self) -> Res<Option<Cow<'a, str>>> {
        let data = self.data;
        let first = match self.jiter.known_object() {
            Ok(None) => return Ok(None),
            Ok(Some(k)) => match in_input(data, k.as_bytes()) {
                Some(r) => Ok(r),
                // Decoded (it has escapes): charged, then copied.
                None => charge(&mut self.budget, k.len()).map(|()| Err(k.to_owned()))?,
            },
            Err(e) => return Err(self.jerr(e)),
        };
        match first {
            Ok(r) => self.text_at(r).map(Some),
            Err(decoded) => Ok(Some(Cow::Owned(decoded))),
        }
    }

    /// A member's name, from where [`key_range`] found it.
    fn key(&mut self, k: JiterResult<Option<Option<Range<usize>>>>) -> Res<Option<Cow<'a, str>>> {
        match k {
            Ok(None) => Ok(None),
            Ok(Some(Some(r))) => self.text_at(r).map(Some),
            // jiter's byte names are slices of the input: not reached.
            Ok(Some(None)) => Err(self.at(self.jiter.current_index(), "invalid key".into())),
            Err(e) => Err(self.jerr(e)),
        }
    }

    fn object(&mut self, depth: usize, path: &Path<'_>) -> Res<Json<'a>> {
        let inner = self.enter(depth)?;
        if self.pairs.capacity() == 0 {
            // Enough for most documents' members at once (the prescription's 22 and 5), so the
            // stack does not grow by doubling from 4.
            self.pairs.reserve(SCRATCH_PAIRS);
        }
        let mut members = Gather::new(&self.pairs);
        let mut index: Option<Box<HashTable<u32>>> = None;
        // A bit per [`name_bit`] of the names read: a name whose bit is clear is new, with no
        // search of the members (most names; a repeated one always finds its bit set).
        let mut seen = 0u64;
        let mut key = self.first_key()?;
        while let Some(k) = key {
            let bit = name_bit(&k);
            let existing = if seen & bit == 0 { None } else { position_in(members.slice(&self.pairs), index.as_deref(), &k) };
            seen |= bit;
            if existing.is_some() {
                self.duplicate(&k, path)?;
            }
            let peek = self.jiter.peek().map_err(|e| self.jerr(e))?;
            let value = {
                let here = Path { parent: Some(path), seg: Seg::Key(&k) };
                self.value(peek, inner, &here)?
            };
            match existing.and_then(|i| members.get_mut(&mut self.pairs, i)) {
                Some(slot) => slot.1 = value,
                None => {
                    enter_name(&mut self.budget, members.slice(&self.pairs), &mut index, &k)?;
                    members.push(&mut self.pairs, &mut self.budget, (k, value))?;
                }
            }
            let next = key_range(self.data, self.jiter.next_key_bytes());
            key = self.key(next)?;
        }
        Ok(Json::Object(Object { pairs: members.finish(&mut self.pairs), index }))
    }

    /// The member `key` of the object at `path` (its name just read) repeats one of its
    /// object's: listed, or counted past the cap, or the parse's error.
    fn duplicate(&mut self, key: &str, path: &Path<'_>) -> Res<()> {
        if self.dup_is_error {
            // At the name's closing quote (the parser is past it and its colon).
            let now = self.jiter.current_index();
            let at = self.data.get(..now).and_then(|d| d.iter().rposition(|&b| b == b'"')).unwrap_or(now);
            return Err(self.at(at, format!("duplicate key `{key}`")));
        }
        if self.dups.len() == MAX_DUPLICATE_KEYS {
            self.more_dups += 1;
            return Ok(());
        }
        let mut pointer = Path { parent: Some(path), seg: Seg::Key(key) }.pointer();
        cut_key_text(&mut pointer);
        let mut key = key.to_string();
        cut_key_text(&mut key);
        self.dups.push(DuplicateKey { pointer, key });
        Ok(())
    }
}

/// Enters a new name `k`, to follow `members`, in their index (made at [`INDEX_FROM`]
/// members, its heap charged first).
pub(super) fn enter_name<'a>(budget: &mut usize, members: &[(Cow<'a, str>, Json<'a>)], index: &mut Option<Box<HashTable<u32>>>, k: &str) -> Res<()> {
    let n = members.len();
    let name_at = |i: u32| name_in(members, i);
    let rehash = || rehash_names(&name_at);
    match index {
        Some(t) => {
            if t.len() == t.capacity() {
                let cap = t.capacity().saturating_mul(2);
                charge(budget, table_bytes(cap).saturating_sub(table_bytes(t.capacity())))?;
                t.reserve(cap - t.len(), rehash());
            }
            t.insert_unique(hash(k), n as u32, rehash());
        }
        None if n == INDEX_FROM => {
            let cap = INDEX_FROM * 2;
            charge(budget, table_bytes(cap).saturating_add(std::mem::size_of::<HashTable<u32>>()))?;
            let mut t = HashTable::with_capacity(cap);
            for (i, (key, _)) in members.iter().enumerate() {
                t.insert_unique(hash(key), i as u32, rehash());
            }
            t.insert_unique(hash(k), n as u32, rehash());
            *index = Some(Box::new(t));
        }
        None => {}
    }
    Ok(())
}

/// How many elements or members of one container wait on the parser's stack: past them, the
/// container's buffer is its own, grown by doubling (its capacity charged), so the stack never
/// holds more than this many of each open container.
pub(super) const ON_STACK: usize = 64;

/// The elements (or members) of a container being read: on the parser's stack from `base`,
/// each charged its slot as it comes, and moved into a buffer of exactly their number when the
/// container closes; past [`ON_STACK`] of them, in a buffer of their own (`own`), twice as
/// large, then doubling, each growth charged before it is made.
pub(super) struct Gather<T> {
    base: usize,
    own: Vec<T>,
}

impl<T> Gather<T> {
    fn new(stack: &[T]) -> Self {
        Gather { base: stack.len(), own: Vec::new() }
    }

    fn slice<'s>(&'s self, stack: &'s [T]) -> &'s [T] {
        if self.own.capacity() == 0 { stack.get(self.base..).unwrap_or_default() } else { &self.own }
    }

    fn len(&self, stack: &[T]) -> usize {
        self.slice(stack).len()
    }

    fn get_mut<'s>(&'s mut self, stack: &'s mut [T], i: usize) -> Option<&'s mut T> {
        if self.own.capacity() == 0 { stack.get_mut(self.base.checked_add(i)?) } else { self.own.get_mut(i) }
    }

    fn push(&mut self, stack: &mut Vec<T>, budget: &mut usize, v: T) -> Res<()> {
        let slot = std::mem::size_of::<T>();
        if self.own.capacity() == 0 {
            let n = stack.len().saturating_sub(self.base);
            if n < ON_STACK {
                charge(budget, slot)?;
                stack.push(v);
                return Ok(());
            }
            // Twice as many slots as it has: the other half charged now.
            charge(budget, n.saturating_mul(slot))?;
            let mut own = Vec::with_capacity(n.saturating_mul(2));
            own.extend(stack.drain(self.base..));
            self.own = own;
        } else if self.own.len() == self.own.capacity() {
            let more = self.own.capacity();
            charge(budget, more.saturating_mul(slot))?;
            self.own.reserve_exact(more);
        }
        self.own.push(v);
        Ok(())
    }

    fn finish(self, stack: &mut Vec<T>) -> Vec<T> {
        // `split_off`: a buffer of exactly their number, filled by one copy.
        if self.own.capacity() == 0 { stack.split_off(self.base.min(stack.len())) } else { self.own }
    }
}

/// Where the bytes jiter returned for a member's name lie in the input.
pub(super) fn key_range(data: &[u8], k: JiterResult<Option<&[u8]>>) -> JiterResult<Option<Option<Range<usize>>>> {
    Ok(k?.map(|k| in_input(data, k)))
}

/// One of 64 bits, from a name's length and its first and last bytes.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(super) fn name_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    let h = (b.len() as u32).wrapping_mul(0x9e37_79b1) ^ u32::from(first).wrapping_mul(0x85eb_ca6b) ^ u32::from(last).wrapping_mul(0xc2b2_ae35);
    1 << (h >> 26)
}

/// Where the first `\` at or after `from` lies (`usize::MAX`: none).
/// Natively `memchr` (SIMD: a whole document without escapes is searched in about 100
/// instructions); in the WebAssembly module core's search, which adds no code (memchr's adds
/// about 0.6 KB gzipped), the same answer (a test compares them).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn find_backslash(data: &[u8], from: usize) -> usize {
    data.get(from..).and_then(|d| memchr::memchr(b'\\', d)).map_or(usize::MAX, |i| from + i)
}

#[cfg(target_arch = "wasm32")]
pub(super) fn find_backslash(data: &[u8], from: usize) -> usize {
    find_backslash_core(data, from)
}

#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
pub(super) fn find_backslash_core(data: &[u8], from: usize) -> usize {
    data.get(from..).and_then(|d| d.iter().position(|&b| b == b'\\')).map_or(usize::MAX, |i| from + i)
}

/// Takes `bytes` from `budget`, before they are allocated; past it, the parse stops.
pub(super) fn charge(budget: &mut usize, bytes: usize) -> Res<()> {
    match budget.checked_sub(bytes) {
        Some(left) => {
            *budget = left;
            Ok(())
        }
        None => Err(ParseError::Limit(LimitHit::Memory)),
    }
}

/// Where in `data` the slice `s` lies, when it is a slice of it.
pub(super) fn in_input(data: &[u8], s: &[u8]) -> Option<Range<usize>> {
    let start = (s.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
    let end = start.checked_add(s.len())?;
    (end <= data.len()).then_some(start..end)
}
