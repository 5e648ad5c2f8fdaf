#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Value as Json, json};

use super::*;
use crate::types::RecordType;

fn record(name: &str, fields: &[(&str, Type)]) -> Type {
    let fields: crate::types::NameMap<Type> = fields
        .iter()
        .map(|(n, t)| ((*n).to_owned(), t.clone()))
        .collect();
    Type::Record(Arc::new(RecordType {
        name: name.to_owned(),
        fields,
    }))
}

fn list(t: Type) -> Type {
    Type::List(Box::new(t))
}

/// doc: { id, date, at, dose: quantity, lines: list<line>, tags: list<string>, extra: any,
///        ok: bool }, as_of: date, params: { max: number, routes: list<string> }
fn scope() -> Scope {
    let quantity = record(
        "quantity",
        &[("amount", Type::Number), ("unit", Type::String)],
    );
    let line = record(
        "need_line",
        &[
            ("inn", Type::String),
            ("qty", quantity.clone()),
            ("n", Type::Integer),
            ("start", Type::Date),
        ],
    );
    let doc = record(
        "mdt_conclusion",
        &[
            ("id", Type::String),
            ("date", Type::Date),
            ("at", Type::DateTime),
            ("dose", quantity),
            ("lines", list(line)),
            ("tags", list(Type::String)),
            ("extra", Type::Any),
            ("ok", Type::Bool),
            ("iin", Type::String),
        ],
    );
    let params = record(
        "params",
        &[("max", Type::Number), ("routes", list(Type::String))],
    );
    let mut s = Scope::new();
    s.bind("doc", doc);
    s.bind("as_of", Type::Date);
    s.bind("params", params);
    s
}

fn sample() -> Json {
    json!({
        "id": "MDT-1",
        "date": "2026-03-23",
        "at": "2026-03-31T20:00:00Z",
        "dose": {"amount": 0.1, "unit": "mg"},
        "lines": [
            {"inn": "Imiglucerase", "qty": {"amount": 10, "unit": "mg"}, "n": 2, "start": "2026-01-31"},
            {"inn": "Nusinersen", "qty": {"amount": "2.5", "unit": "ml"}, "n": 3, "start": "2026-02-01"}
        ],
        "tags": ["a", "b"],
        "extra": {"foo": {"bar": 7}, "list": [1, 2]},
        "ok": true,
        "iin": "900101300123"
    })
}

fn params() -> Json {
    json!({"max": 24, "routes": ["oral", "intravenous"]})
}

/// Compiles and evaluates `src` against `doc`; the result's display form.
fn ev(src: &str, doc: &Json) -> String {
    let e = compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    let p = params();
    let dm_p = crate::document::Json::from_serde(&p);
    let dm_doc = crate::document::Json::from_serde(doc);
    let mut env = Env::new(
        vec![
            Val::Json(&dm_doc),
            Val::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
            Val::Json(&dm_p),
        ],
        100_000,
    );
    let v = e.eval(&mut env).unwrap();
    assert_eq!(env.slots.len(), 3, "slots restored after {src}");
    v.to_string()
}

/// Evaluates against the sample document.
fn es(src: &str) -> String {
    ev(src, &sample())
}

fn err(src: &str) -> ExprError {
    match compile(src, &scope()) {
        Ok(e) => panic!("{src} compiled to {:?}", e.ty()),
        Err(e) => e,
    }
}

/// The source text an error points at.
fn pointed<'s>(src: &'s str, e: &ExprError) -> &'s str {
    &src[e.offset..e.offset + e.len]
}

// ---------------------------------------------------------------------------------------------
// Logic

#[test]
fn kleene_and_false_beats_missing() {
    let d = json!({});
    assert_eq!(ev("false && doc.dose.amount > 0", &d), "false");
    assert_eq!(ev("doc.dose.amount > 0 && false", &d), "false");
    assert_eq!(ev("true && doc.dose.amount > 0", &d), "missing");
    assert_eq!(ev("doc.dose.amount > 0 && true", &d), "missing");
}

#[test]
fn kleene_or_true_beats_missing() {
    let d = json!({});
    assert_eq!(ev("true || doc.dose.amount > 0", &d), "true");
    assert_eq!(ev("doc.dose.amount > 0 || true", &d), "true");
    assert_eq!(ev("false || doc.dose.amount > 0", &d), "missing");
    assert_eq!(ev("!(doc.dose.amount > 0)", &d), "missing");
}

#[test]
fn missing_propagates_through_operators_and_functions() {
    let d = json!({"dose": {"amount": null}});
    assert_eq!(ev("doc.dose.amount + 1", &d), "missing");
    assert_eq!(ev("-doc.dose.amount", &d), "missing");
    assert_eq!(ev("abs(doc.dose.amount)", &d), "missing");
    assert_eq!(ev("doc.id + 'x'", &d), "missing");
    assert_eq!(ev("doc.dose.amount == 1", &d), "missing");
}

#[test]
fn null_equality_is_never_missing() {
    assert_eq!(ev("doc.id == null", &json!({})), "true");
    assert_eq!(ev("doc.id == null", &json!({"id": null})), "true");
    assert_eq!(ev("null == doc.id", &json!({"id": "x"})), "false");
    assert_eq!(ev("doc.id != null", &json!({"id": "x"})), "true");
    assert_eq!(ev("doc.id != null", &json!({"id": 5})), "false"); // wrong type → missing
    assert_eq!(ev("null == null", &json!({})), "true");
}

