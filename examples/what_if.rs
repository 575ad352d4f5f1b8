//! What if, with `cluster-accounting` alone: the ETH to send with `registerValidator` for N more
//! validators in a new cluster of 4 or 7 operators, for 30, 90 and 365 days of runway; and what
//! migrating a legacy SSV-token cluster to ETH (`migrateClusterToETH`) costs and refunds.
//!
//! ETH fees: mainnet's network fee as set by the SSV Network v2.0.0 upgrade (ssvlabs/ssv-network
//! `deployments/mainnet/multisig-batch.json`, `updateNetworkFee`) and v2's default operator ETH
//! fee (`DEFAULT_OPERATOR_ETH_FEE`) for every operator. The legacy cluster's SSV fees are made up.
//!
//! Run: `cargo run -p stafi-router-examples --example what_if [N]` (N defaults to 4).

use alloy_primitives::U256;
use cluster_accounting::{
    Action, Cluster, ClusterIndices, ClusterState, ClusterVersion, FeeSnapshot, Horizon,
    LiquidationParams, NetworkState, OperatorState, VUnits, format_amount, plan,
};

type Error = Box<dyn std::error::Error>;

/// Blocks per day at 12 s slots.
const BLOCKS_PER_DAY: u64 = 7_200;
/// Mainnet's ETH network fee after the v2.0.0 upgrade, wei per block per validator.
const ETH_NETWORK_FEE: u64 = 3_366_600_000;
/// v2's default operator ETH fee, wei per block per validator.
const OPERATOR_ETH_FEE: u64 = 1_778_800_000;
/// The block the fees are read at; the transaction lands within `INCLUSION` blocks of it.
const BLOCK: u64 = 1_000;
const INCLUSION: u64 = 100;

/// Fee indices at `BLOCK` of a committee of `size` operators, every fee set at block 0 (the
/// same figures as both tokens' fees: `compute` reads the version's own).
fn indices(
    version: ClusterVersion,
    size: u64,
    operator_fee: u64,
    network_fee: u64,
) -> Result<ClusterIndices, Error> {
    let fee = |wei: u64| -> Result<FeeSnapshot, Error> {
        Ok(FeeSnapshot::new(version.pack(U256::from(wei))?, 0))
    };
    let operators = (1..=size)
        .map(|id| {
            let f = fee(operator_fee)?;
            Ok(OperatorState {
                id,
                ssv: f,
                eth: f,
                removed: false,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let n = fee(network_fee)?;
    let network = NetworkState { ssv: n, eth: n };
    Ok(ClusterIndices::compute(
        version, BLOCK, &operators, &network,
    )?)
}

/// Landing within `INCLUSION` blocks, then `days` of runway.
fn horizon(days: u64) -> Horizon {
    Horizon {
        inclusion_blocks: INCLUSION,
        runway_blocks: days * BLOCKS_PER_DAY,
    }
}

fn main() -> Result<(), Error> {
    let n: u32 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(4);
    let new_cluster = ClusterState {
        version: ClusterVersion::Eth,
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    println!("ETH to send for {n} more validator(s) in a new cluster:");
    println!(
        "{:>10} {:>20} {:>20} {:>20}",
        "operators", "30 days", "90 days", "365 days"
    );
    for size in [4, 7] {
        let at = indices(ClusterVersion::Eth, size, OPERATOR_ETH_FEE, ETH_NETWORK_FEE)?;
        print!("{size:>10}");
        for days in [30, 90, 365] {
            let add = Action::AddValidators { count: n };
            let p = plan(
                &new_cluster,
                &at,
                &LiquidationParams::MAINNET_ETH,
                &add,
                horizon(days),
            )?;
            print!(" {:>20}", format_amount(p.amount, p.token)?);
        }
        println!();
    }

    // A legacy cluster of 2 validators on 4 operators, holding 50 SSV, migrated with 90 days of
    // ETH runway: the ETH to send and the SSV refunded.
    let legacy = ClusterState {
        version: ClusterVersion::Ssv,
        cluster: Cluster {
            validator_count: 2,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: U256::from(50 * 10u128.pow(18)),
        },
        vunits: VUnits::Implicit,
    };
    let ssv_at = indices(ClusterVersion::Ssv, 4, 1_000_000_000, 3_360_000_000)?;
    let eth_at = indices(ClusterVersion::Eth, 4, OPERATOR_ETH_FEE, ETH_NETWORK_FEE)?;
    let p = plan(
        &legacy,
        &ssv_at,
        &LiquidationParams::MAINNET_SSV,
        &Action::MigrateToEth {
            vunits: VUnits::Implicit,
            eth_indices: eth_at,
            eth_params: LiquidationParams::MAINNET_ETH,
        },
        horizon(90),
    )?;
    println!(
        "migrating the legacy cluster (2 validators, 50 SSV): send {}, {} refunded",
        format_amount(p.amount, p.token)?,
        format_amount(p.ssv_refund.unwrap_or_default(), ClusterVersion::Ssv)?
    );
    Ok(())
}
