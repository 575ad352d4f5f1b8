use std::time::Duration;

use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SsvApiError {
    /// The SSV API serves only the networks it knows.
    #[error("SSV API has no network {0:?} (use mainnet or hoodi)")]
    UnknownNetwork(String),
    /// The base URL given to the builder is not an http(s) URL.
    #[error("SSV API base URL {url:?} is not an http(s) URL")]
    InvalidBaseUrl {
        /// What was given.
        url: String,
    },
    /// The HTTP client could not be built (TLS back end unavailable).
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// The request could not be sent or the response not read, after every retry.
    #[error("GET {url} failed after {attempts} attempts")]
    Transport {
        /// The URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        #[source]
        source: reqwest::Error,
    },
    /// No response within the request timeout, after every retry.
    #[error("GET {url} timed out after {timeout:?} ({attempts} attempts)")]
    Timeout {
        /// The URL.
        url: String,
        /// The per-request timeout.
        timeout: Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// The API answered with an error status (4xx other than 404/429, or 5xx after every retry).
    #[error("GET {url} answered HTTP {status} after {attempts} attempts: {body}")]
    Status {
        /// The URL.
        url: String,
        /// HTTP status code.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The start of the response body.
        body: String,
    },
    /// The API answered 404. (Listings do not report it for a page past the end, nor
    /// [`SsvApiClient::owner_nonce`](crate::SsvApiClient::owner_nonce) for an unknown owner.)
    #[error("GET {url}: not found")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// The API kept answering 429, or asked to wait longer than the client may.
    #[error("GET {url} is rate limited (Retry-After {retry_after:?}) after {attempts} attempts")]
    RateLimited {
        /// The URL.
        url: String,
        /// The last `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// Attempts made.
        attempts: u32,
    },
    /// The body is not the JSON expected (truncated, wrong shape).
    #[error("GET {url}: invalid JSON at {path}: {reason}")]
    Decode {
        /// The URL.
        url: String,
        /// Where in the document (`.` for the top).
        path: String,
        /// What serde said.
        reason: String,
    },
    /// One operator object has a field of the wrong type.
    #[error("GET {url}: operator {operator_id}: field `{field}`: {reason}")]
    OperatorField {
        /// The URL.
        url: String,
        /// The operator's id as the API sent it (`?` when missing).
        operator_id: String,
        /// The field, as a path inside the operator object.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The listing did not end within the page limit.
    #[error("GET {url}: more than {max_pages} pages")]
    TooManyPages {
        /// The URL.
        url: String,
        /// The limit.
        max_pages: u64,
    },
}
