//! Thin, safe wrappers over `blst::min_pk` (Ethereum's BLS: 48-byte G1 public keys, 96-byte G2
//! signatures). The secret key type never prints its value.

use std::fmt;

use blst::BLST_ERROR;
use blst::min_pk;
use zeroize::Zeroizing;

use crate::KeygenError;

/// Ethereum's proof-of-possession ciphersuite tag.
pub const BLS_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// A BLS secret key. Zeroized on drop (blst does it); `Debug` never shows the value.
#[derive(Clone)]
pub struct SecretKey(min_pk::SecretKey);

impl SecretKey {
    /// A key from its 32-byte big-endian encoding; rejects zero and values not below the
    /// group order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeygenError> {
        min_pk::SecretKey::from_bytes(bytes)
            .map(Self)
            .map_err(|_| KeygenError::InvalidSecretKey { len: bytes.len() })
    }

    /// The 32-byte big-endian encoding, in a buffer that is zeroized on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The compressed public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.sk_to_pk().to_bytes())
    }

    /// Signs `message` with Ethereum's ciphersuite.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message, BLS_DST, &[]).to_bytes())
    }

    /// EIP-2333 child derivation.
    #[must_use]
    pub fn derive_child(&self, index: u32) -> Self {
        Self(self.0.derive_child_eip2333(index))
    }

    /// EIP-2333 master key from a seed of at least 32 bytes.
    pub fn derive_master(seed: &[u8]) -> Result<Self, KeygenError> {
        min_pk::SecretKey::derive_master_eip2333(seed)
            .map(Self)
            .map_err(|_| KeygenError::SeedTooShort { len: seed.len() })
    }

    /// The underlying blst key, for crates that do their own scalar arithmetic.
    pub fn as_blst(&self) -> &min_pk::SecretKey {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A compressed BLS public key (48 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 48]);

impl PublicKey {
    /// Parses and validates a compressed public key (on the curve, in the subgroup, not infinity).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeygenError> {
        let pk = min_pk::PublicKey::key_validate(bytes).map_err(|err| {
            KeygenError::InvalidPublicKey {
                len: bytes.len(),
                reason: blst_reason(err),
            }
        })?;
        Ok(Self(pk.to_bytes()))
    }

    /// The compressed encoding.
    pub fn as_bytes(&self) -> &[u8; 48] {
        &self.0
    }

    /// Lowercase hex without `0x`, as the deposit tool writes it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(0x{})", self.to_hex())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", self.to_hex())
    }
}

/// A compressed BLS signature (96 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 96]);

impl Signature {
    /// Parses a compressed signature; the point is checked when verifying.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeygenError> {
        let sig =
            min_pk::Signature::from_bytes(bytes).map_err(|err| KeygenError::InvalidSignature {
                len: bytes.len(),
                reason: blst_reason(err),
            })?;
        Ok(Self(sig.to_bytes()))
    }

    /// The compressed encoding.
    pub fn as_bytes(&self) -> &[u8; 96] {
        &self.0
    }

    /// Lowercase hex without `0x`.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Whether this is a valid signature of `message` by `public_key` (subgroup checks included).
    pub fn verify(&self, message: &[u8], public_key: &PublicKey) -> bool {
        let (Ok(sig), Ok(pk)) = (
            min_pk::Signature::from_bytes(&self.0),
            min_pk::PublicKey::from_bytes(&public_key.0),
        ) else {
            return false;
        };
        sig.verify(true, message, BLS_DST, &[], &pk, true) == BLST_ERROR::BLST_SUCCESS
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(0x{})", self.to_hex())
    }
}

fn blst_reason(err: BLST_ERROR) -> &'static str {
    match err {
        BLST_ERROR::BLST_BAD_ENCODING => "bad encoding",
        BLST_ERROR::BLST_POINT_NOT_ON_CURVE => "point not on the curve",
        BLST_ERROR::BLST_POINT_NOT_IN_GROUP => "point not in the subgroup",
        BLST_ERROR::BLST_PK_IS_INFINITY => "point at infinity",
        _ => "rejected by blst",
    }
}
