//! Secret key types. Both are wiped on drop and print as `<redacted>`.

use std::fmt;

use blst::min_pk::SecretKey;
use zeroize::Zeroizing;

use crate::KeyshareError;
use crate::field::Scalar;

/// A BLS12-381 validator secret key (the master secret that gets split).
#[derive(Clone)]
pub struct ValidatorSecret {
    pub(crate) scalar: Scalar,
    pub(crate) key: SecretKey,
}

impl ValidatorSecret {
    /// From the 32-byte big-endian scalar (EIP-2333/2335 form). Zero and values ≥ r are rejected.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyshareError> {
        let scalar = Scalar::from_be_bytes(bytes)
            .filter(|s| !s.is_zero())
            .ok_or(KeyshareError::InvalidScalar {
                what: "validator secret",
            })?;
        Self::from_scalar(scalar, "validator secret")
    }

    /// From hex text, with or without `0x` (the form ssv-keys takes).
    pub fn from_hex(text: &str) -> Result<Self, KeyshareError> {
        let bytes = parse_scalar_hex(text).ok_or(KeyshareError::InvalidScalar {
            what: "validator secret",
        })?;
        Self::from_bytes(&bytes)
    }

    pub(crate) fn from_scalar(scalar: Scalar, what: &'static str) -> Result<Self, KeyshareError> {
        if scalar.is_zero() {
            return Err(KeyshareError::InvalidScalar { what });
        }
        let key = SecretKey::from_bytes(scalar.to_be_bytes().as_slice())
            .map_err(|_| KeyshareError::InvalidScalar { what })?;
        Ok(Self { scalar, key })
    }

    /// The 32-byte big-endian secret, in a buffer that is wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.scalar.to_be_bytes()
    }

    /// The 48-byte compressed validator public key.
    pub fn public_key(&self) -> [u8; 48] {
        self.key.sk_to_pk().compress()
    }
}

impl fmt::Debug for ValidatorSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValidatorSecret(<redacted>)")
    }
}

/// One operator's Shamir share of a validator secret: f(operator id).
#[derive(Clone)]
pub struct ShareSecret {
    pub(crate) scalar: Scalar,
}

impl ShareSecret {
    /// From the 32-byte big-endian scalar. Zero and values ≥ r are rejected.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyshareError> {
        Scalar::from_be_bytes(bytes)
            .filter(|s| !s.is_zero())
            .map(|scalar| Self { scalar })
            .ok_or(KeyshareError::InvalidScalar { what: "share" })
    }

    /// From the plaintext an operator decrypts: `0x` + 64 hex digits, or 64 bare hex digits.
    pub fn from_hex(text: &str) -> Result<Self, KeyshareError> {
        let bytes = parse_scalar_hex(text).ok_or(KeyshareError::InvalidScalar { what: "share" })?;
        Self::from_bytes(&bytes)
    }

    /// The 32-byte big-endian share, wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.scalar.to_be_bytes()
    }

    /// The plaintext SSV encrypts to the operator: `"0x"` + 64 lowercase hex digits.
    pub fn to_plaintext(&self) -> Zeroizing<String> {
        let bytes = self.to_bytes();
        let mut text = Zeroizing::new(String::with_capacity(66));
        text.push_str("0x");
        for b in bytes.iter() {
            text.push(char::from(HEX[usize::from(b >> 4)]));
            text.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        text
    }

    /// The 48-byte compressed share public key (share · G1).
    pub fn public_key(&self) -> [u8; 48] {
        // A non-zero scalar below r is always a valid blst secret key.
        SecretKey::from_bytes(self.to_bytes().as_slice())
            .map_or([0; 48], |sk| sk.sk_to_pk().compress())
    }
}

impl fmt::Debug for ShareSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShareSecret(<redacted>)")
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `0x` + 64 hex or 64 hex (either case) → 32 bytes; anything else → `None`.
pub(crate) fn parse_scalar_hex(text: &str) -> Option<Zeroizing<[u8; 32]>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() != 64 {
        return None;
    }
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(digits, out.as_mut_slice()).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_is_0x_and_64_lowercase_hex() {
        let mut bytes = [0u8; 32];
        bytes[31] = 0xab;
        let share = ShareSecret::from_bytes(&bytes).unwrap();
        let text = share.to_plaintext();
        assert_eq!(text.len(), 66);
        assert!(text.starts_with("0x000000"));
        assert!(text.ends_with("ab"));
        assert_eq!(*ShareSecret::from_hex(&text).unwrap().to_bytes(), bytes);
        assert_eq!(
            *ShareSecret::from_hex(&text[2..]).unwrap().to_bytes(),
            bytes
        );
    }

    #[test]
    fn rejects_zero_short_and_prefixed_uppercase_x() {
        assert!(ShareSecret::from_bytes(&[0; 32]).is_err());
        assert!(ShareSecret::from_hex("0x1234").is_err());
        assert!(ShareSecret::from_hex(&format!("0X{}", "11".repeat(32))).is_err());
        assert!(ValidatorSecret::from_bytes(&[0xff; 32]).is_err());
    }

    #[test]
    fn debug_does_not_leak() {
        let v = ValidatorSecret::from_hex(&"11".repeat(32)).unwrap();
        assert_eq!(format!("{v:?}"), "ValidatorSecret(<redacted>)");
        let s = ShareSecret::from_hex(&"11".repeat(32)).unwrap();
        assert!(!format!("{s:?}").contains("11"));
    }
}
