//! The same Order 29 checks in three engines, on the same documents:
//!
//! * **qagida**: the rules below, cut out of the default pack (`subset_pack`), and the full pack;
//! * **regorus** (Rego, the OPA language): the policy in `POLICY` below;
//! * **datalogic-rs** (JSONLogic): one rule built by `jsonlogic()` below.
//!
//! Each engine gets the document as JSON text (as it would arrive in a request) and returns the
//! set of violations (rule ID and JSON Pointer). Policies and rules are compiled once, outside
//! the timed loop. Before timing, every document, and every test case the pack carries for these
//! rules, is run through all three engines and their violation sets must agree (qagida's side:
//! its error and warning findings; its `info` findings, such as "not checked", are no
//! violations).
//!
//! Targets: qagida ≥ 5× faster than regorus and ≥ 1× datalogic-rs.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use datalogic_rs::operator::EvalContext;
use datalogic_rs::{ArenaExt, CustomOperator, DataValue, Engine, Logic};
use qagida::testing::case_document;
use qagida::{Options, Pack, Severity};
use qagida_benches::{example, subset_pack};
use serde_json::{Value as Json, json};

/// The rules mirrored in Rego and JSONLogic: 13 rules, 34 checks of their single-document parts
/// (12 `require` checks over 32 fields, 22 assertions).
const RULES: [&str; 13] = [
    "MDT-01", "MDT-03", "MDT-05", "RX-01", "RX-02", "RX-03", "RX-05", "RX-06", "RX-07", "RX-08", "DSP-02", "DSP-04", "DSP-05",
];

type Violations = BTreeSet<(String, String)>;

// ------------------------------------------------------------------------------------------
// Rego

const POLICY: &str = r#"
package qagida

import rego.v1

doc_type := input.document_type

get(p) := object.get(input, p, null)

ptr(p) := concat("", ["/", concat("/", p)])

# Present, non-null, not a blank string (qagida's `require`).
present(x) if {
	x != null
	not is_string(x)
}

present(x) if {
	is_string(x)
	trim_space(x) != ""
}

# Typed reads, as qagida's document model decodes them (a misfit reads as missing).
num(x) := x if is_number(x)

num(x) := to_number(trim_space(x)) if is_string(x)

int(x) := x if {
	is_number(x)
	x == floor(x)
}

str(x) := x if is_string(x)

between(x, lo, hi) if {
	x >= lo
	x <= hi
}

# qagida's norm_name: lower case, Cyrillic look-alikes as Latin, dashes and runs of spaces
# as one space, invisible characters dropped.
lookalikes := {
	"а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "һ": "h", "о": "o",
	"р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԛ": "q",
	"ԝ": "w", "-": " ", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "―": " ", "−": " ",
	"\t": " ", "\n": " ", "\r": " ", "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "",
	"\u2060": "", "\ufeff": "",
}

norm_name(s) := concat(" ", [w | some w in split(strings.replace_n(lookalikes, lower(s)), " "); w != ""])

# The IIN: 12 digits, a real birth date in the century of digit 7, and the check digit.
digit(c) := d if {
	d := indexof("0123456789", c)
	d >= 0
}

iin_valid(s) if {
	count(s) == 12
	ds := [d | some i in numbers.range(0, 11); d := digit(substring(s, i, 1))]
	count(ds) == 12
	birth_ok(ds)
	check_digit(ds) == ds[11]
}

