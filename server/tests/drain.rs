//! Graceful shutdown: on SIGTERM the service stops accepting, says it is not ready, lets the
//! requests in flight finish and ends; past the grace period it ends anyway. (A test binary of
//! its own: it sends SIGTERM to its own process, which the service's handler takes.)

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Bytes, Frame};
use hyper_util::rt::TokioIo;
use qagida_server::{AppState, Config};

type Chunks = tokio::sync::mpsc::Sender<Bytes>;

/// Starts a batch whose body is sent as the test says; the response, as it comes.
async fn open_batch(addr: std::net::SocketAddr) -> (Chunks, hyper::Response<hyper::body::Incoming>) {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(conn);
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let frames = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, std::convert::Infallible>(Frame::data(b)), rx)) });
    let req = hyper::Request::builder()
        .method("POST")
        .uri("/v1/batch")
        .header("host", addr.to_string())
        .header("content-type", "application/x-ndjson")
        .body(StreamBody::new(frames))
        .expect("request");
    let resp = sender.send_request(req).await.expect("response head");
    (tx, resp)
}

fn line(name: &str) -> Bytes {
    let v: serde_json::Value = serde_json::from_slice(&example(name)).expect("json");
    Bytes::from(format!("{v}\n"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_accepting_and_drains_the_requests_in_flight_then_ends() {
    // Taken by tokio from here on (so the signal can never end the test process by default).
    let _taken = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("handler");
    let config = Config { workers: 2, grace: Duration::from_secs(20), ..Config::default() };
    let deployed = qagida::deploy::load_spec(&config.spec).expect("pack");
    let state = AppState::new(&config, deployed).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(qagida_server::serve(listener, Arc::clone(&state), qagida_server::shutdown_signal()));
    assert_eq!(get(addr, "/healthz").await.status, 200);

    // A batch in flight: one line sent, its result read.
    let (tx, resp) = open_batch(addr).await;
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    tx.send(line("valid/prescription.json")).await.expect("send");
    let first = body.frame().await.expect("a frame").expect("data").into_data().expect("data");
    assert!(first.starts_with(b"{\"line\":1,"), "{}", String::from_utf8_lossy(&first));

    let status = std::process::Command::new("kill").args(["-TERM", &std::process::id().to_string()]).status().expect("kill");
    assert!(status.success());
    let t = Instant::now();
    while !state.is_draining() {
        assert!(t.elapsed() < Duration::from_secs(10), "SIGTERM was not taken");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // No new connection is accepted.
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting after SIGTERM");
    assert!(!server.is_finished(), "ended with a request in flight");

    // The batch goes on to its end.
    tx.send(line("invalid/prescription.json")).await.expect("send");
    tx.send(Bytes::from_static(b"nope\n")).await.expect("send");
    drop(tx);
    let rest = body.collect().await.expect("the rest").to_bytes();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&rest).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["valid"].as_bool()), (Some(2), Some(false)));
    assert_eq!(lines[1]["line"].as_u64(), Some(3));
    assert!(lines[1]["error"].is_string());

    let ended = tokio::time::timeout(Duration::from_secs(10), server).await.expect("ended once drained").expect("task");
    assert_eq!(ended, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_after_the_grace_period_with_a_request_that_never_finishes() {
    let mut s = start(Config { workers: 1, grace: Duration::from_millis(300), ..Config::default() }).await;
    let (tx, resp) = open_batch(s.addr).await;
    assert_eq!(resp.status(), 200);
    let t = Instant::now();
    s.shutdown();
    let ended = tokio::time::timeout(Duration::from_secs(10), &mut s.done).await.expect("ended").expect("task");
    assert_eq!(ended, Ok(()));
    assert!(t.elapsed() >= Duration::from_millis(300), "it waited the grace period");
    drop(tx);
}
