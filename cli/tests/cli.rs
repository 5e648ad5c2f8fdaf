//! The CLI as a user runs it: exit codes, formats, languages, NDJSON batches.
use std::path::PathBuf;

mod common;

use common::*;
use serde_json::Value;

fn examples(kind: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples").join(kind))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn valid_examples_exit_0_with_no_findings() {
    let files = examples("valid");
    assert!(files.len() >= 7, "one valid example per document type");
    let out = qagida().arg("validate").args(&files).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let lines: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        let r: Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["file"], file.as_str(), "each line names its file, in order");
        assert_eq!(r["valid"], true);
        assert_eq!(r["findings"].as_array().unwrap().len(), 0, "{line}");
    }
}

#[test]
fn several_files_give_one_line_each_even_for_files_that_cannot_be_read() {
    let dir = tempdir();
    let notjson = dir.join("notjson.json");
    std::fs::write(&notjson, "not json").unwrap();
    let files = ["examples/valid/prescription.json".to_string(), notjson.display().to_string(), "no/such/file.json".to_string(), "examples/invalid/prescription.json".to_string()];
    let out = qagida().arg("validate").args(&files).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unusable input makes the run exit 2");
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(line["file"], file.as_str());
    }
    assert_eq!(lines[0]["valid"], true);
    assert!(lines[1]["error"].as_str().unwrap().contains("not valid JSON"), "{}", lines[1]);
    assert!(lines[1].get("valid").is_none());
    assert!(lines[2]["error"].as_str().unwrap().contains("cannot read"), "{}", lines[2]);
    assert_eq!(lines[3]["valid"], false);
}

#[test]
fn invalid_examples_exit_1_and_explain_each_finding_in_all_three_languages() {
    for file in examples("invalid") {
        let mut messages = Vec::new();
        for lang in ["kk", "ru", "en"] {
            let out = qagida().args(["validate", "--lang", lang, &file]).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{file}");
            let r: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(r["valid"], false);
            assert_eq!(r["rule_pack"]["id"], "kz-orphan");
            let findings = r["findings"].as_array().unwrap().clone();
            assert!(!findings.is_empty());
            for f in &findings {
                for key in ["rule_id", "severity", "path", "message", "clause"] {
                    assert!(f[key].is_string(), "{file}: {key} in {f}");
                }
            }
            messages.push(findings.iter().map(|f| f["message"].as_str().unwrap().to_string()).collect::<Vec<_>>());
        }
        // The same findings, worded differently in each language.
        assert_eq!(messages[0].len(), messages[2].len());
        assert_ne!(messages[0], messages[2], "{file}: kk and en messages must differ");
        assert_ne!(messages[1], messages[2], "{file}: ru and en messages must differ");
    }
}

#[test]
fn text_format_names_rule_path_and_clause() {
    let file = examples("invalid").into_iter().find(|f| f.contains("mdt")).unwrap();
    let out = qagida().args(["validate", "--format", "text", "--lang", "en", &file]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("INVALID"), "{text}");
    assert!(text.contains("MDT-"), "{text}");
}

#[test]
fn unreadable_or_non_json_input_exits_2() {
    qagida().args(["validate", "no/such/file.json"]).assert().code(2);
    qagida().args(["validate", "-"]).write_stdin("not json").assert().code(2);
}

#[test]
fn ndjson_gives_one_result_per_line_and_names_bad_lines() {
    let valid = std::fs::read_to_string(root().join(&examples("valid")[0])).unwrap();
    let one_line: Value = serde_json::from_str(&valid).unwrap();
    let good = serde_json::to_string(&one_line).unwrap();
    let input = format!("{good}\n{{broken\n\n{good}\n[1,2]\n{{\"document_type\":\"x\"}}\n{}", &good[..good.floor_char_boundary(good.len() / 2)]);
    let out = qagida().args(["validate", "--ndjson", "-"]).write_stdin(input).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7, "{stdout}");
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[3]["valid"], true);
    assert_eq!(lines[4]["valid"], false);
    assert_eq!(lines[5]["findings"][0]["rule_id"], "DOCTYPE");
    assert_eq!(lines[6]["line"], 7, "a truncated last line is reported by number");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ndjson_in_parallel_keeps_input_order_across_chunks() {
    // 3,000 lines (several chunks of 1,024) on 3 workers: every 7th line is broken, every
    // 5th an invalid document; each result must sit at its own line's place.
    let compact = |kind: &str| {
        let file = examples(kind).into_iter().find(|f| f.contains("prescription")).unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap();
        serde_json::to_string(&v).unwrap()
    };
    let (good, bad) = (compact("valid"), compact("invalid"));
    let n = 3000;
    let mut input = String::new();
    for i in 1..=n {
        input.push_str(if i % 7 == 0 { "{broken" } else if i % 5 == 0 { &bad } else { &good });
        input.push('\n');
    }
    let out = qagida().args(["validate", "--ndjson", "--jobs", "3", "-"]).write_stdin(input).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), n);
    for (i, r) in (1..=n).zip(&lines) {
        if i % 7 == 0 {
            assert_eq!(r["line"], i, "line {i}");
        } else {
            assert_eq!(r["valid"], i % 5 != 0, "line {i}");
        }
    }
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pack_tests_print_each_rule_and_a_closing_count() {
    let out = qagida().args(["test", "rules/kz-orphan"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("STK-01"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.ends_with(" 0 failed"), "{last}");
}

#[test]
fn lint_and_explain_work_on_the_default_pack() {
    qagida().args(["lint", "rules/kz-orphan"]).assert().success();
    let out = qagida().args(["explain", "STK-01", "--lang", "en"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("STK-01") && text.contains("params"), "{text}");
    qagida().args(["explain", "NOPE-99"]).assert().code(2);
}

#[test]
fn explain_shows_where_each_check_points_with_item_and_element_indices() {
    let out = qagida().args(["explain", "NEED-08", "--lang", "en"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for path in ["/lines/N/mdt_conclusion_id", "/documents/N/lines/M/mdt_conclusion_id", "/documents/N/lines/M/drug/inn"] {
        assert!(text.contains(&format!("path      {path}\n")), "{path}:\n{text}");
    }
}

#[test]
fn a_broken_pack_is_refused_with_exit_2() {
    let tmp = tempdir();
    std::fs::write(tmp.join("pack.toml"), "id = 1\n").unwrap();
    let out = qagida().args(["test"]).arg(&tmp).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pack.toml:1:"));
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qagida-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `--as-of` takes what chrono's `NaiveDate::from_str` took (blanks around the numbers, 1-digit
/// fields) and refuses a day that does not exist, with clap's usage error (exit 2).
#[test]
fn as_of_takes_relaxed_dates_and_refuses_days_that_do_not_exist() {
    let file = examples("valid").remove(0);
    let out = qagida().args(["validate", "--as-of", " 2026 - 4-10 ", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["as_of"], "2026-04-10");
    let out = qagida().args(["validate", "--as-of", "2026-02-30", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'2026-02-30'") && err.contains("not a valid YYYY-MM-DD date"), "{err}");
}
