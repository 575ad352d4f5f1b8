//! The current fee indices of one cluster's operators and of the network, at one block.

use crate::AccountingError;
use crate::types::{ClusterVersion, NetworkState, OperatorState};

/// Everything the balance and liquidation maths need from operator and network state, for one
/// set of operators and one fee token, at one block. All values are packed in the token's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClusterIndices {
    /// Block the indices are taken at.
    pub block: u64,
    /// `clusterIndex(B)`: sum of the operators' indices at `block`.
    pub operator_index: u64,
    /// `netIndex(B)`: the network fee index at `block`.
    pub network_index: u64,
    /// Sum of the operators' fees per block (removed operators count 0).
    pub operator_fee: u64,
    /// Network fee per block.
    pub network_fee: u64,
    /// The first removed operator of the set, if any: such a cluster cannot take validators.
    pub removed_operator: Option<u64>,
}

impl ClusterIndices {
    /// Indices at `block` for `operators` (the cluster's operators, any order; a slice, a
    /// `Vec` or any iterator of references) in the fee token of `version`.
    pub fn compute<'a>(
        version: ClusterVersion,
        block: u64,
        operators: impl IntoIterator<Item = &'a OperatorState>,
        network: &NetworkState,
    ) -> Result<Self, AccountingError> {
        let mut operator_index = 0u64;
        let mut operator_fee = 0u64;
        let mut removed_operator = None;
        for operator in operators {
            let snapshot = operator.snapshot(version);
            operator_index = operator_index
                .checked_add(snapshot.index_at(block)?)
                .ok_or(AccountingError::ArithmeticOverflow {
                    quantity: "cluster index",
                })?;
            operator_fee = operator_fee.checked_add(snapshot.fee).ok_or(
                AccountingError::ArithmeticOverflow {
                    quantity: "operator fee sum",
                },
            )?;
            if operator.removed && removed_operator.is_none() {
                removed_operator = Some(operator.id);
            }
        }
        let network_snapshot = network.snapshot(version);
        Ok(Self {
            block,
            operator_index,
            network_index: network_snapshot.index_at(block)?,
            operator_fee,
            network_fee: network_snapshot.fee,
            removed_operator,
        })
    }

    /// The indices `blocks` later, assuming no fee changes in between.
    pub fn advance(&self, blocks: u64) -> Result<Self, AccountingError> {
        let overflow = || AccountingError::ArithmeticOverflow {
            quantity: "advanced index",
        };
        let grow = |index: u64, fee: u64| {
            blocks
                .checked_mul(fee)
                .and_then(|d| d.checked_add(index))
                .ok_or_else(overflow)
        };
        Ok(Self {
            block: self.block.checked_add(blocks).ok_or_else(overflow)?,
            operator_index: grow(self.operator_index, self.operator_fee)?,
            network_index: grow(self.network_index, self.network_fee)?,
            ..*self
        })
    }

    /// Packed fee per block per 32-ETH unit: `Σ operator fee + network fee`.
    pub fn total_fee(&self) -> Result<u64, AccountingError> {
        self.operator_fee
            .checked_add(self.network_fee)
            .ok_or(AccountingError::ArithmeticOverflow {
                quantity: "total fee",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FeeSnapshot;

    #[test]
    fn sums_operators_and_freezes_removed_ones() {
        let mut removed = OperatorState {
            id: 8,
            ssv: FeeSnapshot::new(100, 10),
            eth: FeeSnapshot::default(),
            removed: false,
        };
        removed.remove(12).unwrap();
        let live = OperatorState {
            id: 5,
            ssv: FeeSnapshot::new(100, 10),
            eth: FeeSnapshot::default(),
            removed: false,
        };
        let network = NetworkState {
            ssv: FeeSnapshot::new(50, 0),
            eth: FeeSnapshot::default(),
        };
        let at =
            ClusterIndices::compute(ClusterVersion::Ssv, 20, &[live, removed], &network).unwrap();
        assert_eq!(at.operator_index, 1000 + 200);
        assert_eq!(at.operator_fee, 100);
        assert_eq!(at.network_index, 1000);
        assert_eq!(at.removed_operator, Some(8));
        let later = at.advance(5).unwrap();
        assert_eq!(later.operator_index, 1700);
        assert_eq!(later.network_index, 1250);
        assert_eq!(
            later,
            ClusterIndices::compute(ClusterVersion::Ssv, 25, &[live, removed], &network).unwrap()
        );
    }
}
