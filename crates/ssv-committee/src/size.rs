use std::fmt;

use crate::CommitteeError;

/// The committee sizes SSV accepts: n = 3f + 1 operators for f = 1…4.
pub const COMMITTEE_SIZES: [usize; 4] = [4, 7, 10, 13];

/// A committee size SSV accepts. SSV's contracts check `4 <= n <= 13 && n % 3 == 1`
/// (ssvlabs/ssv-network `contracts/libraries/ValidatorLib.sol`, `validateOperatorsLength`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommitteeSize {
    /// 4 operators, 1 fault tolerated, 3 shares sign.
    Four,
    /// 7 operators, 2 faults tolerated, 5 shares sign.
    Seven,
    /// 10 operators, 3 faults tolerated, 7 shares sign.
    Ten,
    /// 13 operators, 4 faults tolerated, 9 shares sign.
    Thirteen,
}

impl CommitteeSize {
    /// Every size, smallest first (the same order as [`COMMITTEE_SIZES`]).
    pub const ALL: [CommitteeSize; 4] = [Self::Four, Self::Seven, Self::Ten, Self::Thirteen];

    /// Number of operators n.
    pub const fn n(self) -> usize {
        match self {
            Self::Four => 4,
            Self::Seven => 7,
            Self::Ten => 10,
            Self::Thirteen => 13,
        }
    }

    /// Faulty operators tolerated: f = (n − 1) / 3.
    pub const fn fault_tolerance(self) -> usize {
        (self.n() - 1) / 3
    }

    /// Shares needed to sign (the Shamir threshold): t = n − f.
    pub const fn threshold(self) -> usize {
        self.n() - self.fault_tolerance()
    }

    /// The most validators to register in one `bulkRegisterValidator` transaction for a cluster
    /// of this size: 80, 40, 30 and 20 for 4, 7, 10 and 13 operators, as SSV documents for
    /// `bulkRegisterValidator` (ssvlabs/ssv-network docs; SSV's TypeScript SDK uses the same caps
    /// as `FIXED_VALIDATORS_COUNT_PER_CLUSTER_SIZE`). The contract does not check it; it is a
    /// per-transaction budget, not a limit on the cluster.
    pub const fn max_validators_per_bulk_registration(self) -> usize {
        match self {
            Self::Four => 80,
            Self::Seven => 40,
            Self::Ten => 30,
            Self::Thirteen => 20,
        }
    }
}

impl TryFrom<usize> for CommitteeSize {
    type Error = CommitteeError;

    fn try_from(n: usize) -> Result<Self, Self::Error> {
        match n {
            4 => Ok(Self::Four),
            7 => Ok(Self::Seven),
            10 => Ok(Self::Ten),
            13 => Ok(Self::Thirteen),
            size => Err(CommitteeError::Size { size }),
        }
    }
}

impl From<CommitteeSize> for usize {
    fn from(size: CommitteeSize) -> usize {
        size.n()
    }
}

/// Shows n, e.g. `7`.
impl fmt::Display for CommitteeSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.n())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_3f_plus_1_between_4_and_13() {
        let accepted: Vec<usize> = (0..=64)
            .filter(|&n| CommitteeSize::try_from(n).is_ok())
            .collect();
        assert_eq!(accepted, COMMITTEE_SIZES);
        // The contract's own formulation of the rule.
        for n in 0..=64usize {
            let contract = (4..=13).contains(&n) && n % 3 == 1;
            assert_eq!(CommitteeSize::try_from(n).is_ok(), contract, "n = {n}");
        }
        assert_eq!(CommitteeSize::ALL.map(CommitteeSize::n), COMMITTEE_SIZES);
    }

    #[test]
    fn rejected_sizes_are_named() {
        for n in [0, 1, 3, 5, 6, 8, 14, 16, usize::MAX] {
            assert_eq!(
                CommitteeSize::try_from(n),
                Err(CommitteeError::Size { size: n })
            );
        }
    }

    #[test]
    fn fault_tolerance_and_threshold() {
        let rows: Vec<(usize, usize, usize)> = CommitteeSize::ALL
            .iter()
            .map(|s| (s.n(), s.fault_tolerance(), s.threshold()))
            .collect();
        assert_eq!(rows, [(4, 1, 3), (7, 2, 5), (10, 3, 7), (13, 4, 9)]);
        for s in CommitteeSize::ALL {
            // n = 3f + 1, and any t shares overlap any other t in at least f + 1 honest ones.
            assert_eq!(s.n(), 3 * s.fault_tolerance() + 1);
            assert_eq!(2 * s.threshold() - s.n(), s.fault_tolerance() + 1);
        }
    }

    #[test]
    fn bulk_registration_caps() {
        assert_eq!(
            CommitteeSize::ALL.map(CommitteeSize::max_validators_per_bulk_registration),
            [80, 40, 30, 20]
        );
    }

    #[test]
    fn converts_back_and_displays_n() {
        for s in CommitteeSize::ALL {
            assert_eq!(CommitteeSize::try_from(usize::from(s)), Ok(s));
            assert_eq!(s.to_string(), s.n().to_string());
        }
    }
}
