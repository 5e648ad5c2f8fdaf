//! The OpenAPI document against the service: every route the router has is documented, every
//! documented status of every endpoint is produced by a request here, and every JSON body the
//! service answers holds to its documented schema (no key the schema lacks, every required key,
//! the types) — the result and finding schemas held to real results of the library.
//!
//! The schema check is a few lines of this test, covering what utoipa writes (`$ref`,
//! `allOf`, `oneOf`, `type` lists, `properties`, `required`, `items`, `enum`), not a general
//! JSON Schema validator.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use qagida_server::Config;
use serde_json::Value;

const TOKEN: &str = "a-test-token-of-some-length";

fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("no schema {r}"))),
        None => s,
    }
}

/// An object schema's properties and required keys, `allOf` parts merged.
fn object_parts(doc: &Value, s: &Value, props: &mut serde_json::Map<String, Value>, required: &mut Vec<String>) {
    let s = resolve(doc, s);
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for part in all {
            object_parts(doc, part, props, required);
        }
    }
    if let Some(p) = s.get("properties").and_then(Value::as_object) {
        props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let Some(r) = s.get("required").and_then(Value::as_array) {
        required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = resolve(doc, schema);
    if let Some(alts) = s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array) {
        return if alts.iter().any(|a| check(doc, a, v, at).is_ok()) { Ok(()) } else { Err(format!("{at}: {v} matches no alternative")) };
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        return Err(format!("{at}: {v} not in {e:?}"));
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t, v)) {
        return Err(format!("{at}: {v} is not {types:?}"));
    }
    if let Value::Object(o) = v {
        let (mut props, mut required) = (serde_json::Map::new(), Vec::new());
        object_parts(doc, s, &mut props, &mut required);
        if !props.is_empty() {
            for k in o.keys() {
                if !props.contains_key(k) {
                    return Err(format!("{at}: key `{k}` is not in the schema"));
                }
            }
        }
        for k in &required {
            if !o.contains_key(k) {
                return Err(format!("{at}: required key `{k}` is absent"));
            }
        }
        for (k, x) in o {
            if let Some(ps) = props.get(k) {
                check(doc, ps, x, &format!("{at}/{k}"))?;
            }
        }
    }
    if let (Value::Array(a), Some(items)) = (v, s.get("items")) {
        for (i, x) in a.iter().enumerate() {
            check(doc, items, x, &format!("{at}/{i}"))?;
        }
    }
    Ok(())
}

