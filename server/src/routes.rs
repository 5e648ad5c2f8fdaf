//! The routes and their handlers; the layers every request goes through (request ID, trace,
//! metrics, panic → `500`, timeout, body limit).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qagida::Options;
use serde::{Deserialize, Serialize};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::openapi::{ErrorBody, PackInfo};

/// Every route: method and path, as the router and the OpenAPI document have them.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/validate"),
    ("post", "/v1/batch"),
    ("get", "/v1/pack"),
    ("get", "/v1/rules"),
    ("get", "/v1/rules/{id}"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("post", "/v1/admin/reload"),
];

/// The response header naming a decision (the decision log's `decision_id`).
pub const DECISION_ID: &str = "x-decision-id";

pub fn router(state: Arc<AppState>) -> Router {
    let timeout = state.request_timeout;
    Router::new()
        .route("/v1/validate", post(validate))
        .route("/v1/batch", post(crate::batch::batch))
        .route("/v1/pack", get(pack))
        .route("/v1/rules", get(rules))
        .route("/v1/rules/{id}", get(rule))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        // Added after the timeout layer, so not under it (a layer wraps the routes before it): a
        // reload cut off by the request timeout would drop its own outcome, and the pack it
        // loaded with it, while the loading went on. A reload is bounded by the pack it loads.
        .route("/v1/admin/reload", post(reload))
        .layer(CatchPanicLayer::custom(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "internal error (please report it)")))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(crate::ids::MakeId(Arc::clone(&state.ids))))
        .with_state(state)
}

/// Counts every request and its latency by route, method and status.
async fn track(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    // Labels from closed sets, without allocating: the route's own text, the method's.
    let endpoint = req.extensions().get::<MatchedPath>().and_then(|p| ROUTES.iter().find(|(_, r)| *r == p.as_str())).map_or("other", |(_, r)| *r);
    let method = match req.method().as_str() {
        "GET" => "get",
        "POST" => "post",
        "HEAD" => "head",
        "PUT" => "put",
        "DELETE" => "delete",
        _ => "other",
    };
    let started = Instant::now();
    let resp = next.run(req).await;
    let labels = crate::metrics::RequestLabels { endpoint, method, status: resp.status().as_u16() };
    st.metrics.requests.get_or_create(&labels).inc();
    st.metrics.latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    resp
}

/// A JSON error body: `{"error": "…"}`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(ErrorBody { error: message.into() })).into_response()
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such endpoint (see /openapi.json)")
}

/// The query of `/v1/validate` and `/v1/batch`.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValidateQuery {
    /// Message language, a BCP 47 tag the pack has a language for (`kk`, `ru`, `en`; `kk-KZ`
    /// finds `kk`). Default: the pack's own.
    pub lang: Option<String>,
    /// Validate as of this date, `YYYY-MM-DD` (default: each document's own date).
    pub as_of: Option<String>,
    /// `submit` (the default): the whole verdict; `draft`: a document still being filled (absent
    /// fields not reported, checks that read absent data listed in the result's `skipped`).
    pub mode: Option<String>,
}

impl ValidateQuery {
    /// The validation's options, or why the query is unusable (a `400`).
    pub fn options(&self, pack: &qagida::Pack, max_input_bytes: usize) -> Result<Options, String> {
        let opts = pack.options_from_text(self.lang.as_deref(), self.as_of.as_deref(), self.mode.as_deref())?;
        Ok(Options { max_input_bytes, ..opts })
    }
}

/// Whether the request's content type is `want` (or, for JSON, any `+json` type).
pub fn content_type_is(headers: &HeaderMap, want: &[&str]) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    want.iter().any(|w| essence == *w || (*w == "application/json" && essence.starts_with("application/") && essence.ends_with("+json")))
}

pub fn busy() -> Response {
    let mut r = error(StatusCode::SERVICE_UNAVAILABLE, "busy: too many requests in flight; retry shortly");
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// Validate one document.
#[utoipa::path(post, path = "/v1/validate", tag = "validation", params(ValidateQuery),
    request_body(content = Object, content_type = "application/json", description = "One document (a bundle is a document)"),
    responses(
        (status = 200, description = "The result, whatever the verdict", body = qagida::ValidationResult,
            headers(("x-decision-id" = String, description = "The decision log's id of this decision"))),
        (status = 400, description = "Not JSON, over an input limit, or a bad query", body = ErrorBody),
        (status = 408, description = "No response within the request timeout"),
        (status = 413, description = "Body over the size limit", body = ErrorBody),
        (status = 415, description = "Content type not application/json", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody),
    ))]
