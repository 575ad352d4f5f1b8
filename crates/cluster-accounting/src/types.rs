//! Plain state types shared by the legacy (SSV) and v2 (ETH) maths.

use alloy_primitives::U256;

use crate::AccountingError;

/// Packing unit of SSV amounts: fees and indices are stored as `wei / 1e7` (`DEDUCTED_DIGITS`).
pub const SSV_PACKING: u64 = 10_000_000;
/// Packing unit of ETH amounts in v2: `wei / 1e5` (`ETH_DEDUCTED_DIGITS`).
pub const ETH_PACKING: u64 = 100_000;
/// vUnits of one 32-ETH validator (`VUNITS_PRECISION`).
pub const VUNITS_PER_VALIDATOR: u64 = 10_000;

/// Which fee token a cluster pays in (`VERSION_SSV = 0`, `VERSION_ETH = 1` in v2.0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClusterVersion {
    /// Legacy cluster created before v2.0.0: pays operators and network in SSV, v1.2.0 maths.
    Ssv = 0,
    /// v2.0.0 cluster: pays in ETH, scaled by effective balance (vUnits).
    Eth = 1,
}

impl ClusterVersion {
    /// Packing unit of this version's fee token (1e7 for SSV, 1e5 for ETH).
    pub const fn packing(self) -> u64 {
        match self {
            Self::Ssv => SSV_PACKING,
            Self::Eth => ETH_PACKING,
        }
    }

    /// Packs a wei amount as the contracts do (`shrink` / `PackedETH.pack`): it must be a
    /// multiple of the packing unit and fit a uint64 once divided.
    pub fn pack(self, wei: U256) -> Result<u64, AccountingError> {
        let unit = self.packing();
        let (quotient, remainder) = wei.div_rem(U256::from(unit));
        if !remainder.is_zero() {
            return Err(AccountingError::MaxPrecisionExceeded { wei, unit });
        }
        u64::try_from(quotient).map_err(|_| AccountingError::MaxValueExceeded { wei, unit })
    }

    /// Expands a packed amount back to wei (`expand` / `unpack`).
    pub fn unpack(self, packed: u64) -> U256 {
        U256::from(packed) * U256::from(self.packing())
    }
}

/// The cluster tuple `(uint32 validatorCount, uint64 networkFeeIndex, uint64 index, bool active,
/// uint256 balance)` exactly as events carry it and calls expect it.
///
/// `network_fee_index` and `index` are packed cumulative indices in the cluster's fee token;
/// `balance` is raw wei.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cluster {
    /// Number of validators registered in the cluster (also kept while liquidated).
    pub validator_count: u32,
    /// Network fee index at the last settlement (packed).
    pub network_fee_index: u64,
    /// Sum of the operators' indices at the last settlement (packed).
    pub index: u64,
    /// False once liquidated.
    pub active: bool,
    /// Balance in wei at the last settlement.
    pub balance: U256,
}

impl Cluster {
    /// The tuple a new cluster's first registration must pass: `(0, 0, 0, true, 0)`.
    pub const NEW: Self = Self {
        validator_count: 0,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: U256::ZERO,
    };

    /// The tuple after a liquidation: `(V, 0, 0, false, 0)`.
    pub const fn liquidated(validator_count: u32) -> Self {
        Self {
            validator_count,
            network_fee_index: 0,
            index: 0,
            active: false,
            balance: U256::ZERO,
        }
    }
}

/// A fee that accrues into a cumulative index: the operator `Snapshot{block, index}` with its
/// `fee`, or the network's `(networkFee, networkFeeIndex, networkFeeIndexBlockNumber)`.
///
/// All values are packed in the fee token's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FeeSnapshot {
    /// Fee per block (per 32-ETH unit for ETH), packed.
    pub fee: u64,
    /// Cumulative index at `block`, packed.
    pub index: u64,
    /// Block of the last settlement.
    pub block: u64,
}

impl FeeSnapshot {
    /// A fresh snapshot starting at `block` with index 0 (`registerOperator`).
    pub const fn new(fee: u64, block: u64) -> Self {
        Self {
            fee,
            index: 0,
            block,
        }
    }

