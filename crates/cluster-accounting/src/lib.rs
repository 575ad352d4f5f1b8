//! SSV cluster accounting, exactly as the SSV Network contracts compute it.
//!
//! Pure functions over plain data: cluster balances, burn rates, runway and liquidation for
//! v2 ETH clusters ([`eth`]) and legacy SSV-token clusters ([`legacy`]). No I/O.
//!
//! Operator and network state ([`OperatorState`], [`NetworkState`]) give the cumulative fee
//! indices of a cluster at a block ([`ClusterIndices`]). A [`ClusterState`] (version, tuple
//! [`Cluster`] and vUnits) turns those indices into balances, burn rates, liquidation checks and
//! the state transitions of every cluster call, whatever its version: its methods dispatch to
//! the exact maths of [`legacy`] or [`eth`], which stay public for version-specific calls. A
//! [`Ledger`] rebuilds all of that state from decoded SSVNetwork logs ([`Log`], [`Event`]) and
//! views clusters that do not exist yet as the state their first registration starts from;
//! [`plan`], [`runway`] and [`TopUpPolicy`] turn it into amounts to send. Amounts are integer
//! wei throughout; [`format_amount`] only formats.
//!
//! ```
//! use alloy_primitives::{Address, U256};
//! use cluster_accounting::{
//!     Action, ClusterVersion, Event, Horizon, Ledger, LiquidationParams, Log, LogPosition, eth,
//!     plan,
//! };
//!
//! // Four operators at 1e9 wei/block each and the mainnet ETH network fee, all set at block 100.
//! let mut logs: Vec<Log> = (1..=4)
//!     .map(|id| Log {
//!         position: LogPosition::new(100, id, 0),
//!         event: Event::OperatorAdded { operator_id: id, fee: U256::from(1_000_000_000u64) },
//!     })
//!     .collect();
//! logs.push(Log {
//!     position: LogPosition::new(100, 5, 0),
//!     event: Event::NetworkFeeUpdated { new_fee: U256::from(3_366_600_000u64) },
//! });
//! let mut ledger = Ledger::default(); // SSV Network v2 from block 0: new clusters pay ETH
//! ledger.apply_all(&logs)?;
//! let params = LiquidationParams::MAINNET_ETH;
//!
//! // A cluster that does not exist yet is viewed as the tuple its first registration passes.
//! let (owner, ids) = (Address::repeat_byte(0x11), [1, 2, 3, 4]);
//! let (new, at) = ledger.view(owner, &ids, 200)?;
//! assert!(!ledger.contains_cluster(owner, &ids));
//! assert_eq!(new.version, ClusterVersion::Eth);
//!
//! // Its first validator needs exactly the minimum liquidation collateral...
//! let need = new.minimum_to_register(1, &at, &params)?;
//! assert_eq!(need, U256::from(324_862_599_900_000u64));
//! let registered = new.register(1, need, &at, &params)?;
//!
//! // ...and 100 blocks later it has paid 100 · 7,366,600,000 wei.
//! let later = at.advance(100)?;
//! assert_eq!(registered.burn_rate(&later)?, U256::from(7_366_600_000u64));
//! assert_eq!(registered.balance(&later)?, need - U256::from(736_660_000_000u64));
//!
//! // The methods run the version's own maths, here `eth`'s.
//! let as_eth = eth::EthCluster { cluster: new.cluster, vunits: new.vunits };
//! assert_eq!(eth::minimum_to_register(&as_eth, 1, &at, &params)?, need);
//!
//! // What to send to register it with 30 days of runway, landing within 20 blocks.
//! let horizon = Horizon { inclusion_blocks: 20, runway_blocks: 30 * 7_200 };
//! let p = plan(&new, &at, &params, &Action::AddValidators { count: 1 }, horizon)?;
//! assert_eq!(p.amount, need + U256::from(30 * 7_200 * 7_366_600_000u64));
//! assert_eq!(p.liquidation_block, Some(220 + 30 * 7_200 + 1));
//! # Ok::<(), cluster_accounting::AccountingError>(())
//! ```
#![warn(missing_docs)]

mod error;
pub mod eth;
mod events;
mod id;
mod indices;
mod ledger;
pub mod legacy;
mod money;
mod plan;
mod state;
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
    Action, Horizon, Plan, Rules, Runway, TopUp, TopUpPolicy, balance_of, deposit_for_runway,
    is_liquidatable, max_withdrawal, plan, plan_with, runway,
};
pub use state::LiquidationOutcome;
pub use types::{
    Cluster, ClusterState, ClusterVersion, ETH_PACKING, FeeSnapshot, LiquidationParams,
    NetworkState, OperatorState, SSV_PACKING, VUNITS_PER_VALIDATOR, VUnits, eb_to_vunits,
    vunits_to_eb,
};
