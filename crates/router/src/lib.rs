//! The StaFi SSV router daemon as a library.

mod accounts;
mod beacon;
mod chain;
mod check;
mod config;
mod error;
mod node;
mod profile;
mod stafi;
mod status;
mod store;

pub use accounts::{
    Accounts, PasswordSource, Prompt, SSV_OWNER_PASSWORD_ENV, STORE_PASSWORD_ENV,
    SUPER_NODE_PASSWORD_ENV, open_seed,
};
pub use beacon::{Beacon, BeaconValidator, BeaconValidatorData, Genesis, MAX_GET_IDS, SyncStatus};
pub use chain::Chain;
pub use check::{CheckLine, CheckReport};
pub use config::*;
pub use error::RouterError;
pub use node::{Identity, Node, index_config, sync_config};
pub use profile::{CustomNetwork, MAINNET_V2_UPGRADE_BLOCK, NetworkProfile};
pub use stafi::{Stafi, status as stafi_status};
pub use status::{ClusterRow, Status, ValidatorRow};
pub use store::{SCHEMA_VERSION, Store, StoreIdentity, ValidatorRecord};
