use alloy_primitives::{Address, B256, keccak256};

use crate::AccountingError;

/// Checks operator ids as `registerValidator` does: strictly ascending and a committee size of
/// 4, 7, 10 or 13 (`4 <= n <= 13 && n % 3 == 1`).
pub fn validate_operator_ids(operator_ids: &[u64]) -> Result<(), AccountingError> {
    let size = operator_ids.len();
    if !(4..=13).contains(&size) || size % 3 != 1 {
        return Err(AccountingError::InvalidCommitteeSize { size });
    }
    check_sorted(operator_ids)
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
