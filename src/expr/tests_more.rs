//! Working days and hours, indexed lookups (`find`, `find_all`) and document narrowing
//! (`as_type`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use serde_json::{Value as Json, json};

use super::*;
use crate::calendar::Calendar;
use crate::types::RecordType;

fn rec(name: &str, fields: &[(&str, Type)]) -> Arc<RecordType> {
    Arc::new(RecordType {
        name: name.to_owned(),
        fields: fields
            .iter()
            .map(|(n, t)| ((*n).to_owned(), t.clone()))
            .collect(),
    })
}

fn list(t: Type) -> Type {
    Type::List(Box::new(t))
}

/// A Kazakhstan-like 2026 calendar: Saturday and Sunday off; 8 March and Nauryz (21–23 March)
/// move to the next working days when they fall on a day off.
fn calendars() -> Vec<Arc<Calendar>> {
    let cal = crate::pack::calendar_from_toml(
        "kz",
        r#"
        weekend = [6, 7]
        [[holiday]]
        date = "03-08"
        transfer = true
        [[holiday]]
        date = "03-21"
        transfer = true
        [[holiday]]
        date = "03-22"
        transfer = true
        [[holiday]]
        date = "03-23"
        transfer = true
        "#,
    )
    .unwrap();
    vec![Arc::new(cal)]
}

/// The document types of a small bundle pack.
fn documents() -> Documents {
    let party = rec("party", &[("iin", Type::String), ("name", Type::String)]);
    let prescription = rec(
        "prescription",
        &[
            ("document_type", Type::String),
            ("id", Type::String),
            ("patient", Type::Record(party.clone())),
            ("amount", Type::Number),
        ],
    );
    let referral = rec(
        "referral",
        &[("document_type", Type::String), ("id", Type::String)],
    );
    let mut m = crate::types::NameMap::default();
    m.insert("prescription".to_owned(), prescription);
    m.insert("referral".to_owned(), referral);
    Arc::new(m)
}

/// Slots: `doc` (a bundle: `documents: list<document>`, `received: datetime`, `rx:
/// list<prescription>`, `items: list<any>`), `calendars` (`kz`), `x: any`.
fn scope() -> Scope {
    let docs = documents();
    let rx = Type::Record(docs["prescription"].clone());
    let doc = rec(
        "bundle",
        &[
            ("documents", list(Type::Document)),
            ("received", Type::DateTime),
            ("rx", list(rx)),
            ("items", list(Type::Any)),
            ("first", Type::Document),
        ],
    );
    let cals = rec("calendars", &[("kz", Type::Calendar)]);
    let mut s = Scope::new();
    s.bind("doc", Type::Record(doc));
    s.bind("calendars", Type::Record(cals));
    s.bind("x", Type::Any);
    s.set_documents(docs);
    s
}

fn compile_ok(src: &str) -> Expr {
    compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn compile_err(src: &str) -> ExprError {
    match compile(src, &scope()) {
        Ok(e) => panic!("{src} compiled to {:?}", e.ty()),
        Err(e) => e,
    }
}

/// The source text an error points at.
fn pointed<'s>(src: &'s str, e: &ExprError) -> &'s str {
    &src[e.offset..e.offset + e.len]
}

/// Evaluates `src` against `doc`; the display form of the result and the steps it used.
fn run(src: &str, doc: &Json) -> (String, u64) {
    let e = compile_ok(src);
    let cals = calendars();
    let budget = 100_000_000;
    let dm_doc = crate::document::Json::from_serde(doc);
    let mut env = Env::new(
        vec![Val::Json(&dm_doc), Val::Calendars(&cals), Val::Missing],
        budget,
    );
    let v = e.eval(&mut env).unwrap();
    (v.to_string(), budget - env.steps_left)
}

fn ev(src: &str, doc: &Json) -> String {
    run(src, doc).0
}

fn ev0(src: &str) -> String {
    ev(src, &json!({}))
}

// ---------------------------------------------------------------------------------------------
// Working days

