//! Issue 12 "Hardening II", the CLI's rows: bounded input (2), one record per file (3),
//! `--jobs` clamped (4), a closed stdout (5), terminal-safe text (11), and the CLI speaking
//! clearly (help, exit codes, the batch summary, "array").
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;

use common::*;
use serde_json::Value;

/// The input limit (`Options::max_input_bytes`, docs/LIMITS.md).
const LIMIT: u64 = 16 * 1024 * 1024;

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qagida-cli-hardening-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("qagida")
}

/// The binary under an address-space limit of 1 GiB (`ulimit -v`): a reader that held the
/// whole input would fail to allocate long before the end of a 2 GB file or of `/dev/zero`,
/// so the "over the limit" error proves memory is bounded (no timing involved).
#[cfg(unix)]
fn qagida_bounded(args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(r#"ulimit -v 1048576 && exec "$0" "$@""#).arg(bin()).args(args).current_dir(root());
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ---------------------------------------------------------------- row 2: bounded input

#[cfg(unix)]
#[test]
fn validate_dev_zero_stops_at_the_input_limit_with_an_error_not_out_of_memory() {
    let out = qagida_bounded(&["validate", "/dev/zero"]).output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("/dev/zero: input is more than {LIMIT} bytes, over the limit of {LIMIT} bytes")), "{err}");
}

#[cfg(unix)]
#[test]
fn a_2_gb_file_is_refused_by_its_size_without_being_read() {
    let dir = tempdir("sparse");
    let big = dir.join("big.json");
    // Sparse: 2 GB long, no disk used.
    std::fs::File::create(&big).unwrap().set_len(2 << 30).unwrap();
    let small = dir.join("ok.json");
    std::fs::copy(root().join("examples/valid/prescription.json"), &small).unwrap();
    let out = qagida_bounded(&["validate", big.to_str().unwrap(), small.to_str().unwrap()]).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one record per file");
    let e = lines[0]["error"].as_str().unwrap();
    assert!(e.contains(&format!("input is {} bytes, over the limit of {LIMIT} bytes", 2u64 << 30)), "{e}");
    assert_eq!(lines[1]["valid"], true, "the file after it is still validated");
}

#[cfg(unix)]
#[test]
fn stdin_over_the_limit_is_read_only_up_to_the_limit() {
    // 200 MB offered on stdin; the reader stops after the limit and says so.
    let mut child = qagida_bounded(&["validate", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let block = vec![b' '; 1 << 20];
        let mut sent = 0u64;
        for _ in 0..200 {
            if stdin.write_all(&block).is_err() {
                break; // the reader stopped reading: what a bounded reader does
            }
            sent += block.len() as u64;
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    let sent = feeder.join().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("-: input is more than {LIMIT} bytes, over the limit of {LIMIT} bytes")), "{err}");
    assert!(sent < 200 << 20, "the input was not read to its end ({sent} bytes taken)");
}

// ---------------------------------------------------------------- row 3: one record per file

#[test]
fn five_files_of_five_kinds_give_five_records_in_order_each_naming_its_file() {
    let dir = tempdir("five");
    let ok = std::fs::read_to_string(root().join("examples/valid/prescription.json")).unwrap();
    let bad = std::fs::read_to_string(root().join("examples/invalid/prescription.json")).unwrap();
    let files = [
        ("ok.json", ok.clone()),
        ("notjson.json", "this is not json".to_string()),
        ("bad.json", bad),
        ("deep.json", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
        ("ok2.json", ok),
    ];
    let mut names = Vec::new();
    for (name, body) in &files {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        names.push(p.display().to_string());
    }
    let out = qagida().arg("validate").args(&names).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2), "an unusable file makes the run exit 2");
    let records: Vec<Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 5, "{}", text(&out.stdout));
    for (r, name) in records.iter().zip(&names) {
        assert_eq!(r["file"], name.as_str(), "in order, each naming its file");
    }
    assert_eq!(records[0]["valid"], true);
    assert!(records[1]["error"].as_str().unwrap().contains("not valid JSON"), "{}", records[1]);
    assert_eq!(records[2]["valid"], false);
    assert!(records[2]["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(records[3]["error"].as_str().unwrap().contains("nesting is deeper than the limit"), "{}", records[3]);
    assert_eq!(records[4]["valid"], true);
    for r in [&records[1], &records[3]] {
        assert!(r.get("valid").is_none() && r.get("findings").is_none(), "an unusable file has only its error: {r}");
    }
}

// ---------------------------------------------------------------- row 4: --jobs

#[test]
fn jobs_100000_is_clamped_with_a_note_and_the_batch_completes() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(root().join("examples/valid/prescription.json")).unwrap()).unwrap();
    let line = serde_json::to_string(&doc).unwrap();
    let input = format!("{line}\n").repeat(50);
    let out = qagida().args(["validate", "--ndjson", "--jobs", "100000", "-"]).write_stdin(input).output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "no abort (134): {err}");
    assert!(err.contains("note: --jobs 100000 is more than this machine can use: running "), "{err}");
    assert!(!err.contains("panicked") && !err.contains("failed to spawn"), "{err}");
    assert_eq!(text(&out.stdout).lines().count(), 50);
}