pub async fn validate(State(st): State<Arc<AppState>>, headers: HeaderMap, q: Result<Query<ValidateQuery>, QueryRejection>, body: Body) -> Response {
    let (serving, opts, admitted) = match admit(&st, &headers, q, &["application/json"], "the body must be one JSON document (Content-Type: application/json)") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let body = match read_body(body, st.max_body_bytes).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Ok(worker) = Arc::clone(&st.workers).acquire_owned().await else { return busy() };
    let body_len = body.len();
    let decision_id = st.ids.next();
    let id = decision_id.clone();
    let st2 = Arc::clone(&st);
    let work = move || {
        let _permits = (admitted, worker);
        let res = serving.pack.validate_bytes(&body, &opts);
        st2.metrics.validated(res.as_ref().map_err(|_| ()));
        if let Some(log) = &st2.decisions
            && !log.write(&crate::decision::record(&id, "validate", None, &serving.pack, &body, res.as_ref().ok()))
        {
            st2.metrics.decision_log_errors.inc();
        }
        match res {
            Ok(r) => serde_json::to_vec(&r).map(|b| (StatusCode::OK, b)).map_err(|e| e.to_string()),
            Err(e) => serde_json::to_vec(&ErrorBody { error: e.to_string() }).map(|b| (StatusCode::BAD_REQUEST, b)).map_err(|e| e.to_string()),
        }
    };
    // A document of at most `--inline-max-bytes` (4 KiB), validated in tens of microseconds, on
    // this thread, sparing two hand-offs; a larger one on a blocking thread, off the executor's
    // (Config::inline_max_bytes, BENCHMARKS.md).
    let done = if body_len <= st.inline_max_bytes { Ok(work()) } else { tokio::task::spawn_blocking(work).await };
    let mut resp = match done {
        Ok(Ok((status, bytes))) => json_bytes(status, bytes),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot write the result: {e}")),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal error while validating (please report it)"),
    };
    if let Ok(v) = HeaderValue::from_str(&decision_id) {
        resp.headers_mut().insert(DECISION_ID, v);
    }
    resp
}

/// What `/v1/validate` and `/v1/batch` do before reading a body: the content type (one of
/// `types`, else `415` saying `wrong_type`), the query's options on the pack serving (`400`),
/// and admission (`503` past `--max-in-flight`): a request turned away holds no body in memory.
pub fn admit(
    st: &AppState,
    headers: &HeaderMap,
    q: Result<Query<ValidateQuery>, QueryRejection>,
    types: &[&str],
    wrong_type: &str,
) -> Result<(Arc<crate::state::Serving>, Options, tokio::sync::OwnedSemaphorePermit), Response> {
    if !content_type_is(headers, types) {
        return Err(error(StatusCode::UNSUPPORTED_MEDIA_TYPE, wrong_type));
    }
    let q = q.map_err(|e| error(StatusCode::BAD_REQUEST, e.body_text()))?.0;
    let serving = st.serving();
    let opts = q.options(&serving.pack, st.max_body_bytes).map_err(|e| error(StatusCode::BAD_REQUEST, e))?;
    let admitted = Arc::clone(&st.admitted).try_acquire_owned().map_err(|_| busy())?;
    Ok((serving, opts, admitted))
}

/// The whole body, within `limit` bytes (`413` past it, before more is read).
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    match http_body_util::BodyExt::collect(http_body_util::Limited::new(body, limit)).await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(error(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over the limit of {limit} bytes")))
        }
        Err(e) => Err(error(StatusCode::BAD_REQUEST, format!("cannot read the body: {e}"))),
    }
}