w1 := [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

w2 := [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]

weighted(ds, w) := sum([(ds[i] * w[i]) | some i in numbers.range(0, 10)]) % 11

check_digit(ds) := c if {
	c := weighted(ds, w1)
	c != 10
}

check_digit(ds) := c if {
	weighted(ds, w1) == 10
	c := weighted(ds, w2)
	c != 10
}

century_base := [0, 1800, 1800, 1900, 1900, 2000, 2000]

birth_ok(ds) if {
	ds[6] >= 1
	ds[6] <= 6
	year := century_base[ds[6]] + (ds[0] * 10) + ds[1]
	month := (ds[2] * 10) + ds[3]
	day := (ds[4] * 10) + ds[5]
	between(month, 1, 12)
	between(day, 1, days_in_month(year, month))
}

leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap(y) if y % 400 == 0

days_in_month(y, m) := 29 if {
	m == 2
	leap(y)
}

days_in_month(y, m) := 28 if {
	m == 2
	not leap(y)
}

days_in_month(y, m) := [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] if m != 2

# ---- require checks: rule, document type, fields
required := [
	["MDT-01", "mdt_conclusion", [["nosology", "icd10"], ["nosology", "name"], ["drug", "inn"], ["drug", "strength"], ["single_dose", "amount"], ["single_dose", "unit"], ["doses_per_day"], ["course_days_per_month"], ["courses_per_year"], ["route"]]],
	["MDT-05", "mdt_conclusion", [["medical_organization", "care_level"]]],
	["RX-01", "prescription", [["form"], ["electronic"]]],
	["RX-02", "prescription", [["mdt_conclusion_id"]]],
	["RX-03", "prescription", [["single_dose", "amount"], ["single_dose", "unit"], ["route"], ["doses_per_day"], ["course_days"]]],
	["RX-05", "prescription", [["drug", "inn"]]],
	["RX-06", "prescription", [["mis_record_id"], ["dlo_record_id"]]],
	["RX-07", "prescription", [["prescriber", "role"], ["prescriber", "organization", "care_level"]]],
	["RX-08", "prescription", [["patient", "iin"]]],
	["DSP-02", "dispensing", [["quantity", "amount"], ["quantity", "unit"]]],
	["DSP-04", "dispensing", [["prescription_id"], ["channel"]]],
]

violations contains {"rule": r[0], "path": ptr(p)} if {
	some r in required
	r[1] == doc_type
	some p in r[2]
	not present(get(p))
}

# ---- MDT-03
violations contains {"rule": "MDT-03", "path": "/single_dose/amount"} if {
	doc_type == "mdt_conclusion"
	num(get(["single_dose", "amount"])) <= 0
}

mdt_ranges := [["doses_per_day", 1, 24], ["course_days_per_month", 1, 31], ["courses_per_year", 1, 12]]

violations contains {"rule": "MDT-03", "path": concat("", ["/", r[0]])} if {
	doc_type == "mdt_conclusion"
	some r in mdt_ranges
	not between(int(get([r[0]])), r[1], r[2])
	int(get([r[0]]))
}

violations contains {"rule": "MDT-03", "path": "/route"} if {
	doc_type == "mdt_conclusion"
	not str(get(["route"])) in {"oral", "intravenous", "subcutaneous", "intramuscular", "inhalation", "other"}
	str(get(["route"]))
}

# ---- MDT-05
violations contains {"rule": "MDT-05", "path": "/medical_organization/care_level"} if {
	doc_type == "mdt_conclusion"
	cl := str(get(["medical_organization", "care_level"]))
	not cl in {"specialized"}
}

# ---- RX-01
violations contains {"rule": "RX-01", "path": "/form"} if {
	doc_type == "prescription"
	norm_name(str(get(["form"]))) != norm_name("078/e")
}

violations contains {"rule": "RX-01", "path": "/electronic"} if {
	doc_type == "prescription"
	e := get(["electronic"])
	is_boolean(e)
	e != true
}

# ---- RX-03: what p.24 asks to state are positive counts
violations contains {"rule": "RX-03", "path": "/single_dose/amount"} if {
	doc_type == "prescription"
	num(get(["single_dose", "amount"])) <= 0
}

violations contains {"rule": "RX-03", "path": concat("", ["/", f])} if {
	doc_type == "prescription"
	some f in ["doses_per_day", "course_days"]
	int(get([f])) < 1
}

# ---- RX-05: INN against trade name only (no list look-up)
trade_name := tn if {
	tn := str(get(["drug", "trade_name"]))
	present(tn)
}

violations contains {"rule": "RX-05", "path": "/drug/inn"} if {
	doc_type == "prescription"
	norm_name(str(get(["drug", "inn"]))) == norm_name(trade_name)
}

trade_name_reason_ok if {
	r := str(get(["trade_name_reason"]))
	present(r)
	r in {"individual_intolerance"}
}

violations contains {"rule": "RX-05", "path": "/drug/trade_name"} if {
	doc_type == "prescription"
	trade_name
	not trade_name_reason_ok
}

# ---- RX-07
violations contains {"rule": "RX-07", "path": "/prescriber/organization/care_level"} if {
	doc_type == "prescription"
	cl := str(get(["prescriber", "organization", "care_level"]))
	not cl in {"primary", "specialized"}
}

violations contains {"rule": "RX-07", "path": "/prescriber/role"} if {
	doc_type == "prescription"
	role := str(get(["prescriber", "role"]))
	not role in {"doctor", "mid_level"}
}

violations contains {"rule": "RX-07", "path": "/prescriber/role"} if {
	doc_type == "prescription"
	get(["prescriber", "role"]) == "mid_level"
	get(["prescriber", "rural_without_doctor"]) != true
}

# ---- RX-08
violations contains {"rule": "RX-08", "path": "/patient/iin"} if {
	doc_type == "prescription"
	iin := str(get(["patient", "iin"]))
	not iin_valid(iin)
}

# ---- DSP-02
violations contains {"rule": "DSP-02", "path": "/quantity/amount"} if {
	doc_type == "dispensing"
	num(get(["quantity", "amount"])) <= 0
}

# ---- DSP-04
violations contains {"rule": "DSP-04", "path": "/channel"} if {
	doc_type == "dispensing"
	ch := str(get(["channel"]))
	not ch in {"egov_qr"}
}

# ---- DSP-05: for infusion forms. `drug.is_infusion` given decides; absent (or not a boolean),
# the rule is checked when the dispensing meets p.27 anyway (and then passes unless the
# supervisor's IIN is invalid); otherwise qagida says "not checked", an info, no violation.
infusion_settings := {"hospital_replacing"}

infusion_care_levels := {"primary", "specialized"}

meets_p27 if {
	str(get(["setting"])) in infusion_settings
	str(get(["organization", "care_level"])) in infusion_care_levels
	present(str(get(["supervised_by", "iin"])))
}

infusion if {
	doc_type == "dispensing"
	get(["drug", "is_infusion"]) == true
}

infusion if {
	doc_type == "dispensing"
	not is_boolean(get(["drug", "is_infusion"]))
	meets_p27
}

violations contains {"rule": "DSP-05", "path": "/setting"} if {
	infusion
	s := str(get(["setting"]))
	not s in infusion_settings
}

violations contains {"rule": "DSP-05", "path": ptr(p)} if {
	infusion
	some p in [["setting"], ["organization", "care_level"], ["supervised_by", "iin"]]
	not present(get(p))
}

violations contains {"rule": "DSP-05", "path": "/supervised_by/iin"} if {
	infusion
	iin := str(get(["supervised_by", "iin"]))
	not iin_valid(iin)
}

violations contains {"rule": "DSP-05", "path": "/organization/care_level"} if {
	infusion
	cl := str(get(["organization", "care_level"]))
	not cl in infusion_care_levels
}
"#;

/// The policy needs no reference data: no rule of the subset reads the pack's lists.
fn rego_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.add_policy("qagida.rego".into(), POLICY.into()).expect("policy compiles");
    engine
}

