//! Cross-document rules are linear in the size of a bundle (issue 12, row 12): DSP-07 once
//! compared each dispensing with every other dispensing of the same patient, so 700 of them ran
//! out of the evaluation budget and the documented limit of 10,000 documents could not be reached
//! with real members. Cost is measured in evaluation steps (the budget), never in time.
use qagida::{Finding, InputError, Options, Pack, ValidationResult};
use serde_json::{Value, json};

fn example_members() -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/examples/valid/bundle.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["documents"].as_array().unwrap().clone()
}

/// The example bundle's conclusion and prescription, then `n` dispensings of its first
/// dispensing to the same patient, every 30 days a 28-day supply (alternately spelling the INN
/// as the example's two dispensings do), each with its own id.
fn one_patient(n: usize) -> Value {
    let m = example_members();
    let mut docs = vec![m[0].clone(), m[1].clone()];
    let first = chrono::NaiveDate::from_ymd_opt(2026, 6, 11).unwrap();
    for i in 0..n {
        let mut d = m[2 + i % 2].clone();
        d["id"] = json!(format!("D-2026-{i:07}"));
        d["supply_days"] = json!(28);
        let day = first + chrono::Days::new(30 * i as u64);
        d["dispensed_at"] = json!(format!("{day}T10:40:00+05:00"));
        docs.push(d);
    }
    json!({"document_type": "bundle", "id": "BUNDLE-ONE-PATIENT", "documents": docs})
}

/// `n` members: the example bundle's members repeated, copy `k` with its ids, references,
/// patient IIN and organisation BINs suffixed (`…-k`, `k` in the last digits) so that each
/// copy is a case of its own, as in a real bundle of many patients.
fn many_patients(n: usize) -> Value {
    let members = example_members();
    let docs: Vec<Value> = (0..n)
        .map(|i| {
            let k = i / members.len();
            let mut m = members[i % members.len()].clone();
            if let Some(Value::String(s)) = m.get("id") {
                m["id"] = json!(format!("{s}-{k}"));
            }
            rewrite(&mut m, k);
            m
        })
        .collect();
    json!({"document_type": "bundle", "id": "BUNDLE-MANY", "documents": docs})
}

fn rewrite(v: &mut Value, k: usize) {
    match v {
        Value::Object(o) => {
            for (key, child) in o.iter_mut() {
                match (key.as_str(), &mut *child) {
                    ("mdt_conclusion_id" | "prescription_id", Value::String(s)) => *s = format!("{s}-{k}"),
                    ("iin" | "bin", Value::String(s)) if s.len() == 12 => *s = valid_id(&s[..7], k),
                    _ => rewrite(child, k),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rewrite(c, k)),
        _ => {}
    }
}

/// Appends the check digit to 11 digits (the IIN/BIN algorithm); `None` when there is none.
fn with_check_digit(first11: &str) -> Option<String> {
    let d: Vec<u32> = first11.bytes().map(|b| u32::from(b - b'0')).collect();
    let pass = |w: [u32; 11]| d.iter().zip(w).map(|(d, w)| d * w).sum::<u32>() % 11;
    let c = match pass([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) {
        10 => match pass([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) {
            10 => return None,
            c => c,
        },
        c => c,
    };
    Some(format!("{first11}{c}"))
}

/// The `k`-th of distinct valid 12-digit numbers starting with `prefix7` (an IIN's birth date
/// and century digit, a BIN's year, month and kind), as the benchmarks' generator makes them.
fn valid_id(prefix7: &str, k: usize) -> String {
    (0..).find_map(|serial: usize| with_check_digit(&format!("{prefix7}{:04}", (k * 2 + serial) % 10_000))).unwrap()
}

fn validate(p: &Pack, doc: &Value, max_steps: u64) -> Result<ValidationResult, InputError> {
    p.validate(doc, &Options { max_steps, ..Options::default() })
}

/// The fewest steps `doc` validates in (within 2 %), by bisection on the budget.
fn steps_needed(p: &Pack, doc: &Value) -> u64 {
    let ok = |b: u64| match validate(p, doc, b) {
        Ok(_) => true,
        Err(InputError::BudgetExhausted(_)) => false,
        Err(e) => panic!("{e}"),
    };
    let (mut lo, mut hi) = (0u64, Options::default().max_steps);
    assert!(ok(hi), "does not validate within the default budget");
    while hi - lo > hi / 50 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) { hi = mid } else { lo = mid }
    }
    hi
}

fn dsp07(r: &ValidationResult) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.rule_id == "DSP-07").collect()
}

#[test]
fn seven_hundred_dispensings_of_one_patient_validate_within_the_default_budget() {
    let p = Pack::embedded().unwrap();
    let mut doc = one_patient(700);
    let r = validate(&p, &doc, Options::default().max_steps).unwrap();
    assert!(dsp07(&r).is_empty(), "{:?}", dsp07(&r));
    // The 351st supply collected 10 days after the 350th (a 28-day supply): one overlap, at the
    // later dispensing — found among 700 as among 2.
    doc["documents"][2 + 350]["dispensed_at"] = json!(doc["documents"][2 + 349]["dispensed_at"].as_str().unwrap().replace("T10:40", "T10:39"));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 11).unwrap() + chrono::Days::new(30 * 349 + 10);
    doc["documents"][2 + 350]["dispensed_at"] = json!(format!("{day}T10:40:00+05:00"));
    let r = validate(&p, &doc, Options::default().max_steps).unwrap();
    let found: Vec<(&str, &str)> = dsp07(&r).iter().map(|f| (f.path.as_str(), f.severity.as_str())).collect();
    assert_eq!(found, [("/documents/352/dispensed_at", "error")]);
}

#[test]
fn the_steps_of_one_patients_dispensings_grow_linearly() {
    let p = Pack::embedded().unwrap();
    let s100 = steps_needed(&p, &one_patient(100));
    let s1000 = steps_needed(&p, &one_patient(1_000));
    eprintln!("one patient: 102 members {s100} steps, 1,002 members {s1000} steps");
    assert!(s1000 < 11 * s100, "1,000 dispensings need {s1000} steps, 100 need {s100}");
    // Ten times as many again (10,000 members, the documented limit): within eleven times the
    // steps of 1,000 (a quadratic rule would need a hundred times).
    let r = validate(&p, &one_patient(9_998), 11 * s1000).unwrap();
    assert!(dsp07(&r).is_empty());
}

#[test]
fn a_bundle_of_ten_thousand_example_members_validates_within_the_default_budget() {
    let p = Pack::embedded().unwrap();
    let s1000 = steps_needed(&p, &many_patients(1_000));
    let doc = many_patients(10_000);
    eprintln!("example members: 1,000 members {s1000} steps");
    let r = validate(&p, &doc, Options::default().max_steps).unwrap();
    assert!(r.valid, "{:?}", r.findings.iter().take(5).collect::<Vec<_>>());
    assert!(!r.truncated);
    // Per document, the cost stays flat: 10,000 members within 11 times the steps of 1,000.
    validate(&p, &doc, 11 * s1000).unwrap();
}
