//! EIP-2335 keystores for BLS secret keys.

use std::fmt;

use crate::KeygenError;
use crate::bls::{PublicKey, SecretKey};
use crate::crypto::{Encrypted, Kdf, decode_hex};
use crate::derivation::DerivationPath;
use crate::wire::KeystoreJson;

/// A parsed EIP-2335 keystore (version 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystore {
    crypto: Encrypted,
    pubkey: Option<PublicKey>,
    path: String,
    uuid: String,
    description: String,
}

impl Keystore {
    /// Starts encrypting `secret` under `password` (scrypt n = 2^18, r = 8, p = 1 unless changed).
    pub fn builder<'a>(secret: &'a SecretKey, password: &'a str) -> KeystoreBuilder<'a> {
        KeystoreBuilder {
            secret,
            password,
            path: None,
            kdf: Kdf::DEFAULT,
            description: String::new(),
        }
    }

    /// Parses keystore JSON; unknown KDFs, ciphers or checksums and malformed fields are errors.
    pub fn from_json(json: &str) -> Result<Self, KeygenError> {
        let raw: KeystoreJson =
            serde_json::from_str(json).map_err(|source| KeygenError::KeystoreJson { source })?;
        Self::from_wire(&raw)
    }

    /// From the already-deserialized JSON form.
    pub fn from_wire(raw: &KeystoreJson) -> Result<Self, KeygenError> {
        if raw.version != 4 {
            return Err(KeygenError::KeystoreVersion {
                version: raw.version,
            });
        }
        let pubkey = match raw.pubkey.as_deref() {
            None | Some("") => None,
            Some(hex) => Some(PublicKey::from_bytes(&decode_hex("pubkey", hex)?)?),
        };
        Ok(Self {
            crypto: Encrypted::from_json(&raw.crypto)?,
            pubkey,
            path: raw.path.clone(),
            uuid: raw.uuid.clone(),
            description: raw.description.clone(),
        })
    }

    /// The JSON form.
    pub fn to_wire(&self) -> KeystoreJson {
        KeystoreJson {
            crypto: self.crypto.to_json(),
            description: self.description.clone(),
            pubkey: self.pubkey.map(|pk| pk.to_hex()),
            path: self.path.clone(),
            uuid: self.uuid.clone(),
            version: 4,
        }
    }

    /// Serialized JSON, as written to disk.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_wire()).expect("keystore JSON serializes")
    }

    /// Decrypts the secret key. A wrong password is [`KeygenError::WrongPassword`] (checksum
    /// mismatch); a key that does not match the stored pubkey is an error too.
    pub fn decrypt(&self, password: &str) -> Result<SecretKey, KeygenError> {
        let plain = self.crypto.decrypt(password)?;
        let secret = SecretKey::from_bytes(&plain)?;
        if let Some(expected) = self.pubkey {
            let derived = secret.public_key();
            if derived != expected {
                return Err(KeygenError::KeystorePubkeyMismatch {
                    stored: expected.to_hex(),
                    derived: derived.to_hex(),
                });
            }
        }
        Ok(secret)
    }

    /// The stored public key, if the keystore has one.
    pub fn pubkey(&self) -> Option<PublicKey> {
        self.pubkey
    }

    /// The EIP-2334 path string (may be empty).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The keystore's UUID.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The key-derivation function and its parameters.
    pub fn kdf(&self) -> Kdf {
        self.crypto.kdf()
    }

    /// The deposit tool's file name: `keystore-m_12381_3600_{i}_0_0-{timestamp}.json`.
    pub fn file_name(&self, timestamp: u64) -> String {
        format!("keystore-{}-{timestamp}.json", self.path.replace('/', "_"))
    }
}

/// Options for [`Keystore::builder`].
pub struct KeystoreBuilder<'a> {
    secret: &'a SecretKey,
    password: &'a str,
    path: Option<DerivationPath>,
    kdf: Kdf,
    description: String,
}

impl KeystoreBuilder<'_> {
    /// EIP-2334 path of the key (written in `path`).
    #[must_use]
    pub fn path(mut self, path: DerivationPath) -> Self {
        self.path = Some(path);
        self
    }

    /// Key-derivation function. Keep the default for real keys; lower costs are for tests.
    #[must_use]
    pub fn kdf(mut self, kdf: Kdf) -> Self {
        self.kdf = kdf;
        self
    }

    /// Free-text description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Encrypts with a random salt, IV and UUID (v4).
    pub fn build(self) -> Result<Keystore, KeygenError> {
        let secret = self.secret.to_bytes();
        Ok(Keystore {
            crypto: Encrypted::encrypt(secret.as_ref(), self.password, self.kdf)?,
            pubkey: Some(self.secret.public_key()),
            path: self.path.map(|p| p.to_string()).unwrap_or_default(),
            uuid: uuid::Uuid::new_v4().to_string(),
            description: self.description,
        })
    }
}

impl fmt::Debug for KeystoreBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystoreBuilder")
            .field("path", &self.path)
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}