#[test]
fn coalesce_and_conditional() {
    assert_eq!(ev("doc.id ?? 'none'", &json!({})), "none");
    assert_eq!(ev("doc.id ?? 'none'", &json!({"id": null})), "none");
    assert_eq!(es("doc.id ?? 'none'"), "MDT-1");
    assert_eq!(es("doc.dose.amount > 0 ? 'pos' : 'neg'"), "pos");
    assert_eq!(
        ev("doc.dose.amount > 0 ? 'pos' : 'neg'", &json!({})),
        "missing"
    );
    assert_eq!(es("doc.ok ? 1 : 2.5"), "1");
    assert_eq!(es("doc.ok ? null : 2"), "null");
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn decimal_arithmetic_is_exact() {
    assert_eq!(es("0.1 + 0.2 == 0.3"), "true");
    assert_eq!(es("doc.dose.amount + 0.2 == 0.3"), "true");
    assert_eq!(es("1 / 3 * 3 == 1"), "false"); // exact decimal, not rational; no rounding to "1"
    assert_eq!(es("10 / 4"), "2.5");
    assert_eq!(es("7 % 3"), "1");
    assert_eq!(es("2 + 3 * 4 - 6 / 2"), "11");
    assert_eq!(es("-(2 - 5)"), "3");
}

#[test]
fn decimal_strings_in_json_are_numbers() {
    assert_eq!(es("doc.lines[1].qty.amount * 2"), "5");
}

#[test]
fn division_by_zero_is_missing() {
    assert_eq!(es("1 / 0"), "missing");
    assert_eq!(es("1 % 0"), "missing");
    assert_eq!(es("(1 / 0) ?? -1"), "-1");
}

#[test]
fn overflow_is_missing_not_a_panic() {
    assert_eq!(es("79228162514264337593543950335 * 2"), "missing");
    assert_eq!(es("79228162514264337593543950335 + 1"), "missing");
    assert_eq!(es("-79228162514264337593543950335 - 1"), "missing");
    assert_eq!(es("days(79228162514264337593543950335)"), "missing");
    assert_eq!(es("days(1000000000000) * 1000000"), "missing");
}

#[test]
fn number_literal_too_large_is_a_compile_error() {
    let src = "doc.dose.amount < 792281625142643375935439503350";
    let e = err(src);
    assert_eq!(pointed(src, &e), "792281625142643375935439503350");
    assert!(e.message.contains("out of range"), "{}", e.message);
}

#[test]
fn round_is_midpoint_away_from_zero() {
    assert_eq!(es("round(2.5, 0)"), "3");
    assert_eq!(es("round(-2.5, 0)"), "-3");
    assert_eq!(es("round(1.005, 2)"), "1.01");
    assert_eq!(es("round(1.2345, 2)"), "1.23");
    assert_eq!(es("round(1.5, -1)"), "missing");
    assert_eq!(es("round(1.5, 0.5)"), "missing");
}

#[test]
fn number_functions() {
    assert_eq!(es("ceil(1.2)"), "2");
    assert_eq!(es("floor(-1.2)"), "-2");
    assert_eq!(es("abs(-3.5)"), "3.5");
    assert_eq!(es("min(3, 2.5)"), "2.5");
    assert_eq!(es("max(3, 2.5)"), "3");
    assert_eq!(es("max(date('2026-01-01'), doc.date)"), "2026-03-23");
    assert_eq!(es("number(' 12.50 ') == 12.5"), "true");
    assert_eq!(es("number('x')"), "missing");
    assert_eq!(es("number(doc.extra.foo.bar) + 1"), "8");
}

#[test]
fn integer_fields_refuse_fractions() {
    assert_eq!(
        ev("doc.lines[0].n", &json!({"lines": [{"n": 2.5}]})),
        "missing"
    );
    assert_eq!(ev("doc.lines[0].n + 1", &json!({"lines": [{"n": 2}]})), "3");
}

// ---------------------------------------------------------------------------------------------
// Dates and durations

#[test]
fn date_minus_date_is_duration() {
    assert_eq!(
        es("date('2026-03-01') - date('2026-02-01') == days(28)"),
        "true"
    );
    assert_eq!(es("in_days(as_of - doc.date)"), "9");
    assert_eq!(es("as_of - doc.date"), "P9D");
    let e = compile("as_of - doc.date", &scope()).unwrap();
    assert!(matches!(e.ty(), Type::Duration));
}

#[test]
fn date_plus_duration_needs_whole_days() {
    assert_eq!(es("doc.date + days(10)"), "2026-04-02");
    assert_eq!(es("days(10) + doc.date"), "2026-04-02");
    assert_eq!(es("doc.date - days(23)"), "2026-02-28");
    assert_eq!(es("doc.date + hours(5)"), "missing");
    assert_eq!(es("doc.date + hours(48)"), "2026-03-25");
}

#[test]
fn add_months_clamps_to_month_end() {
    assert_eq!(es("add_months(date('2024-01-31'), 1)"), "2024-02-29");
    assert_eq!(es("add_months(date('2025-01-31'), 1)"), "2025-02-28");
    assert_eq!(es("add_months(date('2024-03-31'), -1)"), "2024-02-29");
    assert_eq!(es("add_months(doc.lines[0].start, 12)"), "2027-01-31");
    assert_eq!(es("add_months(doc.date, 0.5)"), "missing");
    assert_eq!(es("add_months(doc.date, 100000000000)"), "missing");
}

#[test]
fn date_parts_and_weekday() {
    assert_eq!(es("year(doc.date)"), "2026");
    assert_eq!(es("month(doc.date)"), "3");
    assert_eq!(es("day(doc.date)"), "23");
    assert_eq!(es("weekday(doc.date)"), "1"); // Monday
    assert_eq!(es("weekday(date('2026-03-29'))"), "7");
}

#[test]
fn make_date_is_missing_when_invalid() {
    assert_eq!(es("make_date(2026, 2, 28)"), "2026-02-28");
    assert_eq!(es("make_date(2026, 2, 30)"), "missing");
    assert_eq!(es("make_date(2026, 1.5, 1)"), "missing");
    assert_eq!(es("make_date(year(doc.date), 12, 31)"), "2026-12-31");
}

#[test]
fn durations_convert_exactly() {
    assert_eq!(es("in_hours(days(1))"), "24");
    assert_eq!(es("in_days(hours(12))"), "0.5");
    assert_eq!(es("in_minutes(hours(1.5))"), "90");
    assert_eq!(es("days(1) * 2 == days(2)"), "true");
    assert_eq!(es("3 * hours(1) == minutes(180)"), "true");
    assert_eq!(es("days(1) - hours(1) == hours(23)"), "true");
    assert_eq!(es("-days(1) < days(0)"), "true");
    assert_eq!(es("days(90)"), "P90D");
}

#[test]
fn datetime_arithmetic_and_local_date() {
    assert_eq!(es("local_date(doc.at, '+05:00')"), "2026-04-01");
    assert_eq!(es("local_date(doc.at, '-03:00')"), "2026-03-31");
    assert_eq!(es("local_date(doc.at, params.routes[0])"), "missing");
    assert_eq!(
        es("datetime('2026-04-01T10:00:00+05:00') - doc.at == hours(9)"),
        "true"
    );
    assert_eq!(es("doc.at + hours(1) > doc.at"), "true");
    assert_eq!(es("in_minutes(doc.at - (doc.at - minutes(30)))"), "30");
    assert_eq!(
        es("datetime('2026-04-01T01:00:00+05:00') == datetime('2026-03-31T20:00:00Z')"),
        "true"
    );
}

#[test]
fn invalid_date_literal_is_a_compile_error_at_the_literal() {
    let src = "doc.date < date('2026-02-30')";
    let e = err(src);
    assert_eq!(pointed(src, &e), "'2026-02-30'");
    assert!(e.message.contains("invalid date"), "{}", e.message);

    let src = "doc.at < datetime('2026-02-01 10:00')";
    assert_eq!(pointed(src, &err(src)), "'2026-02-01 10:00'");
}

#[test]
fn invalid_offset_literal_is_a_compile_error() {
    let src = "local_date(doc.at, '+5')";
    let e = err(src);
    assert_eq!(pointed(src, &e), "'+5'");
    assert!(e.message.contains("offset"), "{}", e.message);
    assert!(compile("local_date(doc.at, '-11:30')", &scope()).is_ok());
}

#[test]
fn date_literals_and_pure_calls_are_folded() {
    assert!(
        compile("date('2026-01-01')", &scope())
            .unwrap()
            .is_constant()
    );
    assert!(compile("days(90)", &scope()).unwrap().is_constant());
    assert!(compile("-1", &scope()).unwrap().is_constant());
    assert!(!compile("doc.date", &scope()).unwrap().is_constant());
}

#[test]
fn dynamic_date_parsing_is_missing_when_invalid() {
    assert_eq!(
        ev("date(doc.id)", &json!({"id": "2026-01-05"})),
        "2026-01-05"
    );
    assert_eq!(ev("date(doc.id)", &json!({"id": "soon"})), "missing");
    assert_eq!(ev("datetime(doc.id)", &json!({"id": "nope"})), "missing");
}

// ---------------------------------------------------------------------------------------------
// Fields, lists, quantifiers

#[test]
fn field_access_borrows_strings_from_the_document() {
    let d = sample();
    let e = compile("doc.lines[0].inn", &scope()).unwrap();
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d)], 100);
    assert!(matches!(
        e.eval(&mut env).unwrap(),
        Val::Str(Cow::Borrowed("Imiglucerase"))
    ));
    let e = compile("trim(doc.id)", &scope()).unwrap();
    assert!(matches!(
        e.eval(&mut env).unwrap(),
        Val::Str(Cow::Borrowed("MDT-1"))
    ));
}

