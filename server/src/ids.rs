//! Request and decision IDs: UUIDs (version 4 form) made of a random 64-bit prefix drawn once
//! per process and a counter. `Uuid::new_v4` asks the kernel for randomness at every call
//! (`getrandom`, two system calls per request with both IDs); on the 2-core machine of
//! BENCHMARKS.md the system calls and wake-ups are most of the service's cost per request, so
//! the IDs take one atomic increment instead. Unique within the process by the counter, across
//! processes and restarts by the prefix (2^64 of them).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

pub struct Ids {
    prefix: [u8; 8],
    counter: AtomicU64,
}

impl Default for Ids {
    fn default() -> Self {
        Self::new()
    }
}

impl Ids {
    pub fn new() -> Ids {
        let random = uuid::Uuid::new_v4().into_bytes();
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&random[..8]);
        Ids { prefix, counter: AtomicU64::new(0) }
    }

    /// The next ID, `xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`.
    pub fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.prefix);
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        // Sets the version (in the prefix) and the variant (the counter's top two bits, never
        // reached) of a random UUID.
        uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string()
    }
}

/// `x-request-id` for a request that has none.
#[derive(Clone)]
pub struct MakeId(pub Arc<Ids>);

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&self.0.next()).ok().map(RequestId::new)
    }
}
