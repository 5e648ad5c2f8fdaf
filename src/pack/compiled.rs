//! The compiled form of a pack: a compact binary encoding of a loaded [`Pack`] (rules with their
//! type-checked expressions, document model, reference data, calendars, messages, tests and
//! fixtures), so that a pack can be compiled once (`qagida pack compile`, or the WebAssembly
//! compiler module) and then loaded without the TOML parser, the loader or the expression
//! compiler: what the small WebAssembly validator module embeds.
//!
//! The form is tied to the engine that wrote it (scope slots, the meaning of each node): the
//! header names the format, the crate version and a fingerprint of the sources behind the form,
//! and a pack compiled by another engine is refused with a message saying so. A checksum over
//! the body catches a damaged file. The decoder treats its input as untrusted: every length is
//! checked against the bytes left, and nesting is bounded, so bad bytes give a
//! [`CompiledPackError`], never a panic.

use std::sync::{Arc, Mutex};


use super::{ByLang, Check, CheckKind, DocType, Expect, LangTemplates, Lang, LangId, Pack, PackRef, Pointer, Rule, RuleTest, Seg, Severity, SysMsg, SystemMessages, Template, Text, index_rules};
use crate::calendar::{Calendar, Fixed, YearData};
use crate::codec::{DecodeError, Reader, Writer};
use crate::expr::codec::{MAX_SLOT, read_expr, write_expr};

/// Why compiled bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a usable compiled pack: {0}")]
pub struct CompiledPackError(pub String);

impl From<DecodeError> for CompiledPackError {
    fn from(e: DecodeError) -> Self {
        CompiledPackError(e.0)
    }
}

/// The first bytes of every compiled pack.
pub const MAGIC: &[u8; 8] = b"QAGIDAPK";
/// The layout of the body; raised with every change to it (or to what its parts mean).
pub const FORMAT: u64 = 1;
/// The engine a compiled pack must have been written by: the crate version, and a fingerprint of
/// the sources that define the compiled form (`build.rs`), so that a build from other sources
/// refuses it even under the same version number.
const ENGINE: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("QAGIDA_COMPILED_FINGERPRINT"));

/// FNV-1a, 64 bits: a checksum against damage in transit, not a signature.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    crate::formats::fnv1a(crate::formats::FNV_OFFSET, bytes)
}

/// What a compiled pack may leave out. The default keeps everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// The rules' own test cases (`[[rule.test]]`), which only `qagida test` and
    /// `run_pack_tests` read. Without them a pack validates the same.
    pub tests: bool,
    /// The source text of each check's expressions, which only `qagida explain` shows.
    pub sources: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions { tests: true, sources: true }
    }
}

impl CompileOptions {
    /// Only what validation reads: no tests, no sources. What a WebAssembly module embeds.
    pub const VALIDATION_ONLY: CompileOptions = CompileOptions { tests: false, sources: false };
}

impl Pack {
    /// The pack in compiled form, all of it: `MAGIC`, the format number and engine version, a
    /// checksum of the body, then the body. See [`Pack::from_compiled`].
    pub fn to_compiled(&self) -> Vec<u8> {
        self.to_compiled_with(CompileOptions::default())
    }

    /// The pack in compiled form, leaving out what `options` says.
    pub fn to_compiled_with(&self, options: CompileOptions) -> Vec<u8> {
        let body = fuzzing::body(self, options);
        let mut out = Writer::default();
        out.buf.extend_from_slice(MAGIC);
        out.var(FORMAT);
        out.raw_str(ENGINE);
        out.buf.extend_from_slice(&checksum(&body).to_le_bytes());
        out.buf.extend_from_slice(&body);
        out.buf
    }

    /// Loads a pack from the bytes of [`Pack::to_compiled`], written by this same version of the
    /// engine. The result validates exactly as the pack that was compiled.
    pub fn from_compiled(bytes: &[u8]) -> Result<Pack, CompiledPackError> {
        if !bytes.starts_with(MAGIC) {
            return Err(CompiledPackError("it does not start as a compiled qagida pack does".into()));
        }
        let mut r = Reader::new(bytes);
        r.take(MAGIC.len());
        let format = r.var();
        let engine = r.raw_str();
        if format != FORMAT || engine != ENGINE {
            return Err(CompiledPackError(format!(
                "it was compiled by qagida {engine} (format {format}); this is qagida {ENGINE} (format {FORMAT}): compile the pack again with this version"
            )));
        }
        let sum = r.take(8);
        let body = r.rest();
        r.finish(false)?;
        if sum != checksum(body).to_le_bytes() {
            return Err(CompiledPackError("it is damaged (its checksum does not match)".into()));
        }
        fuzzing::from_body(body)
    }
}

