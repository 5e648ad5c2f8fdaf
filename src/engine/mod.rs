//! Validation: one document against a pack, as of a date.
//!
//! * [`shape`]: the input's shape before any rule runs — document types, declared field types,
//!   the documents a bundle holds (at every level), keys repeated in an object.
//! * [`run`]: the rules — checks, what a check could not check, overflow, no rule in force.
//! * [`places`]: where a check runs (its pointer), a pack's pointers walked through a document,
//!   and the data a check needed that the input lacks.
//! * [`text`]: the text of findings, cut to [`Options::max_text_chars`].

mod places;
mod request;
mod result;
mod run;
mod shape;
mod text;

// hashbrown's default hasher (foldhash) rather than std's SipHash: the sets below are hashed for
// every finding (SipHash took 2,700 instructions a validation of the prescription, callgrind).
use hashbrown::HashSet;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use crate::document::{Json, NameSet};

pub(crate) use crate::document::{member, type_name};
use crate::document::{DuplicateKey, LimitHit, Limits, ParseError, Parsed, parse};
use crate::error::InputError;
use crate::expr::{Env, EvalError, Val};
use crate::pack::{DocType, LangId, LangTemplates, Pack, Seg, Severity, SysMsg};
use crate::types::Type;
use crate::value::decode;
use text::TextCap;

pub use crate::pack::PackRef;
pub use result::{Finding, PackUsed, Skipped, ValidationResult};
pub use run::NOT_IN_FORCE_RULE;
pub use shape::{BUNDLE_RULE, DOCTYPE_RULE, INPUT_RULE, TYPE_RULE};

/// Rule ID of the finding that ends a result cut at [`Options::max_findings`] or
/// [`Options::max_result_bytes`].
pub const LIMIT_RULE: &str = "LIMIT";

/// Options of one validation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// Validation date; default: the document's own date, else today (in the pack's time zone).
    pub as_of: Option<NaiveDate>,
    /// Message language: a BCP 47 tag (`"kk"`, `"uz-Latn"`); the pack's language it finds by
    /// RFC 4647 lookup ([`Pack::language`]) serves it (`"kk-KZ"` → `kk`); default, and when
    /// none is found: the pack's default language.
    pub lang: Option<String>,
    /// Largest accepted input, in bytes (for [`Pack::validate_bytes`]).
    pub max_input_bytes: usize,
    /// Deepest accepted nesting of JSON arrays and objects.
    pub max_depth: usize,
    /// Evaluation budget: expression steps for the whole document.
    pub max_steps: u64,
    /// Most elements accepted in any one array of the input.
    pub max_array_len: usize,
    /// Most documents accepted in one document's bundles (its `list<document>` fields),
    /// counted at every level of nesting.
    pub max_bundle_documents: usize,
    /// Most findings reported. Past it validation stops: the result keeps the first
    /// `max_findings`, ends with one `LIMIT` finding, is `truncated` and not `valid`.
    pub max_findings: usize,
    /// Longest text a finding carries (its message, actual, expected and clause), in
    /// characters. A longer one keeps its first characters and ends with `…` (an actual or
    /// expected value also says how many bytes it had).
    pub max_text_chars: usize,
    /// Largest result, in bytes of its compact JSON. Past it validation stops as at
    /// `max_findings`: the findings that fit, one `LIMIT` finding, `truncated`, not `valid`.
    pub max_result_bytes: usize,
    /// Memory budget of evaluation: bytes of the strings and lists that one check's expressions
    /// build (and of the lookup indexes kept for the whole document). Past it validation stops
    /// with [`InputError::MemoryExhausted`].
    pub max_eval_bytes: usize,
    /// Memory budget of parsing ([`Pack::validate_bytes`]): bytes of heap the parsed JSON tree
    /// may take (each string, number, array and object charged as the parser builds it). Past
    /// it parsing stops with [`InputError::ParsedTooLarge`]. Not checked by [`Pack::validate`],
    /// whose value is already built.
    pub max_parse_bytes: usize,
    /// `submit` (the default): the whole verdict. `draft`, for a form being filled: an absent
    /// field (or null, or blank text) is not reported, and a check that reads absent data is not
    /// run (the result's `skipped` lists it and what it waits for); what is present and wrong
    /// is reported as in `submit`.
    pub mode: Mode,
}

