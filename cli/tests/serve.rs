//! `qagida serve` as an operator runs it: it loads the pack as `validate` does (a refused pack
//! exits 2 before listening), serves, and on SIGTERM ends with exit code 0.
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

mod common;

use common::*;

#[test]
fn serve_starts_on_loopback_reloads_on_sighup_and_exits_0_on_sigterm() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qagida"))
        .args(["serve", "--addr", "127.0.0.1:0", "--grace", "5"])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let serving = lines.by_ref().map_while(Result::ok).find(|l| l.contains("serving"));
    let serving = serving.unwrap_or_else(|| panic!("never served: {:?}", child.wait()));
    assert!(serving.contains("addr=127.0.0.1:"), "{serving}");
    let hup = std::process::Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    assert!(hup.success());
    let reloaded = lines.by_ref().map_while(Result::ok).find(|l| l.contains("pack reloaded"));
    assert!(reloaded.as_ref().is_some_and(|l| l.contains("SIGHUP")), "SIGHUP reloads the pack: {reloaded:?}");
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("drained")), "{rest:?}");
}

#[test]
fn serve_refuses_a_pack_that_does_not_load_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = qagida().args(["serve", "--addr", "127.0.0.1:0", "--rules"]).arg(dir.path().join("nothing-here")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the rule pack was refused"));
}
