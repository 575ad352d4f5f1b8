//! Typed client of SSV Network's public HTTP API (`https://api.ssv.network/api/v4/{network}`).
//!
//! ```
//! use ssv_api::SsvNetwork;
//!
//! let url = SsvNetwork::Hoodi.default_base_url();
//! assert_eq!(url, "https://api.ssv.network/api/v4/hoodi");
//! ```

mod error;
mod network;

pub use error::SsvApiError;
pub use network::SsvNetwork;
