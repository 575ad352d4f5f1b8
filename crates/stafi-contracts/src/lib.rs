//! Typed bindings of StaFi's and SSV Network's contracts.
//!
//! * alloy `sol!` bindings from the JSON ABIs in `abi/` ([`stafi_super_node`], [`ssv_network`], …);
//! * StaFi addresses resolved through StafiStorage keys `keccak256("contract.address" ‖ name)`
//!   ([`storage_key`], [`StafiAddresses::resolve`]);
//! * reverts decoded into named errors that carry the call and the cluster ([`ContractsError`],
//!   [`RevertReason`]);
//! * SSV Network presets for mainnet and hoodi ([`Network`]).
//!
//! ```
//! use stafi_contracts::{ContractsError, Network, RevertReason, storage_key};
//!
//! let key = storage_key("stafiSuperNode");
//! assert_eq!(key, alloy::primitives::keccak256(b"contract.addressstafiSuperNode"));
//!
//! let mainnet: Network = "mainnet".parse()?;
//! assert_eq!(mainnet.ssv().chain_id, 1);
//!
//! // 0x12e04c87 is the selector of IncorrectClusterState()
//! let reason = RevertReason::decode(&alloy::hex!("12e04c87"));
//! assert_eq!(reason.name(), Some("IncorrectClusterState"));
//! # Ok::<(), ContractsError>(())
//! ```
#![warn(missing_docs)]

mod bindings;
mod error;
mod presets;
mod storage;
mod views;

pub use bindings::*;
pub use error::{ClusterRef, ContractsError, RevertReason, SSVNetworkUnlistedErrors};
pub use presets::{Network, SsvDeployment};
pub use storage::{StafiAddresses, storage_key};
pub use views::cluster_balance;
