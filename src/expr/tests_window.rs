//! `find_all_by` and `max_before`: lookups by keys computed per element, indexed once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;

use serde_json::{Value as Json, json};

use super::*;
use crate::types::RecordType;

fn rec(name: &str, fields: &[(&str, Type)]) -> Type {
    Type::Record(Arc::new(RecordType { name: name.to_owned(), fields: fields.iter().map(|(n, t)| ((*n).to_owned(), t.clone())).collect() }))
}

/// `doc` (rows of `g`, `t`, `id`, `n`), `as_of`, `params`, then `item` (a row) as a `for_each`
/// check binds it.
fn scope() -> Scope {
    let row = rec("row", &[("g", Type::String), ("t", Type::DateTime), ("id", Type::String), ("n", Type::Number)]);
    let mut s = Scope::new();
    s.bind("doc", rec("bundle", &[("rows", Type::List(Box::new(row.clone())))]));
    s.bind("as_of", Type::Date);
    s.bind("params", rec("params", &[("base", Type::Number)]));
    s.bind("item", row);
    s
}

fn rows() -> Json {
    json!({"rows": [
        {"g": "a", "t": "2026-04-01T10:00:00+05:00", "id": "1", "n": 30},
        {"g": "b", "t": "2026-04-01T10:00:00+05:00", "id": "2", "n": 99},
        {"g": "a", "t": "2026-04-03T10:00:00+05:00", "id": "3", "n": 5},
        {"g": "a", "t": "2026-04-02T00:00:00Z", "id": "4"},
        {"g": "a", "t": "2026-04-03T05:00:00Z", "id": "0", "n": 7},
        {"t": "2026-04-01T10:00:00+05:00", "id": "5", "n": 1000}
    ]})
}

/// Evaluates `src` with `item` = row `item` of `doc`; returns the value and the environment's
/// index count and steps spent.
fn run(src: &str, doc: &Json, item: usize) -> (String, usize, u64) {
    let e = compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    let p = json!({"base": 0});
    let it = &doc["rows"][item];
    let dm_it = crate::document::Json::from_serde(it);
    let dm_p = crate::document::Json::from_serde(&p);
    let dm_doc = crate::document::Json::from_serde(doc);
    let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()), Val::Json(&dm_p), Val::Json(&dm_it)], 10_000_000);
    let v = e.eval(&mut env).unwrap();
    assert_eq!(env.slots.len(), 4, "slots restored after {src}");
    (v.to_string(), env.windows.len(), 10_000_000 - env.steps_left)
}

fn ev(src: &str, item: usize) -> String {
    run(src, &rows(), item).0
}

fn compile_err(src: &str) -> String {
    compile(src, &scope()).map(|_| ()).unwrap_err().message
}

#[test]
fn find_all_by_matches_a_computed_composite_key_in_list_order() {
    assert_eq!(ev("size(find_all_by(doc.rows, r, r.g, 'a'))", 0), "4");
    assert_eq!(ev("find_all_by(doc.rows, r, [r.g, r.n > 6], ['a', true])[1].id", 0), "0");
    assert_eq!(ev("size(find_all_by(doc.rows, r, [r.g, r.n > 6], ['a', true]))", 0), "2");
    // The key compares as `==` does: numbers by value.
    assert_eq!(ev("find_all_by(doc.rows, r, r.n * 2, 10.0)[0].id", 0), "3");
    // Nothing found is an empty list; a missing key looked up is missing.
    assert_eq!(ev("size(find_all_by(doc.rows, r, r.g, 'z'))", 0), "0");
    assert_eq!(ev("find_all_by(doc.rows, r, r.g, item.g) == null", 5), "true");
}

#[test]
fn max_before_is_the_greatest_value_of_the_group_ordered_before_the_bound() {
    let q = |bound: &str| format!("max_before(doc.rows, r, r.g, [r.t, r.id], r.n, item.g, {bound})");
    // Row 2 (3 April 10:00 Astana = 05:00 UTC, id 3): before it in group a are row 0 (30),
    // row 3 (no n: passed over) and row 4 (the same instant, id 0 < 3: 7).
    assert_eq!(ev(&q("[item.t, item.id]"), 2), "30");
    // Row 4 (id 0) at that instant comes before row 2: it sees rows 0 and 3 only.
    assert_eq!(ev(&q("[item.t, item.id]"), 4), "30");
    // Row 0 is the first of its group: nothing before it.
    assert_eq!(ev(&format!("{} == null", q("[item.t, item.id]")), 0), "true");
    // Group b has only row 1; the row without a group (5) is in no group.
    assert_eq!(ev(&format!("{} == null", q("[item.t, item.id]")), 1), "true");
    // A constant order and a greater bound: the greatest of the whole group.
    assert_eq!(ev("max_before(doc.rows, r, r.g, 0, r.n, 'a', 1)", 0), "30");
    assert_eq!(ev("max_before(doc.rows, r, r.g, 0, r.t, 'a', 1) == item.t + days(2)", 0), "true");
    // A missing key or bound gives missing.
    assert_eq!(ev("max_before(doc.rows, r, r.g, 0, r.n, item.g, 1) == null", 5), "true");
}