#[test]
fn five_working_days_across_nauryz_2026() {
    // Thursday 19 March: Friday 20, then 21–25 off (Nauryz; 22 and 23 fall on a weekend and
    // move to Tuesday 24 and Wednesday 25), then 26, 27, 30, 31.
    assert_eq!(
        ev0("add_working_days(date('2026-03-19'), 5, calendars.kz) == date('2026-03-31')"),
        "true"
    );
    assert_eq!(
        ev0("working_days_between(date('2026-03-19'), date('2026-03-31'), calendars.kz)"),
        "5"
    );
    assert_eq!(
        ev0("working_days_between(date('2026-03-31'), date('2026-03-19'), calendars.kz)"),
        "-5"
    );
    assert_eq!(
        ev0("add_working_days(date('2026-03-31'), -5, calendars.kz)"),
        "2026-03-19"
    );
}

#[test]
fn is_working_day_follows_the_calendar() {
    assert_eq!(ev0("is_working_day(date('2026-03-24'), calendars.kz)"), "false");
    assert_eq!(ev0("is_working_day(date('2026-03-28'), calendars.kz)"), "false");
    assert_eq!(ev0("is_working_day(date('2026-03-26'), calendars.kz)"), "true");
}

#[test]
fn zero_working_days_is_the_day_itself_or_the_next_working_day() {
    assert_eq!(
        ev0("add_working_days(date('2026-03-26'), 0, calendars.kz)"),
        "2026-03-26"
    );
    assert_eq!(
        ev0("add_working_days(date('2026-03-21'), 0, calendars.kz)"),
        "2026-03-26"
    );
}

#[test]
fn fractional_working_days_are_missing() {
    assert_eq!(
        ev0("add_working_days(date('2026-03-19'), 1.5, calendars.kz)"),
        "missing"
    );
    assert_eq!(
        ev0("add_working_days(date('2026-03-19'), x, calendars.kz)"),
        "missing"
    );
}

#[test]
fn working_day_walks_are_charged_to_the_budget() {
    let (_, short) = run("add_working_days(date('2026-03-19'), 1, calendars.kz)", &json!({}));
    let (v, long) = run("add_working_days(date('2026-03-19'), 2000, calendars.kz)", &json!({}));
    assert_ne!(v, "missing");
    assert!(long > short + 2000, "{short} vs {long}");
    // Beyond the longest span a calendar walks: missing, and the whole span is charged.
    let (v, huge) = run(
        "add_working_days(date('2026-03-19'), 100000000, calendars.kz)",
        &json!({}),
    );
    assert_eq!(v, "missing");
    assert!(huge >= crate::calendar::MAX_SPAN_DAYS.unsigned_abs());
    // A small budget stops a long walk.
    let e = compile_ok("add_working_days(date('2026-03-19'), 2000, calendars.kz)");
    let cals = calendars();
    let d = json!({});
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d), Val::Calendars(&cals)], 100);
    assert_eq!(e.eval(&mut env).unwrap_err(), EvalError::BudgetExhausted);
}

#[test]
fn calendar_argument_must_be_a_calendar() {
    for src in [
        "is_working_day(date('2026-03-19'), 'kz')",
        "add_working_days(date('2026-03-19'), 5, doc.received)",
        "working_days_between(date('2026-03-19'), date('2026-03-20'), calendars)",
    ] {
        let e = compile_err(src);
        assert!(e.message.contains("expected"), "{src}: {}", e.message);
        assert!(e.message.contains("calendar: calendar"), "{src}: {}", e.message);
    }
    let e = compile_err("is_working_day(date('2026-03-19'), calendars.ru)");
    assert!(e.message.contains("unknown field `ru`"), "{}", e.message);
    // A date where a calendar is expected, and the other way round.
    let src = "is_working_day(calendars.kz, calendars.kz)";
    assert_eq!(pointed(src, &compile_err(src)), "calendars.kz");
    // An `any` value is checked at run time: not a calendar → missing.
    assert_eq!(ev0("is_working_day(date('2026-03-19'), x)"), "missing");
}

