use std::fmt;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::SolValue;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::PrivateKey as RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;

use crate::DevnetError;

/// What to register for one seeded operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSpec {
    /// ETH fee in wei per block per 32 ETH (a multiple of 1e5).
    pub fee: U256,
    /// Registered private: only whitelisted owners may use it.
    pub private: bool,
    /// Removed right after registration.
    pub removed: bool,
}

impl OperatorSpec {
    /// A public operator, not removed, with an ETH fee of `fee_wei` wei per block per 32 ETH.
    pub fn public(fee_wei: u64) -> Self {
        Self {
            fee: U256::from(fee_wei),
            private: false,
            removed: false,
        }
    }

    /// The default seed: eight public operators at various fees, one private, one removed.
    pub fn default_set() -> Vec<Self> {
        let mut set: Vec<Self> = [
            1_000_000_000u64,
            1_500_000_000,
            1_770_000_000,
            2_000_000_000,
            500_000_000,
            3_000_000_000,
            1_200_000_000,
            2_500_000_000,
        ]
        .into_iter()
        .map(Self::public)
        .collect();
        set.push(Self {
            private: true,
            ..Self::public(1_000_000_000)
        });
        set.push(Self {
            removed: true,
            ..Self::public(1_000_000_000)
        });
        set
    }
}

/// A registered operator and its RSA key pair (the private key decrypts its keyshares).
pub struct SeededOperator {
    /// The SSV operator id from `OperatorAdded`.
    pub id: u64,
    /// The dev account that registered and owns it.
    pub owner: Address,
    /// The ETH fee it was registered with, wei per block per 32 ETH.
    pub fee: U256,
    /// Registered private.
    pub private: bool,
    /// Removed right after registration.
    pub removed: bool,
    /// base64 of the PEM (`RSA PUBLIC KEY` label, SPKI body), the form SSV uses everywhere.
    pub public_key_base64: String,
    private_key: RsaPrivateKey,
}

impl SeededOperator {
    /// The operator's RSA-2048 private key, which decrypts the keyshares sent to it.
    pub fn private_key(&self) -> &RsaPrivateKey {
        &self.private_key
    }
}

impl fmt::Debug for SeededOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeededOperator")
            .field("id", &self.id)
            .field("owner", &self.owner)
            .field("fee", &self.fee)
            .field("private", &self.private)
            .field("removed", &self.removed)
            .field("public_key_base64", &self.public_key_base64)
            .finish_non_exhaustive()
    }
}

/// A fresh RSA-2048 key and its SSV public-key string.
pub(crate) fn generate_operator_key(index: usize) -> Result<(RsaPrivateKey, String), DevnetError> {
    let key = RsaPrivateKey::new(&mut getrandom::SysRng, 2048)
        .map_err(|source| DevnetError::OperatorKey { index, source })?;
    let der = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|source| DevnetError::OperatorKeyEncoding { index, source })?;
    Ok((key, ssv_public_key(der.as_bytes())))
}

/// base64( "-----BEGIN RSA PUBLIC KEY-----\n" + 64-column base64 of the SPKI DER + "\n-----END RSA PUBLIC KEY-----\n" ).
pub fn ssv_public_key(spki_der: &[u8]) -> String {
    let body = STANDARD.encode(spki_der);
    let mut pem = String::from("-----BEGIN RSA PUBLIC KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END RSA PUBLIC KEY-----\n");
    STANDARD.encode(pem)
}

/// The `publicKey` bytes passed to `registerOperator`: the ABI-encoded string of the base64 key.
pub fn operator_public_key_bytes(public_key_base64: &str) -> Bytes {
    public_key_base64.to_owned().abi_encode().into()
}

pub(crate) fn seeded(
    id: u64,
    owner: Address,
    spec: &OperatorSpec,
    key: RsaPrivateKey,
    public_key_base64: String,
) -> SeededOperator {
    SeededOperator {
        id,
        owner,
        fee: spec.fee,
        private: spec.private,
        removed: spec.removed,
        public_key_base64,
        private_key: key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssv_public_key_has_the_rsa_public_key_armour() {
        let encoded = ssv_public_key(&[0x30; 300]);
        assert!(encoded.starts_with("LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t"));
        let pem = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert!(pem.ends_with("-----END RSA PUBLIC KEY-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
    }

    #[test]
    fn default_set_has_one_private_and_one_removed() {
        let set = OperatorSpec::default_set();
        assert_eq!(set.iter().filter(|s| s.private).count(), 1);
        assert_eq!(set.iter().filter(|s| s.removed).count(), 1);
        assert!(
            set.iter()
                .all(|s| s.fee % U256::from(100_000) == U256::ZERO)
        );
    }
}