/// Entry points for the fuzzer (`fuzz/fuzz_targets/compiled_pack.rs`): the body of a compiled
/// pack without its header and checksum, so that mutated bytes reach the decoder.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// The body [`Pack::to_compiled_with`] writes after the header.
    pub fn body(pack: &Pack, options: CompileOptions) -> Vec<u8> {
        let mut w = Writer::default();
        write_pack(&mut w, pack, options);
        w.buf
    }

    /// Decodes a body as [`Pack::from_compiled`] does after checking the header and checksum.
    pub fn from_body(body: &[u8]) -> Result<Pack, CompiledPackError> {
        let mut r = Reader::new(body);
        let pack = read_pack(&mut r);
        r.finish(true).map(|()| pack).map_err(CompiledPackError::from)
    }
}

fn write_text(w: &mut Writer, t: &Text) {
    w.seq(t.0.0.iter(), |w, v| w.opt(v.as_ref(), |w, s| w.str(s)));
}

fn read_text(r: &mut Reader<'_>) -> Text {
    Text(ByLang(r.seq(|r| r.opt(Reader::str))))
}

fn write_lang(w: &mut Writer, l: &Lang) {
    w.str(l.code());
}

fn read_lang(r: &mut Reader<'_>) -> Lang {
    Lang::compiled(r.str())
}

fn write_lang_id(w: &mut Writer, l: LangId) {
    w.var(u64::from(l.0));
}

fn read_lang_id(r: &mut Reader<'_>, languages: usize) -> LangId {
    let i = r.var();
    match u16::try_from(i).ok().filter(|i| usize::from(*i) < languages) {
        Some(i) => LangId(i),
        None => {
            r.fail(format_args!("language {i} out of range"));
            LangId(0)
        }
    }
}

fn write_templates(w: &mut Writer, t: &LangTemplates) {
    w.seq(t.0.0.iter(), |w, t| {
        w.opt(t.as_ref(), |w, t| {
            w.seq(t.0.iter(), |w, seg| match seg {
                Seg::Lit(s) => {
                    w.u8(0);
                    w.str(s);
                }
                Seg::Actual => w.u8(1),
                Seg::Expected => w.u8(2),
                Seg::Path => w.u8(3),
                Seg::Let(name) => {
                    w.u8(4);
                    w.str(name);
                }
            });
        });
    });
}

fn read_templates(r: &mut Reader<'_>) -> LangTemplates {
    let read_seg = |r: &mut Reader<'_>| -> Seg {
        match r.tag(5, "template piece") {
            1 => Seg::Actual,
            2 => Seg::Expected,
            3 => Seg::Path,
            4 => Seg::Let(r.str()),
            _ => Seg::Lit(r.str()),
        }
    };
    let one = |r: &mut Reader<'_>| r.opt(|r| Template(r.seq(read_seg)));
    LangTemplates(ByLang(r.seq(one)))
}

fn write_strs(w: &mut Writer, v: &[String]) {
    w.seq(v.iter(), |w, s| w.str(s));
}

fn read_strs(r: &mut Reader<'_>) -> Vec<String> {
    r.seq(Reader::str)
}

fn write_pointer(w: &mut Writer, p: &Pointer) {
    w.str(&p.text);
}

fn read_pointer(r: &mut Reader<'_>) -> Pointer {
    Pointer::new(&r.str())
}

fn read_slot(r: &mut Reader<'_>) -> usize {
    r.bounded(MAX_SLOT)
}

fn write_severity(w: &mut Writer, s: Severity) {
    w.u8(SEVERITIES.iter().position(|x| *x == s).unwrap_or(0) as u8);
}

fn read_severity(r: &mut Reader<'_>) -> Severity {
    SEVERITIES.get(usize::from(r.tag(3, "severity"))).copied().unwrap_or(Severity::Error)
}

fn write_check(w: &mut Writer, c: &Check, o: CompileOptions) {
    w.str(&c.doc_type);
    w.opt(c.severity.as_ref(), |w, s| write_severity(w, *s));
    match &c.kind {
        CheckKind::Assert(e) => {
            w.u8(0);
            write_expr(w, e);
        }
        CheckKind::Require(ps) => {
            w.u8(1);
            w.seq(ps.iter(), write_pointer);
        }
    }
    w.opt(c.for_each.as_ref(), write_pointer);
    w.opt(c.of_type.as_ref(), |w, s| w.str(s));
    w.opt(c.item_slot.as_ref(), |w, s| w.usize(*s));
    w.opt(c.then_each.as_ref(), write_pointer);
    w.opt(c.elem_slot.as_ref(), |w, s| w.usize(*s));
    w.opt(c.when.as_ref(), write_expr);
    w.seq(c.lets.iter(), |w, (name, slot, e)| {
        w.str(name);
        w.usize(*slot);
        write_expr(w, e);
    });
    w.str(&c.path);
    w.opt(c.actual.as_ref(), write_expr);
    w.opt(c.expected.as_ref(), write_expr);
    w.opt(c.message.as_ref(), write_templates);
    w.opt(c.not_checked.as_ref(), write_templates);
    w.seq(c.source.iter().take(if o.sources { usize::MAX } else { 0 }), |w, (k, v)| {
        w.str(k);
        w.str(v);
    });
}

