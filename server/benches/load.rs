//! Load benchmark of `qagida serve` (not a test): an HTTP/1.1 client (hyper, keep-alive
//! connections) drives the service over loopback at 1, 16 and 64 connections with the valid and
//! the invalid prescription, for a few seconds each; then the library's own documents/s on the
//! same machine in the same run, on as many threads as the service has workers. Prints the
//! table of BENCHMARKS.md.
//!
//! `cargo bench -p qagida-server --bench load` (`QAGIDA_LOAD_SECS` per cell, default 5).
//! Client and server share the machine: the service's numbers include the client's cost.

// The allocator of the `qagida` binary (cli/src/main.rs), which `qagida serve` runs in.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use qagida_server::{AppState, Config};

fn example(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(name);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("example")).expect("json");
    serde_json::to_vec(&v).expect("json")
}

/// Process CPU time (user + system) so far, from /proc/self/stat (Linux), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time (user + system) so far of this process's threads whose name starts with `prefix`
/// (the server's runtime and blocking threads are `srv-…`, the client's `cli-…`), in seconds.
fn thread_cpu_seconds(prefix: &str) -> f64 {
    let mut total = 0.0;
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        let Some((head, after)) = stat.rsplit_once(')') else { continue };
        if !head.split_once('(').is_some_and(|(_, name)| name.starts_with(prefix)) {
            continue;
        }
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
        total += (ticks(11) + ticks(12)) / 100.0;
    }
    total
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, m)| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// The library's documents/s for `doc` on `threads` threads, and the cores it kept busy.
fn library_rate(pack: &qagida::Pack, doc: &[u8], threads: usize, secs: f64) -> (f64, f64) {
    let cpu0 = cpu_seconds();
    let opts = qagida::Options::default();
    let stop = AtomicBool::new(false);
    let count = AtomicU64::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let r = pack.validate_bytes(doc, &opts).expect("a document");
                    // What the service does too: the result as JSON.
                    std::hint::black_box(serde_json::to_vec(&r).expect("json"));
                    n += 1;
                }
                count.fetch_add(n, Ordering::Relaxed);
            });
        }
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Ordering::Relaxed);
    });
    let elapsed = t.elapsed().as_secs_f64();
    (count.load(Ordering::Relaxed) as f64 / elapsed, (cpu_seconds() - cpu0) / elapsed)
}

struct Cell {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    /// Cores busy in the server's threads, and in the client's.
    server_cpu: f64,
    client_cpu: f64,
}

impl Cell {
    /// The cell as a row of BENCHMARKS.md's table, beside the library's documents/s and cores.
    fn print_row(&self, document: &str, mode: &str, conns: usize, (lib, lib_cpu): (f64, f64)) {
        println!(
            "| {document} | {mode} | {conns} | {:.0} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {lib:.0} ({lib_cpu:.2}) | {:.2} | {:.2} |",
            self.rps,
            self.p50_ms,
            self.p99_ms,
            self.errors,
            self.server_cpu,
            self.client_cpu,
            self.rps / lib,
            (self.rps / self.server_cpu) / (lib / lib_cpu)
        );
    }
}

async fn drive(addr: std::net::SocketAddr, doc: Bytes, conns: usize, secs: f64) -> Cell {
    let stop = Arc::new(AtomicBool::new(false));
    let (srv0, cli0) = (thread_cpu_seconds("srv"), thread_cpu_seconds("cli"));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (stop, doc) = (Arc::clone(&stop), doc.clone());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
            tokio::spawn(conn);
            let (mut lat, mut errors) = (Vec::with_capacity(1 << 16), 0u64);
            while !stop.load(Ordering::Relaxed) {
                let req = hyper::Request::post("/v1/validate")
                    .header("host", "bench")
                    .header("content-type", "application/json")
                    .body(Full::new(doc.clone()))
                    .expect("request");
                let t = Instant::now();
                match sender.send_request(req).await {
                    Ok(resp) => {
                        let ok = resp.status() == 200;
                        let body = resp.into_body().collect().await;
                        if ok && body.is_ok() {
                            lat.push(t.elapsed().as_micros() as u32);
                        } else {
                            errors += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (lat, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (lat, e) = task.await.expect("client");
        all.extend(lat);
        errors += e;
    }
    let elapsed = t.elapsed().as_secs_f64();
    let (server_cpu, client_cpu) = ((thread_cpu_seconds("srv") - srv0) / elapsed, (thread_cpu_seconds("cli") - cli0) / elapsed);
    all.sort_unstable();
    let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).map_or(0.0, |&us| us as f64 / 1000.0);
    Cell { rps: all.len() as f64 / elapsed, p50_ms: pct(0.50), p99_ms: pct(0.99), errors, server_cpu, client_cpu }
}

/// The ceiling of HTTP on this machine: a bare hyper HTTP/1.1 server on a runtime built as the
/// service's, whose handler reads the body and answers a fixed `{"valid":true}` (no routing,
/// no layers, no validation). No service that validates can serve more requests per second.
fn serve_empty(rt: &tokio::runtime::Runtime) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            loop {
                let stream = tokio::select! {
                    accepted = listener.accept() => match accepted { Ok((s, _)) => s, Err(_) => continue },
                    _ = &mut rx => return,
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = req.into_body().collect().await;
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::from_static(b"{\"valid\":true}"))))
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        (addr, tx)
    })
}

