//! The mnemonic at rest: EIP-2335-style JSON (scrypt + AES-128-CTR + SHA-256 checksum) holding
//! the phrase instead of a BLS key.

use crate::KeygenError;
use crate::crypto::{Encrypted, Kdf};
use crate::mnemonic::Mnemonic;
use crate::wire::MnemonicStoreJson;

/// Value of the store's `content` field.
pub const MNEMONIC_STORE_CONTENT: &str = "bip39-mnemonic-english";

/// An encrypted mnemonic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MnemonicStore {
    crypto: Encrypted,
    uuid: String,
}

impl MnemonicStore {
    /// Encrypts `mnemonic` under `password` with `kdf` (use [`Kdf::DEFAULT`] for real stores).
    pub fn encrypt(mnemonic: &Mnemonic, password: &str, kdf: Kdf) -> Result<Self, KeygenError> {
        let phrase = mnemonic.phrase();
        Ok(Self {
            crypto: Encrypted::encrypt(phrase.as_bytes(), password, kdf)?,
            uuid: uuid::Uuid::new_v4().to_string(),
        })
    }

    /// Decrypts and re-validates the mnemonic. A wrong password is
    /// [`KeygenError::WrongPassword`].
    pub fn decrypt(&self, password: &str) -> Result<Mnemonic, KeygenError> {
        let plain = self.crypto.decrypt(password)?;
        let phrase = std::str::from_utf8(&plain).map_err(|_| KeygenError::KeystoreField {
            field: "crypto.cipher.message",
            reason: "decrypted mnemonic is not UTF-8".to_owned(),
        })?;
        Mnemonic::parse(phrase)
    }

    /// Parses the store's JSON.
    pub fn from_json(json: &str) -> Result<Self, KeygenError> {
        let raw: MnemonicStoreJson =
            serde_json::from_str(json).map_err(|source| KeygenError::KeystoreJson { source })?;
        if raw.version != 4 {
            return Err(KeygenError::KeystoreVersion {
                version: raw.version,
            });
        }
        if raw.content != MNEMONIC_STORE_CONTENT {
            return Err(KeygenError::KeystoreField {
                field: "content",
                reason: format!("{:?}, expected {MNEMONIC_STORE_CONTENT:?}", raw.content),
            });
        }
        Ok(Self {
            crypto: Encrypted::from_json(&raw.crypto)?,
            uuid: raw.uuid,
        })
    }

    /// Serialized JSON, as written to disk.
    pub fn to_json(&self) -> String {
        let raw = MnemonicStoreJson {
            crypto: self.crypto.to_json(),
            content: MNEMONIC_STORE_CONTENT.to_owned(),
            description: "stafi-router validator mnemonic".to_owned(),
            uuid: self.uuid.clone(),
            version: 4,
        };
        serde_json::to_string_pretty(&raw).expect("store JSON serializes")
    }

    /// The key-derivation function and its parameters.
    pub fn kdf(&self) -> Kdf {
        self.crypto.kdf()
    }
}
