use crate::KeyshareError;

/// The committee sizes SSV supports: n = 3f + 1 operators tolerating f faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommitteeSize {
    Four,
    Seven,
    Ten,
    Thirteen,
}

impl CommitteeSize {
    /// Number of operators.
    pub const fn operators(self) -> usize {
        match self {
            Self::Four => 4,
            Self::Seven => 7,
            Self::Ten => 10,
            Self::Thirteen => 13,
        }
    }

    /// Faults tolerated: f = (n − 1) / 3.
    pub const fn faults(self) -> usize {
        (self.operators() - 1) / 3
    }

    /// Shares needed to sign: t = n − f.
    pub const fn threshold(self) -> usize {
        self.operators() - self.faults()
    }
}

impl TryFrom<usize> for CommitteeSize {
    type Error = KeyshareError;

    fn try_from(n: usize) -> Result<Self, Self::Error> {
        match n {
            4 => Ok(Self::Four),
            7 => Ok(Self::Seven),
            10 => Ok(Self::Ten),
            13 => Ok(Self::Thirteen),
            other => Err(KeyshareError::CommitteeSize(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_match_ssv() {
        let t: Vec<_> = [4, 7, 10, 13]
            .into_iter()
            .map(|n| CommitteeSize::try_from(n).unwrap().threshold())
            .collect();
        assert_eq!(t, [3, 5, 7, 9]);
    }

    #[test]
    fn other_sizes_are_rejected() {
        for n in [0, 1, 3, 5, 6, 14] {
            assert!(matches!(
                CommitteeSize::try_from(n),
                Err(KeyshareError::CommitteeSize(m)) if m == n
            ));
        }
    }
}