fn main() {
    let secs: f64 = std::env::var("QAGIDA_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let docs = [("valid prescription", example("valid/prescription.json")), ("invalid prescription", example("invalid/prescription.json"))];
    println!("# qagida serve, loopback, {cores} core(s): {}; load average before: {}", cpu_model(), load_average());

    let pack = qagida::Pack::embedded().expect("the embedded pack");
    let client_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("cli").enable_all().build().expect("runtime");
    println!();
    println!(
        "| document | validated on | connections | requests/s | p50 ms | p99 ms | errors | server CPU (cores) | client CPU (cores) | library docs/s ({cores} threads; cores) | service / library | per server core / per library core |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Every document on a blocking thread (`--inline-max-bytes 0`), then the default
    // (`--inline-max-bytes 4096`): a document this small on the executor's thread.
    for (mode, inline_max_bytes) in [("blocking pool (--inline-max-bytes 0)", 0), ("executor thread (default)", Config::default().inline_max_bytes)] {
        let config = Config { workers: cores, inline_max_bytes, ..Config::default() };
        let deployed = qagida::deploy::load_spec(&config.spec).expect("the embedded pack");
        // As `qagida serve` builds it (one async thread per core), its threads named for the CPU
        // count and kept alive between cells.
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .thread_name("srv")
            .thread_keep_alive(Duration::from_secs(3600))
            .enable_all()
            .build()
            .expect("runtime");
        let (addr, stop_tx) = server_rt.block_on(async {
            let state = AppState::new(&config, deployed).expect("state");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(qagida_server::serve(listener, state, async move {
                let _ = rx.await;
            }));
            (addr, tx)
        });
        for (name, doc) in &docs {
            // The library just before, on the same machine at the same load.
            let (lib, lib_cpu) = library_rate(&pack, doc, cores, secs);
            let body = Bytes::from(doc.clone());
            // Warm-up.
            client_rt.block_on(drive(addr, body.clone(), 4, 0.5));
            for conns in [1, 16, 64] {
                let c = client_rt.block_on(drive(addr, body.clone(), conns, secs));
                c.print_row(name, mode, conns, (lib, lib_cpu));
                assert_eq!(c.errors, 0, "{name}, {mode}, {conns} connections: requests failed");
            }
        }
        let _ = stop_tx.send(());
        server_rt.shutdown_timeout(Duration::from_secs(5));
    }
    // The ceiling: the valid prescription's body to an empty handler, against the library's
    // documents/s of the same document.
    let (name, doc) = &docs[0];
    let (lib, lib_cpu) = library_rate(&pack, doc, cores, secs);
    let server_rt = tokio::runtime::Builder::new_multi_thread().thread_name("srv").enable_all().build().expect("runtime");
    let (addr, stop_tx) = serve_empty(&server_rt);
    let body = Bytes::from(doc.clone());
    client_rt.block_on(drive(addr, body.clone(), 4, 0.5));
    for conns in [1, 16, 64] {
        let c = client_rt.block_on(drive(addr, body.clone(), conns, secs));
        c.print_row(name, "no validation: bare hyper, empty handler (the ceiling)", conns, (lib, lib_cpu));
    }
    let _ = stop_tx.send(());
    server_rt.shutdown_timeout(Duration::from_secs(5));
    println!();
    println!("load average after: {}", load_average());
}