#[test]
fn wrong_typed_input_is_missing() {
    assert_eq!(ev("doc.date", &json!({"date": "23.03.2026"})), "missing");
    assert_eq!(ev("doc.dose.amount", &json!({"dose": "10 mg"})), "missing");
    assert_eq!(
        ev("doc.lines[0].inn", &json!({"lines": {"0": 1}})),
        "missing"
    );
}

#[test]
fn index_out_of_range_is_missing() {
    assert_eq!(es("doc.lines[1].inn"), "Nusinersen");
    assert_eq!(es("doc.lines[2].inn"), "missing");
    assert_eq!(es("doc.lines[-1].inn"), "missing");
    assert_eq!(es("doc.lines[0.5].inn"), "missing");
    assert_eq!(es("[10, 20, 30][1]"), "20");
    assert_eq!(es("doc.tags[size(doc.tags) - 1]"), "b");
}

#[test]
fn any_typed_fields_are_resolved_at_run_time() {
    assert_eq!(es("doc.extra.foo.bar + 1"), "8");
    assert_eq!(es("doc.extra.foo.nope"), "missing");
    assert_eq!(es("doc.extra.list[1] * 10"), "20");
    assert_eq!(es("size(doc.extra.list)"), "2");
    assert_eq!(es("doc.extra.foo.bar == 'x'"), "missing");
    assert_eq!(es("sum(doc.extra.list, x, x)"), "3");
}

#[test]
fn quantifier_over_json_array() {
    assert_eq!(es("all(doc.lines, l, l.qty.amount > 0)"), "true");
    assert_eq!(es("any(doc.lines, l, l.qty.unit == 'ml')"), "true");
    assert_eq!(es("all(doc.lines, l, l.qty.unit == 'ml')"), "false");
    assert_eq!(es("count(doc.lines, l, l.n >= 2)"), "2");
    assert_eq!(es("sum(doc.lines, l, l.qty.amount)"), "12.5");
    assert_eq!(es("sum(doc.lines, l, l.n * l.qty.amount)"), "27.5");
}

#[test]
fn quantifier_over_literal_list() {
    assert_eq!(es("all([1, 2, 3], x, x > 0)"), "true");
    assert_eq!(es("sum([1, 2, 3], x, x * x)"), "14");
    assert_eq!(es("count(['a', 'b', 'a'], s, s == 'a')"), "2");
    assert_eq!(es("any([], x, x == 1)"), "false");
    assert_eq!(es("all([], x, x == 1)"), "true");
}

#[test]
fn quantifiers_use_kleene_logic() {
    let d = json!({"lines": [{"n": 1}, {}, {"n": 3}]});
    assert_eq!(ev("all(doc.lines, l, l.n > 0)", &d), "missing");
    assert_eq!(ev("all(doc.lines, l, l.n > 2)", &d), "false");
    assert_eq!(ev("any(doc.lines, l, l.n > 2)", &d), "true");
    assert_eq!(ev("any(doc.lines, l, l.n > 5)", &d), "missing");
    assert_eq!(ev("count(doc.lines, l, l.n > 0)", &d), "2");
    assert_eq!(ev("sum(doc.lines, l, l.n)", &d), "missing");
    assert_eq!(ev("sum(doc.lines, l, l.n ?? 0)", &d), "4");
}