fn read_check(r: &mut Reader<'_>) -> Check {
    Check {
        doc_type: r.str(),
        severity: r.opt(read_severity),
        kind: match r.tag(2, "check kind") {
            1 => CheckKind::Require(r.seq(read_pointer)),
            _ => CheckKind::Assert(read_expr(r)),
        },
        for_each: r.opt(read_pointer),
        of_type: r.opt(Reader::str),
        item_slot: r.opt(read_slot),
        then_each: r.opt(read_pointer),
        elem_slot: r.opt(read_slot),
        when: r.opt(read_expr),
        lets: r.seq(|r| (r.str(), read_slot(r), read_expr(r))),
        path: r.str(),
        actual: r.opt(read_expr),
        expected: r.opt(read_expr),
        message: r.opt(read_templates),
        not_checked: r.opt(read_templates),
        source: r.seq(|r| (r.str(), r.str())),
    }
}

fn write_test(w: &mut Writer, t: &RuleTest) {
    w.str(&t.name);
    w.str(&t.fixture);
    w.seq(t.set.iter(), |w, (p, v)| {
        w.str(p);
        w.json(v);
    });
    write_strs(w, &t.remove);
    w.opt(t.as_of.as_ref(), |w, d| w.date(*d));
    w.u8(EXPECTS.iter().position(|x| *x == t.expect).unwrap_or(0) as u8);
    w.opt(t.paths.as_ref(), |w, p| write_strs(w, p));
    w.opt(t.severity.as_ref(), |w, s| write_severity(w, *s));
}