fn rego_eval(engine: &mut regorus::Engine, text: &str) -> regorus::Value {
    engine.set_input_json(text).expect("input");
    engine.eval_rule("data.qagida.violations".into()).expect("eval")
}

fn rego_violations(engine: &mut regorus::Engine, text: &str) -> Violations {
    let v: Json = serde_json::from_str(&rego_eval(engine, text).to_json_str().expect("json")).expect("json");
    match v {
        Json::Array(items) => items
            .iter()
            .map(|o| (o["rule"].as_str().unwrap_or("").to_string(), o["path"].as_str().unwrap_or("").to_string()))
            .collect(),
        _ => Violations::new(), // undefined: no violation
    }
}

// ------------------------------------------------------------------------------------------
// JSONLogic

/// `norm_name` as a custom JSONLogic operator: JSONLogic has no string replacement, so a
/// deployment would have to add it in Rust (here with qagida's own implementation).
struct NormName;

impl CustomOperator for NormName {
    fn evaluate<'a>(
        &self,
        args: &[&'a DataValue<'a>],
        _ctx: &mut EvalContext<'_, 'a>,
        arena: &'a bumpalo::Bump,
    ) -> datalogic_rs::Result<&'a DataValue<'a>> {
        Ok(match args.first().and_then(|a| a.as_str()) {
            Some(s) => arena.string(&qagida::formats::norm_name(s)),
            None => arena.null(),
        })
    }
}

