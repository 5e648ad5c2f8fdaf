//! The service's endpoints on an ephemeral loopback port: every row of the table and every
//! error status, each answer held to what the library says.

mod common;

use common::*;
use qagida_server::Config;

fn config() -> Config {
    Config { workers: 2, ..Config::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_answers_the_library_result_whatever_the_verdict() {
    let s = start(config()).await;
    for name in ["valid/prescription.json", "invalid/prescription.json", "valid/bundle.json", "invalid/bundle-rx02.json"] {
        let doc = example(name);
        let r = post_json(s.addr, "/v1/validate?lang=en", doc.clone()).await;
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert_eq!(r.json(), library_result(&doc, Some("en")), "{name}");
        assert!(r.headers.get("x-decision-id").is_some_and(|v| v.len() == 36), "{name}: a decision id");
        assert!(r.headers.get("x-request-id").is_some(), "{name}: a request id");
    }
    // The query's date and language reach the library.
    let doc = example("valid/prescription.json");
    let r = post_json(s.addr, "/v1/validate?as_of=2026-05-01&lang=kk", doc.clone()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["as_of"], "2026-05-01");
    // `mode=draft`: the library's draft result (absent data not reported, what waits listed).
    let half = br#"{"document_type": "mdt_conclusion", "date": "2026-04-02", "doses_per_day": 50}"#.to_vec();
    let r = post_json(s.addr, "/v1/validate?mode=draft", half.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let opts = qagida::Options { mode: qagida::Mode::Draft, ..Default::default() };
    let want = qagida::Pack::embedded().expect("pack").validate_bytes(&half, &opts).expect("a document");
    assert_eq!(r.json(), serde_json::to_value(&want).expect("json"));
    assert!(r.json()["skipped"].as_array().is_some_and(|s| !s.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_refuses_what_is_not_a_document_with_a_json_error() {
    let s = start(Config { max_body_bytes: 64 << 10, ..config() }).await;
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("/v1/validate", "application/json", b"{not json".to_vec(), 400),
        ("/v1/validate", "application/json", b"".to_vec(), 400),
        // Nested deeper than the library's limit (64): an input-limit error.
        ("/v1/validate", "application/json", format!("{}{}", "[".repeat(100), "]".repeat(100)).into_bytes(), 400),
        ("/v1/validate", "application/json", vec![b' '; (64 << 10) + 1], 413),
        ("/v1/validate", "text/plain", example("valid/prescription.json"), 415),
        ("/v1/validate?lang=xx", "application/json", example("valid/prescription.json"), 400),
        ("/v1/validate?as_of=2026-13-01", "application/json", example("valid/prescription.json"), 400),
        ("/v1/validate?mode=summary", "application/json", example("valid/prescription.json"), 400),
    ];
    for (path, ct, body, want) in cases {
        let r = send(s.addr, "POST", path, &[("content-type", ct)], body).await;
        assert_eq!(r.status.as_u16(), want, "{path} {ct}: {}", r.text());
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: a JSON error body");
    }
    // `application/*+json` is JSON too.
    let r = send(s.addr, "POST", "/v1/validate", &[("content-type", "application/fhir+json; charset=utf-8")], example("valid/prescription.json")).await;
    assert_eq!(r.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_and_batch_answer_503_when_saturated() {
    let s = start(Config { max_in_flight: 3, ..config() }).await;
    let held = std::sync::Arc::clone(&s.state.admitted).try_acquire_many_owned(3).expect("every slot");
    let r = post_json(s.addr, "/v1/validate", example("valid/prescription.json")).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.headers.get("retry-after").map(|v| v.to_str().unwrap_or("")), Some("1"));
    let r = send(s.addr, "POST", "/v1/batch", &[("content-type", "application/x-ndjson")], "{}\n").await;
    assert_eq!(r.status, 503);
    drop(held);
    let r = post_json(s.addr, "/v1/validate", example("valid/prescription.json")).await;
    assert_eq!(r.status, 200);
}

fn one_line(doc: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(doc).expect("json");
    serde_json::to_string(&v).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_answers_every_line_in_order_with_its_number_and_errors_on_their_own_lines() {
    let s = start(Config { max_body_bytes: 64 << 10, ..config() }).await;
    let docs = ["valid/prescription.json", "invalid/prescription.json", "valid/dispensing.json", "invalid/mdt_conclusion.json"];
    let mut body = String::from("\u{feff}");
    let mut expect: Vec<serde_json::Value> = Vec::new();
    // 300 lines: more than the workers read ahead, so order is really kept.
    for i in 0..300 {
        let n = i + 1;
        match i % 7 {
            3 => {
                body.push_str("  \r\n");
                expect.push(serde_json::json!({"line": n, "error": "empty line"}));
            }
            5 => {
                body.push_str("{oops\n");
                expect.push(serde_json::json!({"line": n, "error": "*"}));
            }
            6 if i == 6 => {
                body.push_str(&"x".repeat((64 << 10) + 10));
                body.push('\n');
                expect.push(serde_json::json!({"line": n, "error": "*"}));
            }
            _ => {
                let doc = example(docs[i % docs.len()]);
                body.push_str(&one_line(&doc));
                body.push('\n');
                let mut want = serde_json::json!({"line": n});
                for (k, v) in library_result(&doc, Some("ru")).as_object().expect("object") {
                    want[k] = v.clone();
                }
                expect.push(want);
            }
        }
    }
    // The last line without its newline is still a line.
    body.push_str(&one_line(&example("valid/prescription.json")));
    let mut last = serde_json::json!({"line": 301});
    for (k, v) in library_result(&example("valid/prescription.json"), None).as_object().expect("object") {
        last[k] = v.clone();
    }
    expect.push(last);
    let r = send(s.addr, "POST", "/v1/batch?lang=ru", &[("content-type", "application/x-ndjson")], body).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get("content-type").map(|v| v.to_str().unwrap_or("")), Some("application/x-ndjson"));
    let lines: Vec<serde_json::Value> = r.text().lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), expect.len());
    for (got, want) in lines.iter().zip(&expect) {
        if want["error"] == "*" {
            assert_eq!(got["line"], want["line"]);
            assert!(got["error"].as_str().is_some_and(|e| !e.is_empty()), "{got}");
        } else {
            assert_eq!(got, want);
        }
    }
    let r = send(s.addr, "POST", "/v1/batch", &[("content-type", "application/json")], "{}\n").await;
    assert_eq!(r.status, 415);
    let r = send(s.addr, "POST", "/v1/batch?as_of=nope", &[("content-type", "application/x-ndjson")], "{}\n").await;
    assert_eq!(r.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pack_rules_and_one_rule_explained() {
    let s = start(config()).await;
    let pack = qagida::Pack::embedded().expect("pack");
    let p = get(s.addr, "/v1/pack").await;
    assert_eq!(p.status, 200);
    let p = p.json();
    assert_eq!(p["id"], pack.id.as_str());
    assert_eq!(p["version"], pack.version.as_str());
    assert_eq!(p["layers"].as_array().map(Vec::len), Some(pack.layers.len()));
    assert!(p["loaded_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(p.get("key_id").is_none(), "not verified: no key id");
    let rules = get(s.addr, "/v1/rules?lang=en").await.json();
    let ids: Vec<&str> = rules.as_array().expect("array").iter().filter_map(|r| r["id"].as_str()).collect();
    let want: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, want);
    let rx = get(s.addr, "/v1/rules/RX-01?lang=en").await;
    assert_eq!(rx.status, 200);
    let rx = rx.json();
    assert_eq!(rx["id"], "RX-01");
    assert!(rx["checks"].as_array().is_some_and(|c| !c.is_empty()));
    // What `qagida explain` shows: the library's `qagida::explain`, as JSON.
    let rule = pack.rule("RX-01").expect("RX-01");
    let want = serde_json::to_value(qagida::explain::explain(&pack, rule, pack.language(Some("en")))).expect("json");
    assert_eq!(rx, want);
    let langs: Vec<&str> = rx["message"].as_array().expect("message").iter().filter_map(|m| m[0].as_str()).collect();
    assert_eq!(langs.len(), 3, "the message in every language: {langs:?}");
    let none = get(s.addr, "/v1/rules/NO-SUCH").await;
    assert_eq!(none.status, 404);
    assert!(none.json()["error"].is_string());
    let none = get(s.addr, "/v2/nothing").await;
    assert_eq!(none.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_readyz_say_alive_and_serving_then_not_ready_when_draining() {
    let s = start(config()).await;
    let h = get(s.addr, "/healthz").await;
    assert_eq!((h.status.as_u16(), h.json()["status"].clone()), (200, serde_json::json!("ok")));
    let r = get(s.addr, "/readyz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ready"], true);
    assert_eq!(r.json()["pack"]["id"], "kz-orphan");
    s.state.start_draining();
    let r = get(s.addr, "/readyz").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["reason"], "shutting down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_documents_findings_and_name_the_pack() {
    let s = start(config()).await;
    post_json(s.addr, "/v1/validate", example("valid/prescription.json")).await;
    let invalid = example("invalid/prescription.json");
    post_json(s.addr, "/v1/validate", invalid.clone()).await;
    post_json(s.addr, "/v1/validate", "nope").await;
    let m = get(s.addr, "/metrics").await;
    assert_eq!(m.status, 200);
    assert!(m.headers.get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/openmetrics-text")));
    let text = m.text();
    for want in [
        r#"qagida_http_requests_total{endpoint="/v1/validate",method="post",status="200"} 2"#,
        r#"qagida_http_requests_total{endpoint="/v1/validate",method="post",status="400"} 1"#,
        r#"qagida_http_request_duration_seconds_count{endpoint="/v1/validate",method="post",status="200"} 2"#,
        r#"qagida_documents_validated_total{verdict="valid"} 1"#,
        r#"qagida_documents_validated_total{verdict="invalid"} 1"#,
        r#"qagida_documents_validated_total{verdict="unusable"} 1"#,
        r#"qagida_pack_info{id="kz-orphan",version="2026.3.2",key_id=""} 1"#,
        "# EOF",
    ] {
        assert!(text.contains(want), "missing {want} in\n{text}");
    }
    let r: serde_json::Value = library_result(&invalid, None);
    let first = &r["findings"][0];
    let line = format!(r#"qagida_findings_total{{rule_id="{}",severity="{}"}}"#, first["rule_id"].as_str().unwrap_or(""), first["severity"].as_str().unwrap_or(""));
    assert!(text.contains(&line), "missing {line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_log_has_one_record_per_decision_and_no_patient_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("decisions.ndjson");
    let s = start(Config { decision_log: Some(log.clone()), ..config() }).await;
    let doc = example("invalid/prescription.json");
    let r = post_json(s.addr, "/v1/validate", doc.clone()).await;
    let id = r.headers.get("x-decision-id").and_then(|v| v.to_str().ok()).expect("id").to_string();
    let b = send(s.addr, "POST", "/v1/batch", &[("content-type", "application/x-ndjson")], format!("{}\n\n", one_line(&doc))).await;
    let batch_id = b.headers.get("x-decision-id").and_then(|v| v.to_str().ok()).expect("id").to_string();
    let text = std::fs::read_to_string(&log).expect("log");
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(records.len(), 2, "{text}");
    assert_eq!(records[0]["decision_id"], id.as_str());
    assert_eq!(records[0]["document_type"], "prescription");
    assert_eq!(records[0]["verdict"], "invalid");
    assert_eq!(records[0]["pack_id"], "kz-orphan");
    assert!(records[0]["rule_ids"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(records[1]["decision_id"], format!("{batch_id}:1"));
    // Nothing the document says but its type: no IIN, no name, no id, no finding text.
    let v: serde_json::Value = serde_json::from_slice(&doc).expect("json");
    let mut strings = Vec::new();
    collect_strings(&v, &mut strings);
    for s in strings.iter().filter(|s| s.len() >= 4 && s.as_str() != "prescription") {
        assert!(!text.contains(s.as_str()), "the log holds `{s}` from the document");
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}
