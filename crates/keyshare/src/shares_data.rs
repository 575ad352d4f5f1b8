//! The `sharesData` bytes of `registerValidator`:
//! signature (96) ‖ share public keys (48 · n) ‖ RSA ciphertexts (256 · n), in operator-id order.

use crate::KeyshareError;
use crate::operator_key::CIPHERTEXT_LEN;

const SIGNATURE_LEN: usize = 96;
const PUBKEY_LEN: usize = 48;

/// Decoded sharesData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharesData {
    signature: [u8; SIGNATURE_LEN],
    share_public_keys: Vec<[u8; PUBKEY_LEN]>,
    encrypted_shares: Vec<[u8; CIPHERTEXT_LEN]>,
}

impl SharesData {
    /// Length SSV nodes require for `operators` operators: 96 + 304 · n.
    pub const fn expected_len(operators: usize) -> usize {
        SIGNATURE_LEN + (PUBKEY_LEN + CIPHERTEXT_LEN) * operators
    }

    /// Assembles sharesData; the two lists must have one entry per operator each.
    pub fn new(
        signature: [u8; SIGNATURE_LEN],
        share_public_keys: Vec<[u8; PUBKEY_LEN]>,
        encrypted_shares: Vec<[u8; CIPHERTEXT_LEN]>,
    ) -> Result<Self, KeyshareError> {
        if share_public_keys.len() != encrypted_shares.len() {
            return Err(KeyshareError::ShareCountMismatch {
                public_keys: share_public_keys.len(),
                encrypted_shares: encrypted_shares.len(),
            });
        }
        Ok(Self {
            signature,
            share_public_keys,
            encrypted_shares,
        })
    }

    /// Splits raw sharesData for a committee of `operators`, checking the exact length.
    pub fn from_bytes(bytes: &[u8], operators: usize) -> Result<Self, KeyshareError> {
        let expected = Self::expected_len(operators);
        if bytes.len() != expected {
            return Err(KeyshareError::SharesDataLength {
                operators,
                expected,
                actual: bytes.len(),
            });
        }
        let (signature, rest) = bytes.split_at(SIGNATURE_LEN);
        let (pubkeys, ciphertexts) = rest.split_at(PUBKEY_LEN * operators);
        let mut sig = [0u8; SIGNATURE_LEN];
        sig.copy_from_slice(signature);
        Ok(Self {
            signature: sig,
            share_public_keys: fixed_chunks(pubkeys),
            encrypted_shares: fixed_chunks(ciphertexts),
        })
    }

    /// The bytes that go into `registerValidator`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::expected_len(self.share_public_keys.len()));
        out.extend_from_slice(&self.signature);
        for pk in &self.share_public_keys {
            out.extend_from_slice(pk);
        }
        for ct in &self.encrypted_shares {
            out.extend_from_slice(ct);
        }
        out
    }

    /// The ownership signature (96 bytes, see [`crate::verify_ownership`]).
    pub fn signature(&self) -> &[u8; SIGNATURE_LEN] {
        &self.signature
    }

    /// The share public keys (48-byte compressed G1), in operator-id order.
    pub fn share_public_keys(&self) -> &[[u8; PUBKEY_LEN]] {
        &self.share_public_keys
    }

    /// The shares RSA-encrypted to their operators (256 bytes each), in operator-id order.
    pub fn encrypted_shares(&self) -> &[[u8; CIPHERTEXT_LEN]] {
        &self.encrypted_shares
    }
}

fn fixed_chunks<const N: usize>(data: &[u8]) -> Vec<[u8; N]> {
    data.chunks_exact(N)
        .map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            a
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let data =
            SharesData::new([1; 96], vec![[2; 48], [3; 48]], vec![[4; 256], [5; 256]]).unwrap();
        let bytes = data.to_bytes();
        assert_eq!(bytes.len(), 96 + 2 * 304);
        assert_eq!(bytes[95], 1);
        assert_eq!(bytes[96], 2);
        assert_eq!(bytes[96 + 48], 3);
        assert_eq!(bytes[96 + 96], 4);
        assert_eq!(bytes[96 + 96 + 256], 5);
        assert_eq!(SharesData::from_bytes(&bytes, 2).unwrap(), data);
    }

    #[test]
    fn lengths_for_ssv_committees() {
        let lens: Vec<_> = [4, 7, 10, 13].map(SharesData::expected_len).into();
        assert_eq!(lens, [1312, 2224, 3136, 4048]);
    }

    #[test]
    fn truncated_is_a_typed_error() {
        let bytes = vec![0u8; 1311];
        assert!(matches!(
            SharesData::from_bytes(&bytes, 4),
            Err(KeyshareError::SharesDataLength {
                operators: 4,
                expected: 1312,
                actual: 1311
            })
        ));
    }
}
