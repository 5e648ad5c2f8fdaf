//! `POST /v1/batch`: NDJSON in, NDJSON out, streamed both ways. Lines are read as they arrive,
//! validated on the workers, and their result lines written in input order, each with its
//! `line` number — the lines of `qagida validate --ndjson` (an empty line, a line over the input
//! limit, a line that is not JSON: an `error` line each; a byte order mark before the first
//! line skipped). Memory stays flat: at most [`LINES_AHEAD`] lines per worker are in flight
//! (each within the input limit; a longer one is skipped as it is read, never held whole).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use qagida::Options;
use serde::Serialize;

use crate::AppState;
use crate::routes::{DECISION_ID, ValidateQuery, admit};

/// Lines read ahead of the one being written, per worker.
pub const LINES_AHEAD: usize = 4;

/// One output line (the shape of the CLI's NDJSON lines).
#[derive(Serialize)]
struct Tied<'a> {
    line: u64,
    #[serde(flatten)]
    result: Option<&'a qagida::ValidationResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn error_line(n: u64, e: &str) -> Vec<u8> {
    let mut v = serde_json::to_vec(&Tied { line: n, result: None, error: Some(e) }).unwrap_or_default();
    v.push(b'\n');
    v
}

/// Validate NDJSON: one document per line.
#[utoipa::path(post, path = "/v1/batch", tag = "validation", params(ValidateQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "One document per line"),
    responses(
        (status = 200, description = "One line per input line, in order (streamed)", content_type = "application/x-ndjson", body = crate::openapi::BatchLine,
            headers(("x-decision-id" = String, description = "The batch's id; line N's decision is `ID:N`"))),
        (status = 400, description = "A bad query", body = crate::openapi::ErrorBody),
        (status = 415, description = "Content type not application/x-ndjson", body = crate::openapi::ErrorBody),
        (status = 503, description = "Too many requests in flight", body = crate::openapi::ErrorBody),
    ))]
pub async fn batch(State(st): State<Arc<AppState>>, headers: HeaderMap, q: Result<Query<ValidateQuery>, axum::extract::rejection::QueryRejection>, body: Body) -> Response {
    let ndjson = ["application/x-ndjson", "application/ndjson", "application/jsonl"];
    let (serving, opts, admitted) = match admit(&st, &headers, q, &ndjson, "the body must be NDJSON, one document per line (Content-Type: application/x-ndjson)") {
        Ok((serving, opts, admitted)) => (serving, Arc::new(opts), admitted),
        Err(r) => return r,
    };
    let batch_id = st.ids.next();
    let ahead = st.workers.available_permits().max(1) * LINES_AHEAD;
    let (tx, rx) = tokio::sync::mpsc::channel::<tokio::task::JoinHandle<Vec<u8>>>(ahead);
    let reader = Reader { st: Arc::clone(&st), serving, opts, batch_id: Arc::from(batch_id.as_str()), tx };
    tokio::spawn(reader.run(body));
    // The response: each line's output once it is done, in order; the batch holds its place
    // among the requests in flight until the last line is written.
    let out = futures_util::stream::unfold((rx, admitted), |(mut rx, admitted)| async move {
        let handle = rx.recv().await?;
        let bytes = handle.await.unwrap_or_else(|_| error_line(0, "internal error while validating a line (please report it)"));
        Some((Ok::<_, std::convert::Infallible>(Bytes::from(bytes)), (rx, admitted)))
    });
    let mut resp = (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"))], Body::from_stream(out)).into_response();
    if let Ok(v) = HeaderValue::from_str(&batch_id) {
        resp.headers_mut().insert(DECISION_ID, v);
    }
    resp
}

struct Reader {
    st: Arc<AppState>,
    serving: Arc<crate::state::Serving>,
    opts: Arc<Options>,
    batch_id: Arc<str>,
    tx: tokio::sync::mpsc::Sender<tokio::task::JoinHandle<Vec<u8>>>,
}

/// A line as read.
enum Line {
    Text(Vec<u8>),
    /// Over the input limit: its length (without the newline).
    TooLarge(usize),
}

impl Reader {
    async fn run(self, body: Body) {
        let keep = self.opts.max_input_bytes.saturating_add(2);
        let mut stream = body.into_data_stream();
        let (mut cur, mut cur_len, mut n) = (Vec::new(), 0usize, 0u64);
        loop {
            match stream.next().await {
                Some(Ok(mut chunk)) => {
                    while !chunk.is_empty() {
                        let (piece, done) = match memchr::memchr(b'\n', &chunk) {
                            Some(i) => (chunk.split_to(i + 1), true),
                            None => (std::mem::take(&mut chunk), false),
                        };
                        let room = keep.saturating_sub(cur.len());
                        cur.extend_from_slice(&piece[..piece.len().min(room)]);
                        cur_len = cur_len.saturating_add(piece.len());
                        if done {
                            n += 1;
                            let line = if cur_len > cur.len() { Line::TooLarge(cur_len - 1) } else { Line::Text(std::mem::take(&mut cur)) };
                            cur.clear();
                            cur_len = 0;
                            if !self.dispatch(n, line).await {
                                return;
                            }
                        }
                    }
                }
                Some(Err(e)) => {
                    let msg = format!("read failed: {e}; the rest of the input was not read");
                    let _ = self.tx.send(tokio::spawn(async move { error_line(n + 1, &msg) })).await;
                    return;
                }
                None => {
                    if cur_len > 0 {
                        let line = if cur_len > cur.len() { Line::TooLarge(cur_len) } else { Line::Text(cur) };
                        self.dispatch(n + 1, line).await;
                    }
                    return;
                }
            }
        }
    }

    /// Validates line `n` on a worker; false when the client has gone.
    async fn dispatch(&self, n: u64, line: Line) -> bool {
        let Ok(worker) = Arc::clone(&self.st.workers).acquire_owned().await else { return false };
        let (st, serving, opts, batch_id) = (Arc::clone(&self.st), Arc::clone(&self.serving), Arc::clone(&self.opts), Arc::clone(&self.batch_id));
        let handle = tokio::task::spawn_blocking(move || {
            let _worker = worker;
            let bytes = match line {
                Line::Text(b) => b,
                Line::TooLarge(size) => {
                    st.metrics.validated(Err(()));
                    return error_line(n, &qagida::InputError::TooLarge { size, limit: opts.max_input_bytes }.to_string());
                }
            };
            let mut text = trim_line(&bytes);
            if n == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text); // a UTF-8 byte order mark
            }
            if text.is_empty() {
                // An empty line is still a line: N lines in give N lines out.
                return error_line(n, "empty line");
            }
            let res = serving.pack.validate_bytes(text, &opts);
            st.metrics.validated(res.as_ref().map_err(|_| ()));
            if let Some(log) = &st.decisions {
                let id = format!("{batch_id}:{n}");
                if !log.write(&crate::decision::record(&id, "batch", Some(n), &serving.pack, text, res.as_ref().ok())) {
                    st.metrics.decision_log_errors.inc();
                }
            }
            match res {
                Ok(r) => match serde_json::to_vec(&Tied { line: n, result: Some(&r), error: None }) {
                    Ok(mut v) => {
                        v.push(b'\n');
                        v
                    }
                    Err(e) => error_line(n, &format!("cannot write the result: {e}")),
                },
                Err(e) => error_line(n, &e.to_string()),
            }
        });
        self.tx.send(handle).await.is_ok()
    }
}

/// The line without its newline and the blanks around it (as the CLI trims an NDJSON line).
fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}
