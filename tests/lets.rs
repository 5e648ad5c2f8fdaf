//! A check's lets are evaluated only when something reads them, and consecutive checks over
//! one list share their common leading lets (evaluated once per item): the findings are those
//! of evaluating every let of every check, only the step budget is spent less.
use qagida::{CompileOptions, InputError, Options, Pack, ValidationResult};
use serde_json::{Value, json};

mod common;

use common::{fixture_pack, text};

const TYPES: &str = r#"
[types.part]
code = "string"
qty = "number"
unit = "string"
note = "string"
[types.line]
parts = "list<part>"
code = "string"
qty = "number"
unit = "string"
note = "string"
[documents.order]
as_of = "date"
[documents.order.fields]
id = "string"
date = "date"
lines = "list<line>"
"#;

/// One rule of four checks over `/lines` with the same lets. `shared`: they begin with the same
/// lets (a group); else each begins with a let of its own, so none shares any.
fn rules(shared: bool) -> String {
    let check = |n: usize, body: &str| {
        let own = if shared { 0 } else { n };
        format!(
            r#"
[[rule.check]]
for_each = "/lines"
{body}
[rule.check.let]
own = "{own}"
dups = "count(doc.lines, l, l.code == item.code)"
twice = "dups * 2"
label = "'code ' + item.code"
big = "item.qty * 10000000000000000000000000000 * 10000000000000000000"
"#
        )
    };
    format!(
        "[[rule]]\nid = \"LET-01\"\napplies_to = \"order\"\nseverity = \"error\"\nclause = {c}\nmessage = {m}\n{}{}{}{}",
        check(1, "assert = \"dups == 1\"\npath = \"/code\"\nactual = \"dups\"\nmessage = { kk = \"{label} {twice}\", ru = \"{label} {twice}\", en = \"{label} appears {twice}/2 times\" }"),
        check(2, "when = \"item.qty > 0\"\nassert = \"item.qty <= 5\"\npath = \"/qty\"\nactual = \"item.qty\"\nexpected = \"dups\""),
        check(3, "when = \"has(item.unit)\"\nassert = \"twice == 2\"\nmessage = { kk = \"{label}\", ru = \"{label}\", en = \"{label} twice {twice}\" }"),
        check(4, "when = \"item.note == 'x'\"\nassert = \"true\"\npath = \"/note\"\nactual = \"item.qty\""),
        c = text("clause"),
        m = text("message {actual} {expected}"),
    )
}

/// [`rules`] over the parts of each line (`then_each`), each part bound as `elem`.
fn part_rules(shared: bool) -> String {
    let inner = rules(shared).replace("item.", "elem.").replace("doc.lines", "item.parts");
    inner.replace("for_each = \"/lines\"\n", "for_each = \"/lines\"\nthen_each = \"/parts\"\n")
}

fn pack(rules: &str) -> Pack {
    Pack::from_files(&fixture_pack("lets", "", TYPES, rules)).unwrap()
}

fn order(lines: Vec<Value>) -> Value {
    json!({"document_type": "order", "id": "O-1", "date": "2026-01-01", "lines": lines})
}

/// Lines every check passes on (distinct codes, a small quantity, a unit and a note).
fn clean(n: usize) -> Value {
    order((0..n).map(|i| json!({"code": format!("C{i}"), "qty": 0, "unit": "u", "note": "x"})).collect())
}

/// The fewest steps `doc` validates in (the budget is spent the same way on every run).
fn min_steps(p: &Pack, doc: &Value) -> u64 {
    let ok = |steps: u64| match p.validate(doc, &Options { max_steps: steps, ..Options::default() }) {
        Ok(_) => true,
        Err(InputError::BudgetExhausted(_)) => false,
        Err(e) => panic!("{e}"),
    };
    let (mut lo, mut hi) = (0u64, 1u64 << 32);
    assert!(ok(hi));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) { hi = mid } else { lo = mid }
    }
    hi
}

fn result(p: &Pack, doc: &Value, max_findings: usize) -> ValidationResult {
    p.validate(doc, &Options { max_findings, ..Options::default() }).unwrap()
}

#[test]
fn a_let_only_a_message_reads_costs_nothing_while_the_check_passes() {
    let with = |message: &str, lets: &str| {
        pack(&format!(
            "[[rule]]\nid = \"QTY-01\"\napplies_to = \"order\"\nseverity = \"error\"\nclause = {c}\nmessage = {m}\n\
             [[rule.check]]\nfor_each = \"/lines\"\nassert = \"item.qty <= 5\"\npath = \"/qty\"\n{lets}",
            c = text("clause"),
            m = text(message),
        ))
    };
    // `dups` walks every line for each line: quadratic, unless nothing reads it.
    let heavy = with("{dups} lines share the code", "[rule.check.let]\ndups = \"count(doc.lines, l, l.code == item.code)\"");
    let bare = with("too many", "");
    let doc = clean(300);
    assert_eq!(min_steps(&heavy, &doc), min_steps(&bare, &doc));
    // A line that fails it has its message written with the let's value.
    let mut lines = vec![json!({"code": "A", "qty": 9}), json!({"code": "A", "qty": 1})];
    lines.extend((0..3).map(|i| json!({"code": format!("C{i}"), "qty": 1})));
    let r = result(&heavy, &order(lines), 100);
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages, ["2 lines share the code"]);
}