/// How much of a verdict a validation gives: [`Options::mode`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The whole verdict: every absent required field is a finding.
    #[default]
    Submit,
    /// A form being filled: absent data is not reported, checks that need it wait.
    Draft,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: None,
            lang: None,
            max_input_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_steps: 10_000_000,
            max_array_len: 100_000,
            max_bundle_documents: 10_000,
            max_findings: 10_000,
            max_text_chars: 1_000,
            max_result_bytes: 8 * 1024 * 1024,
            max_eval_bytes: 64 * 1024 * 1024,
            max_parse_bytes: 256 * 1024 * 1024,
            mode: Mode::Submit,
        }
    }
}

/// The findings of one validation as they are made, within [`Options::max_findings`] and
/// [`Options::max_result_bytes`], their text within [`Options::max_text_chars`]. Rule IDs are
/// borrowed from the pack (`'p`).
pub(crate) struct Out<'p> {
    list: Vec<Finding>,
    cap: usize,
    /// The cap of every text a finding carries.
    pub(crate) text: TextCap,
    /// Bytes of the result so far (its compact JSON: the findings kept, and room for the rest of
    /// the result and a `LIMIT` finding), and the most it may have. While `exact` is false,
    /// `bytes` is an upper bound (each finding counted by [`json_len_bound`]); when the bound
    /// would pass `max_bytes` the kept findings are measured once and every later one exactly,
    /// so that where the cap decides it decides on exact sizes. (Measuring every finding took
    /// 2,800 instructions a finding, a tenth of validating the invalid dispensing, callgrind.)
    bytes: usize,
    max_bytes: usize,
    reserved: usize,
    exact: bool,
    /// A finding did not fit in `max_bytes`: validation stops.
    over_bytes: bool,
    /// `(rule ID, base)` where a rule has made a finding: its "not checked" infos there would
    /// add nothing.
    reported: HashSet<(&'p str, String)>,
    /// The "not checked" infos in `list`: index, rule ID, base, and the absent data named.
    not_checked: Vec<(usize, &'p str, String, Vec<String>)>,
    /// `(rule ID, base)` of bundle members on which a cross-document check of the rule decided.
    settled: HashSet<(&'p str, String)>,
    /// A draft validation ([`Mode::Draft`]): absent data is not reported; `skipped` lists the
    /// checks that wait for it.
    pub(crate) draft: bool,
    skipped: Vec<Skipped>,
    /// The `skipped` list reached a budget ([`Out::skip`]); the bytes it takes (a bound).
    skip_cut: bool,
    skip_bytes: usize,
}

/// A `(rule ID, base)` key looked up without building its strings (native builds; the
/// WebAssembly module keeps the smaller code of looking up the pair itself).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Hash)]
struct At<'k>(&'k str, &'k str);

#[cfg(target_arch = "wasm32")]
#[allow(non_snake_case)]
fn At<'k>(rule: &'k str, base: &str) -> (&'k str, String) {
    (rule, base.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
impl hashbrown::Equivalent<(&str, String)> for At<'_> {
    fn equivalent(&self, key: &(&str, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

impl<'p> Out<'p> {
    /// Findings of at most `text` characters each, up to `cap` of them and `max_bytes` of
    /// result, of which `reserved` are taken by the rest of the result.
    fn new(cap: usize, text: TextCap, max_bytes: usize, reserved: usize) -> Out<'p> {
        Out {
            list: Vec::new(),
            cap,
            text,
            bytes: reserved,
            max_bytes,
            reserved,
            exact: false,
            over_bytes: false,
            reported: HashSet::new(),
            not_checked: Vec::new(),
            settled: HashSet::new(),
            draft: false,
            skipped: Vec::new(),
            skip_cut: false,
            skip_bytes: 0,
        }
    }

    /// A draft validation's rule at `path` waits for the `absent` data. The list shares the
    /// result's budgets: at most `max_findings` places, and its bytes (a bound of their JSON)
    /// count toward `max_result_bytes`; past either it ends with one entry of `rule_id` `LIMIT`.
    pub(crate) fn skip(&mut self, rule_id: &str, path: String, waits_for: Vec<String>) {
        if self.skip_cut {
            return;
        }
        // Its JSON at most: the frame, every text escaped at worst (6 bytes a byte), commas.
        const FRAME: usize = r#"{"rule_id":"","path":"","waits_for":[]},"#.len();
        let size = waits_for.iter().chain([&path]).fold(FRAME + rule_id.len(), |n, t| n.saturating_add(t.len().saturating_mul(6)).saturating_add(3));
        // Room kept for `"skipped":[]` and the LIMIT entry.
        const CLOSING: usize = 80;
        if self.skipped.len() >= self.cap || self.bytes.saturating_add(size).saturating_add(CLOSING) > self.max_bytes {
            self.skip_cut = true;
            return;
        }
        self.bytes += size;
        self.skip_bytes += size;
        self.skipped.push(Skipped { rule_id: rule_id.to_string(), path, waits_for });
    }

    /// Past a cap: validation stops (past `max_findings`, one finding beyond it is kept, to know
    /// it was passed; past `max_result_bytes`, the finding that did not fit is dropped).
    pub(crate) fn full(&self) -> bool {
        self.list.len() > self.cap || self.over_bytes
    }

    /// Adds a finding, its text cut to the cap, if the result has room for it; whether it was
    /// added.
    pub(crate) fn push(&mut self, mut f: Finding) -> bool {
        if self.full() {
            return false;
        }
        self.text.finding(&mut f);
        if !self.exact {
            let bound = json_len_bound(&f).saturating_add(1);
            if self.bytes.saturating_add(bound) <= self.max_bytes {
                self.bytes += bound;
                self.list.push(f);
                return true;
            }
            self.exact = true;
            self.bytes = self.list.iter().fold(self.reserved + self.skip_bytes, |n, f| n.saturating_add(json_len(f)).saturating_add(1));
        }
        // Its compact JSON and the comma before it.
        let size = json_len(&f).saturating_add(1);
        if self.bytes.saturating_add(size) > self.max_bytes {
            self.over_bytes = true;
            return false;
        }
        self.bytes += size;
        self.list.push(f);
        true
    }

    /// A rule's finding on what it ran on at `base` (the document, item or element pointer).
    pub(crate) fn push_at(&mut self, f: Finding, rule_id: &'p str, base: String) {
        if !self.reported.contains(&At(rule_id, &base)) {
            self.reported.insert((rule_id, base));
        }
        self.push(f);
    }

    pub(crate) fn reported(&self, rule_id: &'p str, base: &str) -> bool {
        self.reported.contains(&At(rule_id, base))
    }

    /// A rule's "not checked" info, naming the `absent` data it needed.
    pub(crate) fn push_not_checked(&mut self, f: Finding, rule_id: &'p str, base: String, absent: Vec<String>) {
        let at = self.list.len();
        self.reported.insert((rule_id, base.clone()));
        if self.push(f) {
            self.not_checked.push((at, rule_id, base, absent));
        }
    }

    /// A cross-document check of the rule decided on the bundle member at `base`.
    pub(crate) fn settle(&mut self, rule_id: &'p str, base: &str) {
        if !self.settled.contains(&At(rule_id, base)) {
            self.settled.insert((rule_id, base.to_string()));
        }
    }

    /// The findings, without the "not checked" infos that say nothing new: those whose absent
    /// data all carry an error or warning already (at the pointer or inside it: a reader fixing
    /// those will see the check run), and those of a bundle member on which the rule's
    /// cross-document check decided (with the bundle's data, it was checked). And at which cap,
    /// if any, validation stopped (decided before any info is dropped: a cut result stays cut
    /// however many findings remain).
    fn finish(mut self) -> (Vec<Finding>, Option<Stop>, Option<Vec<Skipped>>) {
        let skipped = self.draft.then(|| {
            let mut list = std::mem::take(&mut self.skipped);
            // A bundle member on which the rule's cross-document check decided was checked with
            // the bundle's data: nothing of it waits.
            list.retain(|s| !self.settled.contains(&At(s.rule_id.as_str(), &s.path)));
            if self.skip_cut {
                list.push(Skipped { rule_id: LIMIT_RULE.to_string(), path: String::new(), waits_for: Vec::new() });
            }
            list
        });
        let stopped = if self.over_bytes {
            Some(Stop::Bytes(self.max_bytes))
        } else if self.list.len() > self.cap {
            Some(Stop::Findings(self.cap))
        } else {
            None
        };
        (self.kept(), stopped, skipped)
    }

    fn kept(self) -> Vec<Finding> {
        if self.not_checked.is_empty() {
            return self.list;
        }
        // Which findings go, by their index in `list` (a mark each, rather than a set of indices:
        // one hash table type fewer in the WebAssembly module).
        let mut drop = vec![false; self.list.len()];
        let mut any = false;
        {
            // The paths of the error and warning findings and every pointer above them
            // (`/a/0/b`: also `/a/0`, `/a` and ``): a pointer is covered when it is one of them.
            // A set rather than a sorted list and a range query: no sort instantiation in the
            // WebAssembly module.
            let mut flagged = NameSet::default();
            for f in self.list.iter().filter(|f| f.severity != Severity::Info) {
                let p = f.path.as_str();
                // Nearest first, up to the first already there: the set holds every pointer above
                // each one in it, so each pointer is hashed once however many findings share it.
                if flagged.insert(p) {
                    for (i, _) in p.rmatch_indices('/') {
                        if !flagged.insert(p.get(..i).unwrap_or_default()) {
                            break;
                        }
                    }
                }
            }
            let covered = |ptr: &str| flagged.contains(ptr);
            let settled = &self.settled;
            for (i, rule, base, absent) in &self.not_checked {
                let gone = (!absent.is_empty() && absent.iter().all(|a| covered(a))) || settled.contains(&At(rule, base));
                if gone && let Some(d) = drop.get_mut(*i) {
                    *d = true;
                    any = true;
                }
            }
        }
        if !any {
            return self.list;
        }
        self.list.into_iter().zip(drop).filter(|(_, d)| !d).map(|(f, _)| f).collect()
    }
}

/// The cap at which validation stopped.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// More than this many findings ([`Options::max_findings`]).
    Findings(usize),
    /// The findings would have made the result larger than this many bytes
    /// ([`Options::max_result_bytes`]).
    Bytes(usize),
}

/// At least the length of a finding's compact JSON: its texts' bytes six times over (the
/// longest escape, `\u00XX`, is six bytes for one) and its names and punctuation.
fn json_len_bound(f: &Finding) -> usize {
    const FRAME: usize = r#"{"rule_id":"","severity":"warning","path":"","message":"","clause":"","actual":"","expected":""}"#.len();
    let texts = [Some(&f.rule_id), Some(&f.path), Some(&f.message), Some(&f.clause), f.actual.as_ref(), f.expected.as_ref()];
    texts.into_iter().flatten().fold(FRAME, |n, t| n.saturating_add(t.len().saturating_mul(6)))
}

/// The length of a value's compact JSON (as `serde_json::to_string` writes it), without writing
/// it anywhere.
fn json_len<T: Serialize>(v: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

impl Pack {
    /// Validates raw bytes: JSON text of one document. Non-JSON, oversized or too deeply
    /// nested input is an [`InputError`]; everything else is findings (a key repeated in one
    /// object among them).
    pub fn validate_bytes(&self, bytes: &[u8], opts: &Options) -> Result<ValidationResult, InputError> {
        if bytes.len() > opts.max_input_bytes {
            return Err(InputError::TooLarge { size: bytes.len(), limit: opts.max_input_bytes });
        }
        let limits = Limits { max_depth: opts.max_depth, max_array_len: opts.max_array_len, max_bytes: opts.max_parse_bytes };
        let parsed = parse_document(bytes, limits)?;
        self.validate_with(&parsed.value, &parsed.duplicate_keys, parsed.more_duplicates, opts)
    }

    /// Validates a parsed document (seen through the document model, its strings borrowed).
    pub fn validate(&self, doc: &serde_json::Value, opts: &Options) -> Result<ValidationResult, InputError> {
        check_limits(doc, opts.max_depth, opts.max_array_len)?;
        self.validate_with(&Json::from_serde(doc), &[], 0, opts)
    }

    /// Validates a document within the depth and array limits, whose parse found the repeated
    /// keys `dups` (and `more` beyond them).
    fn validate_with(&self, doc: &Json<'_>, dups: &[DuplicateKey], more: usize, opts: &Options) -> Result<ValidationResult, InputError> {
        let cap = opts.max_findings;
        let lang = self.language(opts.lang.as_deref());
        let mut out = Out::new(cap, TextCap::new(opts.max_text_chars), opts.max_result_bytes, self.result_frame(opts, lang));
        out.draft = opts.mode == Mode::Draft;
        self.duplicate_key_findings(dups, more, lang, &mut out);
        let Some(doc_type) = self.document_type(doc, "", lang, &mut out) else {
            let as_of = opts.as_of.unwrap_or_else(|| self.today());
            return Ok(self.result(as_of, out, cap, lang));
        };
        let count = self.count_members(doc, doc_type);
        if count > opts.max_bundle_documents {
            let field = shape::member_lists(doc, doc_type).next().map_or("documents", |(f, _)| f);
            return Err(InputError::TooManyDocuments { field: field.into(), count, limit: opts.max_bundle_documents });
        }
        let as_of = opts.as_of.or_else(|| self.own_date(doc, doc_type)).unwrap_or_else(|| self.today());
        self.check_shape(doc, doc_type, "", lang, &mut out);
        let max_eval_bytes = u64::try_from(opts.max_eval_bytes).unwrap_or(u64::MAX);
        let mut env = Env::new(Vec::with_capacity(32), opts.max_steps).with_memory_budget(max_eval_bytes);
        env.shared = Some(&self.cache.data_indexes);
        self.validate_doc(doc_type, doc, as_of, "", opts, lang, &mut env, &mut out).map_err(|e| match e {
            EvalError::BudgetExhausted => InputError::BudgetExhausted(opts.max_steps),
            EvalError::MemoryExhausted => InputError::MemoryExhausted(opts.max_eval_bytes),
        })?;
        Ok(self.result(as_of, out, cap, lang))
    }

    /// Runs the rules of a document and, first, of every document it holds (each with its own
    /// rules and date, its findings' paths into the input: `/documents/3/…`), at every level.
    #[allow(clippy::too_many_arguments)]
    fn validate_doc<'a>(
        &'a self,
        doc_type: &'a DocType,
        doc: &'a Json<'a>,
        as_of: NaiveDate,
        prefix: &str,
        opts: &Options,
        lang: LangId,
        env: &mut Env<'a>,
        out: &mut Out<'a>,
    ) -> Result<(), EvalError> {
        let mut with_members = false;
        for (field, list) in shape::member_lists(doc, doc_type) {
            let Some(items) = list.and_then(Json::as_array) else { continue };
            with_members |= !items.is_empty();
            for (i, m) in items.iter().enumerate() {
                if out.full() {
                    return Ok(());
                }
                let Some(mt) = type_name(m).and_then(|t| self.doc_types.get(t)) else { continue };
                let m_as_of = opts.as_of.or_else(|| self.own_date(m, mt)).unwrap_or(as_of);
                let at = format!("{prefix}/{field}/{i}");
                self.validate_doc(mt, m, m_as_of, &at, opts, lang, env, out)?;
            }
        }
        self.run_rules(doc_type, doc, as_of, prefix, with_members, lang, env, out)
    }

    /// The reference data in force on `date`.
    pub fn data_as_of(&self, date: NaiveDate) -> &Json<'static> {
        let i = self.data_epochs.partition_point(|(from, _)| *from <= date);
        static EMPTY: Json<'static> = Json::Null;
        self.data_epochs.get(i.saturating_sub(1)).map_or(&EMPTY, |(_, d)| d)
    }

    /// [`Pack::data_as_of`], as the engine reads it.
    pub(crate) fn data_json(&self, date: NaiveDate) -> &Json<'static> {
        self.data_as_of(date)
    }

    /// The parameters of rule `i`.
    pub(crate) fn params_json(&self, i: usize) -> &Json<'static> {
        static EMPTY: Json<'static> = Json::Null;
        self.rules.get(i).map_or(&EMPTY, |r| &r.params)
    }

    /// The result; past `cap` findings, the first `cap` and one `LIMIT` finding; past the
    /// result's bytes, the findings that fit and one `LIMIT` finding.
    fn result(&self, as_of: NaiveDate, out: Out, cap: usize, lang: LangId) -> ValidationResult {
        let (mut findings, stopped, skipped) = out.finish();
        let stopped = stopped.or_else(|| (findings.len() > cap).then_some(Stop::Findings(cap)));
        let truncated = stopped.is_some();
        if let Some(stop) = stopped {
            findings.truncate(cap);
            findings.push(self.limit_finding(stop, lang));
        }
        ValidationResult {
            valid: !findings.iter().any(|f| f.severity == Severity::Error),
            rule_pack: PackUsed { id: self.id.clone(), version: self.version.clone(), layers: self.layers.clone() },
            as_of,
            findings,
            truncated,
            skipped,
        }
    }

    /// The bytes of a result without findings, of the largest `LIMIT` finding and of the
    /// pack's longest date: what [`Options::max_result_bytes`] keeps for all but the findings.
    /// Kept by the pack for each set of caps and language (computing it took 6,300 instructions
    /// per validation, callgrind on the prescription: a third of a small document's rules).
    fn result_frame(&self, opts: &Options, lang: LangId) -> usize {
        let key = (opts.max_findings, opts.max_result_bytes, lang.0);
        if let Some(&(_, n)) = self.cache.frames.lock().ok().and_then(|f| f.iter().find(|(k, _)| *k == key).copied()).as_ref() {
            return n;
        }
        let n = self.compute_result_frame(opts, lang);
        if let Ok(mut f) = self.cache.frames.lock() {
            // A few sets of caps per pack in practice; a server varying them per request keeps
            // the last 16.
            if f.len() >= 16 {
                f.remove(0);
            }
            f.push((key, n));
        }
        n
    }

    fn compute_result_frame(&self, opts: &Options, lang: LangId) -> usize {
        let limits = [Stop::Findings(opts.max_findings), Stop::Bytes(opts.max_result_bytes)].map(|s| self.limit_finding(s, lang));
        let frame = ValidationResult {
            valid: false,
            rule_pack: PackUsed { id: self.id.clone(), version: self.version.clone(), layers: self.layers.clone() },
            as_of: NaiveDate::MIN,
            findings: Vec::new(),
            truncated: true,
            skipped: None,
        };
        json_len(&frame) + limits.iter().map(json_len).max().unwrap_or(0) + 1
    }

    /// Today in the pack's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.timezone).date_naive()
    }

    /// The document's own date (its type's `as_of` field), in the pack's time zone; for a
    /// document without one that holds documents (a bundle), the latest date of its members.
    fn own_date(&self, doc: &Json<'_>, dt: &DocType) -> Option<NaiveDate> {
        if dt.as_of.is_empty() {
            return shape::member_lists(doc, dt)
                .filter_map(|(_, l)| l.and_then(Json::as_array))
                .flatten()
                .filter_map(|m| self.own_date(m, self.doc_types.get(type_name(m)?)?))
                .max();
        }
        dt.as_of
            .iter()
            .filter_map(|(path, is_dt)| {
                let v = path.iter().try_fold(doc, |v, name| member(v, name))?;
                match decode(v, if *is_dt { &Type::DateTime } else { &Type::Date })? {
                    Val::Date(d) => Some(d),
                    Val::DateTime(t) => Some(t.with_timezone(&self.timezone).date_naive()),
                    _ => None,
                }
            })
            .max()
    }
}