/// Sends a request with a body shorter than its Content-Length and waits: the server's
/// request timeout answers. The status of that answer.
async fn stalled_request(addr: std::net::SocketAddr) -> u16 {
    use std::io::{Read, Write};
    tokio::task::spawn_blocking(move || {
        let mut c = std::net::TcpStream::connect(addr).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        c.write_all(b"POST /v1/validate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{").expect("write");
        let mut buf = vec![0u8; 256];
        let n = c.read(&mut buf).expect("an answer");
        let head = String::from_utf8_lossy(&buf[..n]).into_owned();
        head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    })
    .await
    .expect("thread")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_route_and_status_and_every_body_holds_to_its_schema() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (pack, token, spec) = reloadable(tmp.path(), TOKEN);
    let config = Config {
        spec,
        admin_token_file: Some(token),
        max_body_bytes: 64 << 10,
        request_timeout: Duration::from_millis(300),
        max_in_flight: 4,
        workers: 2,
        ..Config::default()
    };
    let s = start(config).await;
    let plain = start(Config { workers: 1, ..Config::default() }).await;

    let doc: Value = get(s.addr, "/openapi.json").await.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "OpenAPI 3.1");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(p, ops)| ops.as_object().into_iter().flatten().map(move |(m, _)| (m.clone(), p.clone())))
        .filter(|(m, _)| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
        .collect();
    let routed: BTreeSet<(String, String)> = qagida_server::routes::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, routed, "the router's routes and the document's paths");

    let mut seen: BTreeSet<(String, String, u16)> = BTreeSet::new();
    let ndjson = [("content-type", "application/x-ndjson")];
    let auth = format!("Bearer {TOKEN}");
    let bearer = [("authorization", auth.as_str())];
    let valid = example("valid/prescription.json");
    let invalid = example("invalid/bundle-rx02.json");
    let batch_body = format!("{}\n\n{}\nnope\n", String::from_utf8_lossy(&valid).replace('\n', ""), String::from_utf8_lossy(&invalid).replace('\n', ""));
    // Requests in the order they must run (the last ones change the server's state).
    let mut requests: Vec<(&str, String, Reply)> = Vec::new();
    macro_rules! req {
        ($m:expr, $path:expr, $tmpl:expr, $reply:expr) => {{
            let r = $reply;
            requests.push(($m, $tmpl.to_string(), r));
        }};
    }
    req!("post", "", "/v1/validate", post_json(s.addr, "/v1/validate?lang=en", valid.clone()).await);
    req!("post", "", "/v1/validate", post_json(s.addr, "/v1/validate", invalid.clone()).await);
    req!("post", "", "/v1/validate", post_json(s.addr, "/v1/validate", "[[[").await);
    req!("post", "", "/v1/validate", post_json(s.addr, "/v1/validate", vec![b' '; (64 << 10) + 1]).await);
    req!("post", "", "/v1/validate", send(s.addr, "POST", "/v1/validate", &[("content-type", "text/csv")], valid.clone()).await);
    req!("post", "", "/v1/batch", send(s.addr, "POST", "/v1/batch", &ndjson, batch_body.clone()).await);
    req!("post", "", "/v1/batch", send(s.addr, "POST", "/v1/batch?as_of=x", &ndjson, batch_body.clone()).await);
    req!("post", "", "/v1/batch", send(s.addr, "POST", "/v1/batch", &[("content-type", "text/plain")], batch_body.clone()).await);
    req!("get", "", "/v1/pack", get(s.addr, "/v1/pack").await);
    req!("get", "", "/v1/rules", get(s.addr, "/v1/rules").await);
    req!("get", "", "/v1/rules/{id}", get(s.addr, "/v1/rules/DSP-01").await);
    req!("get", "", "/v1/rules/{id}", get(s.addr, "/v1/rules/NOPE").await);
    req!("get", "", "/healthz", get(s.addr, "/healthz").await);
    req!("get", "", "/readyz", get(s.addr, "/readyz").await);
    req!("get", "", "/metrics", get(s.addr, "/metrics").await);
    req!("get", "", "/openapi.json", get(s.addr, "/openapi.json").await);
    req!("post", "", "/v1/admin/reload", send(s.addr, "POST", "/v1/admin/reload", &[], "").await);
    req!("post", "", "/v1/admin/reload", send(plain.addr, "POST", "/v1/admin/reload", &bearer, "").await);
    copy_pack("kz-orphan", &pack, "2026.3.3");
    req!("post", "", "/v1/admin/reload", send(s.addr, "POST", "/v1/admin/reload", &bearer, "").await);
    copy_pack("kz-orphan", &pack, "2026.3.1");
    req!("post", "", "/v1/admin/reload", send(s.addr, "POST", "/v1/admin/reload", &bearer, "").await);
    std::fs::write(pack.join("types.toml"), "broken = [").expect("write");
    req!("post", "", "/v1/admin/reload", send(s.addr, "POST", "/v1/admin/reload", &bearer, "").await);
    {
        let held = std::sync::Arc::clone(&s.state.admitted).try_acquire_many_owned(4).expect("every slot");
        req!("post", "", "/v1/validate", post_json(s.addr, "/v1/validate", valid.clone()).await);
        req!("post", "", "/v1/batch", send(s.addr, "POST", "/v1/batch", &ndjson, batch_body.clone()).await);
        drop(held);
    }
    seen.insert(("post".into(), "/v1/validate".into(), stalled_request(s.addr).await));
    s.state.start_draining();
    req!("get", "", "/readyz", get(s.addr, "/readyz").await);

    for (m, p, r) in &requests {
        let status = r.status.as_u16();
        seen.insert((m.to_string(), p.clone(), status));
        let resp = &doc["paths"][p][m]["responses"][status.to_string()];
        assert!(resp.is_object(), "{m} {p} answered {status}, which the document does not list: {}", r.text());
        let Some((ct, media)) = resp["content"].as_object().and_then(|c| c.iter().next()) else { continue };
        let got_ct = r.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(got_ct.starts_with(ct.split(';').next().unwrap_or(ct)), "{m} {p} {status}: content type {got_ct}, documented {ct}");
        let schema = &media["schema"];
        if ct.starts_with("application/json") {
            check(&doc, schema, &r.json(), &format!("{m} {p} {status}")).unwrap_or_else(|e| panic!("{e}"));
        } else if ct.starts_with("application/x-ndjson") {
            for line in r.text().lines() {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                check(&doc, schema, &v, &format!("{m} {p} {status} line")).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    let documented_statuses: BTreeSet<(String, String, u16)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object().into_iter().flatten().flat_map(move |(m, op)| {
                op["responses"].as_object().into_iter().flatten().filter_map(move |(st, _)| st.parse().ok().map(|st: u16| (m.clone(), p.clone(), st)))
            })
        })
        .collect();
    let untested: Vec<_> = documented_statuses.difference(&seen).collect();
    assert!(untested.is_empty(), "documented but never produced here: {untested:?}");
    let undocumented: Vec<_> = seen.difference(&documented_statuses).collect();
    assert!(undocumented.is_empty(), "produced but not documented: {undocumented:?}");
}

