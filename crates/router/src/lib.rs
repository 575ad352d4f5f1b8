//! The StaFi SSV router daemon as a library: configuration ([`Config`], [`NetworkProfile`]),
//! accounts ([`Accounts`], [`open_seed`]), execution endpoints with failover ([`Chain`]), StaFi's
//! contracts and key recovery ([`Stafi`]), the beacon node ([`Beacon`]), the embedded store
//! ([`Store`]) and the node that joins them and syncs the SSV index ([`Node`]), with the
//! `status` and `config check` reports; the daemon ([`Router`]): a pass per block over one
//! snapshot ([`World`]), its ordered [`steps`], and one write path ([`Writer`]) with an intent
//! log in the store. `bins/router` is a thin command line over it.
//!
//! ```
//! use std::path::Path;
//!
//! let text = r#"
//! [network]
//! preset = "hoodi"
//! [execution]
//! rpc_urls = ["http://127.0.0.1:8545"]
//! [beacon]
//! urls = ["http://127.0.0.1:5052"]
//! [contracts]
//! stafi_storage = "0x0000000000000000000000000000000000000001"
//! [accounts]
//! super_node_keystore = "keys/super-node.json"
//! ssv_owner_keystore = "keys/ssv-owner.json"
//! mnemonic_store = "keys/mnemonic.json"
//! "#;
//! let env = [("STAFI_ROUTER_POOL_RESERVE_ETH".to_owned(), "20".to_owned())];
//! let settings = router::Config::from_toml(
//!     text,
//!     Path::new("stafi-router.toml"),
//!     Path::new("/etc/stafi-router"),
//!     env,
//!     &[("execution.confirmations".to_owned(), "4".to_owned())],
//! )?;
//! assert_eq!(settings.profile.chain_id(), 560_048);
//! assert_eq!(settings.config.execution.confirmations, 4);
//! assert_eq!(settings.pool_reserve, alloy::primitives::U256::from(20u128 * 10u128.pow(18)));
//! assert_eq!(settings.config.data_dir, Path::new("/etc/stafi-router/data"));
//!
//! let bad = router::Config::from_toml(
//!     &text.replace("[beacon]", "[beacon]\nretries = 3"),
//!     Path::new("stafi-router.toml"),
//!     Path::new("."),
//!     [],
//!     &[],
//! );
//! assert!(matches!(bad, Err(router::RouterError::ConfigType { key, .. }) if key == "beacon.retries"));
//! # Ok::<(), router::RouterError>(())
//! ```
//!
//! The daemon: reconcile what the last run left open, show what a pass would send, then run.
//!
//! ```no_run
//! # async fn run() -> Result<(), router::RouterError> {
//! let settings = router::Config::load("stafi-router.toml".as_ref(), std::env::vars(), &[])?;
//! let mut daemon = router::Router::open(settings, &|v| std::env::var(v).ok(), None).await?;
//! for reconciled in daemon.start().await? {
//!     println!("left open by the last run: {reconciled}");
//! }
//! for write in daemon.plan_only().await? {
//!     println!("{}", write.to_line());
//! }
//! daemon.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod accounts;
mod beacon;
mod chain;
mod check;
mod config;
mod error;
pub mod failpoint;
mod intent;
mod lifecycle;
pub mod metrics;
mod node;
pub mod operators;
mod pass;
mod profile;
mod stafi;
mod status;
pub mod steps;
mod store;
mod world;
mod writer;

pub use accounts::{
    Accounts, PasswordSource, Prompt, SSV_OWNER_PASSWORD_ENV, STORE_PASSWORD_ENV,
    SUPER_NODE_PASSWORD_ENV, open_seed,
};
pub use beacon::{
    Beacon, BeaconValidator, BeaconValidatorData, ExitSubmission, FAR_FUTURE_EPOCH, Genesis,
    MAX_GET_IDS, SyncStatus, Timing, decode_answer as decode_beacon_answer,
};
pub use chain::Chain;
pub use check::{CheckLine, CheckReport};
pub use config::*;
pub use error::RouterError;
pub use intent::{Account, Intent, IntentKind, IntentRecord, IntentState, SignedTx};
pub use lifecycle::{ExitPost, MOVE_WAIT_BLOCKS};
pub use node::{Identity, Node, Validity, index_config, sync_config};
pub use pass::{ExitPosted, PassReport, PlanReport, PlannedWrite, Router, StepOutcome};
pub use profile::{CustomNetwork, MAINNET_V2_UPGRADE_BLOCK, NetworkProfile};
pub use stafi::{Ejections, KeyScan, Stafi, status as stafi_status};
pub use status::{ClusterRow, Status, ValidatorRow};
pub use store::{
    EjectorState, ExitJob, PostedExit, SCHEMA_VERSION, Store, StoreIdentity, ValidatorRecord,
};
pub use world::{BeaconClock, MetadataCache, MetadataProblem, World};
pub use writer::{WriteOutcome, Writer, WriterConfig};