    /// `index + (block - self.block) · fee`, the index a view at `block` sees.
    pub fn index_at(&self, block: u64) -> Result<u64, AccountingError> {
        let elapsed =
            block
                .checked_sub(self.block)
                .ok_or(AccountingError::BlockBeforeSnapshot {
                    block,
                    snapshot_block: self.block,
                })?;
        elapsed
            .checked_mul(self.fee)
            .and_then(|accrued| accrued.checked_add(self.index))
            .ok_or(AccountingError::ArithmeticOverflow {
                quantity: "fee index",
            })
    }

    /// Settles the index at `block` (`updateSnapshot`).
    pub fn settle(&mut self, block: u64) -> Result<(), AccountingError> {
        self.index = self.index_at(block)?;
        self.block = block;
        Ok(())
    }

    /// Settles at `block` with the old fee, then sets the new one, which applies from the next
    /// block on (`executeOperatorFee`, `reduceOperatorFee`, `updateNetworkFee`).
    pub fn change_fee(&mut self, block: u64, fee: u64) -> Result<(), AccountingError> {
        self.settle(block)?;
        self.fee = fee;
        Ok(())
    }
}

/// An operator's accounting state: one fee snapshot per fee token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperatorState {
    /// Operator id.
    pub id: u64,
    /// SSV fee and index (legacy clusters).
    pub ssv: FeeSnapshot,
    /// ETH fee and index (v2 clusters).
    pub eth: FeeSnapshot,
    /// Removed operators keep a frozen index and a zero fee forever.
    pub removed: bool,
}

impl OperatorState {
    /// The snapshot of the given fee token.
    pub const fn snapshot(&self, version: ClusterVersion) -> &FeeSnapshot {
        match version {
            ClusterVersion::Ssv => &self.ssv,
            ClusterVersion::Eth => &self.eth,
        }
    }

    /// Mutable snapshot of the given fee token.
    pub const fn snapshot_mut(&mut self, version: ClusterVersion) -> &mut FeeSnapshot {
        match version {
            ClusterVersion::Ssv => &mut self.ssv,
            ClusterVersion::Eth => &mut self.eth,
        }
    }

    /// `removeOperator`: settle both indices at `block`, then freeze them with a zero fee.
    pub fn remove(&mut self, block: u64) -> Result<(), AccountingError> {
        self.ssv.change_fee(block, 0)?;
        self.eth.change_fee(block, 0)?;
        self.removed = true;
        Ok(())
    }
}

/// Network fee state, one snapshot per fee token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NetworkState {
    /// SSV network fee (`networkFee`, `networkFeeIndex`, block), legacy clusters.
    pub ssv: FeeSnapshot,
    /// ETH network fee (v2 `ethNetworkFee…`), ETH clusters.
    pub eth: FeeSnapshot,
}

impl NetworkState {
    /// The snapshot of the given fee token.
    pub const fn snapshot(&self, version: ClusterVersion) -> &FeeSnapshot {
        match version {
            ClusterVersion::Ssv => &self.ssv,
            ClusterVersion::Eth => &self.eth,
        }
    }

    /// Mutable snapshot of the given fee token.
    pub const fn snapshot_mut(&mut self, version: ClusterVersion) -> &mut FeeSnapshot {
        match version {
            ClusterVersion::Ssv => &mut self.ssv,
            ClusterVersion::Eth => &mut self.eth,
        }
    }
}

/// Liquidation parameters of one fee token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiquidationParams {
    /// `minimumBlocksBeforeLiquidation` (LTP), in blocks.
    pub threshold_period: u64,
    /// `minimumLiquidationCollateral` (MLC), in wei.
    pub minimum_collateral: U256,
}

impl LiquidationParams {
    /// Mainnet ETH parameters sent in the v2.0.0 upgrade batch (LTP 42,960 blocks, MLC
    /// 324,862,599,900,000 wei). The DAO can change them: read the views before relying on them.
    pub const MAINNET_ETH: Self = Self {
        threshold_period: 42_960,
        minimum_collateral: U256::from_limbs([324_862_599_900_000, 0, 0, 0]),
    };

    /// Mainnet legacy SSV parameters after the upgrade (LTP 100,240 blocks, MLC
    /// 385,795,451,000,000,000 wei SSV).
    pub const MAINNET_SSV: Self = Self {
        threshold_period: 100_240,
        minimum_collateral: U256::from_limbs([385_795_451_000_000_000, 0, 0, 0]),
    };
}