#[test]
fn the_result_schemas_hold_every_result_of_the_examples() {
    let doc: Value = serde_json::from_str(&qagida_server::openapi::document().to_json().expect("json")).expect("json");
    let schema = serde_json::json!({"$ref": "#/components/schemas/ValidationResult"});
    let pack = qagida::Pack::embedded().expect("pack");
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for dir in ["valid", "invalid", "contract"] {
        for e in std::fs::read_dir(root().join("examples").join(dir)).expect("dir").flatten() {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let bytes = std::fs::read(&p).expect("read");
            let Ok(r) = pack.validate_bytes(&bytes, &qagida::Options::default()) else { continue };
            let v = serde_json::to_value(&r).expect("json");
            check(&doc, &schema, &v, &p.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
            for f in v["findings"].as_array().into_iter().flatten() {
                keys.extend(f.as_object().into_iter().flatten().map(|(k, _)| k.clone()));
            }
        }
    }
    // A truncated result too.
    let r = pack.validate_bytes(&example("invalid/prescription.json"), &qagida::Options { max_findings: 1, ..Default::default() }).expect("result");
    assert!(r.truncated);
    check(&doc, &schema, &serde_json::to_value(&r).expect("json"), "truncated").unwrap_or_else(|e| panic!("{e}"));
    assert!(keys.contains("actual") && keys.contains("expected"), "the optional keys of a finding were met: {keys:?}");
    // The check itself sees a key too many, one missing, a wrong type, a severity unknown.
    let good = serde_json::to_value(&r).expect("json");
    for (ptr, bad) in [("/bogus", Value::Bool(true)), ("/valid", Value::from("yes")), ("/findings/0/severity", Value::from("fatal"))] {
        let mut v = good.clone();
        let (parent, key) = ptr.rsplit_once('/').expect("ptr");
        v.pointer_mut(parent).and_then(Value::as_object_mut).expect("object").insert(key.to_string(), bad);
        assert!(check(&doc, &schema, &v, "mutated").is_err(), "{ptr}");
    }
    let mut v = good.clone();
    v["findings"][0].as_object_mut().expect("finding").remove("rule_id");
    assert!(check(&doc, &schema, &v, "mutated").is_err(), "a finding without rule_id");
}
