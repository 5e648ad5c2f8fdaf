//! `qagida serve`: an HTTP validation service, a thin shell over the qagida library.
//!
//! One process serves one pack (loaded by `qagida::deploy`, as the CLI loads it) to any number
//! of clients: `POST /v1/validate` (one document), `POST /v1/batch` (NDJSON streamed both
//! ways), the pack and its rules, health, readiness, Prometheus metrics, its own OpenAPI
//! document, and a reload that swaps a new pack in atomically (after verifying and compiling
//! it) or leaves the old one serving. Stateless: replicas behind a load balancer need nothing
//! from each other. See the README's "Service" section for the flags and their defaults.
//!
//! * [`state`]: the pack being served, reloads (signature, rollback refused), the limits.
//! * [`routes`]: the handlers; [`batch`]: NDJSON in, NDJSON out.
//! * [`metrics`]: the Prometheus registry; [`decision`]: the decision log (no patient data).
//! * [`openapi`]: the OpenAPI 3.1 document, generated from the handlers' annotations.

pub mod batch;
pub mod decision;
pub mod ids;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use qagida::deploy::{Deployed, PackSpec};

pub use state::AppState;
/// The log levels of [`Config::log_level`].
pub use tracing::level_filters::LevelFilter;

/// How `qagida serve` runs: every flag, with its default in [`Config::default`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:8080`: loopback unless told otherwise).
    pub addr: SocketAddr,
    /// The pack, as the CLI names it; read again on every reload.
    pub spec: PackSpec,
    /// The bearer token of `POST /v1/admin/reload` (its file's first line); none: disabled.
    pub admin_token_file: Option<PathBuf>,
    /// The decision log: a file (appended to), `-` for standard output; none: no log.
    pub decision_log: Option<PathBuf>,
    /// Largest request body of `/v1/validate`, and largest line of `/v1/batch` (16 MiB, the
    /// library's input limit).
    pub max_body_bytes: usize,
    /// A document of `/v1/validate` of at most this many bytes is validated on the executor's
    /// thread, a larger one on a blocking thread. Default 4 KiB: a single document that size
    /// validates in tens of microseconds (a prescription, 1.7 KB, in 15–25 µs), within the
    /// 10–100 µs that tokio's documentation allows a task between awaits, and spares two thread
    /// hand-offs per request: at rest on 2 cores it served 1.4–2.1× the requests per second of
    /// the blocking pool, at lower latency (BENCHMARKS.md, Service). Bundles and larger
    /// documents, hundreds of microseconds and more, go to the blocking pool. 0: every document
    /// on a blocking thread.
    pub inline_max_bytes: usize,
    /// Time to produce a response's head (default 30 s); past it `408`. Not for
    /// `POST /v1/admin/reload`, which answers when the pack is loaded (or refused).
    pub request_timeout: Duration,
    /// Documents validated at once (default: one per core), on threads off the async executor.
    pub workers: usize,
    /// Requests validating or waiting for a worker (default 256); past it `503`.
    pub max_in_flight: usize,
    /// On SIGTERM/SIGINT: the most time given to requests in flight before the process exits
    /// (default 30 s).
    pub grace: Duration,
    /// Log lines as JSON objects (default: text).
    pub log_json: bool,
    /// The least severe log lines written (default `info`; `warn` or `error` for less, `debug`
    /// or `trace` for more).
    pub log_level: tracing::level_filters::LevelFilter,
    /// Time a client has to send a request's head, from the connection's first byte or the end
    /// of its previous response (default 30 s); past it the connection is closed. Without it a
    /// client that opens connections and sends nothing (or a byte a minute) holds them forever.
    pub header_timeout: Duration,
    /// Connections open at once (default 1024): past it the service accepts no more until one
    /// closes (they wait in the kernel's backlog), so a flood of connections costs a bounded
    /// number of tasks and buffers.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            spec: PackSpec::default(),
            admin_token_file: None,
            decision_log: None,
            max_body_bytes: qagida::Options::default().max_input_bytes,
            inline_max_bytes: 4 << 10,
            request_timeout: Duration::from_secs(30),
            workers: cores,
            max_in_flight: 256,
            grace: Duration::from_secs(30),
            log_json: false,
            log_level: tracing::level_filters::LevelFilter::INFO,
            header_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Runs the service until SIGTERM or SIGINT (then drains within the grace period), with the
/// pack already loaded. An error: what kept it from starting (the address, the token file,
/// the decision log).
pub fn run(config: Config, pack: Deployed) -> Result<(), String> {
    init_logs(config.log_json, config.log_level);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("qagida-serve").build().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let state = AppState::new(&config, pack)?;
        let shutdown = shutdown_signal();
        tokio::spawn(reload_on_sighup(Arc::clone(&state)));
        serve(listener, state, shutdown).await
    })
}

/// Serves on `listener` until `shutdown` completes, then stops accepting, marks itself not
/// ready and gives requests in flight the grace period to finish.
///
/// The accept loop is axum's `serve` written out over hyper (as axum's own "serve with hyper"
/// and "graceful shutdown" examples do), for what `axum::serve` does not offer: a timeout on a
/// request's head (hyper's `header_read_timeout`, which needs a timer) and a cap on the
/// connections open at once.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), String> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, pack = %state.serving().pack.id, version = %state.serving().pack.version, "serving");
    let (grace, header_timeout) = (state.grace, state.header_timeout);
    let connections = Arc::new(tokio::sync::Semaphore::new(state.max_connections.max(1)));
    let draining = Arc::clone(&state);
    let app = routes::router(state);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free connection slot first, then a connection: past the cap, clients wait in the
        // kernel's backlog rather than in this process.
        let permit = tokio::select! {
            p = Arc::clone(&connections).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, _peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // As axum's serve: a connection that failed before it was accepted is
                    // skipped; anything else (out of file descriptors) is waited out.
                    if !is_connection_error(&e) {
                        tracing::error!(error = %e, "accept failed; retrying in 1 s");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
        let conn = graceful.watch(http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone())));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    draining.start_draining();
    tracing::info!("shutting down: no new connections, draining requests in flight");
    match tokio::time::timeout(grace, graceful.shutdown()).await {
        Ok(()) => {
            tracing::info!("drained; exiting");
            Ok(())
        }
        Err(_) => {
            tracing::warn!(grace_secs = grace.as_secs_f64(), "grace period over: exiting with requests still in flight");
            Ok(())
        }
    }
}

/// An accept error that concerns one connection only (axum's `serve` skips these too).
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset)
}

/// SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called (in the
/// runtime), before the service says it is serving: a signal sent from then on is never lost.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Re-reads the pack on every SIGHUP (as `POST /v1/admin/reload` does); the handler installed
/// when this is called.
fn reload_on_sighup(state: Arc<AppState>) -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        let hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup());
        async move {
            let Ok(mut hup) = hup else { return };
            while hup.recv().await.is_some() {
                let _ = state.reload("SIGHUP").await;
            }
        }
    }
    #[cfg(not(unix))]
    async move {
        let _ = state;
    }
}

fn init_logs(json: bool, level: tracing::level_filters::LevelFilter) {
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(level).with_target(false);
    // A second call (a test starting a second server) keeps the first subscriber.
    let _ = if json { builder.json().try_init() } else { builder.with_ansi(false).try_init() };
}