#[test]
fn calendars_pass_through_lets_conditionals_and_coalesce() {
    let e = compile_ok("true ? calendars.kz : calendars.kz");
    assert!(matches!(e.ty(), Type::Calendar));
    assert!(matches!(compile_ok("calendars.kz ?? calendars.kz").ty(), Type::Calendar));
    assert_eq!(
        ev0("is_working_day(date('2026-03-24'), x ?? calendars.kz)"),
        "false"
    );
    assert_eq!(ev0("has(calendars.kz)"), "true");
    assert_eq!(ev0("string(calendars.kz)"), "calendar kz");
    // A let bound to a calendar (the loader binds lets as slots of their type).
    let mut s = scope();
    let slot = s.bind("cal", Type::Calendar);
    let e = compile("add_working_days(date('2026-03-20'), 1, cal)", &s).unwrap();
    let cals = calendars();
    let d = json!({});
    let dm_d = crate::document::Json::from_serde(&d);
    let mut slots = vec![Val::Json(&dm_d), Val::Calendars(&cals), Val::Missing];
    slots.push(Val::Calendar(&cals[0]));
    assert_eq!(slot, 3);
    let mut env = Env::new(slots, 1000);
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "2026-03-26");
    // Calendars are not compared.
    let e = compile_err("calendars.kz == calendars.kz");
    assert!(e.message.contains("cannot compare"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// Working hours

const HOURS: &str = "'+05:00', '09:00', '18:00', calendars.kz";

fn start(at: &str) -> String {
    ev0(&format!("working_time_start(datetime('{at}'), {HOURS})"))
}

#[test]
fn request_after_hours_starts_next_working_morning() {
    // Friday 3 April 2026, 19:00 local → Monday 6 April, 09:00.
    assert_eq!(start("2026-04-03T19:00:00+05:00"), "2026-04-06T09:00:00+05:00");
    // The same instant given in UTC; the result carries the working-hours offset.
    assert_eq!(start("2026-04-03T14:00:00Z"), "2026-04-06T09:00:00+05:00");
    // Exactly at closing time is after hours.
    assert_eq!(start("2026-04-03T18:00:00+05:00"), "2026-04-06T09:00:00+05:00");
}

#[test]
fn request_within_hours_starts_at_once_and_before_opening_at_opening() {
    assert_eq!(start("2026-04-03T10:15:00+05:00"), "2026-04-03T10:15:00+05:00");
    assert_eq!(start("2026-04-03T05:15:00Z"), "2026-04-03T10:15:00+05:00");
    assert_eq!(start("2026-04-03T07:30:00+05:00"), "2026-04-03T09:00:00+05:00");
    assert_eq!(start("2026-04-03T09:00:00+05:00"), "2026-04-03T09:00:00+05:00");
}

#[test]
fn request_on_a_holiday_starts_after_the_holidays() {
    // Friday 20 March 2026, 17:00: still open. 19:00 → Nauryz days off until Thursday 26.
    assert_eq!(start("2026-03-20T17:00:00+05:00"), "2026-03-20T17:00:00+05:00");
    assert_eq!(start("2026-03-20T19:00:00+05:00"), "2026-03-26T09:00:00+05:00");
    // Early morning of a day off.
    assert_eq!(start("2026-03-24T08:00:00+05:00"), "2026-03-26T09:00:00+05:00");
}

#[test]
fn working_hours_literals_are_checked_at_compile_time() {
    let base = "working_time_start(doc.received, ";
    for (args, bad, what) in [
        ("'+5', '09:00', '18:00', calendars.kz)", "'+5'", "UTC offset"),
        ("'+05:00', '9:00', '18:00', calendars.kz)", "'9:00'", "time of day"),
        ("'+05:00', '09:00', '24:00', calendars.kz)", "'24:00'", "time of day"),
        ("'+05:00', '18:00', '09:00', calendars.kz)", "'09:00'", "not after"),
    ] {
        let src = format!("{base}{args}");
        let e = compile_err(&src);
        assert_eq!(pointed(&src, &e), bad, "{src}");
        assert!(e.message.contains(what), "{src}: {}", e.message);
    }
    // Non-literal times are checked at run time: reversed hours are missing.
    assert_eq!(
        ev0("working_time_start(datetime('2026-04-03T10:00:00Z'), '+05:00', x ?? '18:00', '09:00', calendars.kz)"),
        "missing"
    );
}

#[test]
fn local_time_is_hours_and_minutes_at_an_offset() {
    assert_eq!(ev0("local_time(datetime('2026-04-03T14:05:00Z'), '+05:00')"), "19:05");
    assert_eq!(ev0("local_time(datetime('2026-04-03T23:30:00Z'), '+05:00')"), "04:30");
    let src = "local_time(doc.received, '5')";
    assert_eq!(pointed(src, &compile_err(src)), "'5'");
}

// ---------------------------------------------------------------------------------------------
// find / find_all

fn items(n: usize) -> Json {
    let items: Vec<Json> = (0..n).map(|i| json!({"id": format!("k{i}"), "v": i})).collect();
    json!({ "items": items })
}

#[test]
fn find_uses_an_index_not_a_scan() {
    let n: u64 = 10_000;
    let doc = items(n as usize);
    // n lookups over a list of n: a scan would visit ~n²/2 = 50,000,000 elements.
    let src = "all(doc.items, it, find(doc.items, 'id', it.id).v == it.v)";
    let (v, used) = run(src, &doc);
    assert_eq!(v, "true");
    // The same walk without lookups: what the lookups add is O(n).
    let (_, walk) = run("all(doc.items, it, it.v == it.v)", &doc);
    assert!(
        used - walk < 10 * n,
        "{n} lookups over {n} elements cost {} steps",
        used - walk
    );
    // One index serves every lookup.
    let e = compile_ok(src);
    let cals = calendars();
    let dm_doc = crate::document::Json::from_serde(&doc);
    let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Calendars(&cals)], 1_000_000);
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "true");
    assert_eq!(env.index.len(), 1);
    // …and is reused by a second evaluation in the same environment, which saves exactly
    // the n steps of building it.
    let before = env.steps_left;
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "true");
    assert_eq!(before - env.steps_left, used - n);
    assert_eq!(env.index.len(), 1);
}

