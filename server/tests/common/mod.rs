//! Shared by the service's integration tests: a server on an ephemeral loopback port, in this
//! process, and an HTTP/1.1 client (hyper).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use qagida_server::{AppState, Config};

pub struct Server {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub done: tokio::task::JoinHandle<Result<(), String>>,
}

impl Server {
    /// Starts SIGTERM's path: stop accepting, drain, end.
    pub fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// A server of the pack `config.spec` names, on 127.0.0.1 and a port the system picks.
pub async fn start(config: Config) -> Server {
    let deployed = qagida::deploy::load_spec(&config.spec).expect("the pack loads");
    let state = AppState::new(&config, deployed).expect("the state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let done = tokio::spawn(qagida_server::serve(listener, Arc::clone(&state), async move {
        let _ = rx.await;
    }));
    Server { addr, state, stop: Some(tx), done }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a new connection.
pub async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Reply {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(conn);
    let mut req = Request::builder().method(method).uri(path).header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = sender.send_request(req.body(Full::new(body.into())).expect("request")).await.expect("response");
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply { status: parts.status, headers: parts.headers, body }
}

pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    send(addr, "GET", path, &[], Bytes::new()).await
}

pub async fn post_json(addr: SocketAddr, path: &str, body: impl Into<Bytes>) -> Reply {
    send(addr, "POST", path, &[("content-type", "application/json")], body).await
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn example(name: &str) -> Vec<u8> {
    std::fs::read(root().join("examples").join(name)).expect("example")
}

/// The embedded pack's result for `doc`, as JSON: what the service must answer.
pub fn library_result(doc: &[u8], lang: Option<&str>) -> serde_json::Value {
    static PACK: std::sync::OnceLock<qagida::Pack> = std::sync::OnceLock::new();
    let pack = PACK.get_or_init(|| qagida::Pack::embedded().expect("pack"));
    let r = pack.validate_bytes(doc, &qagida::Options { lang: lang.map(str::to_string), ..Default::default() }).expect("a document");
    serde_json::to_value(&r).expect("json")
}

/// A copy of the kz-orphan pack at version 2026.3.2 in `dir/pack`, and an admin token file
/// `dir/token` holding `token`: the pack to start a service on and reload.
pub fn reloadable(dir: &Path, token: &str) -> (PathBuf, PathBuf, qagida::deploy::PackSpec) {
    let pack = dir.join("pack");
    copy_pack("kz-orphan", &pack, "2026.3.2");
    let token_file = dir.join("token");
    std::fs::write(&token_file, token).expect("token");
    let spec = qagida::deploy::PackSpec { rules: Some(pack.clone()), ..qagida::deploy::PackSpec::default() };
    (pack, token_file, spec)
}

/// Copies the pack directory `rules/NAME` to `to`, with its version set to `version`.
pub fn copy_pack(name: &str, to: &Path, version: &str) {
    copy_dir(&root().join("rules").join(name), to);
    let manifest = to.join("pack.toml");
    let text = std::fs::read_to_string(&manifest).expect("pack.toml");
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("version = ") {
            out.push_str(&format!("version = \"{version}\"\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(&manifest, out).expect("write pack.toml");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else if p.file_name().is_some_and(|n| n != "pack.sig") {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}
