//! No lost records: an NDJSON batch with every kind of bad line gives exactly one result line per
//! input line, in order; each unusable line is named by its number; exit code 2 when any line
//! was unusable.
use std::path::PathBuf;

mod common;

use common::*;
use serde_json::Value;

/// Every example of a kind (`valid`, `invalid`) as one line of JSON.
fn examples(kind: &str) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples").join(kind))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::to_string(&serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap()).unwrap())
        .collect()
}

/// Lines as NDJSON counts them: split at `\n`; a last piece without `\n` is a line too.
fn count_lines(input: &[u8]) -> usize {
    let n = input.iter().filter(|&&b| b == b'\n').count();
    n + usize::from(!input.is_empty() && !input.ends_with(b"\n"))
}

fn run(input: Vec<u8>) -> (Option<i32>, Vec<Value>) {
    let out = qagida().args(["validate", "--ndjson", "-"]).write_stdin(input).output().unwrap();
    let stdout = String::from_utf8(out.stdout).expect("results are UTF-8 JSON lines");
    let lines = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    (out.status.code(), lines)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Valid,
    Invalid,
    Error(&'static str),
}

#[test]
fn n_lines_in_n_results_out_with_every_bad_line_named() {
    let valid = examples("valid");
    let invalid = examples("invalid");
    assert!(valid.len() >= 7 && invalid.len() >= 7);
    let mut input: Vec<u8> = Vec::new();
    let mut want: Vec<Want> = Vec::new();
    let mut push = |bytes: &[u8], w: Want| {
        input.extend_from_slice(bytes);
        input.push(b'\n');
        want.push(w);
    };
    // A byte order mark before the first document is not an error.
    push(format!("\u{feff}{}", valid[0]).as_bytes(), Want::Valid);
    for (i, (v, x)) in valid.iter().zip(&invalid).enumerate() {
        push(v.as_bytes(), Want::Valid);
        push(x.as_bytes(), Want::Invalid);
        match i % 7 {
            0 => push(b"{broken", Want::Error("not valid JSON")),
            1 => push(b"", Want::Error("empty line")),
            2 => push(b"   \t ", Want::Error("empty line")),
            3 => push(&[0xff, 0xfe, b'{', b'}'], Want::Error("not valid JSON")),
            4 => {
                // Valid JSON with invalid UTF-8 inside a string.
                let mut bad = br#"{"document_type":"prescription","id":""#.to_vec();
                bad.extend_from_slice(&[0xc3, 0x28]);
                bad.extend_from_slice(br#""}"#);
                push(&bad, Want::Error("not valid JSON"));
            }
            5 => push(format!("{}{}", "[".repeat(100), "]".repeat(100)).as_bytes(), Want::Error("deeper than the limit")),
            _ => push(&v.as_bytes()[..v.len() / 2], Want::Error("not valid JSON")),
        }
    }
    // CRLF line ends are line ends.
    push(format!("{}\r", valid[1]).as_bytes(), Want::Valid);
    // A JSON value that is not a document is a document with findings, not an unusable line.
    push(b"[1,2]", Want::Invalid);
    push(b"\"just a string\"", Want::Invalid);
    // A line over the 16 MiB input limit: reported by number, not held in memory.
    let huge = format!(r#"{{"document_type":"prescription","id":"{}"}}"#, "x".repeat(17 << 20));
    push(huge.as_bytes(), Want::Error("over the limit of 16777216 bytes"));
    push(invalid[0].as_bytes(), Want::Invalid);
    // Truncated input: the last line is cut mid-object and has no final newline.
    input.extend_from_slice(&valid[2].as_bytes()[..valid[2].len() / 3]);
    want.push(Want::Error("not valid JSON"));

    let n = count_lines(&input);
    assert_eq!(n, want.len());
    let (code, results) = run(input);
    assert_eq!(results.len(), n, "N lines in, N results out");
    for (i, (r, w)) in results.iter().zip(&want).enumerate() {
        let line = i + 1;
        match w {
            Want::Valid => assert_eq!(r["valid"], true, "line {line}: {r}"),
            Want::Invalid => assert_eq!(r["valid"], false, "line {line}: {r}"),
            Want::Error(msg) => {
                assert_eq!(r["line"], line, "line {line}: {r}");
                let e = r["error"].as_str().unwrap_or_else(|| panic!("line {line}: {r}"));
                assert!(e.contains(msg), "line {line}: want {msg:?}, got {e:?}");
            }
        }
    }
    assert_eq!(code, Some(2), "an unusable line makes the exit code 2");
}

#[test]
fn a_clean_batch_exits_0_and_a_batch_with_findings_exits_1() {
    let valid = examples("valid");
    let input = valid.join("\n");
    let (code, results) = run(input.into_bytes());
    assert_eq!((code, results.len()), (Some(0), valid.len()));
    let invalid = examples("invalid");
    let mut mixed = valid.join("\n");
    mixed.push('\n');
    mixed.push_str(&invalid.join("\n"));
    mixed.push('\n');
    let (code, results) = run(mixed.into_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(results.len(), valid.len() + invalid.len());
}

#[test]
fn a_large_mixed_batch_loses_nothing() {
    // 3 000 lines: valid, invalid and garbage in a fixed pseudo-random order.
    let docs = [examples("valid"), examples("invalid")].concat();
    let garbage: [&[u8]; 5] = [b"{", b"}", b"nul", &[0x80, 0x81], b"{\"document_type\":"];
    let mut input = Vec::new();
    let mut bad = Vec::new();
    let mut x: u64 = 12345;
    for line in 1..=3000 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        if r.is_multiple_of(5) {
            input.extend_from_slice(garbage[r % garbage.len()]);
            bad.push(line);
        } else {
            input.extend_from_slice(docs[r % docs.len()].as_bytes());
        }
        input.push(b'\n');
    }
    let (code, results) = run(input);
    assert_eq!(results.len(), 3000);
    // Every result names its line, in order; the bad ones carry an error instead of a verdict.
    let numbers: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=3000).collect::<Vec<u64>>(), "each result names its line, in order");
    let named: Vec<u64> = results.iter().filter(|r| r.get("error").is_some()).map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(named, bad.iter().map(|&l| l as u64).collect::<Vec<_>>(), "each bad line, by number, in order");
    assert!(results.iter().filter(|r| r.get("error").is_none()).all(|r| r["valid"].is_boolean()));
    assert_eq!(code, Some(2));
}

#[test]
fn several_files_name_the_file_and_line_of_each_result() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.ndjson");
    let b = tmp.path().join("b.ndjson");
    let valid = examples("valid");
    std::fs::write(&a, format!("{}\n{{bad\n", valid[0])).unwrap();
    std::fs::write(&b, format!("oops\n{}", valid[1])).unwrap();
    let out = qagida().args(["validate", "--ndjson"]).arg(&a).arg(&b).output().unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!((lines[1]["file"].as_str(), lines[1]["line"].as_u64()), (Some(a.to_str().unwrap()), Some(2)));
    assert_eq!((lines[2]["file"].as_str(), lines[2]["line"].as_u64()), (Some(b.to_str().unwrap()), Some(1)));
    assert_eq!(lines[3]["valid"], true);
    assert_eq!((lines[0]["file"].as_str(), lines[0]["line"].as_u64()), (Some(a.to_str().unwrap()), Some(1)));
    assert_eq!((lines[3]["file"].as_str(), lines[3]["line"].as_u64()), (Some(b.to_str().unwrap()), Some(2)));
    assert_eq!(out.status.code(), Some(2));
}
