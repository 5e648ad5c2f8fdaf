//! A regulator edits rule files; behaviour changes with no rebuild, and mistakes are refused
//! with the file, line and column of the offending value.
use std::fs;
use std::path::{Path, PathBuf};

use qagida::{Options, Pack};
use serde_json::Value;

fn pack_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules").join("kz-orphan")
}

/// Copies the default pack into a fresh temporary directory.
fn copy_pack() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&pack_dir(), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            fs::copy(&p, &dest).unwrap();
        }
    }
}

fn fixture(name: &str) -> Value {
    let text = fs::read_to_string(pack_dir().join("fixtures").join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn findings_of(pack: &Pack, doc: &Value, rule: &str) -> Vec<String> {
    let r = pack.validate(doc, &Options::default()).unwrap();
    r.findings.into_iter().filter(|f| f.rule_id == rule).map(|f| f.path).collect()
}

#[test]
fn changing_the_90_day_stock_cap_to_60_in_the_rule_file_changes_stk01_without_rebuild() {
    let tmp = copy_pack();
    // The fixture keeps 60 vials of a drug needed at 264 a year: 83 days of need, inside 90.
    let doc = fixture("stock_report");
    let before = Pack::load_dir(tmp.path()).unwrap();
    assert!(findings_of(&before, &doc, "STK-01").is_empty());

    // The regulator edits the cap param of STK-01 from 90 to 60 days.
    let file = tmp.path().join("rules").join("stock.toml");
    let text = fs::read_to_string(&file).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let is_cap = t.split('=').next().is_some_and(|k| k.trim().chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                && t.split('=').nth(1).is_some_and(|v| v.split('#').next().unwrap().trim() == "90");
            if is_cap { l.replacen("90", "60", 1) } else { l.to_string() }
        })
        .collect();
    assert_ne!(edited.join("\n"), text.trim_end(), "stock.toml must carry the 90-day cap as a param");
    fs::write(&file, edited.join("\n")).unwrap();

    let after = Pack::load_dir(tmp.path()).unwrap();
    let paths = findings_of(&after, &doc, "STK-01");
    assert!(paths.iter().any(|p| p.starts_with("/items/1/")), "STK-01 should flag item 1 with a 60-day cap, got {paths:?}");
}

#[test]
fn a_typo_in_a_rule_expression_is_refused_with_file_line_and_column() {
    let tmp = copy_pack();
    let file = tmp.path().join("rules").join("mdt.toml");
    let text = fs::read_to_string(&file).unwrap();
    let at = text.find("doc.single_dose.amount").expect("mdt.toml reads doc.single_dose.amount");
    let broken = text.replacen("doc.single_dose.amount", "doc.single_dose.amout", 1);
    fs::write(&file, &broken).unwrap();

    let err = Pack::load_dir(tmp.path()).unwrap_err();
    // The error points at the unknown field itself: `amout` starts 16 bytes into the match.
    let off = at + "doc.single_dose.".len();
    let line = broken[..off].matches('\n').count() + 1;
    let col = broken[..off].rsplit('\n').next().unwrap().chars().count() + 1;
    let want = format!("rules/mdt.toml:{line}:{col}:");
    let msg = err.to_string();
    assert!(msg.contains(&want), "expected `{want}` in:\n{msg}");
    assert!(msg.contains("amout"), "{msg}");
}

#[test]
fn an_unknown_key_in_a_rule_file_is_refused_with_its_position() {
    let tmp = copy_pack();
    let file = tmp.path().join("rules").join("mdt.toml");
    let text = fs::read_to_string(&file).unwrap();
    let broken = text.replacen("severity =", "severty =", 1);
    fs::write(&file, &broken).unwrap();
    let msg = Pack::load_dir(tmp.path()).unwrap_err().to_string();
    let off = broken.find("severty").unwrap();
    let line = broken[..off].matches('\n').count() + 1;
    assert!(msg.contains(&format!("rules/mdt.toml:{line}:")), "{msg}");
    assert!(msg.contains("severty"), "{msg}");
}

#[test]
fn the_embedded_pack_equals_the_pack_on_disk() {
    let a = Pack::embedded().unwrap();
    let b = Pack::load_dir(pack_dir()).unwrap();
    assert_eq!((a.id.as_str(), a.version.as_str(), a.rules.len()), (b.id.as_str(), b.version.as_str(), b.rules.len()));
}

#[test]
fn turning_off_deadline_moves_to_working_day_restores_the_literal_dates() {
    let tmp = copy_pack();
    let mut doc = fixture("personalized_need");
    doc["collected_at"] = serde_json::json!("2027-03-16"); // 15 March 2027: Constitution Day
    assert!(findings_of(&Pack::load_dir(tmp.path()).unwrap(), &doc, "NEED-03").is_empty());
    let f = tmp.path().join("pack.toml");
    let t = fs::read_to_string(&f).unwrap();
    let e = t.replacen("deadline_moves_to_working_day = true", "deadline_moves_to_working_day = false", 1);
    assert_ne!(e, t);
    fs::write(&f, e).unwrap();
    assert_eq!(findings_of(&Pack::load_dir(tmp.path()).unwrap(), &doc, "NEED-03"), ["/collected_at"]);
}

/// A region joins the default pack by a layer directory and a line in the stack file: its
/// local-budget prescriptions are then checked against its decision, with no rebuild.
#[test]
fn adding_a_regional_layer_to_the_stack_applies_its_decision_to_that_regions_prescriptions() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let tmp = tempfile::tempdir().unwrap();
    for layer in ["kz-orphan", "kz-karaganda"] {
        copy_dir(&rules.join(layer), &tmp.path().join(layer));
    }
    fs::copy(rules.join("default.toml"), tmp.path().join("default.toml")).unwrap();
    let mut doc = fixture("prescription");
    doc["funding"] = serde_json::json!({"source": "local_budget", "region": "pavlodar"});
    doc["nosology"] = serde_json::json!({"icd10": "L40.0", "name": "Псориаз обыкновенный"});
    doc["drug"]["inn"] = serde_json::json!("Adalimumab");
    let severities = |pack: &Pack, doc: &Value| -> Vec<String> {
        let r = pack.validate(doc, &Options::default()).unwrap();
        r.findings.iter().filter(|f| f.rule_id == "FND-02").map(|f| format!("{} {}", f.severity.as_str(), f.path)).collect()
    };
    let stack = tmp.path().join("default.toml");
    // No Pavlodar decision in the pack: FND-02 could not be checked (a warning).
    assert_eq!(severities(&Pack::load_stack(&stack).unwrap(), &doc), ["warning /funding/region"]);

    let pav = tmp.path().join("kz-pavlodar");
    fs::create_dir_all(pav.join("data")).unwrap();
    fs::write(
        pav.join("pack.toml"),
        "id = \"kz-pavlodar\"\nversion = \"2026.1.0\"\nextends = \"kz-orphan\"\neffective_from = 2026-01-01\n\
         [[data_edition]]\nname = \"local_decisions\"\nfile = \"data/decision.toml\"\neffective_from = 2026-01-01\n",
    )
    .unwrap();
    fs::write(
        pav.join("data").join("decision.toml"),
        "[[row]]\nregion = \"pavlodar\"\nact = { kk = \"Павлодар шешімі\", ru = \"Решение Павлодара\", en = \"Pavlodar decision\" }\n\
         item = 1\ndiagnosis = { kk = \"Ревматоидты артрит\", ru = \"Ревматоидный артрит\", en = \"Rheumatoid arthritis\" }\n\
         icd10_codes = [\"M05\", \"M06\"]\ninn = [\"Адалимумаб\", \"Adalimumab\"]\n",
    )
    .unwrap();
    let text = fs::read_to_string(&stack).unwrap().replace("layers = [\"kz-orphan\", \"kz-karaganda\"]", "layers = [\"kz-orphan\", \"kz-karaganda\", \"kz-pavlodar\"]");
    fs::write(&stack, text).unwrap();
    let pack = Pack::load_stack(&stack).unwrap();
    assert_eq!(pack.layers.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["kz-orphan", "kz-karaganda", "kz-pavlodar"]);
    // Adalimumab is in the Pavlodar decision for rheumatoid arthritis, not for psoriasis.
    assert_eq!(severities(&pack, &doc), ["error /drug/inn"]);
    doc["nosology"] = serde_json::json!({"icd10": "M05.8", "name": "Серопозитивный ревматоидный артрит"});
    assert!(severities(&pack, &doc).is_empty());
    // The Karaganda decision still applies to Karaganda's prescriptions only.
    doc["funding"]["region"] = serde_json::json!("karaganda");
    assert!(severities(&pack, &doc).is_empty());
}

