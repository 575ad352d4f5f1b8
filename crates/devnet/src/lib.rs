//! A local devnet for tests, examples and the demo: anvil (from `.tools/`, bound to 127.0.0.1 on
//! an OS-chosen port, killed on drop) with the Solidity test doubles of `contracts/` deployed —
//! the beacon deposit contract; StaFi's Storage, Upgrade, Ether, rETH, UserDeposit,
//! NetworkSettings, NodeManager, SuperNode, SuperNodeFeePool and Withdraw (behind its proxy); the
//! SSV token, SSVNetwork v2 and SSVNetworkViews — and seeded: SSV operators with fresh RSA keys
//! (various fees, one private, one removed, one owner each), a funded deposit pool, StaFi's trusted
//! nodes and SSV's four effective-balance oracles.
//!
//! ```
//! use devnet::{Devnet, OperatorSpec};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let devnet = Devnet::builder()
//!     .operators(vec![OperatorSpec::public(1_000_000_000); 4])
//!     .spawn()
//!     .await?;
//! assert_eq!(devnet.public_operator_ids(), vec![1, 2, 3, 4]);
//! devnet.mine(5).await?;
//! # Ok::<(), devnet::DevnetError>(())
//! # }).unwrap();
//! ```
#![warn(missing_docs)]

mod anvil;
mod deposit;
mod devnet;
pub mod doubles;
mod error;
mod fake_beacon;
mod fake_ssv_api;
mod http;
mod operators;
pub mod stack;
pub mod testing;

pub use anvil::anvil_path;
pub use deposit::{deposit_data_root, withdrawal_credentials};
pub use devnet::{
    Accounts, Addresses, Devnet, DevnetBuilder, cluster_from_receipt, cluster_ref,
    effective_balance_leaf, new_cluster, send,
};
pub use error::DevnetError;
pub use fake_beacon::{
    FAR_FUTURE_EPOCH, FakeBeacon, FakeBeaconBuilder, FakeValidator, devnet_network,
};
pub use fake_ssv_api::{FakeOperator, FakeSsvApi, FakeSsvApiBuilder, devnet_operators};
pub use operators::{OperatorSpec, SeededOperator, operator_public_key_bytes, ssv_public_key};
