//! SSV cluster accounting, exactly as the SSV Network contracts compute it.
//!
//! Pure functions over plain data: cluster balances, burn rates, runway and liquidation for
//! v2 ETH clusters ([`eth`]) and legacy SSV-token clusters ([`legacy`]). No I/O.
//!
//! Operator and network state ([`OperatorState`], [`NetworkState`]) give the cumulative fee
//! indices of a cluster at a block ([`ClusterIndices`]); the version modules turn a cluster
//! snapshot ([`Cluster`]) and those indices into balances, liquidation checks and the state
//! transitions of every cluster call. A [`Ledger`] rebuilds all of that state from decoded
//! SSVNetwork logs ([`Log`], [`Event`]); [`plan`], [`runway`] and [`TopUpPolicy`] turn it into
//! amounts to send. Amounts are integer wei throughout; [`format_amount`] only formats.
//!
//! ```
//! use alloy_primitives::U256;
//! use cluster_accounting::{
//!     ClusterIndices, ClusterVersion, FeeSnapshot, LiquidationParams, NetworkState,
//!     OperatorState, eth,
//! };
//!
//! // Four operators at 1e9 wei/block each and the mainnet ETH network fee, all set at block 100.
//! let fee = ClusterVersion::Eth.pack(U256::from(1_000_000_000u64))?;
//! let operators: Vec<OperatorState> = (1..=4)
//!     .map(|id| OperatorState {
//!         id,
//!         ssv: FeeSnapshot::default(),
//!         eth: FeeSnapshot::new(fee, 100),
//!         removed: false,
//!     })
//!     .collect();
//! let network = NetworkState {
//!     eth: FeeSnapshot::new(ClusterVersion::Eth.pack(U256::from(3_366_600_000u64))?, 100),
//!     ..NetworkState::default()
//! };
//! let params = LiquidationParams::MAINNET_ETH;
//! let at = ClusterIndices::compute(ClusterVersion::Eth, 200, &operators, &network)?;
//!
//! // The first validator of a new cluster needs exactly the minimum liquidation collateral.
//! let new = eth::EthCluster { cluster: cluster_accounting::Cluster::NEW, vunits: Default::default() };
//! let need = eth::minimum_to_register(&new, 1, &at, &params)?;
//! assert_eq!(need, U256::from(324_862_599_900_000u64));
//! let registered = eth::register(&new, 1, need, &at, &params)?;
//!
//! // 100 blocks later it has paid 100 · 7,366,600,000 wei.
//! let later = at.advance(100)?;
//! assert_eq!(
//!     eth::balance(&registered, &later)?,
//!     need - U256::from(736_660_000_000u64)
//! );
//! # Ok::<(), cluster_accounting::AccountingError>(())
//! ```

mod error;
pub mod eth;
mod events;
mod id;
mod indices;
mod ledger;
pub mod legacy;
mod money;
mod plan;
mod types;

pub use error::AccountingError;
pub use events::{Event, Log, LogPosition};
pub use id::{cluster_data_hash, cluster_id, validate_operator_ids};
pub use indices::ClusterIndices;
pub use ledger::{
    Applied, ClusterRecord, DEFAULT_REORG_DEPTH, Ledger, LedgerBuilder, MAINNET_V2_UPGRADE_BLOCK,
};
pub use money::{BLOCKS_PER_DAY, TOKEN_DECIMALS, blocks_to_days, format_amount, wei_to_decimal};
pub use plan::{
    Action, Horizon, Plan, Runway, TopUp, TopUpPolicy, balance_of, deposit_for_runway,
    is_liquidatable, max_withdrawal, plan, runway,
};
pub use types::{
    Cluster, ClusterState, ClusterVersion, ETH_PACKING, FeeSnapshot, LiquidationParams,
    NetworkState, OperatorState, SSV_PACKING, VUNITS_PER_VALIDATOR, VUnits, eb_to_vunits,
    vunits_to_eb,
};