fn var(p: &str) -> Json {
    json!({ "var": p })
}

fn is_type(x: &Json, t: &str) -> Json {
    json!({ "==": [{ "type": x }, t] })
}

/// qagida's `present`: not null, and not a blank string.
fn present(p: &str) -> Json {
    let x = var(p);
    json!({ "if": [is_type(&x, "string"), { "!==": [{ "trim": x }, ""] }, { "!==": [x, null] }] })
}

/// A violation of `rule` at `ptr` when `cond` holds.
fn violation(cond: Json, rule: &str, ptr: &str) -> Json {
    json!({ "if": [cond, [rule, ptr], null] })
}

fn require(rule: &str, fields: &[&str]) -> Vec<Json> {
    fields.iter().map(|f| violation(json!({ "!": present(f) }), rule, &format!("/{}", f.replace('.', "/")))).collect()
}

/// A number field (JSON number or decimal string) that is ≤ 0.
fn not_positive(p: &str) -> Json {
    let x = var(p);
    json!({ "and": [
        { "or": [is_type(&x, "number"), { "and": [is_type(&x, "string"), { "!==": [{ "trim": x }, ""] }] }] },
        { "<=": [x, 0] }
    ] })
}

/// An integer field (a JSON number with no fraction) outside `lo..=hi`.
fn int_outside(p: &str, lo: i64, hi: i64) -> Json {
    let x = var(p);
    json!({ "and": [is_type(&x, "number"), { "==": [{ "%": [x, 1] }, 0] }, { "or": [{ "<": [x, lo] }, { ">": [x, hi] }] }] })
}

/// An integer field (a JSON number with no fraction) below `lo`.
fn int_below(p: &str, lo: i64) -> Json {
    let x = var(p);
    json!({ "and": [is_type(&x, "number"), { "==": [{ "%": [x, 1] }, 0] }, { "<": [x, lo] }] })
}

/// A string field not in `allowed`.
fn str_not_in(p: &str, allowed: &[&str]) -> Json {
    let x = var(p);
    json!({ "and": [is_type(&x, "string"), { "!": { "in": [x, allowed] } }] })
}

/// A string field in `allowed`.
fn str_in(p: &str, allowed: &[&str]) -> Json {
    let x = var(p);
    json!({ "and": [is_type(&x, "string"), { "in": [x, allowed] }] })
}

/// qagida's `has` of a string field: a string, not blank.
fn has_str(p: &str) -> Json {
    json!({ "and": [is_type(&var(p), "string"), present(p)] })
}

/// `iin_valid(x)` in plain JSONLogic: 12 digits, a real birth date in the century of digit 7,
/// and the check digit (weights 1..11, then 3..11,1,2 when the first pass gives 10).
fn iin_valid(x: &Json) -> Json {
    let d = |i: usize| json!({ "+": [{ "substr": [x, i, 1] }] });
    let all_digits: Vec<Json> = (0..12).map(|i| json!({ "in": [{ "substr": [x, i, 1] }, "0123456789"] })).collect();
    let weighted = |w: [i64; 11]| {
        let terms: Vec<Json> = (0..11).map(|i| json!({ "*": [d(i), w[i]] })).collect();
        json!({ "%": [{ "+": terms }, 11] })
    };
    let c1 = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    let c2 = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    let check_ok = json!({ "if": [
        { "!==": [c1, 10] }, { "===": [c1, d(11)] },
        { "and": [{ "!==": [c2, 10] }, { "===": [c2, d(11)] }] }
    ] });
    let century = d(6);
    let year = json!({ "+": [
        { "if": [{ "<=": [century, 2] }, 1800, { "<=": [century, 4] }, 1900, 2000] },
        { "*": [d(0), 10] }, d(1)
    ] });
    let month = json!({ "+": [{ "*": [d(2), 10] }, d(3)] });
    let day = json!({ "+": [{ "*": [d(4), 10] }, d(5)] });
    let leap = json!({ "and": [{ "==": [{ "%": [year, 4] }, 0] }, { "or": [{ "!=": [{ "%": [year, 100] }, 0] }, { "==": [{ "%": [year, 400] }, 0] }] }] });
    let dim = json!({ "if": [
        { "==": [month, 2] }, { "if": [leap, 29, 28] },
        { "in": [month, [4, 6, 9, 11]] }, 30,
        31
    ] });
    json!({ "and": [
        is_type(x, "string"),
        { "==": [{ "length": x }, 12] },
        { "and": all_digits },
        { ">=": [century, 1] }, { "<=": [century, 6] },
        { ">=": [month, 1] }, { "<=": [month, 12] },
        { ">=": [day, 1] }, { "<=": [day, dim] },
        check_ok
    ] })
}

