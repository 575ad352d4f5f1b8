//! Typed async client of SSV Network's public HTTP API (`https://api.ssv.network/api/v4/{network}`).
//!
//! [`SsvApiClient`] lists operators (all pages, concurrently), reads one operator, an owner's
//! nonce, a validator and clusters. Requests time out, retry with exponential backoff and jitter
//! on 5xx and connection errors, honour `429 Retry-After`, and run a bounded number at a time.
//! Responses are decoded tolerantly ([`wire`]); a field of the wrong type is an error that names
//! the field and the operator.
//!
//! ```
//! use std::time::Duration;
//! use ssv_api::{OperatorsQuery, SsvApiClient, SsvNetwork};
//!
//! let client = SsvApiClient::builder(SsvNetwork::Hoodi)
//!     .timeout(Duration::from_secs(5))
//!     .max_attempts(3)
//!     .build()
//!     .unwrap();
//! assert_eq!(client.base_url(), "https://api.ssv.network/api/v4/hoodi");
//! // let operators = client.all_operators(&OperatorsQuery::new().ordering("id:asc")).await?;
//! # let _ = OperatorsQuery::new();
//! ```
#![warn(missing_docs)]

mod client;
pub mod decode;
mod error;
mod network;
mod query;
pub mod wire;

pub use client::{SsvApiClient, SsvApiClientBuilder};
pub use error::SsvApiError;
pub use network::SsvNetwork;
pub use query::{OperatorType, OperatorsQuery};
