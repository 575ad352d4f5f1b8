use alloy_primitives::{Address, B256, keccak256};
use ssv_committee::{Committee, CommitteeError};

use crate::AccountingError;
use crate::types::Cluster;

/// Checks operator ids as `registerValidator` does, by the rule of [`ssv_committee::Committee`]:
/// a committee size of 4, 7, 10 or 13 ([`AccountingError::InvalidCommitteeSize`], the
/// contract's `InvalidOperatorIdsLength`), then strictly ascending
/// ([`AccountingError::UnsortedOperatorIds`], `UnsortedOperatorsList` / `OperatorsListNotUnique`).
/// Id 0 is [`AccountingError::UnknownOperator`]: SSV numbers operators from 1, so the contract
/// reverts `OperatorDoesNotExist` for it (ssvlabs/ssv-network `contracts/modules/SSVOperators.sol`).
pub fn validate_operator_ids(operator_ids: &[u64]) -> Result<(), AccountingError> {
    match Committee::validate(operator_ids) {
        Ok(_) => Ok(()),
        Err(CommitteeError::Size { size }) => Err(AccountingError::InvalidCommitteeSize { size }),
        Err(CommitteeError::ZeroId) => Err(AccountingError::UnknownOperator { operator_id: 0 }),
        // Unsorted or duplicate ids (and any rule ssv-committee adds later).
        Err(_) => Err(AccountingError::UnsortedOperatorIds {
            ids: operator_ids.to_vec(),
        }),
    }
}

fn check_sorted(operator_ids: &[u64]) -> Result<(), AccountingError> {
    if operator_ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(AccountingError::UnsortedOperatorIds {
            ids: operator_ids.to_vec(),
        });
    }
    Ok(())
}

/// Cluster id as the SSV contracts hash it: keccak256(owner ‖ each operator id as a 32-byte word),
/// i.e. `keccak256(abi.encodePacked(owner, operatorIds))`.
pub fn cluster_id(owner: Address, operator_ids: &[u64]) -> Result<B256, AccountingError> {
    check_sorted(operator_ids)?;
    let mut buf = Vec::with_capacity(20 + 32 * operator_ids.len());
    buf.extend_from_slice(owner.as_slice());
    for id in operator_ids {
        let mut word = [0u8; 32];
        word[24..].copy_from_slice(&id.to_be_bytes());
        buf.extend_from_slice(&word);
    }
    Ok(keccak256(&buf))
}

/// What the contract stores for a cluster (`hashClusterData`): keccak256 of the 53-byte
/// `abi.encodePacked(uint32 validatorCount, uint64 networkFeeIndex, uint64 index,
/// uint256 balance, bool active)` — note the field order differs from the tuple.
pub fn cluster_data_hash(cluster: &Cluster) -> B256 {
    let mut buf = [0u8; 53];
    buf[..4].copy_from_slice(&cluster.validator_count.to_be_bytes());
    buf[4..12].copy_from_slice(&cluster.network_fee_index.to_be_bytes());
    buf[12..20].copy_from_slice(&cluster.index.to_be_bytes());
    buf[20..52].copy_from_slice(&cluster.balance.to_be_bytes::<32>());
    buf[52] = u8::from(cluster.active);
    keccak256(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_owner_then_words() {
        let owner = Address::repeat_byte(0xab);
        let mut expected = owner.to_vec();
        for id in [1u64, 2, 3, 4] {
            expected.extend_from_slice(&[0u8; 24]);
            expected.extend_from_slice(&id.to_be_bytes());
        }
        assert_eq!(
            cluster_id(owner, &[1, 2, 3, 4]).unwrap(),
            keccak256(&expected)
        );
    }

    #[test]
    fn worked_example_of_the_v1_2_0_contracts() {
        // Owner 0x7099…79C8, ids [1,2,3,4], tuple (1, 300, 2200, true, 504000000000000):
        // id 0x7e4da62e…aa06e3, data hash 0x6e3fbceb…236eb6, the key and value the contracts of
        // ssvlabs/ssv-network@583b7b7 (v1.2.0, `contracts/libraries/ClusterLib.sol`
        // `hashClusterData`) stored for this cluster when run on a local chain.
        let owner: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse()
            .unwrap();
        let id = cluster_id(owner, &[1, 2, 3, 4]).unwrap().to_string();
        assert!(
            id.starts_with("0x7e4da62e") && id.ends_with("aa06e3"),
            "{id}"
        );
        let cluster = Cluster {
            validator_count: 1,
            network_fee_index: 300,
            index: 2200,
            active: true,
            balance: alloy_primitives::U256::from(504_000_000_000_000u64),
        };
        let hash = cluster_data_hash(&cluster).to_string();
        assert!(
            hash.starts_with("0x6e3fbceb") && hash.ends_with("236eb6"),
            "{hash}"
        );
    }

    #[test]
    fn committee_sizes_are_3f_plus_1() {
        for size in 0..20usize {
            let ids: Vec<u64> = (1..=size as u64).collect();
            let ok = matches!(size, 4 | 7 | 10 | 13);
            assert_eq!(validate_operator_ids(&ids).is_ok(), ok, "size {size}");
            if !ok {
                assert_eq!(
                    validate_operator_ids(&ids),
                    Err(AccountingError::InvalidCommitteeSize { size })
                );
            }
        }
        assert_eq!(
            validate_operator_ids(&[1, 2, 2, 3]),
            Err(AccountingError::UnsortedOperatorIds {
                ids: vec![1, 2, 2, 3]
            })
        );
        assert_eq!(
            validate_operator_ids(&[1, 3, 2, 4]),
            Err(AccountingError::UnsortedOperatorIds {
                ids: vec![1, 3, 2, 4]
            })
        );
        // The size is checked first, as the contract does.
        assert_eq!(
            validate_operator_ids(&[3, 2, 1]),
            Err(AccountingError::InvalidCommitteeSize { size: 3 })
        );
    }

    #[test]
    fn operator_id_zero_is_an_unknown_operator() {
        assert_eq!(
            validate_operator_ids(&[0, 1, 2, 3]),
            Err(AccountingError::UnknownOperator { operator_id: 0 })
        );
    }

    #[test]
    fn unsorted_ids_are_rejected() {
        assert_eq!(
            cluster_id(Address::ZERO, &[2, 1, 3, 4]),
            Err(AccountingError::UnsortedOperatorIds {
                ids: vec![2, 1, 3, 4]
            })
        );
    }
}