#[test]
fn find_charges_the_budget_for_building_the_index() {
    let doc = items(10_000);
    let e = compile_ok("find(doc.items, 'id', 'k9999').v");
    let cals = calendars();
    let dm_doc = crate::document::Json::from_serde(&doc);
    let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Calendars(&cals)], 5_000);
    assert_eq!(e.eval(&mut env).unwrap_err(), EvalError::BudgetExhausted);
    let dm_doc = crate::document::Json::from_serde(&doc);
    let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Calendars(&cals)], 20_000);
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "9999");
}

#[test]
fn find_all_returns_every_match() {
    let doc = json!({"items": [
        {"id": "a", "n": 1, "patient": {"iin": "111"}},
        {"id": "b", "n": "1", "patient": {"iin": "222"}},
        {"id": "c", "n": 1.0, "patient": {"iin": "111"}},
        {"id": "d", "n": 2},
        {"id": "e", "n": 1, "patient": {"iin": "111"}}
    ]});
    // Numbers by value; a string never equals a number.
    assert_eq!(
        ev("find_all(doc.items, 'n', 1)", &doc),
        r#"[{"id":"a","n":1,"patient":{"iin":"111"}}, {"id":"c","n":1.0,"patient":{"iin":"111"}}, {"id":"e","n":1,"patient":{"iin":"111"}}]"#
    );
    assert_eq!(ev("size(find_all(doc.items, 'n', '1'))", &doc), "1");
    assert_eq!(ev("size(find_all(doc.items, 'n', 3))", &doc), "0");
    // Dotted keys; order is the list's.
    assert_eq!(
        ev("all(find_all(doc.items, 'patient.iin', '111'), p, p.id != 'b')", &doc),
        "true"
    );
    assert_eq!(ev("find(doc.items, 'patient.iin', '111').id", &doc), "a");
    assert_eq!(ev("find(doc.items, 'patient.iin', '333')", &doc), "missing");
    assert_eq!(ev("find(doc.items, 'id', x)", &doc), "missing");
    assert_eq!(ev("find_all(doc.items, 'id', x)", &doc), "missing");
}

#[test]
fn indexed_lookups_return_the_scans_elements_in_list_order() {
    // Keys of every kind and spelling (1, 1.0 and 1.00 are one number; "1" is a string), some
    // absent or null: the index (a long input list) and the scan (the same elements in a list
    // built by the expression) return the same elements in the same order.
    let keys = [json!(1), json!(1.0), json!("1"), json!(2.50), json!("b"), json!(null), json!(1.00), json!(-0), json!(0)];
    let mut rows = Vec::new();
    for i in 0..60 {
        let mut r = json!({"i": i});
        if i % 11 != 5 {
            r["k"] = keys[(i * 7 + i / 3) % keys.len()].clone();
        }
        rows.push(r);
    }
    let doc = json!({"items": rows});
    let built = format!("[{}]", (0..60).map(|i| format!("doc.items[{i}]")).collect::<Vec<_>>().join(", "));
    for k in ["1", "1.000", "'1'", "2.5", "'b'", "0", "-0", "3", "'x'"] {
        for f in ["find_all", "find"] {
            let indexed = ev(&format!("{f}(doc.items, 'k', {k})"), &doc);
            let scanned = ev(&format!("{f}({built}, 'k', {k})"), &doc);
            assert_eq!(indexed, scanned, "{f} {k}");
        }
    }
}

