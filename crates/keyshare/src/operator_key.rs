//! Operator RSA keys: the base64-of-PEM public keys SSV publishes, share encryption, and the
//! private keys (plain PEM or ssv-dkg's EIP-2335 wrapper) used to check a file's ciphertexts.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::der::pem;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;

use crate::KeyshareError;
use crate::secret::ShareSecret;

/// Bytes of an RSA-2048 ciphertext, the only size SSV nodes accept.
pub const CIPHERTEXT_LEN: usize = 256;

/// An operator's RSA-2048 public key together with its on-chain text form.
#[derive(Clone, PartialEq, Eq)]
pub struct OperatorPublicKey {
    key: rsa::PublicKey,
    encoded: String,
}

impl OperatorPublicKey {
    /// Parses the form used on chain, in the SSV API and in keyshares files: base64 of a PEM
    /// labelled `RSA PUBLIC KEY` whose body is SPKI DER (PKCS#1 DER is accepted as well).
    pub fn from_base64(encoded: &str) -> Result<Self, KeyshareError> {
        let pem_text = BASE64
            .decode(encoded.trim())
            .map_err(KeyshareError::OperatorKeyBase64)?;
        let (label, der) = match pem::decode_vec(&pem_text) {
            Ok((label, der)) => (label.to_owned(), der),
            // Go's pem.Decode (what SSV nodes use) accepts any line length; so do we.
            Err(strict) => lenient_pem(&pem_text).ok_or(KeyshareError::OperatorKeyPem(strict))?,
        };
        if label != "RSA PUBLIC KEY" && label != "PUBLIC KEY" {
            return Err(KeyshareError::OperatorKeyLabel(label));
        }
        let key = match rsa::PublicKey::from_public_key_der(&der) {
            Ok(key) => key,
            Err(spki) => rsa::PublicKey::from_pkcs1_der(&der)
                .map_err(|pkcs1| KeyshareError::OperatorKeyDer { spki, pkcs1 })?,
        };
        Self::check_size(&key)?;
        Ok(Self {
            key,
            encoded: encoded.trim().to_owned(),
        })
    }

    /// Encodes an RSA key the way SSV nodes publish theirs (Go `PublicKeyToPEM`): SPKI DER in a
    /// PEM labelled `RSA PUBLIC KEY` with 64-character lines and a final newline, then base64.
    pub fn from_rsa(key: rsa::PublicKey) -> Result<Self, KeyshareError> {
        Self::check_size(&key)?;
        let der = key
            .to_public_key_der()
            .map_err(KeyshareError::OperatorKeyEncode)?;
        let body = BASE64.encode(der.as_bytes());
        let mut pem_text = String::from("-----BEGIN RSA PUBLIC KEY-----\n");
        for line in body.as_bytes().chunks(64) {
            pem_text.push_str(&String::from_utf8_lossy(line));
            pem_text.push('\n');
        }
        pem_text.push_str("-----END RSA PUBLIC KEY-----\n");
        Ok(Self {
            key,
            encoded: BASE64.encode(pem_text),
        })
    }

    fn check_size(key: &rsa::PublicKey) -> Result<(), KeyshareError> {
        let bits = key.n().bit_width() as usize;
        if bits == 2048 {
            Ok(())
        } else {
            Err(KeyshareError::OperatorKeySize { bits })
        }
    }

    /// The base64 text exactly as it was given (or as [`Self::from_rsa`] produced it).
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// The parsed RSA key.
    pub fn rsa(&self) -> &rsa::PublicKey {
        &self.key
    }

    /// RSAES-PKCS1-v1_5 encryption of the share's `"0x"` + 64-hex plaintext.
    pub fn encrypt_share(
        &self,
        share: &ShareSecret,
    ) -> Result<[u8; CIPHERTEXT_LEN], KeyshareError> {
        let ct = self
            .key
            .pkcs1v15_encrypt(share.to_plaintext().as_bytes())
            .map_err(KeyshareError::Encrypt)?;
        ct.try_into()
            .map_err(|ct: Vec<u8>| KeyshareError::FieldLength {
                field: "ciphertext",
                expected: CIPHERTEXT_LEN,
                actual: ct.len(),
            })
    }
}