// ---------------------------------------------------------------- row 5: a closed stdout

/// Runs the binary with its stdout a pipe whose read end is closed before the first write (what
/// `| head -1` comes to once head has its line): every write fails with a broken pipe.
fn with_closed_stdout(args: &[&str], stdin: Option<Vec<u8>>) -> (Option<i32>, String) {
    let mut c = Command::new(bin());
    c.args(args).current_dir(root()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take()); // the reader has gone
    let feeder = child.stdin.take().zip(stdin).map(|(mut s, bytes)| std::thread::spawn(move || s.write_all(&bytes)));
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    (status.code(), err)
}

#[test]
fn a_closed_stdout_ends_every_command_quietly_with_its_usual_code() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(root().join("examples/valid/prescription.json")).unwrap()).unwrap();
    let ndjson = format!("{}\n", serde_json::to_string(&doc).unwrap()).repeat(2000).into_bytes();
    let valid = "examples/valid/prescription.json";
    // The command, its standard input, the exit code it has with its output read.
    type Case<'a> = (Vec<&'a str>, Option<Vec<u8>>, i32);
    let cases: Vec<Case> = vec![
        (vec!["explain", "RX-01"], None, 0),
        (vec!["test", "rules/kz-orphan"], None, 0),
        (vec!["test", "rules/kz-orphan", "--verbose"], None, 0),
        (vec!["lint", "rules/kz-orphan"], None, 0),
        (vec!["validate", valid], None, 0),
        (vec!["validate", "--format", "text", valid, valid], None, 0),
        (vec!["validate", "--ndjson", "-"], Some(ndjson), 0),
        (vec!["validate", "examples/invalid/prescription.json"], None, 1),
    ];
    for (args, stdin, want) in cases {
        let (code, err) = with_closed_stdout(&args, stdin);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(code, Some(want), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_stderr_is_no_panic_either() {
    let mut child = Command::new(bin()).args(["lint", "/no/such/pack"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "an unusable pack, said or not");
}

// ---------------------------------------------------------------- row 11: terminal-safe text

#[test]
fn text_output_escapes_terminal_control_characters() {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(root().join("examples/valid/prescription.json")).unwrap()).unwrap();
    doc["form"] = Value::from("\u{1b}[2J\u{1b}[H\nFAKE: VALID\u{202e}\u{9b}");
    let out = qagida().args(["validate", "--format", "text", "--lang", "en", "-"]).write_stdin(doc.to_string()).output().unwrap();
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains(r"\u001b[2J\u001b[H\u000aFAKE: VALID\u202e\u009b"), "the value shown escaped: {shown}");
    for c in shown.chars() {
        assert!(c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)), "raw {:?} in {shown:?}", c);
    }
    assert!(!shown.lines().any(|l| l.starts_with("FAKE")), "no line of the document's making: {shown}");
}

// ---------------------------------------------------------------- the CLI speaks clearly