/// The JSONLogic rule: the list of violations `[rule, pointer]` of the document.
fn jsonlogic() -> Json {
    let mdt = {
        let mut v = require("MDT-01", &[
            "nosology.icd10", "nosology.name", "drug.inn", "drug.strength", "single_dose.amount", "single_dose.unit",
            "doses_per_day", "course_days_per_month", "courses_per_year", "route",
        ]);
        v.push(violation(not_positive("single_dose.amount"), "MDT-03", "/single_dose/amount"));
        v.push(violation(int_outside("doses_per_day", 1, 24), "MDT-03", "/doses_per_day"));
        v.push(violation(int_outside("course_days_per_month", 1, 31), "MDT-03", "/course_days_per_month"));
        v.push(violation(int_outside("courses_per_year", 1, 12), "MDT-03", "/courses_per_year"));
        v.push(violation(
            str_not_in("route", &["oral", "intravenous", "subcutaneous", "intramuscular", "inhalation", "other"]),
            "MDT-03",
            "/route",
        ));
        v.extend(require("MDT-05", &["medical_organization.care_level"]));
        v.push(violation(str_not_in("medical_organization.care_level", &["specialized"]), "MDT-05", "/medical_organization/care_level"));
        v
    };
    let rx = {
        let mut v = require("RX-01", &["form", "electronic"]);
        let form = var("form");
        v.push(violation(
            json!({ "and": [is_type(&form, "string"), { "!==": [{ "norm_name": form }, qagida::formats::norm_name("078/e")] }] }),
            "RX-01",
            "/form",
        ));
        let el = var("electronic");
        v.push(violation(json!({ "and": [is_type(&el, "boolean"), { "!==": [el, true] }] }), "RX-01", "/electronic"));
        v.extend(require("RX-02", &["mdt_conclusion_id"]));
        v.extend(require("RX-03", &["single_dose.amount", "single_dose.unit", "route", "doses_per_day", "course_days"]));
        v.push(violation(not_positive("single_dose.amount"), "RX-03", "/single_dose/amount"));
        v.push(violation(int_below("doses_per_day", 1), "RX-03", "/doses_per_day"));
        v.push(violation(int_below("course_days", 1), "RX-03", "/course_days"));
        v.extend(require("RX-05", &["drug.inn"]));
        let inn = var("drug.inn");
        let trade_name = var("drug.trade_name");
        v.push(violation(
            json!({ "and": [
                has_str("drug.trade_name"),
                is_type(&inn, "string"),
                { "===": [{ "norm_name": inn }, { "norm_name": trade_name }] }
            ] }),
            "RX-05",
            "/drug/inn",
        ));
        v.push(violation(
            json!({ "and": [
                has_str("drug.trade_name"),
                { "!": { "and": [has_str("trade_name_reason"), str_in("trade_name_reason", &["individual_intolerance"])] } }
            ] }),
            "RX-05",
            "/drug/trade_name",
        ));
        v.extend(require("RX-06", &["mis_record_id", "dlo_record_id"]));
        v.extend(require("RX-07", &["prescriber.role", "prescriber.organization.care_level"]));
        v.push(violation(
            str_not_in("prescriber.organization.care_level", &["primary", "specialized"]),
            "RX-07",
            "/prescriber/organization/care_level",
        ));
        v.push(violation(str_not_in("prescriber.role", &["doctor", "mid_level"]), "RX-07", "/prescriber/role"));
        v.push(violation(
            json!({ "and": [{ "===": [var("prescriber.role"), "mid_level"] }, { "!==": [var("prescriber.rural_without_doctor"), true] }] }),
            "RX-07",
            "/prescriber/role",
        ));
        v.extend(require("RX-08", &["patient.iin"]));
        let iin = var("patient.iin");
        v.push(violation(json!({ "and": [is_type(&iin, "string"), { "!": iin_valid(&iin) }] }), "RX-08", "/patient/iin"));
        v
    };
    let dsp = {
        let mut v = require("DSP-02", &["quantity.amount", "quantity.unit"]);
        v.push(violation(not_positive("quantity.amount"), "DSP-02", "/quantity/amount"));
        v.extend(require("DSP-04", &["prescription_id", "channel"]));
        v.push(violation(str_not_in("channel", &["egov_qr"]), "DSP-04", "/channel"));
        // `drug.is_infusion` given decides; absent (or not a boolean), the rule is checked when
        // the dispensing meets p.27 anyway; otherwise qagida's "not checked" info, no violation.
        let settings = ["hospital_replacing"];
        let care_levels = ["primary", "specialized"];
        let is_infusion = var("drug.is_infusion");
        let meets_p27 = json!({ "and": [
            str_in("setting", &settings),
            str_in("organization.care_level", &care_levels),
            has_str("supervised_by.iin")
        ] });
        let infusion = json!({ "if": [is_type(&is_infusion, "boolean"), { "===": [is_infusion, true] }, meets_p27] });
        let mut inf = vec![violation(str_not_in("setting", &settings), "DSP-05", "/setting")];
        inf.extend(require("DSP-05", &["setting", "organization.care_level", "supervised_by.iin"]));
        let sup = var("supervised_by.iin");
        inf.push(violation(json!({ "and": [is_type(&sup, "string"), { "!": iin_valid(&sup) }] }), "DSP-05", "/supervised_by/iin"));
        inf.push(violation(str_not_in("organization.care_level", &care_levels), "DSP-05", "/organization/care_level"));
        for x in inf {
            v.push(json!({ "if": [infusion, x, null] }));
        }
        v
    };
    let found = |items: Vec<Json>| json!({ "filter": [items, { "!==": [{ "var": "" }, null] }] });
    let ty = var("document_type");
    json!({ "if": [
        { "===": [ty, "mdt_conclusion"] }, found(mdt),
        { "===": [ty, "prescription"] }, found(rx),
        { "===": [ty, "dispensing"] }, found(dsp),
        []
    ] })
}