#[test]
fn quantifier_over_missing_list_is_missing() {
    let d = json!({});
    assert_eq!(ev("all(doc.lines, l, l.n > 0)", &d), "missing");
    assert_eq!(ev("count(doc.lines, l, l.n > 0)", &d), "missing");
    assert_eq!(ev("sum(doc.lines, l, l.n)", &d), "missing");
    assert_eq!(ev("size(doc.lines)", &d), "missing");
}

#[test]
fn nested_quantifiers_and_shadowing() {
    assert_eq!(
        es("any(doc.lines, l, all(doc.tags, t, t != l.inn))"),
        "true"
    );
    // The inner `l` (a string) shadows the outer `l` (a line).
    assert_eq!(es("all(doc.lines, l, any(doc.tags, l, l == 'b'))"), "true");
    // The outer variable is visible again after the inner quantifier.
    assert_eq!(
        es("all(doc.lines, l, any(doc.tags, l, l == 'b') && l.n > 1)"),
        "true"
    );
    // A quantifier variable may shadow a scope name.
    assert_eq!(es("count(doc.tags, doc, doc == 'a')"), "1");
}

#[test]
fn quantifier_restores_existing_slots() {
    let d = sample();
    let s = scope();
    let e = compile("all(doc.tags, t, size(t) == 1)", &s).unwrap();
    // The loader may hand over more slots than the scope had at compile time.
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(
        vec![
            Val::Json(&dm_d),
            Val::Missing,
            Val::Missing,
            Val::Num(7.into()),
            Val::Bool(true),
        ],
        1000,
    );
    assert!(matches!(e.eval(&mut env).unwrap(), Val::Bool(true)));
    assert_eq!(env.slots.len(), 5);
    assert!(matches!(env.slots[3], Val::Num(n) if n == 7.into()));
    // And fewer: the quantifier grows the slots and shrinks them back.
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d)], 1000);
    assert!(matches!(e.eval(&mut env).unwrap(), Val::Bool(true)));
    assert_eq!(env.slots.len(), 1);
}

#[test]
fn in_membership() {
    assert_eq!(es("doc.dose.unit in ['mg', 'ml']"), "true");
    assert_eq!(es("doc.dose.unit in ['g']"), "false");
    assert_eq!(es("'b' in doc.tags"), "true");
    assert_eq!(es("'oral' in params.routes"), "true");
    assert_eq!(es("doc.dose.amount in [0.10, 1]"), "true");
    assert_eq!(ev("doc.id in ['x']", &json!({})), "missing");
    assert_eq!(ev("'a' in doc.tags", &json!({})), "missing");
    assert_eq!(es("doc.id in [doc.tags[0], 'MDT-1']"), "true");
}

#[test]
fn in_type_errors() {
    let src = "1 in doc.tags";
    assert!(
        err(src)
            .message
            .contains("cannot look for `number` in `list<string>`")
    );
    let src = "'a' in doc.id";
    let e = err(src);
    assert_eq!(pointed(src, &e), "doc.id");
}

#[test]
fn has_semantics() {
    assert_eq!(es("has(doc.id)"), "true");
    assert_eq!(ev("has(doc.id)", &json!({})), "false");
    assert_eq!(ev("has(doc.id)", &json!({"id": null})), "false");
    assert_eq!(ev("has(doc.id)", &json!({"id": "  \t"})), "false");
    assert_eq!(ev("has(doc.id)", &json!({"id": 12})), "false"); // wrong type
    assert_eq!(ev("has(doc.lines)", &json!({"lines": []})), "false");
    assert_eq!(es("has(doc.lines)"), "true");
    assert_eq!(ev("has(doc.dose)", &json!({"dose": {}})), "true");
    assert_eq!(es("has(doc.lines[1])"), "true");
    assert_eq!(es("has(doc.lines[2])"), "false");
    assert_eq!(es("has(doc)"), "true");
    assert_eq!(es("has((doc.id))"), "true");
}

