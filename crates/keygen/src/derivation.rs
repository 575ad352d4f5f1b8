//! EIP-2333 key trees and EIP-2334 paths.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::KeygenError;
use crate::bls::SecretKey;

/// EIP-2334 purpose.
pub const PURPOSE: u32 = 12381;
/// EIP-2334 coin type for Ethereum validators.
pub const COIN_TYPE: u32 = 3600;

/// An EIP-2334 path such as `m/12381/3600/0/0/0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DerivationPath(Vec<u32>);

impl DerivationPath {
    /// Withdrawal key of validator `index`: `m/12381/3600/{index}/0`.
    pub fn withdrawal(index: u32) -> Self {
        Self(vec![PURPOSE, COIN_TYPE, index, 0])
    }

    /// Signing key of validator `index`: `m/12381/3600/{index}/0/0`.
    pub fn signing(index: u32) -> Self {
        Self(vec![PURPOSE, COIN_TYPE, index, 0, 0])
    }

    /// The child indices after `m`.
    pub fn indices(&self) -> &[u32] {
        &self.0
    }

    /// The path with `/` replaced by `_`, as in the deposit tool's keystore file names.
    pub fn file_stem(&self) -> String {
        self.to_string().replace('/', "_")
    }
}

impl FromStr for DerivationPath {
    type Err = KeygenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| KeygenError::InvalidPath {
            path: s.to_owned(),
            reason,
        };
        let mut parts = s.split('/');
        if parts.next() != Some("m") {
            return Err(bad("must start with \"m\"".into()));
        }
        let indices = parts
            .enumerate()
            .map(|(i, part)| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(format!(
                        "level {} is {part:?}, not a decimal index",
                        i + 1
                    )));
                }
                part.parse::<u32>()
                    .map_err(|_| bad(format!("level {} ({part}) does not fit in 32 bits", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(indices))
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for i in &self.0 {
            write!(f, "/{i}")?;
        }
        Ok(())
    }
}

/// A BIP-39 seed (64 bytes, or any length of at least 32 bytes for EIP-2333). Zeroized on drop;
/// `Debug` never shows it.
#[derive(Clone)]
pub struct Seed(Zeroizing<Vec<u8>>);

impl Seed {
    /// Wraps raw seed bytes; EIP-2333 needs at least 32.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeygenError> {
        if bytes.len() < 32 {
            return Err(KeygenError::SeedTooShort { len: bytes.len() });
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The EIP-2333 master key.
    pub fn master_key(&self) -> SecretKey {
        SecretKey::derive_master(&self.0).expect("seed length checked on construction")
    }

    /// The key at `path`.
    pub fn derive(&self, path: &DerivationPath) -> SecretKey {
        path.indices()
            .iter()
            .fold(self.master_key(), |sk, &i| sk.derive_child(i))
    }

    /// The signing key of validator `index` (`m/12381/3600/{index}/0/0`).
    pub fn signing_key(&self, index: u32) -> SecretKey {
        self.derive(&DerivationPath::signing(index))
    }

    /// Both keys of validator `index`, deriving the shared prefix once.
    pub fn validator_keys(&self, index: u32) -> ValidatorKeys {
        let withdrawal = self.derive(&DerivationPath::withdrawal(index));
        let signing = withdrawal.derive_child(0);
        ValidatorKeys {
            index,
            signing,
            withdrawal,
        }
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(<redacted>)")
    }
}

/// The two EIP-2334 keys of one validator.
#[derive(Debug, Clone)]
pub struct ValidatorKeys {
    /// Validator index in the key tree (the `{i}` of the path).
    pub index: u32,
    /// `m/12381/3600/{i}/0/0`.
    pub signing: SecretKey,
    /// `m/12381/3600/{i}/0`.
    pub withdrawal: SecretKey,
}