fn jsonlogic_engine() -> Engine {
    Engine::builder().add_operator("norm_name", NormName).build()
}

fn jsonlogic_violations(engine: &Engine, logic: &Logic, text: &str) -> Violations {
    let mut session = engine.session();
    let out = session.eval_str(logic, text).expect("eval");
    let v: Json = serde_json::from_str(&out).expect("json");
    v.as_array()
        .into_iter()
        .flatten()
        .map(|p| (p[0].as_str().unwrap_or("").to_string(), p[1].as_str().unwrap_or("").to_string()))
        .collect()
}

// ------------------------------------------------------------------------------------------

/// qagida's violations of the chosen rules: its findings of severity error and warning. Its
/// `info` findings ("not checked": a check could not run for absent data, or an `info` check's
/// note) are no judgment of the document, and the peers encode judgments only, so they are
/// left out of the comparison.
fn qagida_violations(pack: &Pack, text: &str) -> Violations {
    let r = pack.validate_bytes(text.as_bytes(), &Options::default()).expect("validates");
    r.findings
        .iter()
        .filter(|f| RULES.contains(&f.rule_id.as_str()) && matches!(f.severity, Severity::Error | Severity::Warning))
        .map(|f| (f.rule_id.clone(), f.path.clone()))
        .collect()
}

/// The documents timed: the valid and invalid examples of the three document types.
fn documents() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in ["valid", "invalid"] {
        for name in ["mdt_conclusion", "prescription", "dispensing"] {
            let text = String::from_utf8(example(kind, name)).expect("utf-8");
            out.push((format!("{kind}_{name}"), text));
        }
    }
    out
}