#[test]
fn a_failing_checks_message_names_every_let_it_reads_and_those_they_read() {
    let p = pack(&rules(true));
    let doc = order(vec![json!({"code": "A", "qty": 1, "unit": "u", "note": "x"}), json!({"code": "A", "qty": 2, "note": "x"})]);
    let r = result(&p, &doc, 100);
    let got: Vec<(&str, &str, Option<&str>)> = r.findings.iter().map(|f| (f.path.as_str(), f.message.as_str(), f.actual.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("/lines/0/code", "code A appears 4/2 times", Some("2")),
            ("/lines/1/code", "code A appears 4/2 times", Some("2")),
            ("/lines/0", "code A twice 4", None),
        ]
    );
}

#[test]
fn an_overflow_in_a_let_nothing_read_still_makes_a_check_that_could_not_run_an_overflow_finding() {
    // Check 4's `when` reads an absent note: it could not run. Its `big` overflows (a quantity
    // that is not 0), which makes that an overflow finding, as when every let ran first.
    for shared in [true, false] {
        let p = pack(&rules(shared));
        let r = result(&p, &order(vec![json!({"code": "A", "qty": 3, "unit": "u"}), json!({"code": "B", "qty": 0, "unit": "u"})]), 100);
        let got: Vec<(&str, &str)> = r.findings.iter().map(|f| (f.path.as_str(), f.message.as_str())).collect();
        assert_eq!(got, [("/lines/0/note", "overflow 3"), ("/lines/1/note", "not checked: absent /lines/1/note")], "shared: {shared}");
    }
}

#[test]
fn shared_lets_give_the_findings_of_unshared_ones_in_the_same_order() {
    let (shared, unshared) = (pack(&rules(true)), pack(&rules(false)));
    let docs = [
        clean(5),
        order(vec![
            json!({"code": "A", "qty": 9, "unit": "u", "note": "x"}),
            json!({"code": "A", "qty": 1}),
            json!({"code": "B", "qty": 7, "note": "y"}),
            json!({"qty": 2, "unit": "u"}),
            json!({"code": "B", "qty": 0, "unit": "u", "note": "x"}),
            json!({"code": "C"}),
        ]),
        order((0..20).map(|i| json!({"code": format!("C{}", i % 3), "qty": i, "unit": "u"})).collect()),
    ];
    for doc in &docs {
        // Every cap too: the findings kept when the result is cut are the same ones.
        for cap in [1, 2, 3, 5, 8, 13, 1000] {
            let (a, b) = (result(&shared, doc, cap), result(&unshared, doc, cap));
            assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap(), "cap {cap} on {doc}");
        }
    }
    // The same over `then_each` elements: the parts of each line.
    let (shared, unshared) = (pack(&part_rules(true)), pack(&part_rules(false)));
    for doc in &docs {
        let doc = order(vec![json!({"code": "L", "parts": doc["lines"].clone()}), json!({"code": "M", "parts": doc["lines"].clone()})]);
        for cap in [1, 2, 3, 5, 8, 13, 1000] {
            let (a, b) = (result(&shared, &doc, cap), result(&unshared, &doc, cap));
            assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap(), "parts, cap {cap} on {doc}");
        }
        assert!(min_steps(&shared, &doc) < min_steps(&unshared, &doc), "lets shared over parts too");
    }
    let shared = pack(&rules(true));
    // Not a vacuous comparison: the documents have findings of every check, cut by the caps.
    let r = result(&shared, &docs[1], 1000);
    assert!(r.findings.len() > 6 && !r.truncated, "{:?}", r.findings);
    assert!(result(&shared, &docs[2], 5).truncated);
}

#[test]
fn lets_shared_by_consecutive_checks_are_evaluated_once_per_item() {
    // Checks 1 and 3 read `dups` (quadratic): evaluated once per line when shared, twice else.
    let (shared, unshared) = (pack(&rules(true)), pack(&rules(false)));
    let doc = clean(200);
    let (a, b) = (min_steps(&shared, &doc), min_steps(&unshared, &doc));
    assert!(a * 3 < b * 2, "shared {a} steps, unshared {b}");
}

