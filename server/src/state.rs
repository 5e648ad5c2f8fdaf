//! The state of the service: the pack being served (swapped atomically on reload), the limits,
//! the workers, the metrics and the decision log.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::{DateTime, SecondsFormat, Utc};
use qagida::deploy::{DeployError, Deployed, PackSpec};
use qagida::signing::Trust;
use qagida::{Pack, PackRef};
use tokio::sync::Semaphore;

use crate::decision::DecisionLog;
use crate::metrics::Metrics;

/// A pack being served: what `GET /v1/pack` shows of it.
pub struct Serving {
    pub pack: Pack,
    /// The key that signed it (when `--pubkey` was given).
    pub key_id: Option<String>,
    pub loaded_at: DateTime<Utc>,
}

impl Serving {
    fn new(d: Deployed) -> Serving {
        Serving { pack: d.pack, key_id: d.key_id, loaded_at: Utc::now() }
    }

    pub fn loaded_at_text(&self) -> String {
        self.loaded_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// Why a reload left the old pack serving.
#[derive(Debug, Clone)]
pub enum ReloadError {
    /// The new pack does not load, or does not verify under the keys.
    Failed(String),
    /// The new pack is older than the one serving (it or one of its layers).
    Rollback(String),
}

impl std::fmt::Display for ReloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReloadError::Failed(m) | ReloadError::Rollback(m) => f.write_str(m),
        }
    }
}

pub struct AppState {
    pack: ArcSwap<Serving>,
    spec: PackSpec,
    /// One reload at a time.
    reloading: tokio::sync::Mutex<()>,
    /// The last reload that failed, for `/readyz` (cleared by a good one).
    pub last_reload_error: Mutex<Option<String>>,
    draining: AtomicBool,
    /// Requests validating or waiting for a worker: past it `503`.
    pub admitted: Arc<Semaphore>,
    /// Validations running at once (on the executor's threads or blocking ones).
    pub workers: Arc<Semaphore>,
    pub max_body_bytes: usize,
    /// Documents of at most this many bytes are validated on the executor's thread.
    pub inline_max_bytes: usize,
    pub request_timeout: Duration,
    /// Time to send a request's head ([`crate::Config::header_timeout`]).
    pub header_timeout: Duration,
    /// Connections open at once ([`crate::Config::max_connections`]).
    pub max_connections: usize,
    pub grace: Duration,
    /// SHA-256 of the admin token (none: reload over HTTP disabled).
    pub admin_token_hash: Option<[u8; 32]>,
    pub metrics: Metrics,
    pub decisions: Option<DecisionLog>,
    /// Request and decision IDs.
    pub ids: Arc<crate::ids::Ids>,
}

impl AppState {
    pub fn new(config: &crate::Config, pack: Deployed) -> Result<Arc<AppState>, String> {
        let admin_token_hash = match &config.admin_token_file {
            Some(file) => {
                let bytes = qagida::deploy::read_capped(file, qagida::deploy::KEY_FILE_BYTES).map_err(|e| format!("--admin-token-file {}: {e}", file.display()))?;
                let text = String::from_utf8(bytes).map_err(|_| format!("--admin-token-file {}: not UTF-8 text", file.display()))?;
                let token = text.lines().next().unwrap_or_default().trim();
                if token.len() < 16 {
                    return Err(format!("--admin-token-file {}: the token (its first line) must have at least 16 characters", file.display()));
                }
                Some(token_hash(token))
            }
            None => None,
        };
        let decisions = match &config.decision_log {
            Some(path) => Some(DecisionLog::open(path)?),
            None => None,
        };
        let serving = Serving::new(pack);
        let metrics = Metrics::new();
        metrics.set_pack(&serving);
        Ok(Arc::new(AppState {
            pack: ArcSwap::from_pointee(serving),
            spec: config.spec.clone(),
            reloading: tokio::sync::Mutex::new(()),
            last_reload_error: Mutex::new(None),
            draining: AtomicBool::new(false),
            admitted: Arc::new(Semaphore::new(config.max_in_flight.max(1))),
            workers: Arc::new(Semaphore::new(config.workers.max(1))),
            max_body_bytes: config.max_body_bytes,
            inline_max_bytes: config.inline_max_bytes,
            request_timeout: config.request_timeout,
            header_timeout: config.header_timeout,
            max_connections: config.max_connections,
            grace: config.grace,
            admin_token_hash,
            metrics,
            decisions,
            ids: Arc::new(crate::ids::Ids::new()),
        }))
    }

    /// The pack serving now; a request keeps the one it got to its end, whatever reloads.
    pub fn serving(&self) -> Arc<Serving> {
        self.pack.load_full()
    }

    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Reads the pack again (verifying it when keys were given) and swaps it in, unless it
    /// fails to load or verify, or is older than the one serving: then the old one goes on
    /// serving and the failure is logged, counted and shown by `/readyz`.
    pub async fn reload(self: &Arc<Self>, by: &str) -> Result<Arc<Serving>, ReloadError> {
        let _one = self.reloading.lock().await;
        let current = self.serving();
        let spec = self.spec.clone();
        let outcome = tokio::task::spawn_blocking(move || load_newer(&spec, &current.pack))
            .await
            .unwrap_or_else(|e| Err(ReloadError::Failed(format!("the reload failed (please report it): {e}"))));
        match outcome {
            Ok(d) => {
                let serving = Arc::new(Serving::new(d));
                self.pack.store(Arc::clone(&serving));
                self.metrics.set_pack(&serving);
                self.metrics.reload("ok");
                if let Ok(mut e) = self.last_reload_error.lock() {
                    *e = None;
                }
                tracing::info!(by, pack = %serving.pack.id, version = %serving.pack.version, "pack reloaded");
                Ok(serving)
            }
            Err(e) => {
                self.metrics.reload(match e {
                    ReloadError::Failed(_) => "failed",
                    ReloadError::Rollback(_) => "refused",
                });
                let at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
                if let Ok(mut last) = self.last_reload_error.lock() {
                    *last = Some(format!("{at}: {e}"));
                }
                tracing::error!(by, error = %e, "reload failed: the old pack goes on serving");
                Err(e)
            }
        }
    }
}

/// The pack `spec` names, if it loads (and verifies) and is not older than `current`: neither
/// the pack nor any layer both have may go to a lower version (versions compare as versions).
fn load_newer(spec: &PackSpec, current: &Pack) -> Result<Deployed, ReloadError> {
    let d = qagida::deploy::load_spec(spec).map_err(|e| {
        ReloadError::Failed(match e {
            DeployError::Pack(p) => format!("the new pack does not load: {}", p.to_string().replace('\n', "; ")),
            other => format!("the new pack was refused: {other}"),
        })
    })?;
    let mut pairs: Vec<(&PackRef, &PackRef)> = Vec::new();
    let (new_top, old_top) = (PackRef { id: d.pack.id.clone(), version: d.pack.version.clone() }, PackRef { id: current.id.clone(), version: current.version.clone() });
    pairs.push((&new_top, &old_top));
    for n in &d.pack.layers {
        if let Some(o) = current.layers.iter().find(|o| o.id == n.id) {
            pairs.push((n, o));
        }
    }
    for (n, o) in pairs {
        if n.id != o.id {
            continue;
        }
        if let (Ok(nv), Ok(ov)) = (Trust::parse_version(&n.version), Trust::parse_version(&o.version))
            && nv < ov
        {
            return Err(ReloadError::Rollback(format!(
                "rollback refused: the new pack has {} {}, older than {} {} serving",
                n.id, n.version, o.id, o.version
            )));
        }
    }
    Ok(d)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}
