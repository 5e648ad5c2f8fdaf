//! Reloading the pack without downtime: verified and compiled before the swap; a pack that
//! does not load, is not signed, or is older than the one serving leaves the old one serving.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use qagida::deploy::PackSpec;
use qagida_server::Config;

const TOKEN: &str = "a-test-token-of-some-length";

fn sign(dir: &Path) {
    let key = qagida::signing::parse_signing_key(&"07".repeat(32)).expect("key");
    qagida::signing::sign_dir(dir, &key).expect("sign");
}

fn write_pubkey(file: &Path) {
    let key = qagida::signing::parse_signing_key(&"07".repeat(32)).expect("key");
    std::fs::write(file, qagida::signing::format_verifying_key(&key.verifying_key())).expect("pub");
}

async fn reload(addr: std::net::SocketAddr, token: Option<&str>) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    send(addr, "POST", "/v1/admin/reload", &headers, "").await
}

async fn version(addr: std::net::SocketAddr) -> String {
    get(addr, "/v1/pack").await.json()["version"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_a_good_signed_pack_and_keeps_the_old_one_for_a_broken_unsigned_or_older_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pack = tmp.path().join("pack");
    copy_pack("kz-orphan", &pack, "2026.3.2");
    sign(&pack);
    let (pubkey, token) = (tmp.path().join("k.pub"), tmp.path().join("token"));
    write_pubkey(&pubkey);
    std::fs::write(&token, format!("{TOKEN}\n")).expect("token");
    let spec = PackSpec { rules: Some(pack.clone()), pubkeys: vec![pubkey.display().to_string()], ..PackSpec::default() };
    let s = start(Config { spec, admin_token_file: Some(token), workers: 2, ..Config::default() }).await;
    assert_eq!(version(s.addr).await, "2026.3.2");
    assert!(get(s.addr, "/v1/pack").await.json()["key_id"].is_string(), "verified: its key id");

    // Only with the token.
    assert_eq!(reload(s.addr, None).await.status, 401);
    assert_eq!(reload(s.addr, Some("a-wrong-token-of-some-length")).await.status, 401);

    // A newer signed pack: swapped in.
    copy_pack("kz-orphan", &pack, "2026.4.0");
    sign(&pack);
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["version"], "2026.4.0");
    assert_eq!(version(s.addr).await, "2026.4.0");
    let v = post_json(s.addr, "/v1/validate", example("valid/prescription.json")).await;
    assert_eq!(v.json()["rule_pack"]["version"], "2026.4.0");

    // Broken (signed, but does not load): refused, the old pack serves, /readyz says why.
    copy_pack("kz-orphan", &pack, "2026.5.0");
    let types = pack.join("types.toml");
    let mut text = std::fs::read_to_string(&types).expect("types");
    text.push_str("\nthis is not TOML\n");
    std::fs::write(&types, text).expect("write");
    sign(&pack);
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(version(s.addr).await, "2026.4.0");
    let ready = get(s.addr, "/readyz").await;
    assert_eq!(ready.status, 200, "the old pack still serves");
    assert!(ready.json()["last_reload_error"].as_str().is_some_and(|e| e.contains("does not load")), "{}", ready.text());

    // Unsigned: refused.
    copy_pack("kz-orphan", &pack, "2026.5.0");
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(version(s.addr).await, "2026.4.0");

    // Older, though signed: rollback refused.
    copy_pack("kz-orphan", &pack, "2026.3.9");
    sign(&pack);
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.json()["error"].as_str().is_some_and(|e| e.contains("rollback refused")));
    assert_eq!(version(s.addr).await, "2026.4.0");

    // Good again: the failure is cleared.
    copy_pack("kz-orphan", &pack, "2026.5.1");
    sign(&pack);
    assert_eq!(reload(s.addr, Some(TOKEN)).await.status, 200);
    assert!(get(s.addr, "/readyz").await.json().get("last_reload_error").is_none());

    let m = get(s.addr, "/metrics").await.text();
    for want in [
        r#"qagida_reloads_total{outcome="ok"} 2"#,
        r#"qagida_reloads_total{outcome="failed"} 2"#,
        r#"qagida_reloads_total{outcome="refused"} 1"#,
        r#"qagida_pack_info{id="kz-orphan",version="2026.5.1""#,
    ] {
        assert!(m.contains(want), "missing {want}");
    }
    assert!(!m.contains(r#"version="2026.4.0""#), "the old pack's gauge is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_over_http_is_disabled_without_a_token_file() {
    let s = start(Config { workers: 1, ..Config::default() }).await;
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().is_some_and(|e| e.contains("--admin-token-file")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reload_under_load_fails_no_request() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (pack, token, spec) = reloadable(tmp.path(), TOKEN);
    let s = start(Config { spec, admin_token_file: Some(token), workers: 2, ..Config::default() }).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let doc = example("invalid/prescription.json");
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (stop, ok, failed, doc, addr) = (Arc::clone(&stop), Arc::clone(&ok), Arc::clone(&failed), doc.clone(), s.addr);
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let r = post_json(addr, "/v1/validate", doc.clone()).await;
                let v = r.json();
                if r.status == 200 && v["rule_pack"]["version"].as_str().is_some_and(|v| v.starts_with("2026.3.")) && v["valid"] == false {
                    ok.fetch_add(1, Ordering::SeqCst);
                } else {
                    failed.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    for patch in 3..7 {
        copy_pack("kz-orphan", &pack, &format!("2026.3.{patch}"));
        let r = reload(s.addr, Some(TOKEN)).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.expect("client");
    }
    assert_eq!(failed.load(Ordering::SeqCst), 0);
    assert!(ok.load(Ordering::SeqCst) > 0);
    assert_eq!(version(s.addr).await, "2026.3.6");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_longer_than_the_request_timeout_still_swaps_the_pack_and_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (pack, token, spec) = reloadable(tmp.path(), TOKEN);
    // Loading a pack takes far longer than a millisecond: under the request timeout, the reload
    // would answer 408 and drop the pack it loaded.
    let config = Config { spec, admin_token_file: Some(token), request_timeout: std::time::Duration::from_millis(1), ..Config::default() };
    let s = start(config).await;
    copy_pack("kz-orphan", &pack, "2026.4.0");
    let r = reload(s.addr, Some(TOKEN)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["version"], "2026.4.0");
}