/// Every argument and option of every command has a description, and `--lang` and `--format`
/// list what they accept.
#[test]
fn help_describes_every_argument_and_lists_accepted_values() {
    let commands: [&[&str]; 9] =
        [&["validate"], &["test"], &["lint"], &["explain"], &["pack"], &["pack", "keygen"], &["pack", "sign"], &["pack", "compile"], &["pack", "verify"]];
    for cmd in commands {
        let out = qagida().args(cmd).arg("-h").output().unwrap();
        let help = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{cmd:?}");
        let mut in_list = false;
        for line in help.lines() {
            if line.ends_with(':') && !line.starts_with(' ') {
                in_list = matches!(line, "Arguments:" | "Options:" | "Commands:");
                continue;
            }
            if in_list && !line.trim().is_empty() {
                let described = line.trim().split("  ").filter(|p| !p.trim().is_empty()).count() >= 2;
                assert!(described, "{cmd:?}: `{line}` has no description:\n{help}");
            }
        }
    }
    let help = text(&qagida().args(["validate", "-h"]).output().unwrap().stdout);
    assert!(help.contains("--lang <TAG>") && help.contains("BCP 47"), "{help}");
    assert!(help.contains("[possible values: json, text]"), "{help}");
    let help = text(&qagida().args(["explain", "-h"]).output().unwrap().stdout);
    assert!(help.contains("--lang <TAG>") && help.contains("BCP 47"), "{help}");
    // The pack's languages, in any case, or a tag that finds one (RFC 4647 lookup).
    qagida().args(["explain", "RX-01", "--lang", "KK"]).assert().success();
    qagida().args(["explain", "RX-01", "--lang", "ru-KZ"]).assert().success();
    // A tag the pack has no language for, or not a tag at all: exit 2, saying why.
    let out = qagida().args(["explain", "RX-01", "--lang", "not a tag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a BCP 47 language tag"), "{}", text(&out.stderr));
    let out = qagida().args(["explain", "RX-01", "--lang", "de"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the pack has no language `de` (it has kk, ru, en)"), "{}", text(&out.stderr));
}

#[test]
fn an_unusable_pack_exits_2_in_every_command() {
    let missing = "/no/such/pack";
    for args in [
        vec!["lint", missing],
        vec!["test", missing],
        vec!["explain", "RX-01", "--rules", missing],
        vec!["validate", "--rules", missing, "examples/valid/prescription.json"],
        vec!["pack", "compile", missing],
    ] {
        let out = qagida().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn an_ndjson_batch_ends_with_a_one_line_summary_on_stderr() {
    let line = |kind: &str| {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(root().join(format!("examples/{kind}/prescription.json"))).unwrap()).unwrap();
        serde_json::to_string(&v).unwrap()
    };
    let (good, bad) = (line("valid"), line("invalid"));
    let mut input = String::new();
    for i in 0..1200 {
        input.push_str(match i % 12 {
            0 => "{broken",
            1 | 2 => &bad,
            _ => &good,
        });
        input.push('\n');
    }
    let out = qagida().args(["validate", "--ndjson", "-"]).write_stdin(input).output().unwrap();
    let err = text(&out.stderr);
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("1,200 lines: 900 valid, 200 invalid, 100 errors in "), "{err}");
    assert!(last.ends_with(" s"), "{last}");
    let secs = last.trim_end_matches(" s").rsplit(' ').next().unwrap();
    assert!(secs.parse::<f64>().is_ok() && secs.contains('.'), "{last}");
}

/// The progress line (drawn on a terminal only: run under `script`, which gives it one) shows
/// whole numbers, grouped by thousands, not `1234.5678/s`.
#[cfg(unix)]
#[test]
fn the_progress_line_shows_whole_numbers() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give the batch a terminal");
        return;
    }
    let v: Value = serde_json::from_str(&std::fs::read_to_string(root().join("examples/valid/prescription.json")).unwrap()).unwrap();
    let dir = tempdir("progress");
    let input = dir.join("in.ndjson");
    std::fs::write(&input, format!("{}\n", serde_json::to_string(&v).unwrap()).repeat(3000)).unwrap();
    let cmd = format!("{} validate --ndjson --jobs 1 {} >/dev/null", bin().display(), input.display());
    let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).current_dir(root()).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let shown = text(&out.stdout);
    assert!(shown.contains("3,000 lines: 3,000 valid, 0 invalid, 0 errors in "), "{shown}");
    let rates: Vec<&str> = shown.split(" lines, ").skip(1).filter_map(|s| s.split("/s").next()).collect();
    assert!(!rates.is_empty(), "a progress line was drawn: {shown:?}");
    for r in rates {
        assert!(r.chars().all(|c| c.is_ascii_digit() || c == ','), "a whole rate, got {r:?} in {shown:?}");
    }
}

#[test]
fn a_top_level_array_is_a_type_finding_that_says_array_and_cites_a_clause() {
    for (lang, word) in [("en", "got array"), ("ru", "получено array"), ("kk", "алынғаны array")] {
        let out = qagida().args(["validate", "--lang", lang, "-"]).write_stdin("[1, 2]").output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        let f = &r["findings"][0];
        assert_eq!(f["rule_id"], "TYPE");
        assert_eq!(f["actual"], "array");
        assert!(f["message"].as_str().unwrap().contains(word), "{f}");
        assert!(!f["message"].as_str().unwrap().contains("list"), "{f}");
        assert!(f["clause"].as_str().is_some_and(|c| c.contains("DOCUMENTS.md")), "{f}");
    }
}

// ------------------------------------- files named on the command line are read as pack files

/// `--overrides`, a secret or public key and a compiled pack are read as the loader reads a
/// pack's files: a FIFO is refused (never waited on), and a file over its cap is refused by its
/// size (a sparse 1 GiB file, under a 1 GiB address-space limit), never read whole.
#[cfg(unix)]
#[test]
fn files_named_on_the_command_line_are_regular_files_within_a_cap() {
    let dir = tempdir("named-files");
    let fifo = dir.join("overrides.toml");
    let _ = std::fs::remove_file(&fifo);
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = dir.join("big.qpack");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let doc = "examples/valid/prescription.json";
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["validate", "--overrides", fifo.to_str().unwrap(), doc], "not a regular file"),
        (vec!["validate", "--rules", big.to_str().unwrap(), doc], "over the limit"),
        (vec!["pack", "sign", "rules/kz-orphan", "--key", fifo.to_str().unwrap()], "not a regular file"),
        (vec!["pack", "verify", "rules/kz-orphan", "--pubkey", big.to_str().unwrap()], "over the limit"),
    ];
    for (args, want) in cases {
        let out = qagida_bounded(&args).output().unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