#[test]
fn relabelling_a_field_in_types_toml_changes_messages_and_the_schema_without_rebuild() {
    let tmp = copy_pack();
    let types = tmp.path().join("types.toml");
    let text = fs::read_to_string(&types).unwrap();
    // The MDT conclusion's `doses_per_day` label, in English.
    let start = text.find("[labels.mdt_conclusion]").expect("the MDT conclusion's labels");
    let line_at = start + text[start..].find("\ndoses_per_day = ").expect("its doses_per_day label") + 1;
    let line_end = line_at + text[line_at..].find('\n').unwrap();
    let line = &text[line_at..line_end];
    let en = line.find("en = \"").expect("an en label") + 6;
    let en_end = en + line[en..].find('"').unwrap();
    let edited = format!("{}{}Intakes a day{}", &text[..line_at], &line[..en], &text[line_at + en_end..]);
    fs::write(&types, edited).unwrap();
    let pack = Pack::load_dir(tmp.path()).unwrap();
    let mut doc = fixture("mdt_conclusion");
    doc["doses_per_day"] = Value::from(2.5);
    let r = pack.validate(&doc, &Options { lang: Some("en".into()), ..Options::default() }).unwrap();
    let f = r.findings.iter().find(|f| f.rule_id == "TYPE" && f.path == "/doses_per_day").expect("a TYPE finding");
    assert!(f.message.starts_with("Intakes a day "), "{}", f.message);
    let schema = qagida::schema::document_schema(&pack, Some("en"));
    assert_eq!(schema["$defs"]["mdt_conclusion"]["properties"]["doses_per_day"]["description"], "Intakes a day");
}
