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