#[test]
fn indexed_and_scanned_lookups_agree() {
    // Long lists are indexed, short ones and built lists scanned: same answers.
    let mut rows = Vec::new();
    for i in 0..40 {
        rows.push(json!({"k": i % 7, "s": format!("{}", i % 5), "i": i}));
    }
    let long = json!({"items": rows});
    let short = json!({"items": rows[..super::eval::SCAN_MAX].to_vec()});
    for doc in [&long, &short] {
        for k in 0..8 {
            let scanned = ev(
                &format!("sum(doc.items, r, r.k == {k} ? 1 : 0) + 100 * sum(doc.items, r, r.k == {k} && r.i < 10 ? r.i : 0)"),
                doc,
            );
            let found = ev(
                &format!("size(find_all(doc.items, 'k', {k})) + 100 * sum(find_all(doc.items, 'k', {k}), r, r.i < 10 ? r.i : 0)"),
                doc,
            );
            assert_eq!(found, scanned, "k = {k}");
            let first = ev(&format!("find(doc.items, 'k', {k}).i"), doc);
            let expect = rows
                .iter()
                .take(if std::ptr::eq(doc, &long) { 40 } else { 8 })
                .find(|r| r["k"] == k)
                .map_or("missing".to_owned(), |r| r["i"].to_string());
            assert_eq!(first, expect, "k = {k}");
        }
    }
    // A list built by the expression is scanned.
    assert_eq!(
        ev("find([doc.items[3], doc.items[10]], 'k', 3).i", &long),
        "3"
    );
    assert_eq!(ev("find([doc.items[3], doc.items[10]], 's', '0').i", &long), "10");
}

#[test]
fn find_keys_are_checked_against_the_record_type() {
    let src = "find(doc.rx, 'patinet.iin', '1')";
    let e = compile_err(src);
    assert_eq!(pointed(src, &e), "'patinet.iin'");
    assert!(e.message.contains("did you mean `patient`"), "{}", e.message);
    let e = compile_err("find(doc.rx, 'patient', '1')");
    assert!(e.message.contains("the key must name"), "{}", e.message);
    let e = compile_err("find(doc.rx, 'amount', 'ten')");
    assert!(e.message.contains("cannot compare"), "{}", e.message);
    let src = "find(doc.rx, x, '1')";
    assert_eq!(pointed(src, &compile_err(src)), "x");
    let e = compile_err("find(doc.received, 'id', '1')");
    assert!(e.message.contains("must be a list"), "{}", e.message);
    let e = compile_err("find(['a'], 'id', '1')");
    assert!(e.message.contains("use `in`"), "{}", e.message);
    let e = compile_err("find(doc.rx, 'id')");
    assert!(e.message.contains("takes 3 arguments"), "{}", e.message);
    // Types: the element, and a list of it.
    assert_eq!(compile_ok("find(doc.rx, 'patient.iin', '1')").ty().to_string(), "prescription");
    assert_eq!(compile_ok("find_all(doc.rx, 'id', '1')").ty().to_string(), "list<prescription>");
    assert_eq!(compile_ok("find(doc.documents, 'any.path', 1)").ty().to_string(), "document");
    // Fields of the result are typed.
    let e = compile_err("find(doc.rx, 'id', '1').amout > 0");
    assert!(e.message.contains("did you mean `amount`"), "{}", e.message);
}

#[test]
fn typed_keys_decode_like_field_access() {
    // `amount` is a number: a decimal string is a number; `id` a string: a number is not one.
    let doc = json!({"rx": [
        {"id": 7, "amount": "2.50"},
        {"id": "7", "amount": 3}
    ]});
    assert_eq!(ev("find(doc.rx, 'amount', 2.5).id", &doc), "missing");
    assert_eq!(ev("find(doc.rx, 'id', '7').amount", &doc), "3");
    assert_eq!(ev("size(find_all(doc.rx, 'amount', 2.5))", &doc), "1");
}

// ---------------------------------------------------------------------------------------------
// as_type and documents

fn bundle() -> Json {
    json!({"documents": [
        {"document_type": "referral", "id": "R1"},
        {"document_type": "prescription", "id": "P1", "amount": 2, "patient": {"iin": "111"}},
        {"id": "X"}
    ]})
}

