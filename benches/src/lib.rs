//! Shared inputs of the qagida benchmarks: the example documents, generated large documents,
//! and a pack cut down to a chosen set of rules. See ../BENCHMARKS.md.

use std::path::PathBuf;

use qagida::{Files, Pack};
use serde_json::{Value as Json, json};

/// The repository root (the benches crate lives in `benches/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Bytes of `examples/{valid,invalid}/NAME.json`.
pub fn example(kind: &str, name: &str) -> Vec<u8> {
    let p = root().join("examples").join(kind).join(format!("{name}.json"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Parsed `rules/kz-orphan/fixtures/NAME.json`.
pub fn fixture(name: &str) -> Json {
    let p = root().join("rules/kz-orphan/fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The document types whose valid and invalid examples the benchmarks use.
pub const EXAMPLE_TYPES: [&str; 7] = [
    "mdt_conclusion",
    "prescription",
    "dispensing",
    "personalized_need",
    "stock_report",
    "reconciliation_act",
    "monitoring_report",
];

/// A personalised need with `n` lines: the valid example's lines repeated, each with its own
/// MDT conclusion id.
pub fn need_with_lines(n: usize) -> Vec<u8> {
    let mut doc: Json = serde_json::from_slice(&example("valid", "personalized_need")).expect("need example");
    let templates = doc["lines"].as_array().cloned().expect("lines");
    let lines: Vec<Json> = (0..n)
        .map(|i| {
            let mut l = templates[i % templates.len()].clone();
            l["mdt_conclusion_id"] = json!(format!("MDT-2026-{i:06}"));
            l
        })
        .collect();
    doc["lines"] = Json::Array(lines);
    serde_json::to_vec(&doc).expect("serialise")
}

/// Appends the check digit to 11 digits (IIN/BIN algorithm); `None` when there is none.
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

/// The `k`-th of a series of distinct valid 12-digit numbers starting with `prefix7` (an IIN's
/// birth date and century digit, or a BIN's year, month, kind and attribute).
pub fn valid_id(prefix7: &str, k: usize) -> String {
    (0..)
        .filter_map(|serial: usize| with_check_digit(&format!("{prefix7}{:04}", (k * 2 + serial) % 10_000)))
        .next()
        .expect("some serial has a check digit")
}

/// A bundle of `n` documents: the bundle fixture's members repeated. Each copy `k` is an
/// independent case: every id and reference (`id`, `mdt_conclusion_id`, `prescription_id`)
/// gets the suffix `-k`, the patient a distinct valid IIN and organisations a distinct valid
/// BIN, so the cross-document rules (matching by id, by patient, by organisation and period)
/// find each copy's own documents, as in a real bundle of many patients.
pub fn bundle_of(n: usize) -> Vec<u8> {
    copies_of_the_bundle(n, |_, _| {})
}

/// A bundle of `n` documents of one patient: the bundle fixture's members repeated as in
/// [`bundle_of`] (each copy its own ids, references and organisations), but every copy keeps the
/// fixture's patient, and copy `k`'s dispensings are moved `60 k` days later, so that the one
/// patient's dispensings of one drug follow each other (n / 4 of them): the worst case of DSP-07,
/// which compares each dispensing with the patient's earlier ones.
pub fn bundle_one_patient(n: usize) -> Vec<u8> {
    let patient = fixture("bundle")["documents"][0]["patient"].clone();
    copies_of_the_bundle(n, |m, k| {
        if m.get("patient").is_some() {
            m["patient"] = patient.clone();
        }
        if let Some(Json::String(at)) = m.get("dispensed_at") {
            let at = later_by_days(at, 60 * k as u64);
            m["dispensed_at"] = json!(at);
        }
    })
}

/// The bundle fixture's members repeated to `n`: copy `k` of a member gets the suffix `-k` on
/// its id and references and copy `k`'s own patient IIN and organisation BINs, then `edit`.
fn copies_of_the_bundle(n: usize, edit: impl Fn(&mut Json, usize)) -> Vec<u8> {
    let mut doc = fixture("bundle");
    let members = doc["documents"].as_array().cloned().expect("documents");
    let docs: Vec<Json> = (0..n)
        .map(|i| {
            let k = i / members.len();
            let mut m = members[i % members.len()].clone();
            if let Some(Json::String(s)) = m.get("id") {
                let s = format!("{s}-{k}");
                m["id"] = json!(s);
            }
            rewrite_ids(&mut m, k);
            edit(&mut m, k);
            m
        })
        .collect();
    doc["documents"] = Json::Array(docs);
    serde_json::to_vec(&doc).expect("serialise")
}

/// A datetime `YYYY-MM-DDT…` moved `days` days later (the time and offset kept).
fn later_by_days(at: &str, days: u64) -> String {
    let (date, rest) = at.split_at(10);
    let date: chrono::NaiveDate = date.parse().expect("a date");
    let later = date.checked_add_days(chrono::Days::new(days)).expect("a date in range");
    format!("{later}{rest}")
}

/// Suffixes every reference (`mdt_conclusion_id`, `prescription_id`, also inside need lines)
/// with `-k`, and replaces every patient IIN (`patient.iin`) and organisation BIN
/// (`…organization.bin`) with copy `k`'s own valid number, keeping the IIN's birth date.
fn rewrite_ids(v: &mut Json, k: usize) {
    match v {
        Json::Object(o) => {
            for (key, child) in o.iter_mut() {
                match (key.as_str(), &*child) {
                    ("mdt_conclusion_id" | "prescription_id", Json::String(s)) => {
                        *child = json!(format!("{s}-{k}"));
                    }
                    ("patient", Json::Object(p)) => {
                        if let Some(Json::String(iin)) = p.get("iin") {
                            if iin.len() == 12 {
                                let new = valid_id(&iin[..7], k);
                                child["iin"] = json!(new);
                            }
                        }
                    }
                    ("organization" | "medical_organization", Json::Object(p)) => {
                        if let Some(Json::String(bin)) = p.get("bin") {
                            if bin.len() == 12 {
                                let new = valid_id(&bin[..7], k);
                                child["bin"] = json!(new);
                            }
                        }
                    }
                    _ => {}
                }
                rewrite_ids(child, k);
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|c| rewrite_ids(c, k)),
        _ => {}
    }
}

/// The default pack's files (`rules/kz-orphan`), read from disk.
pub fn pack_files() -> Files {
    qagida::pack::read_dir_files(&root().join("rules/kz-orphan")).expect("read rules/kz-orphan")
}

/// The `[[rule]]` blocks of a rule file whose `id` is in `ids`, as TOML text (each block runs
/// from its `[[rule]]` line to the next one, so its params, checks and tests come along).
fn rule_blocks(text: &str, ids: &[&str]) -> String {
    let mut out = String::new();
    let mut block = String::new();
    let mut keep = false;
    let flush = |block: &mut String, keep: bool, out: &mut String| {
        if keep {
            out.push_str(block);
            out.push('\n');
        }
        block.clear();
    };
    for line in text.lines() {
        if line.trim_start().starts_with("[[rule]]") {
            flush(&mut block, keep, &mut out);
            keep = false;
        }
        if let Some(id) = line.trim().strip_prefix("id = \"").and_then(|r| r.strip_suffix('"')) {
            keep = ids.contains(&id);
        }
        if line.trim_start().starts_with("[[rule]]") || !block.is_empty() {
            block.push_str(line);
            block.push('\n');
        }
    }
    flush(&mut block, keep, &mut out);
    out
}

/// A pack with only the rules `ids` of the default pack (same manifest, types, data and
/// calendars; one rule file), built from in-memory files with [`Pack::from_files`].
pub fn subset_pack(ids: &[&str]) -> Pack {
    let mut files = pack_files();
    let mut rules = String::new();
    let rule_files: Vec<String> = files.keys().filter(|k| k.starts_with("rules/")).cloned().collect();
    for f in &rule_files {
        rules.push_str(&rule_blocks(&files[f], ids));
        files.remove(f);
    }
    files.insert("rules/subset.toml".into(), rules);
    let manifest = files["pack.toml"].clone();
    let start = manifest.find("rule_files = [").expect("rule_files in pack.toml");
    let end = start + manifest[start..].find(']').expect("end of rule_files");
    let manifest = format!("{}rule_files = [\"rules/subset.toml\"{}", &manifest[..start], &manifest[end..]);
    files.insert("pack.toml".into(), manifest);
    let pack = Pack::from_files(&files).unwrap_or_else(|e| panic!("subset pack: {e}"));
    let mut got: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    let mut want = ids.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "subset pack has exactly the chosen rules");
    pack
}