/// PEM with arbitrary line lengths: `-----BEGIN L-----`, base64 body, `-----END L-----`.
fn lenient_pem(text: &[u8]) -> Option<(String, Vec<u8>)> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let rest = text.strip_prefix("-----BEGIN ")?;
    let (label, rest) = rest.split_once("-----")?;
    let body = rest.strip_suffix(&format!("-----END {label}-----"))?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = BASE64.decode(compact).ok()?;
    Some((label.to_owned(), der))
}

impl fmt::Debug for OperatorPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = &self.encoded[self.encoded.len().saturating_sub(12)..];
        write!(f, "OperatorPublicKey(…{tail})")
    }
}

/// An operator in a committee: its on-chain id and RSA key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The operator id in SSVNetwork.
    pub id: u64,
    /// Its RSA-2048 public key, which its share is encrypted to.
    pub key: OperatorPublicKey,
}

impl Operator {
    /// Parses an operator from its id and base64 key, naming the operator in any error.
    pub fn from_base64(id: u64, encoded: &str) -> Result<Self, KeyshareError> {
        let key = OperatorPublicKey::from_base64(encoded).map_err(|e| KeyshareError::Operator {
            id,
            source: Box::new(e),
        })?;
        Ok(Self { id, key })
    }

    /// Parses an operator list `[{"id": 1, "operatorKey": "<base64 PEM>"}, …]` (the
    /// `data.operators` form of keyshares files), keeping the given order.
    pub fn list_from_json(json: &str) -> Result<Vec<Self>, KeyshareError> {
        let entries: Vec<crate::wire::OperatorJson> = serde_json::from_str(json)?;
        entries
            .iter()
            .map(|e| Self::from_base64(e.id, &e.operator_key))
            .collect()
    }
}

/// An operator's RSA private key. Prints as `<redacted>`; the key material is wiped on drop.
#[derive(Clone)]
pub struct OperatorPrivateKey(rsa::PrivateKey);

impl OperatorPrivateKey {
    /// Parses a PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`) PEM.
    pub fn from_pem(text: &str) -> Result<Self, KeyshareError> {
        match rsa::PrivateKey::from_pkcs1_pem(text) {
            Ok(key) => Ok(Self(key)),
            Err(pkcs1) => rsa::PrivateKey::from_pkcs8_pem(text)
                .map(Self)
                .map_err(|pkcs8| KeyshareError::OperatorPrivateKeyPem { pkcs1, pkcs8 }),
        }
    }

    /// Opens the EIP-2335-style keystore ssv-dkg and SSV nodes keep the operator key in
    /// (`encrypted_private_key.json`: a bare `crypto` object, or a whole keystore) and parses the
    /// PEM inside. Decryption is keygen's ([`keygen::decrypt_keystore_secret`]); a wrong
    /// password is [`KeyshareError::KeystoreChecksum`].
    pub fn from_encrypted_json(json: &str, password: &str) -> Result<Self, KeyshareError> {
        let pem_bytes =
            keygen::decrypt_keystore_secret(json, password).map_err(|err| match err {
                keygen::KeygenError::WrongPassword => KeyshareError::KeystoreChecksum,
                other => KeyshareError::Keystore(other),
            })?;
        let text = std::str::from_utf8(&pem_bytes).map_err(|_| KeyshareError::KeystorePlaintext)?;
        Self::from_pem(text)
    }

    /// The matching public key.
    pub fn public_key(&self) -> rsa::PublicKey {
        self.0.to_public_key()
    }

    /// Decrypts one operator's ciphertext from sharesData and parses the share inside
    /// (`0x` + 64 hex from ssv-keys, 64 bare hex from ssv-dkg).
    pub fn decrypt_share(
        &self,
        operator_id: u64,
        ciphertext: &[u8],
    ) -> Result<ShareSecret, KeyshareError> {
        let plaintext =
            zeroize::Zeroizing::new(self.0.pkcs1v15_decrypt(ciphertext).map_err(|source| {
                KeyshareError::Decrypt {
                    operator_id,
                    source,
                }
            })?);
        let text = std::str::from_utf8(&plaintext)
            .map_err(|_| KeyshareError::SharePlaintext { operator_id })?;
        ShareSecret::from_hex(text).map_err(|e| match e {
            KeyshareError::InvalidScalar { .. }
                if crate::secret::parse_scalar_hex(text).is_some() =>
            {
                e
            }
            _ => KeyshareError::SharePlaintext { operator_id },
        })
    }
}

impl fmt::Debug for OperatorPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OperatorPrivateKey(<redacted>)")
    }
}