#[test]
fn as_type_narrows_and_rejects_other_types() {
    let d = bundle();
    assert_eq!(ev("as_type(doc.documents[1], 'prescription').amount + 1", &d), "3");
    assert_eq!(ev("as_type(doc.documents[0], 'prescription')", &d), "missing");
    assert_eq!(ev("as_type(doc.documents[2], 'prescription')", &d), "missing");
    assert_eq!(ev("as_type(doc.documents[0], 'referral').id", &d), "R1");
    assert_eq!(
        ev("count(doc.documents, m, as_type(m, 'prescription') != null)", &d),
        "1"
    );
    // The result is typed: a misspelt field is a compile error.
    let e = compile_err("as_type(doc.first, 'prescription').amout > 0");
    assert!(e.message.contains("did you mean `amount`"), "{}", e.message);
    assert_eq!(
        compile_ok("as_type(x, 'referral')").ty().to_string(),
        "referral"
    );
    // Only documents are narrowed.
    let src = "as_type(doc.received, 'referral')";
    assert_eq!(pointed(src, &compile_err(src)), "doc.received");
    let e = compile_err("as_type(doc.rx[0], 'referral')");
    assert!(e.message.contains("narrows a `document`"), "{}", e.message);
    compile_ok("as_type(doc.rx[0], 'prescription')");
}

#[test]
fn unknown_document_type_in_as_type_is_a_compile_error() {
    let src = "as_type(doc.first, 'prescripton')";
    let e = compile_err(src);
    assert_eq!(pointed(src, &e), "'prescripton'");
    assert!(e.message.contains("unknown document type `prescripton`"), "{}", e.message);
    assert!(e.message.contains("did you mean `prescription`"), "{}", e.message);
    assert!(e.message.contains("known: prescription, referral"), "{}", e.message);
    let src = "as_type(doc.first, x)";
    assert_eq!(pointed(src, &compile_err(src)), "x");
    // Without document types in the scope nothing can be narrowed.
    let mut s = Scope::new();
    s.bind("x", Type::Any);
    let e = compile("as_type(x, 'prescription')", &s).unwrap_err();
    assert!(e.message.contains("no document types"), "{}", e.message);
}

#[test]
fn documents_unify_and_pass_where_any_value_does() {
    let d = bundle();
    for (src, ty) in [
        ("doc.first ?? doc.documents[0]", "document"),
        ("true ? doc.first : as_type(doc.first, 'referral')", "document"),
        ("[doc.first, doc.documents[1]]", "list<document>"),
        ("doc.first == null", "bool"),
        ("all(doc.documents, m, m.id != '')", "bool"),
        ("string(doc.first)", "string"),
    ] {
        assert_eq!(compile_ok(src).ty().to_string(), ty, "{src}");
    }
    assert_eq!(ev("(doc.first ?? doc.documents[1]).id", &d), "P1");
    // Comparing whole documents is refused (compare a field instead).
    let e = compile_err("doc.first == doc.documents[0]");
    assert!(e.message.contains("cannot compare"), "{}", e.message);
}

/// As `tests::deepest_accepted_expressions_fit_a_small_stack`: 256 KB in release builds,
/// 1.5 MB in unoptimised ones.
#[test]
fn deeply_nested_lookups_fit_a_small_stack() {
    let run = || {
        let n = MAX_NESTING - 1;
        let srcs = [
            format!("{}doc.documents{}", "find_all(".repeat(n), ", 'id', 'P1')".repeat(n)),
            format!("{}doc.first{}", "as_type(".repeat(n), ", 'prescription')".repeat(n)),
            format!(
                "{}date('2026-03-19'){}",
                "add_working_days(".repeat(n - 1),
                ", 1, calendars.kz)".repeat(n - 1)
            ),
        ];
        let d = bundle();
        for src in &srcs {
            let e = compile_ok(src);
            let cals = calendars();
            let dm_d = crate::document::Json::from_serde(&d);
            let mut env = Env::new(vec![Val::Json(&dm_d), Val::Calendars(&cals)], 1_000_000);
            assert!(e.eval(&mut env).is_ok());
        }
    };
    let kb = if cfg!(debug_assertions) { 1536 } else { 256 };
    std::thread::Builder::new()
        .stack_size(kb * 1024)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}
