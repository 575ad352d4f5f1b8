use crate::{CommitteeError, CommitteeSize};

/// A validated SSV committee: a supported number of operator ids, strictly ascending and
/// non-zero, as `registerValidator` takes them and as SSV hashes them into the cluster id.
///
/// The checks follow SSV's contracts: the size first (`InvalidOperatorIdsLength`), then each
/// neighbouring pair (`UnsortedOperatorsList`, `OperatorsListNotUnique`)
/// (ssvlabs/ssv-network `contracts/libraries/ValidatorLib.sol`, `contracts/libraries/OperatorLib.sol`).
/// Id 0 is refused too: `registerOperator` numbers operators from 1
/// (ssvlabs/ssv-network `contracts/modules/SSVOperators.sol`), so no committee can contain it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Committee {
    ids: Vec<u64>,
    size: CommitteeSize,
}

impl Committee {
    /// Takes ids that must already be strictly ascending.
    ///
    /// # Errors
    ///
    /// [`CommitteeError::Size`] first; then, pair by pair from the left,
    /// [`CommitteeError::Duplicate`] or [`CommitteeError::Unsorted`]; then
    /// [`CommitteeError::ZeroId`].
    pub fn new(ids: Vec<u64>) -> Result<Self, CommitteeError> {
        let size = Self::validate(&ids)?;
        Ok(Self { ids, size })
    }

    /// Sorts the ids first, then checks them like [`Committee::new`]: duplicates and id 0 are
    /// still refused.
    pub fn from_unsorted(mut ids: Vec<u64>) -> Result<Self, CommitteeError> {
        ids.sort_unstable();
        Self::new(ids)
    }

    /// Checks `ids` as [`Committee::new`] does without taking them, and returns their size.
    pub fn validate(ids: &[u64]) -> Result<CommitteeSize, CommitteeError> {
        let size = CommitteeSize::try_from(ids.len())?;
        for pair in ids.windows(2) {
            let (previous, next) = (pair[0], pair[1]);
            if next == previous {
                return Err(CommitteeError::Duplicate { id: next });
            }
            if next < previous {
                return Err(CommitteeError::Unsorted { previous, next });
            }
        }
        // Ascending, so a 0 can only come first.
        if ids.first() == Some(&0) {
            return Err(CommitteeError::ZeroId);
        }
        Ok(size)
    }

    /// The operator ids, strictly ascending.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    /// The committee's size, which gives its fault tolerance and signing threshold.
    pub fn size(&self) -> CommitteeSize {
        self.size
    }

    /// The most validators to register in one `bulkRegisterValidator` transaction for this
    /// committee; see [`CommitteeSize::max_validators_per_bulk_registration`].
    pub fn max_validators_per_bulk_registration(&self) -> usize {
        self.size.max_validators_per_bulk_registration()
    }

    /// The operator ids, strictly ascending.
    pub fn into_ids(self) -> Vec<u64> {
        self.ids
    }
}

impl TryFrom<Vec<u64>> for Committee {
    type Error = CommitteeError;

    /// Same as [`Committee::new`].
    fn try_from(ids: Vec<u64>) -> Result<Self, Self::Error> {
        Self::new(ids)
    }
}

impl AsRef<[u64]> for Committee {
    fn as_ref(&self) -> &[u64] {
        &self.ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ascending_ids_of_every_size() {
        for size in CommitteeSize::ALL {
            let ids: Vec<u64> = (1..=size.n() as u64).map(|i| i * 11).collect();
            let committee = Committee::new(ids.clone()).unwrap();
            assert_eq!(committee.ids(), ids);
            assert_eq!(committee.size(), size);
            assert_eq!(
                committee.max_validators_per_bulk_registration(),
                size.max_validators_per_bulk_registration()
            );
            assert_eq!(committee.as_ref(), ids.as_slice());
            assert_eq!(Committee::try_from(ids.clone()), Ok(committee.clone()));
            assert_eq!(committee.into_ids(), ids);
        }
    }

    #[test]
    fn refuses_each_bad_list_with_its_own_variant() {
        let cases: [(Vec<u64>, CommitteeError); 7] = [
            (vec![1, 2, 3], CommitteeError::Size { size: 3 }),
            (vec![1, 2, 3, 4, 5], CommitteeError::Size { size: 5 }),
            (
                vec![2, 1, 3, 4],
                CommitteeError::Unsorted {
                    previous: 2,
                    next: 1,
                },
            ),
            (
                vec![1, 5, 9, 7],
                CommitteeError::Unsorted {
                    previous: 9,
                    next: 7,
                },
            ),
            (vec![1, 2, 2, 4], CommitteeError::Duplicate { id: 2 }),
            (vec![0, 2, 3, 4], CommitteeError::ZeroId),
            // The size is checked before the order, as the contract does.
            (vec![3, 2, 1], CommitteeError::Size { size: 3 }),
        ];
        for (ids, expected) in cases {
            assert_eq!(Committee::validate(&ids), Err(expected.clone()), "{ids:?}");
            assert_eq!(Committee::new(ids.clone()), Err(expected), "{ids:?}");
        }
    }

    #[test]
    fn from_unsorted_sorts_but_still_refuses_duplicates_and_zero() {
        let committee = Committee::from_unsorted(vec![40, 5, 12, 9, 3, 8, 1]).unwrap();
        assert_eq!(committee.ids(), [1, 3, 5, 8, 9, 12, 40]);
        assert_eq!(committee.size(), CommitteeSize::Seven);
        assert_eq!(
            Committee::from_unsorted(vec![9, 5, 9, 40]),
            Err(CommitteeError::Duplicate { id: 9 })
        );
        assert_eq!(
            Committee::from_unsorted(vec![9, 5, 0, 40]),
            Err(CommitteeError::ZeroId)
        );
        assert_eq!(
            Committee::from_unsorted(vec![9, 5]),
            Err(CommitteeError::Size { size: 2 })
        );
    }

    #[test]
    fn errors_name_the_offending_ids() {
        let unsorted = CommitteeError::Unsorted {
            previous: 9,
            next: 5,
        };
        assert_eq!(
            unsorted.to_string(),
            "operator ids must be sorted ascending: 5 follows 9"
        );
        assert!(
            CommitteeError::Duplicate { id: 42 }
                .to_string()
                .contains("42")
        );
        assert!(CommitteeError::Size { size: 5 }.to_string().contains('5'));
    }
}