impl Pack {
    /// The `LIMIT` finding that ends a result cut at a cap, worded by the pack's
    /// `findings_limit` / `bytes_limit` messages (`{limit}`: the cap).
    fn limit_finding(&self, stop: Stop, lang: LangId) -> Finding {
        let (msg, limit) = match stop {
            Stop::Findings(cap) => (SysMsg::FindingsLimit, cap),
            Stop::Bytes(max) => (SysMsg::BytesLimit, max),
        };
        let limit = limit.to_string();
        let message = render(self.messages.get(msg), lang, &|s, out| {
            if matches!(s, Seg::Let(n) if n == "limit") {
                out.push_str(&limit);
            }
        });
        Finding {
            rule_id: LIMIT_RULE.into(),
            severity: Severity::Error,
            path: String::new(),
            message,
            clause: String::new(),
            actual: Some(format!("> {limit}")),
            expected: Some(format!("≤ {limit}")),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn json_kind(v: &Json<'_>) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array", // JSON's word (RFC 8259), not the pack's `list<…>`
        Json::Object(_) => "object",
    }
}

fn render(t: &LangTemplates, lang: LangId, value: &dyn Fn(&Seg, &mut String)) -> String {
    t.get(lang).map(|t| t.render(value)).unwrap_or_default()
}

/// Parses `bytes` as [`Pack::validate_bytes`] does, within the same limits of `opts` (size,
/// depth, array length, `max_parse_bytes`), with the same errors; returns the value and the
/// bytes of heap charged for it against `max_parse_bytes` — a deployment can size the budget
/// from its documents with it. Repeated keys are not reported here.
pub fn parse_input<'b>(bytes: &'b [u8], opts: &Options) -> Result<(Json<'b>, usize), InputError> {
    if bytes.len() > opts.max_input_bytes {
        return Err(InputError::TooLarge { size: bytes.len(), limit: opts.max_input_bytes });
    }
    let limits = Limits { max_depth: opts.max_depth, max_array_len: opts.max_array_len, max_bytes: opts.max_parse_bytes };
    parse_document(bytes, limits).map(|p| (p.value, p.charged))
}

/// Parses a document, refusing nesting deeper than the limit, arrays longer than the limit and
/// a tree larger than its memory budget as the parser meets them (no huge array or tree is ever
/// built, and the error is clear).
fn parse_document(bytes: &[u8], limits: Limits) -> Result<Parsed<'_>, InputError> {
    parse(bytes, limits).map_err(|e| match e {
        ParseError::Limit(LimitHit::Depth) => InputError::TooDeep { limit: limits.max_depth },
        ParseError::Limit(LimitHit::ArrayLength) => InputError::ArrayTooLong { limit: limits.max_array_len },
        ParseError::Limit(LimitHit::Memory) => InputError::ParsedTooLarge { limit: limits.max_bytes },
        ParseError::Syntax(e) => InputError::NotJson(e.to_string()),
    })
}