/// Every single-document test case the pack carries for the chosen rules (fixture + patch).
fn test_case_documents(pack: &Pack) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rule in pack.rules.iter().filter(|r| RULES.contains(&r.id.as_str())) {
        // Single documents only (a rule may also have bundle cases: not mirrored here).
        for t in rule.tests.iter().filter(|t| ["mdt_conclusion", "prescription", "dispensing"].contains(&t.fixture.as_str())) {
            let doc = case_document(pack, t).expect("patch");
            out.push((format!("{} / {}", rule.id, t.name), doc.to_string()));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let full = Pack::embedded().expect("embedded pack");
    let subset = subset_pack(&RULES);
    let mut rego = rego_engine();
    let dl = jsonlogic_engine();
    let logic = dl.compile(&jsonlogic().to_string()).expect("JSONLogic compiles");

    // Agreement, once, outside timing: the same violations from all three engines.
    let docs = documents();
    let mut checked = 0;
    for (name, text) in docs.iter().chain(test_case_documents(&full).iter()) {
        let q = qagida_violations(&subset, text);
        assert_eq!(q, qagida_violations(&full, text), "{name}: the subset pack and the full pack disagree");
        let r = rego_violations(&mut rego, text);
        let j = jsonlogic_violations(&dl, &logic, text);
        assert_eq!(q, r, "{name}: qagida and regorus disagree");
        assert_eq!(q, j, "{name}: qagida and datalogic-rs disagree");
        checked += 1;
    }
    eprintln!("peers: {checked} documents, identical violations from qagida, regorus and datalogic-rs");

    let opts = Options::default();
    let mut g = c.benchmark_group("peers");
    for (name, text) in &docs {
        g.bench_function(format!("qagida_subset/{name}"), |b| {
            b.iter(|| black_box(subset.validate_bytes(black_box(text.as_bytes()), &opts).expect("validates")))
        });
        g.bench_function(format!("qagida_full/{name}"), |b| {
            b.iter(|| black_box(full.validate_bytes(black_box(text.as_bytes()), &opts).expect("validates")))
        });
        g.bench_function(format!("regorus/{name}"), |b| b.iter(|| black_box(rego_eval(&mut rego, black_box(text)))));
        let mut session = dl.session();
        g.bench_function(format!("datalogic/{name}"), |b| {
            b.iter(|| {
                black_box(session.eval_borrowed(&logic, black_box(text.as_str())).expect("eval"));
                session.reset();
            })
        });
    }
    g.finish();
}

/// One engine on one document `N` times and nothing else, to count its instructions
/// (callgrind) rather than time it: `PEERS_LOOP=ENGINE:DOCUMENT:N` with ENGINE `qagida`
/// (the 13-rule pack), `datalogic` or `regorus` and DOCUMENT a name of `documents()`, e.g.
/// `valid_dispensing`. Count two values of N and divide the difference.
fn instruction_loop(spec: &str) {
    let mut parts = spec.split(':');
    let (engine, doc, n) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().and_then(|n| n.parse::<usize>().ok()).unwrap_or(1000));
    let docs = documents();
    let Some((_, text)) = docs.iter().find(|(name, _)| name == doc) else {
        panic!("PEERS_LOOP: no document {doc:?}; one of {:?}", docs.iter().map(|(n, _)| n).collect::<Vec<_>>());
    };
    match engine {
        "qagida" => {
            let subset = subset_pack(&RULES);
            let opts = Options::default();
            for _ in 0..n {
                black_box(subset.validate_bytes(black_box(text.as_bytes()), &opts).expect("validates"));
            }
        }
        "datalogic" => {
            let dl = jsonlogic_engine();
            let logic = dl.compile(&jsonlogic().to_string()).expect("JSONLogic compiles");
            let mut session = dl.session();
            for _ in 0..n {
                black_box(session.eval_borrowed(&logic, black_box(text.as_str())).expect("eval"));
                session.reset();
            }
        }
        "regorus" => {
            let mut rego = rego_engine();
            for _ in 0..n {
                black_box(rego_eval(&mut rego, black_box(text)));
            }
        }
        other => panic!("PEERS_LOOP: no engine {other:?} (qagida, datalogic or regorus)"),
    }
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(spec) = std::env::var("PEERS_LOOP") {
        instruction_loop(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