#[test]
fn has_refuses_computed_arguments() {
    let src = "has(doc.id + 'x')";
    let e = err(src);
    assert_eq!(pointed(src, &e), "doc.id + 'x'");
    assert!(e.message.contains("field"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// Strings

#[test]
fn string_functions() {
    assert_eq!(es("lower('AbC') + upper('xY')"), "abcXY");
    assert_eq!(es("lower('Имиглюцераза') == 'имиглюцераза'"), "true");
    assert_eq!(es("trim('  a b  ')"), "a b");
    assert_eq!(es("starts_with(doc.id, 'MDT')"), "true");
    assert_eq!(es("ends_with(doc.id, '-1')"), "true");
    assert_eq!(es("contains(doc.id, 'x')"), "false");
    assert_eq!(es("size('абв')"), "3");
    assert_eq!(es("size(doc.lines)"), "2");
    assert_eq!(es("string(1.50) == '1.5'"), "true");
    assert_eq!(es("string(doc.date) + '!'"), "2026-03-23!");
    assert_eq!(es("string(days(2))"), "P2D");
    assert_eq!(es("doc.id + '/' + doc.dose.unit"), "MDT-1/mg");
    assert_eq!(es("'a' < 'b'"), "true");
}

#[test]
fn string_escapes() {
    assert_eq!(es(r#"'it\'s' == "it's""#), "true");
    assert_eq!(es(r#"size('a\nb\t\\')"#), "5");
    assert_eq!(es(r#""say \"hi\"""#), "say \"hi\"");
}

#[test]
fn unterminated_string_error_points_at_its_start() {
    let src = "doc.id == 'abc";
    let e = err(src);
    assert_eq!(e.offset, 10);
    assert!(e.message.contains("unterminated"), "{}", e.message);
    let src = "doc.id == 'ab\\";
    assert_eq!(err(src).offset, 10);
}

#[test]
fn unknown_escape_is_an_error() {
    let src = r"'a\qb'";
    let e = err(src);
    assert_eq!(pointed(src, &e), r"\q");
}

// ---------------------------------------------------------------------------------------------
// Compile errors

#[test]
fn unknown_field_error_points_at_field() {
    let src = "doc.dose.amout > 0";
    let e = err(src);
    assert_eq!(pointed(src, &e), "amout");
    assert!(
        e.message.contains("unknown field `amout` on `quantity`"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("did you mean `amount`?"),
        "{}",
        e.message
    );
}

#[test]
fn unknown_name_suggests_a_close_match() {
    let src = "size(dco.lines) > 0";
    let e = err(src);
    assert_eq!(pointed(src, &e), "dco");
    assert_eq!(e.message, "unknown name `dco`; did you mean `doc`?");
    let e = err("zzzzzz");
    assert_eq!(e.message, "unknown name `zzzzzz`");
}

#[test]
fn unknown_function_suggests_a_close_match() {
    let src = "doc.id != '' && lenght(doc.id) > 1";
    let e = err(src);
    assert_eq!(pointed(src, &e), "lenght");
    assert!(
        e.message.starts_with("unknown function `lenght`"),
        "{}",
        e.message
    );
    let e = err("add_month(doc.date, 1)");
    assert!(
        e.message.contains("did you mean `add_months`?"),
        "{}",
        e.message
    );
    let e = err("size");
    assert!(e.message.contains("is a function"), "{}", e.message);
}

#[test]
fn field_access_on_a_non_record_is_an_error() {
    let src = "doc.id.value";
    let e = err(src);
    assert_eq!(pointed(src, &e), "value");
    assert!(e.message.contains("`string`"), "{}", e.message);
    assert!(err("doc.lines.inn").message.contains("list<need_line>"));
}

#[test]
fn comparing_mismatched_types_is_a_compile_error() {
    let src = "doc.date < 5";
    let e = err(src);
    assert_eq!(e.message, "cannot compare `date` with `number`");
    assert_eq!((e.offset, e.len), (0, src.len()));
    assert!(
        err("doc.id == 1")
            .message
            .contains("cannot compare `string` with `number`")
    );
    assert!(err("doc.ok < true").message.contains("only `==` and `!=`"));
    assert!(compile("doc.ok == true", &scope()).is_ok());
    assert!(compile("doc.lines[0].n == doc.dose.amount", &scope()).is_ok()); // integer ≡ number
}

#[test]
fn type_error_points_at_the_whole_sub_expression() {
    let src = "1 + (doc.id * 2) > 0";
    let e = err(src);
    assert_eq!(pointed(src, &e), "(doc.id * 2)");
    assert_eq!(e.message, "cannot apply `*` to `string` and `number`");
}

#[test]
fn boolean_operators_need_bools() {
    let src = "!doc.id";
    assert!(err(src).message.contains("`!` needs a bool"));
    let src = "doc.ok && doc.id";
    let e = err(src);
    assert_eq!(pointed(src, &e), "doc.id");
    let src = "doc.id ? 1 : 2";
    assert_eq!(pointed(src, &err(src)), "doc.id");
    assert!(err("doc.ok ? 1 : 'x'").message.contains("incompatible"));
    assert!(err("doc.id ?? 1").message.contains("incompatible"));
}

#[test]
fn arithmetic_type_errors() {
    assert!(
        err("doc.date + 1")
            .message
            .contains("cannot apply `+` to `date` and `number`")
    );
    assert!(err("doc.date + doc.date").message.contains("cannot apply"));
    assert!(err("days(1) / 2").message.contains("cannot apply"));
    assert!(err("doc.id - 'x'").message.contains("cannot apply"));
    assert!(err("-doc.id").message.contains("`-` needs"));
    assert!(err("1 + null").message.contains("cannot apply"));
}

#[test]
fn wrong_arity_names_the_signature() {
    let e = err("round(doc.dose.amount)");
    assert!(
        e.message.contains("`round` takes 2 arguments, got 1"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains("round(x: number, places: number) -> number"),
        "{}",
        e.message
    );
    assert!(
        err("all(doc.lines, l)")
            .message
            .contains("all(list, variable, predicate)")
    );
    assert!(err("has()").message.contains("has(x)"));
}

#[test]
fn wrong_argument_type_points_at_the_argument() {
    let src = "round(1, doc.id)";
    let e = err(src);
    assert_eq!(pointed(src, &e), "doc.id");
    assert!(
        e.message.contains("argument 2 (`places`) of `round`"),
        "{}",
        e.message
    );
    assert!(
        err("year(doc.at)")
            .message
            .contains("year(d: date) -> number")
    );
    assert!(err("min(1, 'a')").message.contains("argument 2"));
    assert!(err("size(1)").message.contains("size(x: list or string)"));
}

#[test]
fn quantifier_errors() {
    let src = "all(doc.id, x, true)";
    assert_eq!(pointed(src, &err(src)), "doc.id");
    let src = "all(doc.lines, l.x, true)";
    assert_eq!(pointed(src, &err(src)), "l.x");
    let src = "all(doc.lines, l, l.inn)";
    assert_eq!(pointed(src, &err(src)), "l.inn");
    let src = "sum(doc.lines, l, l.inn)";
    assert!(err(src).message.contains("must be a number"));
    // The variable is not visible outside the quantifier.
    let src = "all(doc.lines, l, true) && l.n > 0";
    assert_eq!(pointed(src, &err(src)), "l");
}

#[test]
fn syntax_errors_have_positions() {
    let src = "doc.id == 'a' 'b'";
    assert_eq!(pointed(src, &err(src)), "'b'");
    let src = "(doc.id == 'a'";
    assert_eq!(err(src).offset, src.len());
    let src = "1 < 2 < 3";
    let e = err(src);
    assert_eq!(pointed(src, &e), "<");
    assert_eq!(e.offset, 6);
    let src = "doc.id = 'a'";
    assert!(err(src).message.contains("did you mean `==`?"));
    let src = "doc.ok & true";
    assert!(err(src).message.contains("`&&`"));
    let src = "doc.€";
    let e = err(src);
    assert_eq!(pointed(src, &e), "€");
    assert!(err("").message.contains("empty"));
    assert!(err("   ").message.contains("empty"));
    assert!(err("doc.").message.contains("field name"));
    assert!(err("12abc").message.contains("invalid number"));
    assert!(err("doc.id(1)").message.contains("only named functions"));
}

#[test]
fn deep_nesting_is_refused() {
    let src = format!("{}1{}", "(".repeat(100), ")".repeat(100));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("{}true", "!".repeat(1000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("{}1", "-".repeat(8000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("1{}", " + 1".repeat(2000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("doc{}", ".extra".repeat(1300));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("true{}", " ? 1 : 2".repeat(900));
    assert!(compile(&src, &scope()).is_err());
    // Moderate nesting is fine.
    let src = format!("{}1{} == 1", "(".repeat(40), ")".repeat(40));
    assert_eq!(es(&src), "true");
    let src = format!("1{} == 101", " + 1".repeat(100));
    assert_eq!(es(&src), "true");
}

#[test]
fn long_source_is_refused() {
    let src = format!("'{}'", "a".repeat(MAX_SOURCE_LEN));
    let e = err(&src);
    assert!(e.message.contains("too long"), "{}", e.message);
}

#[test]
fn budget_exhaustion_is_an_error_not_a_hang() {
    let items: Vec<Json> = (0..100_000).map(|i| json!({"n": i})).collect();
    let d = json!({ "lines": items });
    let e = compile("all(doc.lines, a, all(doc.lines, b, a.n >= 0))", &scope()).unwrap();
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d)], 1_000_000);
    assert_eq!(e.eval(&mut env).unwrap_err(), EvalError::BudgetExhausted);
    assert_eq!(env.slots.len(), 1, "slots restored after an error");
    let e = compile("1 in doc.extra", &scope()).unwrap();
    let d = json!({ "extra": vec![0; 1000] });
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d)], 100);
    assert_eq!(e.eval(&mut env).unwrap_err(), EvalError::BudgetExhausted);
    let e = compile("1 + 1", &scope()).unwrap();
    let mut env = Env::new(vec![], 0);
    assert_eq!(e.eval(&mut env).unwrap_err(), EvalError::BudgetExhausted);
    let mut env = Env::new(vec![], 3);
    assert!(e.eval(&mut env).is_ok());
    assert_eq!(env.steps_left, 0);
}

#[test]
fn scope_binding_and_shadowing() {
    let mut s = Scope::new();
    assert!(s.is_empty());
    assert_eq!(s.bind("x", Type::Number), 0);
    assert_eq!(s.bind("y", Type::String), 1);
    assert_eq!(s.bind("x", Type::String), 2);
    assert_eq!(s.len(), 3);
    let (slot, ty) = s.lookup("x").unwrap();
    assert_eq!(slot, 2);
    assert!(matches!(ty, Type::String));
    assert!(s.lookup("z").is_none());
    let e = compile("x + y", &s).unwrap();
    let mut env = Env::new(
        vec![
            Val::Num(1.into()),
            Val::Str("b".into()),
            Val::Str("a".into()),
        ],
        100,
    );
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "ab");
}

#[test]
fn result_types() {
    let s = scope();
    let ty = |src: &str| compile(src, &s).unwrap().ty().to_string();
    assert_eq!(ty("doc.dose.amount * 2"), "number");
    assert_eq!(ty("doc.lines"), "list<need_line>");
    assert_eq!(ty("doc.lines[0].n"), "integer");
    assert_eq!(ty("doc.lines[0].n ?? 1.5"), "number");
    assert_eq!(ty("doc.at - doc.at"), "duration");
    assert_eq!(ty("doc.extra.x"), "any");
    assert_eq!(ty("[1, null]"), "list<number>");
    assert_eq!(ty("min(doc.date, as_of)"), "date");
    assert_eq!(ty("count(doc.lines, l, true)"), "number");
    assert_eq!(ty("iin_birth_date(doc.iin)"), "date");
}

#[test]
fn expr_is_send_and_sync() {
    fn check<T: Send + Sync + 'static>(_: &T) {}
    let e = compile("doc.id", &scope()).unwrap();
    check(&e);
    let e = Arc::new(e);
    let d = sample();
    let h = std::thread::spawn({
        let e = e.clone();
        move || {
            let d = sample();
            let dm_d = crate::document::Json::from_serde(&d);
            let mut env = Env::new(vec![Val::Json(&dm_d)], 10);
            e.eval(&mut env).unwrap().to_string()
        }
    });
    assert_eq!(h.join().unwrap(), "MDT-1");
    let dm_d = crate::document::Json::from_serde(&d);
    let mut env = Env::new(vec![Val::Json(&dm_d)], 10);
    assert_eq!(e.eval(&mut env).unwrap().to_string(), "MDT-1");
}

/// Pseudo-random token soup: compiling must never panic, and whatever compiles must evaluate
/// without panicking (format built-ins excluded: they live in another module).
#[test]
fn random_garbage_never_panics() {
    const ALPHABET: &[&str] = &[
        "doc",
        ".",
        "lines",
        "inn",
        "qty",
        "amount",
        "unit",
        "n",
        "start",
        "tags",
        "extra",
        "foo",
        "id",
        "date",
        "at",
        "ok",
        "as_of",
        "params",
        "max",
        "routes",
        "(",
        ")",
        "[",
        "]",
        ",",
        "0",
        "1",
        "2.5",
        "-1",
        "79228162514264337593543950335",
        "'x'",
        "'2026-01-31'",
        "'+05:00'",
        "\"",
        "'",
        "\\",
        "+",
        "-",
        "*",
        "/",
        "%",
        "!",
        "&&",
        "||",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "??",
        "?",
        ":",
        "in",
        "null",
        "true",
        "false",
        "all",
        "any",
        "count",
        "sum",
        "has",
        "size",
        "l",
        "x",
        "days",
        "hours",
        "in_days",
        "add_months",
        "local_date",
        "make_date",
        "year",
        "weekday",
        "string",
        "number",
        "lower",
        "trim",
        "min",
        "max",
        "round",
        "ceil",
        "abs",
        "datetime",
        "contains",
        " ",
        "é",
        "&",
        "=",
        "€",
        "\n",
        "0.",
        "1e5",
        "_",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let s = scope();
    let d = sample();
    let p = params();
    let mut compiled = 0;
    for _ in 0..6000 {
        let len = 1 + next() % 12;
        let mut src = String::new();
        for _ in 0..len {
            src.push_str(ALPHABET[next() % ALPHABET.len()]);
            if next().is_multiple_of(3) {
                src.push(' ');
            }
        }
        if let Ok(e) = compile(&src, &s) {
            compiled += 1;
            let dm_p = crate::document::Json::from_serde(&p);
            let dm_d = crate::document::Json::from_serde(&d);
            let mut env = Env::new(vec![Val::Json(&dm_d), Val::Missing, Val::Json(&dm_p)], 10_000);
            let _ = e.eval(&mut env);
            assert_eq!(env.slots.len(), 3);
        } else if let Err(e) = compile(&src, &s) {
            assert!(e.offset + e.len <= src.len(), "{src:?}: {e:?}");
            assert!(src.is_char_boundary(e.offset), "{src:?}: {e:?}");
            assert!(src.is_char_boundary(e.offset + e.len), "{src:?}: {e:?}");
        }
    }
    assert!(compiled > 30, "only {compiled} compiled");
}

/// Structured fuzz: well-formed but arbitrarily combined expressions over the sample document.
#[test]
fn random_well_formed_expressions_never_panic() {
    const LEAVES: &[&str] = &[
        "doc.dose.amount",
        "doc.date",
        "doc.at",
        "as_of",
        "doc.id",
        "doc.lines[0].n",
        "1",
        "0",
        "-2.5",
        "'a'",
        "days(1)",
        "hours(3)",
        "null",
        "true",
        "doc.extra.foo.bar",
        "doc.tags",
        "doc.lines",
        "79228162514264337593543950335",
        "date('2024-02-29')",
    ];
    const OPS: &[&str] = &[
        "+", "-", "*", "/", "%", "==", "<", ">=", "&&", "||", "??", "in",
    ];
    const FNS: &[&str] = &[
        "size",
        "abs",
        "round",
        "ceil",
        "string",
        "number",
        "add_months",
        "in_days",
        "year",
        "local_date",
        "min",
        "max",
        "trim",
        "days",
        "iin_valid",
        "iin_birth_date",
        "norm_name",
        "icd10_valid",
        "icd10_in",
        "bin_valid",
    ];
    let mut state: u64 = 42;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize
    };
    fn generate(next: &mut dyn FnMut() -> usize, depth: u32) -> String {
        if depth == 0 || next().is_multiple_of(4) {
            return LEAVES[next() % LEAVES.len()].to_owned();
        }
        match next() % 4 {
            0 => format!(
                "({} {} {})",
                generate(next, depth - 1),
                OPS[next() % OPS.len()],
                generate(next, depth - 1)
            ),
            1 => format!("{}({})", FNS[next() % FNS.len()], generate(next, depth - 1)),
            2 => format!(
                "{}({}, {})",
                FNS[next() % FNS.len()],
                generate(next, depth - 1),
                generate(next, depth - 1)
            ),
            _ => format!(
                "{}(doc.lines, l, {})",
                ["all", "any", "count", "sum"][next() % 4],
                generate(next, depth - 1).replace("doc.lines[0]", "l")
            ),
        }
    }
    let s = scope();
    let d = sample();
    let mut ok = 0;
    for _ in 0..4000 {
        let src = generate(&mut next, 4);
        if let Ok(e) = compile(&src, &s) {
            ok += 1;
            let dm_d = crate::document::Json::from_serde(&d);
            let mut env = Env::new(vec![Val::Json(&dm_d), Val::Missing, Val::Missing], 10_000);
            let _ = e.eval(&mut env);
        }
    }
    assert!(ok > 100, "only {ok} compiled");
}

/// The deepest expressions the limits accept compile and evaluate within a small stack: 256 KB
/// in release builds (browsers give WebAssembly about 1 MB), 1.5 MB in unoptimised builds.
#[test]
fn deepest_accepted_expressions_fit_a_small_stack() {
    let run = || {
        let s = scope();
        let d = sample();
        let (n, t) = (MAX_NESTING - 1, MAX_TREE_DEPTH as usize - 1);
        let srcs = [
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}1{}", "[".repeat(n), "]".repeat(n)),
            format!("{}1{}", "(1 + ".repeat(n), ")".repeat(n)),
            format!("{}1{}", "abs(".repeat(n), ")".repeat(n)),
            format!("{}doc.ok", "!".repeat(n - 1)),
            format!("{}true{}", "all([1], x, ".repeat(n / 2), ")".repeat(n / 2)),
            format!("{}1{}", "(doc.ok ? 1 : ".repeat(n / 2), ")".repeat(n / 2)),
            format!("1{}", " + 1".repeat(t - 1)),
            format!("doc.ok{}", " && doc.ok".repeat(t - 1)),
            format!("doc{}", ".extra".repeat(t)),
            format!("doc.extra{}", "[0]".repeat(t - 1)),
        ];
        for src in &srcs {
            let e = compile(src, &s).unwrap_or_else(|e| panic!("{src}: {e}"));
            let dm_d = crate::document::Json::from_serde(&d);
            let mut env = Env::new(vec![Val::Json(&dm_d)], 1_000_000);
            e.eval(&mut env).unwrap();
            // One level deeper is refused.
            let deeper = format!("({src}) == 1");
            if src.len() < 1000 {
                let _ = compile(&deeper, &s);
            }
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

#[test]
fn format_builtins_are_wired() {
    assert_eq!(es("iin_valid('850115300205')"), "true");
    assert_eq!(es("iin_valid('850115300200')"), "false");
    assert_eq!(es("iin_valid(doc.id)"), "false");
    assert_eq!(
        es("iin_birth_date('850515300120') == date('1985-05-15')"),
        "true"
    );
    assert_eq!(es("iin_birth_date('not an iin')"), "missing");
    assert_eq!(es("bin_valid('050140001238')"), "true");
    assert_eq!(es("icd10_valid('E75.2') && !icd10_valid('75.2')"), "true");
    assert_eq!(
        es("icd10_in('E84.0', 'E84') && !icd10_in('E85', 'E84')"),
        "true"
    );
    assert_eq!(es("icd10_in('E76.1', 'E76.0-E76.2')"), "true");
    assert_eq!(
        es("norm_name('  IMIGLUCERASE ') == norm_name('imiglucerase')"),
        "true"
    );
    assert_eq!(ev("iin_valid(doc.iin)", &json!({})), "missing");
    assert_eq!(ev("norm_name(doc.id)", &json!({"id": null})), "missing");
    // Format built-ins are not folded at compile time.
    assert!(
        !compile("iin_valid('850115300205')", &scope())
            .unwrap()
            .is_constant()
    );
}

#[test]
fn strengths_split_into_a_leading_number_and_the_unit_after_it() {
    assert_eq!(es("leading_number('400 U')"), "400");
    assert_eq!(es("after_number('400 U')"), "U");
    assert_eq!(es("leading_number('2,5 мг')"), "2.5");
    assert_eq!(es("after_number('2,5 мг')"), "мг");
    assert_eq!(es("leading_number(' 120 mg/0.8 ml')"), "120");
    assert_eq!(es("after_number('120 mg/0.8 ml')"), "mg/0.8 ml");
    assert_eq!(es("before(after_number('10 mg/ml'), '/')"), "mg");
    assert_eq!(es("after(after_number('10 mg/ml'), '/')"), "ml");
    assert_eq!(es("before('400 U', '/')"), "400 U", "no separator: all of it");
    assert_eq!(es("after('400 U', '/')"), "missing", "no separator: missing");
    assert_eq!(es("leading_number('U 400')"), "missing");
    assert_eq!(es("after_number('vial')"), "missing");
    assert_eq!(es("leading_number('5. mg')"), "5", "a separator without digits after it is not part of the number");
    assert_eq!(es("leading_number('99999999999999999999999999999999 U')"), "missing", "beyond a decimal: missing, never rounded");
}

#[test]
fn first_gives_the_first_element_that_satisfies_its_predicate() {
    assert_eq!(es("first(doc.lines, l, l.n > 2).inn"), "Nusinersen");
    assert_eq!(es("first(doc.lines, l, l.n > 1).inn"), "Imiglucerase");
    assert_eq!(es("first(doc.lines, l, l.n > 100)"), "missing");
    assert_eq!(es("first([1, 2, 3], x, x >= 2)"), "2");
    assert_eq!(es("first([], x, true)"), "missing");
    // An element whose predicate is missing before the first true one does not stop the search.
    assert_eq!(es("first([1, 2], x, x == 2 ? true : doc.extra.nope == 1)"), "2");
    assert_eq!(es("first([1, 2], x, doc.extra.nope == 1)"), "missing");
}

#[test]
fn arithmetic_overflow_is_flagged_apart_from_undefined_results() {
    let doc = sample();
    let run = |src: &str| {
        let e = compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        let p = params();
        let dm_p = crate::document::Json::from_serde(&p);
        let dm_doc = crate::document::Json::from_serde(&doc);
        let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()), Val::Json(&dm_p)], 100_000);
        let v = e.eval(&mut env).unwrap().to_string();
        (v, env.overflowed)
    };
    assert_eq!(run("79228162514264337593543950335 * 2"), ("missing".into(), true));
    assert_eq!(run("79228162514264337593543950335 + 1 > 0"), ("missing".into(), true));
    assert_eq!(run("date('2026-04-01') + days(2147483648) > date('2026-04-01')"), ("missing".into(), true));
    assert_eq!(run("sum([79228162514264337593543950335, 1], x, x)"), ("missing".into(), true));
    assert_eq!(run("1 / 0"), ("missing".into(), false), "division by zero is undefined, not an overflow");
    assert_eq!(run("date('2026-04-01') + hours(1)"), ("missing".into(), false), "a partial day is undefined");
    assert_eq!(run("2 * 3"), ("6".into(), false));
}

#[test]
fn find_by_name_matches_any_spelling_of_a_name_as_norm_name_compares() {
    assert_eq!(es("find_by_name(doc.lines, 'inn', ' IMIGLUCERASE ').n"), "2");
    assert_eq!(es("find_by_name(doc.lines, 'inn', 'Paracetamol')"), "missing");
    assert_eq!(es("size(find_all_by_name(doc.lines, 'inn', 'nusinersen'))"), "1");
    // A field holding a list of names; short lists are scanned, longer ones indexed: the same.
    for n in [2usize, 20] {
        let mut rows: Vec<serde_json::Value> = (0..n).map(|i| json!({"names": [format!("Drug {i}")], "k": i})).collect();
        rows[1] = json!({"names": ["Adalimumab", "Адалимумаб"], "k": 1});
        rows.push(json!({"names": ["adalimumab"], "k": 99}));
        let doc = json!({"extra": rows});
        assert_eq!(ev("find_by_name(doc.extra, 'names', 'АДАЛИМУМАБ').k", &doc), "1", "{n} rows");
        assert_eq!(ev("find_by_name(doc.extra, 'names', 'ADALIMUMAB').k", &doc), "1", "{n} rows: the first in list order");
        assert_eq!(ev("size(find_all_by_name(doc.extra, 'names', 'adalimumab'))", &doc), "2", "{n} rows: each element once");
        assert_eq!(ev("find_by_name(doc.extra, 'names', 'Secukinumab')", &doc), "missing", "{n} rows");
    }
    // Only names: a field of numbers is refused when the pack loads.
    assert!(err("find_by_name(doc.lines, 'n', 'x')").message.contains("a name or a list of names"));
    assert!(err("find_by_name(doc.lines, 'inn', 5)").message.contains("looks up a name"));
}
