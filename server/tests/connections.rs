//! What a client can hold of the service without sending requests: a connection that sends no
//! request head is closed after the header timeout, and connections past the cap wait until
//! one closes (slow or idle clients cost a bounded number of tasks and buffers).

mod common;

use std::time::Duration;

use common::*;
use qagida_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads until the server closes the connection (or the deadline passes): whether it closed.
async fn closed_within(stream: &mut tokio::net::TcpStream, deadline: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(deadline, read_all).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_request_head_is_disconnected_after_the_header_timeout() {
    let s = start(Config { workers: 1, header_timeout: Duration::from_millis(300), ..Config::default() }).await;
    // Half a request head, then nothing (a slow-loris client).
    let mut slow = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    slow.write_all(b"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: appl").await.expect("write");
    assert!(closed_within(&mut slow, Duration::from_secs(10)).await, "the half-sent head was cut off");
    // A connection that sends nothing at all is closed too.
    let mut silent = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    assert!(closed_within(&mut silent, Duration::from_secs(10)).await, "the silent connection was cut off");
    // Whole requests are still served.
    assert_eq!(get(s.addr, "/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_until_one_closes() {
    let s = start(Config { workers: 1, max_connections: 1, ..Config::default() }).await;
    // One connection takes the only slot and sends nothing.
    let holder = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    // A second client's request waits (its connection sits in the kernel's backlog, unaccepted)…
    let addr = s.addr;
    let mut waiting = tokio::spawn(async move { get(addr, "/healthz").await.status });
    assert!(tokio::time::timeout(Duration::from_millis(500), &mut waiting).await.is_err(), "served past the cap");
    // …and is served once the first connection closes.
    drop(holder);
    let status = tokio::time::timeout(Duration::from_secs(10), waiting).await.expect("served after the slot freed").expect("task");
    assert_eq!(status, 200);
}