fn read_test(r: &mut Reader<'_>) -> RuleTest {
    RuleTest {
        name: r.str(),
        fixture: r.str(),
        set: r.seq(|r| (r.str(), r.json())),
        remove: read_strs(r),
        as_of: r.opt(Reader::date),
        expect: EXPECTS.get(usize::from(r.tag(3, "expectation"))).copied().unwrap_or(Expect::Pass),
        paths: r.opt(read_strs),
        severity: r.opt(read_severity),
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];
const EXPECTS: [Expect; 3] = [Expect::Pass, Expect::Fail, Expect::Info];

fn write_rule(w: &mut Writer, rule: &Rule, o: CompileOptions) {
    w.str(&rule.id);
    write_strs(w, &rule.applies_to);
    write_severity(w, rule.severity);
    write_text(w, &rule.title);
    write_text(w, &rule.clause);
    w.date(rule.effective_from);
    w.opt(rule.effective_to.as_ref(), |w, d| w.date(*d));
    w.opt(rule.when.as_ref(), write_expr);
    w.opt(rule.when_source.as_ref(), |w, s| w.str(s));
    write_templates(w, &rule.message);
    w.opt(rule.not_checked.as_ref(), write_templates);
    w.json(&rule.params);
    w.seq(rule.checks.iter(), |w, c| write_check(w, c, o));
    let tests: &[RuleTest] = if o.tests { &rule.tests } else { &[] };
    w.seq(tests.iter(), write_test);
    w.str(&rule.file);
    w.usize(rule.line);
}

fn read_rule(r: &mut Reader<'_>) -> Rule {
    Rule {
        id: r.str(),
        applies_to: read_strs(r),
        severity: read_severity(r),
        title: read_text(r),
        clause: read_text(r),
        effective_from: r.date(),
        effective_to: r.opt(Reader::date),
        when: r.opt(read_expr),
        when_source: r.opt(Reader::str),
        message: read_templates(r),
        not_checked: r.opt(read_templates),
        params: r.json(),
        checks: r.seq(read_check),
        tests: r.seq(read_test),
        file: r.str(),
        line: r.usize(),
    }
}

fn write_calendar(w: &mut Writer, c: &Calendar) {
    w.str(&c.name);
    w.u8(c.weekend.iter().rev().fold(0, |bits, b| bits << 1 | u8::from(*b)));
    w.seq(c.fixed.iter(), |w, f| {
        w.usize(f.month as usize);
        w.usize(f.day as usize);
        w.bool(f.transfer);
        w.opt(f.from_year.as_ref(), |w, y| w.int(i64::from(*y)));
        w.opt(f.until_year.as_ref(), |w, y| w.int(i64::from(*y)));
    });
    w.seq(c.years.iter(), |w, (year, y)| {
        w.int(i64::from(*year));
        w.seq(y.floating.iter(), |w, (d, t)| {
            w.date(*d);
            w.bool(*t);
        });
        w.seq(y.days_off.iter(), |w, d| w.date(*d));
        w.seq(y.working_days.iter(), |w, d| w.date(*d));
    });
}


fn read_calendar(r: &mut Reader<'_>) -> Calendar {
    let name = r.str();
    let days = r.u8();
    let weekend = std::array::from_fn(|i| days >> i & 1 == 1);
    let fixed = r.seq(|r| {
        let month = r.bounded(12) as u32;
        let day = r.bounded(31) as u32;
        Fixed { month, day, transfer: r.bool(), from_year: r.opt(Reader::i32), until_year: r.opt(Reader::i32) }
    });
    let years = r.seq(|r| {
        (r.i32(), YearData {
            floating: r.seq(|r| (r.date(), r.bool())),
            days_off: r.seq(Reader::date),
            working_days: r.seq(Reader::date),
        })
    });
    Calendar { name, weekend, fixed, years, cache: Mutex::new(Vec::new()) }
}

fn write_pack(w: &mut Writer, p: &Pack, o: CompileOptions) {
    w.str(&p.id);
    w.str(&p.version);
    write_text(w, &p.title);
    w.date(p.effective_from);
    w.opt(p.effective_to.as_ref(), |w, d| w.date(*d));
    w.seq(p.languages.iter(), write_lang);
    write_lang_id(w, p.default_language);
    w.int(i64::from(p.timezone.local_minus_utc()));
    w.seq(p.doc_types.iter(), |w, (name, d)| {
        w.str(name);
        w.str(&d.name);
        w.record(&d.record);
        w.seq(d.as_of.iter(), |w, (path, datetime)| {
            write_strs(w, path);
            w.bool(*datetime);
        });
        w.opt(d.member_id.as_ref(), |w, k| w.str(k));
    });
    w.seq(p.rules.iter(), |w, r| write_rule(w, r, o));
    w.seq(p.layers.iter(), |w, l| {
        w.str(&l.id);
        w.str(&l.version);
    });
    w.seq(p.data_epochs.iter(), |w, (from, data)| {
        w.date(*from);
        w.json(data);
    });
    w.seq(p.calendars.iter(), |w, c| write_calendar(w, c));
    for m in SysMsg::ALL {
        write_templates(w, p.messages.get(m));
    }
    for s in p.engine_severity {
        write_severity(w, s);
    }
    w.seq(p.silenced.iter(), |w, (t, from, to)| {
        w.str(t);
        w.date(*from);
        w.opt(to.as_ref(), |w, d| w.date(*d));
    });
    w.seq(p.fixtures.iter(), |w, (name, v)| {
        w.str(name);
        w.json(v);
    });
}

fn read_pack(r: &mut Reader<'_>) -> Pack {
    let id = r.str();
    let version = r.str();
    let title = read_text(r);
    let effective_from = r.date();
    let effective_to = r.opt(Reader::date);
    let languages = r.seq(read_lang);
    let default_language = read_lang_id(r, languages.len());
    let timezone = r.offset();
    let doc_types = r.map(|r| {
        let key = r.str();
        let d = DocType {
            name: r.str(),
            record: r.record(),
            as_of: r.seq(|r| (read_strs(r), r.bool())),
            member_id: r.opt(Reader::str),
        };
        (key, d)
    });
    let rules = r.seq(read_rule);
    let layers = r.seq(|r| PackRef { id: r.str(), version: r.str() });
    let data_epochs = r.seq(|r| (r.date(), r.json()));
    let calendars = r.seq(|r| Arc::new(read_calendar(r)));
    let messages = SystemMessages(SysMsg::ALL.iter().map(|_| read_templates(r)).collect());
    let engine_severity = std::array::from_fn(|_| read_severity(r));
    let silenced = r.seq(|r| (r.str(), r.date(), r.opt(Reader::date)));
    let fixtures = r.map(|r| (r.str(), r.json()));
    Pack {
        id,
        version,
        title,
        effective_from,
        effective_to,
        languages,
        default_language,
        timezone,
        doc_types,
        rules_by_doc: index_rules(&rules),
        rules,
        layers,
        data_epochs,
        calendars,
        messages,
        engine_severity,
        silenced,
        data_indexes: crate::expr::SharedIndexes::default(),
        engine_json: std::sync::OnceLock::new(),
        frames: std::sync::Mutex::default(),
        fixtures,
    }
}