/// A cluster's vUnits: explicit once an oracle reported its effective balance, otherwise
/// implied by the validator count (`V · 10000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VUnits {
    /// No effective balance reported: `V · 10000`.
    #[default]
    Implicit,
    /// `clusterEB.vUnits`, non-zero.
    Explicit(u64),
}

impl VUnits {
    /// Explicit vUnits; 0 means "not set" in the contract, hence implicit.
    pub const fn explicit(vunits: u64) -> Self {
        if vunits == 0 {
            Self::Implicit
        } else {
            Self::Explicit(vunits)
        }
    }

    /// Explicit vUnits of an effective balance in whole ETH: `ceil(EB · 10000 / 32)`.
    pub const fn from_effective_balance(effective_balance: u32) -> Self {
        Self::explicit(eb_to_vunits(effective_balance))
    }

    /// The vUnits the contract uses for a cluster of `validator_count` validators.
    pub const fn resolve(self, validator_count: u32) -> u64 {
        match self {
            Self::Implicit => validator_count as u64 * VUNITS_PER_VALIDATOR,
            Self::Explicit(vunits) => vunits,
        }
    }

    /// The effective balance (whole ETH) the contract reports: `floor(vUnits · 32 / 10000)`.
    pub const fn effective_balance(self, validator_count: u32) -> u64 {
        vunits_to_eb(self.resolve(validator_count))
    }
}

/// `ebToVUnits`: `ceil(EB · 10000 / 32)`; 32 → 10000, 33 → 10313, 2048 → 640000.
pub const fn eb_to_vunits(effective_balance: u32) -> u64 {
    (effective_balance as u64 * VUNITS_PER_VALIDATOR).div_ceil(32)
}

/// `vUnitsToEB`: `floor(vUnits · 32 / 10000)`.
pub const fn vunits_to_eb(vunits: u64) -> u64 {
    vunits * 32 / VUNITS_PER_VALIDATOR
}

/// A cluster as the ledger and the planner see it: version, tuple and vUnits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClusterState {
    /// Fee token of the cluster.
    pub version: ClusterVersion,
    /// Latest snapshot tuple.
    pub cluster: Cluster,
    /// vUnits (always `Implicit` for legacy clusters).
    pub vunits: VUnits,
}

impl ClusterState {
    /// vUnits the contract uses now (`V · 10000` for legacy clusters).
    pub const fn resolved_vunits(&self) -> u64 {
        self.vunits.resolve(self.cluster.validator_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vunits_match_the_contract_table() {
        assert_eq!(eb_to_vunits(32), 10_000);
        assert_eq!(eb_to_vunits(33), 10_313);
        assert_eq!(eb_to_vunits(64), 20_000);
        assert_eq!(eb_to_vunits(2048), 640_000);
        assert_eq!(vunits_to_eb(10_313), 33);
        assert_eq!(VUnits::explicit(0), VUnits::Implicit);
        assert_eq!(VUnits::Implicit.resolve(3), 30_000);
    }

    #[test]
    fn packing_rejects_dust_and_overflow() {
        assert_eq!(
            ClusterVersion::Ssv.pack(U256::from(1_000_000_000u64)),
            Ok(100)
        );
        assert_eq!(
            ClusterVersion::Eth.pack(U256::from(3_366_600_000u64)),
            Ok(33_666)
        );
        assert_eq!(
            ClusterVersion::Eth.pack(U256::from(3_366_600_001u64)),
            Err(AccountingError::MaxPrecisionExceeded {
                wei: U256::from(3_366_600_001u64),
                unit: ETH_PACKING
            })
        );
        let huge = U256::from(u64::MAX) * U256::from(SSV_PACKING) + U256::from(SSV_PACKING);
        assert!(matches!(
            ClusterVersion::Ssv.pack(huge),
            Err(AccountingError::MaxValueExceeded { .. })
        ));
    }

    #[test]
    fn fee_snapshot_accrues_and_changes_from_next_block() {
        let mut s = FeeSnapshot::new(100, 10);
        assert_eq!(s.index_at(13), Ok(300));
        s.change_fee(13, 200).unwrap();
        assert_eq!(s.index_at(14), Ok(500));
        assert_eq!(
            s.index_at(12),
            Err(AccountingError::BlockBeforeSnapshot {
                block: 12,
                snapshot_block: 13
            })
        );
    }
}