#[test]
fn the_keys_may_read_only_the_element_and_what_is_fixed_for_the_evaluation() {
    let m = compile_err("size(find_all_by(doc.rows, r, [r.g, item.id], ['a', 'b']))");
    assert!(m.contains("unknown name `item`") && m.contains("may read only `r`"), "{m}");
    // doc, params and as_of are allowed; item in the looked-up value is allowed.
    assert_eq!(ev("size(find_all_by(doc.rows, r, [r.g, r.n > params.base, size(doc.rows)], [item.g, true, 6]))", 0), "3");
    assert!(compile_err("max_before(doc.rows, r, r.g, r.t, r.n, 'a')").contains("takes 7 arguments"));
    assert!(compile_err("size(find_all_by(doc.rows, r, [r.g, r.n], ['a']))").contains("does not compare"));
    assert!(compile_err("max_before(doc.rows, r, r.g, r.t, r.n, 'a', 5)").contains("does not compare"));
    assert!(compile_err("size(find_all_by(doc.rows, r, r, item))").contains("a key must be"));
}

#[test]
fn calls_that_compute_the_same_keys_share_one_index_built_once() {
    // Two calls, one of them nested in a quantifier: one index.
    let (v, built, _) = run(
        "max_before(doc.rows, r, r.g, [r.t, r.id], r.n, 'a', [item.t, item.id]) == 30 && all(doc.rows, x, max_before(doc.rows, r, r.g, [r.t, r.id], r.n, 'a', [item.t, item.id]) != null)",
        &rows(),
        2,
    );
    assert_eq!((v.as_str(), built), ("true", 1));
    // Another value is another index.
    let (_, built, _) = run("max_before(doc.rows, r, r.g, 0, r.n, 'a', 1) > max_before(doc.rows, r, r.g, 0, r.n + 1, 'a', 1)", &rows(), 0);
    assert_eq!(built, 2);
}

/// `n` rows of one group, each looked up once from a quantifier over the list.
fn one_group(n: usize) -> Json {
    let rows: Vec<Json> = (0..n).map(|i| json!({"g": "a", "t": format!("2026-04-01T{:02}:{:02}:00Z", i / 60 % 24, i % 60), "id": format!("{i:06}"), "n": i})).collect();
    json!({ "rows": rows })
}

#[test]
fn every_element_asking_for_its_predecessors_costs_linear_steps_not_quadratic() {
    let src = "count(doc.rows, x, max_before(doc.rows, r, r.g, r.id, r.n, x.g, x.id) >= 0)";
    let (v1, _, s1) = run(src, &one_group(1_000), 0);
    let (v10, _, s10) = run(src, &one_group(10_000), 0);
    assert_eq!((v1.as_str(), v10.as_str()), ("999", "9999"));
    assert!(s10 < 11 * s1, "10,000 rows cost {s10} steps, 1,000 rows {s1}");
    let src = "count(doc.rows, x, size(find_all_by(doc.rows, r, r.id, x.id)) == 1)";
    let (_, _, s1) = run(src, &one_group(1_000), 0);
    let (_, _, s10) = run(src, &one_group(10_000), 0);
    assert!(s10 < 11 * s1, "10,000 rows cost {s10} steps, 1,000 rows {s1}");
}

/// The index a windowed lookup keeps, and the lists `find_all_by` returns, count toward the
/// memory budget: 10,000 rows under a 64 KiB budget stop with `MemoryExhausted`, never an
/// index the budget does not know of; 1 MiB holds them.
#[test]
fn a_windowed_index_and_its_results_count_toward_the_memory_budget() {
    let doc = one_group(10_000);
    let p = json!({"base": 0});
    let it = &doc["rows"][0];
    let eval_with = |src: &str, bytes: u64| {
        let e = compile(src, &scope()).unwrap();
        let dm_it = crate::document::Json::from_serde(it);
        let dm_p = crate::document::Json::from_serde(&p);
        let dm_doc = crate::document::Json::from_serde(&doc);
        let mut env = Env::new(vec![Val::Json(&dm_doc), Val::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()), Val::Json(&dm_p), Val::Json(&dm_it)], 10_000_000)
            .with_memory_budget(bytes);
        e.eval(&mut env).map(|v| v.to_string())
    };
    let index = "max_before(doc.rows, r, r.g, r.id, r.n, 'a', 'zzz')";
    assert_eq!(eval_with(index, 64 << 10), Err(EvalError::MemoryExhausted));
    assert_eq!(eval_with(index, 4 << 20).unwrap(), "9999");
    // The index of `find_all_by` (no running maxima) fits in 768 KiB; with its 10,000-element
    // result (48 bytes an element) it does not.
    let all = "size(find_all_by(doc.rows, r, r.g, 'a'))";
    let one = "size(find_all_by(doc.rows, r, r.id, '000001'))";
    assert_eq!(eval_with(one, 768 << 10).unwrap(), "1");
    assert_eq!(eval_with(all, 768 << 10), Err(EvalError::MemoryExhausted));
    assert_eq!(eval_with(all, 4 << 20).unwrap(), "10000");
}