/// The pack serving.
#[utoipa::path(get, path = "/v1/pack", tag = "pack", responses((status = 200, description = "The pack serving", body = PackInfo)))]
pub async fn pack(State(st): State<Arc<AppState>>) -> Response {
    axum::Json(PackInfo::of(&st.serving())).into_response()
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of titles and clauses, a BCP 47 tag (default: the pack's own).
    pub lang: Option<String>,
}

/// The pack's rules.
#[utoipa::path(get, path = "/v1/rules", tag = "pack", params(LangQuery),
    responses((status = 200, description = "Every rule of the pack, in pack order", body = Vec<qagida::explain::RuleSummary>)))]
pub async fn rules(State(st): State<Arc<AppState>>, Query(q): Query<LangQuery>) -> Response {
    let s = st.serving();
    let lang = s.pack.language(q.lang.as_deref());
    let list: Vec<qagida::explain::RuleSummary> = s.pack.rules.iter().map(|r| qagida::explain::summary(r, lang)).collect();
    axum::Json(list).into_response()
}

/// One rule explained (what `qagida explain` shows).
#[utoipa::path(get, path = "/v1/rules/{id}", tag = "pack", params(("id" = String, Path, description = "The rule's ID, as findings name it (RX-01)"), LangQuery),
    responses(
        (status = 200, description = "The rule", body = qagida::explain::RuleExplained),
        (status = 404, description = "No such rule in the pack", body = ErrorBody),
    ))]
pub async fn rule(State(st): State<Arc<AppState>>, Path(id): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let s = st.serving();
    match s.pack.rule(&id) {
        Some(r) => {
            let lang = s.pack.language(q.lang.as_deref());
            axum::Json(qagida::explain::explain(&s.pack, r, lang)).into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("no rule `{id}` in {} {}", s.pack.id, s.pack.version)),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> Response {
    axum::Json(Health { status: "ok" }).into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Ready {
    pub ready: bool,
    /// Why not ready (`shutting down`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The pack serving.
    pub pack: qagida::PackRef,
    /// The last reload that failed (the old pack still serving), until one succeeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reload_error: Option<String>,
}

/// A pack is loaded and serving.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Serving", body = Ready),
    (status = 503, description = "Not serving (shutting down)", body = Ready),
))]
pub async fn readyz(State(st): State<Arc<AppState>>) -> Response {
    let s = st.serving();
    let last_reload_error = st.last_reload_error.lock().ok().and_then(|e| e.clone());
    let pack = qagida::PackRef { id: s.pack.id.clone(), version: s.pack.version.clone() };
    if st.is_draining() {
        let body = Ready { ready: false, reason: Some("shutting down".into()), pack, last_reload_error };
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    }
    axum::Json(Ready { ready: true, reason: None, pack, last_reload_error }).into_response()
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String)))]
pub async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    let text = st.metrics.encode();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"))], text).into_response()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "The OpenAPI 3.1 document of the service", body = Object)))]
pub async fn openapi() -> Response {
    match crate::openapi::document().to_json() {
        Ok(text) => json_bytes(StatusCode::OK, text.into_bytes()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Re-read the pack (as on SIGHUP): verified and compiled before it is swapped in; refused if
/// older than the one serving.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "operations", security(("bearer" = [])), responses(
    (status = 200, description = "The new pack is serving", body = PackInfo),
    (status = 401, description = "No or wrong bearer token", body = ErrorBody),
    (status = 404, description = "Disabled (no --admin-token-file)", body = ErrorBody),
    (status = 409, description = "Rollback refused: the pack is older than the one serving, which goes on serving", body = ErrorBody),
    (status = 422, description = "The pack does not load or verify; the old one goes on serving", body = ErrorBody),
))]
pub async fn reload(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(want) = st.admin_token_hash else {
        return error(StatusCode::NOT_FOUND, "reload over HTTP is disabled (start with --admin-token-file)");
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    // Hashes compared: the time taken says nothing of the token.
    if given.map(|t| crate::state::token_hash(t.trim())) != Some(want) {
        let mut r = error(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    match st.reload("POST /v1/admin/reload").await {
        Ok(s) => axum::Json(PackInfo::of(&s)).into_response(),
        Err(crate::state::ReloadError::Rollback(m)) => error(StatusCode::CONFLICT, m),
        Err(crate::state::ReloadError::Failed(m)) => error(StatusCode::UNPROCESSABLE_ENTITY, m),
    }
}
