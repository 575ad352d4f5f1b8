//! SSV cluster accounting, exactly as the SSV Network contracts compute it.
//!
//! Pure functions over plain data: cluster balances, burn rates, runway and liquidation for
//! v2 ETH clusters and legacy SSV-token clusters. No I/O.
//!
//! ```
//! use alloy_primitives::Address;
//! use cluster_accounting::cluster_id;
//!
//! let id = cluster_id(Address::ZERO, &[1, 2, 3, 4])?;
//! assert_eq!(id.len(), 32);
//! # Ok::<(), cluster_accounting::AccountingError>(())
//! ```

mod error;
mod id;

pub use error::AccountingError;
pub use id::cluster_id;
