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
    /// thread (a prescription, 1.7 KB, takes 15–25 µs: less than a task should run between
    /// awaits), a larger one on a blocking thread. Default 0: every document on a blocking
    /// thread. 8 KiB spares two thread hand-offs per request (a third less CPU per request) but
    /// in the runs of BENCHMARKS.md kept about one executor thread busy, so that it served no
    /// more requests per second on 2 cores.
    pub inline_max_bytes: usize,
    /// Time to produce a response's head (default 30 s); past it `408`.
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
            inline_max_bytes: 0,
            request_timeout: Duration::from_secs(30),
            workers: cores,
            max_in_flight: 256,
            grace: Duration::from_secs(30),
            log_json: false,
        }
    }
}

/// Runs the service until SIGTERM or SIGINT (then drains within the grace period), with the
/// pack already loaded. An error: what kept it from starting (the address, the token file,
/// the decision log).
pub fn run(config: Config, pack: Deployed) -> Result<(), String> {
    init_logs(config.log_json);
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
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), String> {
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, pack = %state.serving().pack.id, version = %state.serving().pack.version, "serving");
    let (fired_tx, mut fired_rx) = tokio::sync::watch::channel(false);
    let draining = Arc::clone(&state);
    let signal = async move {
        shutdown.await;
        draining.start_draining();
        tracing::info!("shutting down: no new connections, draining requests in flight");
        let _ = fired_tx.send(true);
    };
    let grace = state.grace;
    let watch = Arc::clone(&state);
    let app = routes::router(state);
    let server = axum::serve(listener, app).with_graceful_shutdown(signal);
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        r = &mut server => {
            // Drained before this task saw the signal fire (nothing was in flight).
            if watch.is_draining() {
                tracing::info!("drained; exiting");
            }
            return r.map_err(|e| e.to_string());
        }
        _ = fired_rx.wait_for(|f| *f) => {}
    }
    match tokio::time::timeout(grace, server).await {
        Ok(r) => {
            tracing::info!("drained; exiting");
            r.map_err(|e| e.to_string())
        }
        Err(_) => {
            tracing::warn!(grace_secs = grace.as_secs_f64(), "grace period over: exiting with requests still in flight");
            Ok(())
        }
    }
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

fn init_logs(json: bool) {
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(tracing::Level::INFO).with_target(false);
    // A second call (a test starting a second server) keeps the first subscriber.
    let _ = if json { builder.json().try_init() } else { builder.with_ansi(false).try_init() };
}