#[test]
fn a_pack_compiled_without_sources_shares_the_same_lets() {
    // Without source texts the lets are compared by their compiled form.
    let p = pack(&rules(true));
    let bare = Pack::from_compiled(&p.to_compiled_with(CompileOptions { tests: true, sources: false })).unwrap();
    let doc = clean(100);
    assert_eq!(min_steps(&bare, &doc), min_steps(&p, &doc));
    assert!(min_steps(&bare, &doc) < min_steps(&pack(&rules(false)), &doc));
}

/// A rule of one check over `/lines` with the lets and assert given.
fn one_check(lets: &str, assert: &str) -> Pack {
    pack(&format!(
        "[[rule]]\nid = \"QTY-02\"\napplies_to = \"order\"\nseverity = \"error\"\nclause = {c}\nmessage = {m}\n\
         [[rule.check]]\nfor_each = \"/lines\"\nassert = \"{assert}\"\npath = \"/qty\"\nactual = \"item.qty\"\n[rule.check.let]\n{lets}",
        c = text("clause"),
        m = text("message {actual}"),
    ))
}

#[test]
fn a_let_that_the_assert_passes_over_is_never_evaluated() {
    // `dups` is quadratic; `||` decides on the quantity first, so it is read only for a line
    // over 5, and costs what a constant in its place costs.
    let dups = "dups = \"count(doc.lines, l, l.code == item.code)\"";
    let lazy = one_check(dups, "item.qty <= 5 || dups == 1");
    let constant = one_check(dups, "item.qty <= 5 || 1 == 1");
    let doc = clean(300);
    assert_eq!(min_steps(&lazy, &doc), min_steps(&constant, &doc));
    // Read where it decides: the line over 5 with a repeated code fails, the unique one passes.
    let doc = order(vec![json!({"code": "A", "qty": 9}), json!({"code": "A", "qty": 1}), json!({"code": "B", "qty": 8})]);
    let paths: Vec<String> = result(&lazy, &doc, 100).findings.into_iter().map(|f| f.path).collect();
    assert_eq!(paths, ["/lines/0/qty"]);
}

#[test]
fn a_quantifier_variable_keeps_its_slot_from_a_later_let_not_evaluated_yet() {
    // The variable `m` of `many`'s inner quantifier takes the slot of `word`, the let after
    // `many` (`l` takes `many`'s own); `word` is deferred when `many` runs, and `m` must still
    // read the lines.
    let p = one_check("many = \"any(doc.lines, l, any(doc.lines, m, m.qty > 5 && l.qty > 0))\"\nword = \"'x' + item.code\"", "!many && word != ''");
    let doc = order(vec![json!({"code": "A", "qty": 1}), json!({"code": "B", "qty": 2})]);
    assert!(result(&p, &doc, 100).findings.is_empty());
    let doc = order(vec![json!({"code": "A", "qty": 1}), json!({"code": "B", "qty": 9})]);
    let r = result(&p, &doc, 100);
    let got: Vec<(&str, &str)> = r.findings.iter().map(|f| (f.path.as_str(), f.message.as_str())).collect();
    assert_eq!(got, [("/lines/0/qty", "message 1"), ("/lines/1/qty", "message 9")]);
}

#[test]
fn checks_of_the_document_share_their_leading_lets_too() {
    // Two checks of the order itself begin with `pairs` (quadratic): evaluated once when they
    // share it, the same findings either way.
    let rule = |shared: bool| {
        let check = |n: usize, assert: &str| {
            let own = if shared { 0 } else { n };
            format!("\n[[rule.check]]\nassert = \"{assert}\"\npath = \"/lines\"\nactual = \"pairs\"\n[rule.check.let]\nown = \"{own}\"\npairs = \"count(doc.lines, l, count(doc.lines, m, m.code == l.code) > 1)\"\n")
        };
        pack(&format!(
            "[[rule]]\nid = \"DUP-01\"\napplies_to = \"order\"\nseverity = \"error\"\nclause = {c}\nmessage = {m}\n{}{}",
            check(1, "pairs == 0"),
            check(2, "pairs < 3"),
            c = text("clause"),
            m = text("message {actual}"),
        ))
    };
    let (shared, unshared) = (rule(true), rule(false));
    let doc = clean(100);
    assert!(min_steps(&shared, &doc) * 3 < min_steps(&unshared, &doc) * 2);
    for doc in [clean(5), order(vec![json!({"code": "A"}), json!({"code": "A"}), json!({"code": "A"}), json!({"code": "B"})])] {
        let (a, b) = (result(&shared, &doc, 100), result(&unshared, &doc, 100));
        assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());
    }
    let r = result(&shared, &order(vec![json!({"code": "A"}), json!({"code": "A"}), json!({"code": "A"})]), 100);
    let got: Vec<(&str, &str)> = r.findings.iter().map(|f| (f.path.as_str(), f.message.as_str())).collect();
    assert_eq!(got, [("/lines", "message 3"), ("/lines", "message 3")]);
}