/// The limits of [`parse_document`] on an already parsed value (iteratively: no recursion).
fn check_limits(doc: &serde_json::Value, limit: usize, max_len: usize) -> Result<(), InputError> {
    let mut stack = vec![(doc, 0usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            serde_json::Value::Array(a) => {
                if d + 1 > limit {
                    return Err(InputError::TooDeep { limit });
                }
                if a.len() > max_len {
                    return Err(InputError::ArrayTooLong { limit: max_len });
                }
                stack.extend(a.iter().map(|x| (x, d + 1)));
            }
            serde_json::Value::Object(o) => {
                if d + 1 > limit {
                    return Err(InputError::TooDeep { limit });
                }
                stack.extend(o.values().map(|x| (x, d + 1)));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_pointers_are_unescaped_once_and_blank_strings_are_absent() {
        use crate::pack::Pointer;
        use places::present;
        let doc = serde_json::json!({"a/b": {"~c": "x"}, "list": [{"d": " "}, {"d": 0}], "n": null});
        let doc = Json::from_serde(&doc);
        assert_eq!(Pointer::new("/a~1b/~0c").tokens(), Some(&["a/b".to_string(), "~c".to_string()][..]));
        assert!(present(&doc, &Pointer::new("/a~1b/~0c")));
        assert!(present(&doc, &Pointer::new("/list/1/d")));
        assert!(!present(&doc, &Pointer::new("/list/0/d")), "a blank string is not present");
        assert!(!present(&doc, &Pointer::new("/list/2/d")));
        assert!(!present(&doc, &Pointer::new("/n")));
        assert!(!present(&doc, &Pointer::new("a~1b")), "not a pointer: no leading slash");
        assert!(present(&doc, &Pointer::new("")), "the empty pointer is the document itself");
    }

    /// A pointer's hints (where each member was last found) only speed the walk: documents
    /// that put the members elsewhere, or lack them, read as they are, and so does a copy.
    #[test]
    fn one_pointer_reads_each_document_wherever_it_puts_the_members() {
        use crate::pack::Pointer;
        use places::present;
        let p = Pointer::new("/a/b");
        let docs = [
            (serde_json::json!({"a": {"b": 1}}), true),
            (serde_json::json!({"x": 0, "y": 0, "a": {"z": 0, "b": "v"}}), true),
            (serde_json::json!({"a": {"b": 1}}), true),
            (serde_json::json!({"a": {"c": 1}}), false),
            (serde_json::json!({"b": {"b": 1}, "a": {}}), false),
            (serde_json::json!({"a": {"b": "\u{a0}\u{2003} "}}), false),
            (serde_json::json!({"a": {"z": 0, "b": "é"}}), true),
            (serde_json::json!({"a": [{"b": 1}]}), false),
        ];
        for (doc, want) in &docs {
            let doc = Json::from_serde(doc);
            assert_eq!(present(&doc, &p), *want, "{doc:?}");
            assert_eq!(present(&doc, &p.clone()), *want, "{doc:?} (a copy)");
        }
        let list = serde_json::json!({"l": [{"b": 0}, {"b": 1}]});
        let list = Json::from_serde(&list);
        assert!(present(&list, &Pointer::new("/l/1/b")));
        assert!(!present(&list, &Pointer::new("/l/2/b")));
    }

    /// A "not checked" info is dropped when an error or warning is at each pointer it names or
    /// inside it (`/a` covers `/a/b`, not `/ab`), and kept otherwise.
    #[test]
    fn a_not_checked_info_goes_only_when_errors_cover_every_pointer_it_names() {
        let f = |path: &str, severity| Finding {
            rule_id: "R".into(),
            severity,
            path: path.into(),
            message: String::new(),
            clause: String::new(),
            actual: None,
            expected: None,
        };
        let kept = |flagged: &[&str], absent: &[&str]| {
            let mut out = Out::new(100, TextCap::new(1000), usize::MAX, 0);
            for p in flagged {
                out.push(f(p, Severity::Error));
            }
            out.push(f("/info", Severity::Info));
            out.push_not_checked(f("/x", Severity::Info), "N", String::new(), absent.iter().map(|a| a.to_string()).collect());
            out.kept().iter().any(|k| k.rule_id == "R" && k.path == "/x")
        };
        assert!(!kept(&["/a/b/c"], &["/a"]));
        assert!(!kept(&["/a/b/c"], &["/a/b/c", "/a/b", ""]));
        assert!(!kept(&["/a/b", "/d"], &["/a", "/d"]));
        assert!(!kept(&["/a/"], &["/a/"]));
        assert!(kept(&["/ab"], &["/a"]));
        assert!(kept(&["/a/b"], &["/a/b/c"]));
        assert!(kept(&["/a/b"], &["/a", "/d"]));
        assert!(kept(&["/a/x"], &["/a/"]));
        assert!(kept(&[], &["/a"]));
        // An info at the pointer does not cover it.
        assert!(kept(&[], &["/info"]));
    }

    #[test]
    fn a_findings_length_bound_is_never_below_its_json_length() {
        let texts = ["", "plain", "кириллица ә", "quote \" back \\ slash", "ctl \u{1} \u{1f} \u{8} \u{c} \n \r \t", "\u{7f} / é 😀"];
        for (i, t) in texts.iter().enumerate() {
            for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                let f = Finding {
                    rule_id: format!("R-{t}"),
                    severity,
                    path: format!("/a/{t}"),
                    message: t.repeat(i),
                    clause: t.to_string(),
                    actual: (i % 2 == 0).then(|| t.to_string()),
                    expected: (i % 3 == 0).then(|| format!("≤ {t}")),
                };
                assert!(json_len_bound(&f) >= json_len(&f), "{f:?}");
            }
        }
    }

    #[test]
    fn the_result_frame_is_kept_for_each_set_of_caps() {
        let pack = Pack::embedded().unwrap();
        let opts = Options::default();
        let lang = pack.language(None);
        let first = pack.result_frame(&opts, lang);
        assert_eq!(first, pack.compute_result_frame(&opts, lang));
        assert_eq!(pack.result_frame(&opts, lang), first);
        let other = Options { max_findings: 7, ..Options::default() };
        assert_eq!(pack.result_frame(&other, lang), pack.compute_result_frame(&other, lang));
        assert_eq!(pack.cache.frames.lock().unwrap().len(), 2);
    }

    #[test]
    fn lookups_over_reference_data_are_indexed_once_for_every_validation() {
        let pack = Pack::embedded().unwrap();
        let read = |name: &str| -> serde_json::Value {
            let text = std::fs::read_to_string(format!("{}/examples/valid/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let (rx, mdt) = (read("prescription.json"), read("mdt_conclusion.json"));
        assert!(pack.cache.data_indexes.is_empty());
        let first = pack.validate(&rx, &Options::default()).unwrap();
        let built = pack.cache.data_indexes.len();
        assert!(built > 0, "the orphan List is looked up by INN");
        pack.validate(&mdt, &Options::default()).unwrap();
        let again = pack.validate(&rx, &Options::default()).unwrap();
        assert_eq!(again, first, "the same verdict from a kept index");
        let after = pack.cache.data_indexes.len();
        pack.validate(&rx, &Options::default()).unwrap();
        assert_eq!(pack.cache.data_indexes.len(), after, "no index built twice");
    }

    fn lim(max_depth: usize, max_array_len: usize) -> Limits {
        Limits { max_depth, max_array_len, max_bytes: usize::MAX }
    }

    #[test]
    fn depth_check_ignores_brackets_inside_strings() {
        assert!(parse_document(br#"{"a":"[[[[[[[[[["}"#, lim(2, 10)).is_ok());
        assert_eq!(parse_document(b"[[[[", lim(3, 10)).map(|_| ()), Err(InputError::TooDeep { limit: 3 }));
    }

    #[test]
    fn array_length_counts_the_elements_of_each_array_alone() {
        assert!(parse_document(br#"[1,2,3]"#, lim(8, 3)).is_ok());
        assert_eq!(parse_document(br#"[1,2,3,4]"#, lim(8, 3)).map(|_| ()), Err(InputError::ArrayTooLong { limit: 3 }));
        // Commas of nested objects, arrays and strings are not the outer array's.
        assert!(parse_document(br#"[{"a":1,"b":2,"c":3,"d":4},[1,2,3],"x,y,z,w"]"#, lim(8, 3)).is_ok());
        assert!(check_limits(&serde_json::json!([1, 2, 3]), 8, 3).is_ok());
        assert_eq!(check_limits(&serde_json::json!({"a": [1, 2, 3, 4]}), 8, 3), Err(InputError::ArrayTooLong { limit: 3 }));
        assert_eq!(check_limits(&serde_json::json!([[[]]]), 2, 3), Err(InputError::TooDeep { limit: 2 }));
    }
}
