//! Typed bindings of StaFi's and SSV Network's contracts.
//!
//! StaFi resolves its contracts through `StafiStorage.getAddress(key)`, where the key is
//! `keccak256("contract.address" ‖ name)`:
//!
//! ```
//! use stafi_contracts::storage_key;
//!
//! let key = storage_key("stafiSuperNode");
//! assert_eq!(key, alloy::primitives::keccak256(b"contract.addressstafiSuperNode"));
//! ```

mod error;
mod storage;

pub use error::ContractsError;
pub use storage::storage_key;
