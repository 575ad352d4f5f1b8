//! The EIP-2335 `crypto` module: KDF (scrypt or PBKDF2-HMAC-SHA256), SHA-256 checksum and
//! AES-128-CTR, shared by validator keystores and the encrypted mnemonic store.

use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::KeygenError;
use crate::wire::{CryptoJson, ModuleJson};

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Largest scrypt memory (128·n·r bytes) a keystore may ask for: 1 GiB.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;

/// Key-derivation function and its cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// scrypt with cost `n` (a power of two), block size `r` and parallelism `p`.
    Scrypt {
        /// CPU/memory cost, a power of two.
        n: u32,
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256 with `c` iterations.
    Pbkdf2 {
        /// Iterations.
        c: u32,
    },
}

impl Kdf {
    /// What the deposit tool writes: scrypt n = 2^18, r = 8, p = 1.
    pub const DEFAULT: Kdf = Kdf::Scrypt {
        n: 1 << 18,
        r: 8,
        p: 1,
    };

    fn check(&self) -> Result<(), KeygenError> {
        let bad = |reason: &'static str| KeygenError::InvalidKdfParams { reason };
        match *self {
            Kdf::Scrypt { n, r, p } => {
                if n < 2 || !n.is_power_of_two() {
                    return Err(bad("scrypt n must be a power of two of at least 2"));
                }
                if r == 0 || p == 0 {
                    return Err(bad("scrypt r and p must be at least 1"));
                }
                if 128 * u64::from(n) * u64::from(r) > MAX_SCRYPT_MEMORY {
                    return Err(bad("scrypt n·r needs more than 1 GiB of memory"));
                }
                Ok(())
            }
            Kdf::Pbkdf2 { c: 0 } => Err(bad("pbkdf2 c must be at least 1")),
            Kdf::Pbkdf2 { .. } => Ok(()),
        }
    }

    fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeygenError> {
        self.check()?;
        let mut key = Zeroizing::new([0u8; 32]);
        match *self {
            Kdf::Scrypt { n, r, p } => {
                let log_n = u8::try_from(n.trailing_zeros()).expect("below 32");
                let params = scrypt::Params::new(log_n, r, p).map_err(|_| {
                    KeygenError::InvalidKdfParams {
                        reason: "scrypt parameters rejected",
                    }
                })?;
                scrypt::scrypt(password, salt, &params, key.as_mut())
                    .expect("32-byte output is valid");
            }
            Kdf::Pbkdf2 { c } => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, c, key.as_mut()),
        }
        Ok(key)
    }
}

/// EIP-2335 password processing: NFKD, then remove C0 (U+0000–U+001F), DEL and C1
/// (U+0080–U+009F) control characters; UTF-8 bytes.
pub fn process_password(password: &str) -> Zeroizing<Vec<u8>> {
    let kept: Zeroizing<String> = Zeroizing::new(
        password
            .nfkd()
            .filter(|&c| !matches!(c, '\u{00}'..='\u{1f}' | '\u{7f}'..='\u{9f}'))
            .collect(),
    );
    Zeroizing::new(kept.as_bytes().to_vec())
}

/// Decrypts the secret of an EIP-2335 (version 4) `crypto` object, given either alone or as the
/// `crypto` field of a whole keystore.
///
/// This is the decryption [`Keystore::decrypt`](crate::Keystore::decrypt) uses, for keystores
/// that wrap something other than a BLS key: ssv-dkg and SSV nodes keep an operator's RSA private
/// key PEM in a bare `crypto` object (`encrypted_private_key.json`). The plaintext is returned as
/// is: no `version`, `pubkey` or `path` is read and nothing is checked about the secret. The same
/// limits apply as to validator keystores: scrypt or PBKDF2-HMAC-SHA256 with dklen 32 (scrypt
/// asking for at most 1 GiB), a SHA-256 checksum and AES-128-CTR.
///
/// # Errors
///
/// [`KeygenError::WrongPassword`] when the checksum does not match; [`KeygenError::KeystoreJson`],
/// [`KeygenError::KeystoreField`], [`KeygenError::UnsupportedKdf`],
/// [`KeygenError::UnsupportedCipher`], [`KeygenError::UnsupportedChecksum`] or
/// [`KeygenError::InvalidKdfParams`] for a malformed or unsupported `crypto` object.
pub fn decrypt_keystore_secret(
    json: &str,
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, KeygenError> {
    let mut value: Value =
        serde_json::from_str(json).map_err(|source| KeygenError::KeystoreJson { source })?;
    if let Some(crypto) = value.get_mut("crypto") {
        value = crypto.take();
    }
    let crypto: CryptoJson =
        serde_json::from_value(value).map_err(|source| KeygenError::KeystoreJson { source })?;
    Encrypted::from_json(&crypto)?.decrypt(password)
}

/// A secret encrypted under a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Encrypted {
    kdf: Kdf,
    salt: Vec<u8>,
    checksum: [u8; 32],
    iv: [u8; 16],
    ciphertext: Vec<u8>,
}

fn checksum(key: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(&key[16..32]);
    h.update(ciphertext);
    h.finalize().into()
}

fn apply_ctr(key: &[u8; 32], iv: &[u8; 16], data: &mut [u8]) {
    let mut cipher = Aes128Ctr::new_from_slices(&key[..16], iv).expect("16-byte key and iv");
    cipher.apply_keystream(data);
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], KeygenError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|source| KeygenError::Entropy { source })?;
    Ok(out)
}

impl Encrypted {
    /// Encrypts with a random 32-byte salt and 16-byte IV.
    pub(crate) fn encrypt(secret: &[u8], password: &str, kdf: Kdf) -> Result<Self, KeygenError> {
        let salt = random_bytes::<32>()?.to_vec();
        let iv = random_bytes::<16>()?;
        let key = kdf.derive(&process_password(password), &salt)?;
        let mut ciphertext = secret.to_vec();
        apply_ctr(&key, &iv, &mut ciphertext);
        Ok(Self {
            kdf,
            salt,
            checksum: checksum(&key, &ciphertext),
            iv,
            ciphertext,
        })
    }

    /// Decrypts; a wrong password fails on the checksum and yields nothing.
    pub(crate) fn decrypt(&self, password: &str) -> Result<Zeroizing<Vec<u8>>, KeygenError> {
        let key = self.kdf.derive(&process_password(password), &self.salt)?;
        if checksum(&key, &self.ciphertext) != self.checksum {
            return Err(KeygenError::WrongPassword);
        }
        let mut plain = Zeroizing::new(self.ciphertext.clone());
        apply_ctr(&key, &self.iv, &mut plain);
        Ok(plain)
    }

    pub(crate) fn kdf(&self) -> Kdf {
        self.kdf
    }

    pub(crate) fn to_json(&self) -> CryptoJson {
        let mut kdf_params = match self.kdf {
            Kdf::Scrypt { n, r, p } => json!({ "dklen": 32, "n": n, "r": r, "p": p }),
            Kdf::Pbkdf2 { c } => json!({ "dklen": 32, "c": c, "prf": "hmac-sha256" }),
        };
        kdf_params["salt"] = Value::String(hex::encode(&self.salt));
        let function = match self.kdf {
            Kdf::Scrypt { .. } => "scrypt",
            Kdf::Pbkdf2 { .. } => "pbkdf2",
        };
        CryptoJson {
            kdf: ModuleJson {
                function: function.to_owned(),
                params: as_map(kdf_params),
                message: String::new(),
            },
            checksum: ModuleJson {
                function: "sha256".to_owned(),
                params: Map::new(),
                message: hex::encode(self.checksum),
            },
            cipher: ModuleJson {
                function: "aes-128-ctr".to_owned(),
                params: as_map(json!({ "iv": hex::encode(self.iv) })),
                message: hex::encode(&self.ciphertext),
            },
        }
    }

    pub(crate) fn from_json(crypto: &CryptoJson) -> Result<Self, KeygenError> {
        let kdf_params = &crypto.kdf.params;
        let kdf = match crypto.kdf.function.as_str() {
            "scrypt" => Kdf::Scrypt {
                n: param_u32(kdf_params, "n")?,
                r: param_u32(kdf_params, "r")?,
                p: param_u32(kdf_params, "p")?,
            },
            "pbkdf2" => {
                let prf = param_str(kdf_params, "prf")?;
                if prf != "hmac-sha256" {
                    return Err(KeygenError::UnsupportedKdf {
                        function: format!("pbkdf2 with prf {prf}"),
                    });
                }
                Kdf::Pbkdf2 {
                    c: param_u32(kdf_params, "c")?,
                }
            }
            other => {
                return Err(KeygenError::UnsupportedKdf {
                    function: other.to_owned(),
                });
            }
        };
        kdf.check()?;
        if param_u32(kdf_params, "dklen")? != 32 {
            return Err(KeygenError::KeystoreField {
                field: "crypto.kdf.params.dklen",
                reason: "must be 32".to_owned(),
            });
        }
        let salt = decode_hex("crypto.kdf.params.salt", param_str(kdf_params, "salt")?)?;
        if crypto.checksum.function != "sha256" {
            return Err(KeygenError::UnsupportedChecksum {
                function: crypto.checksum.function.clone(),
            });
        }
        if crypto.cipher.function != "aes-128-ctr" {
            return Err(KeygenError::UnsupportedCipher {
                function: crypto.cipher.function.clone(),
            });
        }
        let checksum = decode_fixed("crypto.checksum.message", &crypto.checksum.message)?;
        let iv_hex = crypto
            .cipher
            .params
            .get("iv")
            .and_then(Value::as_str)
            .ok_or(KeygenError::KeystoreField {
                field: "crypto.cipher.params.iv",
                reason: "missing or not a string".to_owned(),
            })?;
        let iv = decode_fixed("crypto.cipher.params.iv", iv_hex)?;
        let ciphertext = decode_hex("crypto.cipher.message", &crypto.cipher.message)?;
        Ok(Self {
            kdf,
            salt,
            checksum,
            iv,
            ciphertext,
        })
    }
}

fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("built from an object literal"),
    }
}

fn param<'a>(params: &'a Map<String, Value>, name: &'static str) -> Result<&'a Value, KeygenError> {
    params.get(name).ok_or(KeygenError::KeystoreField {
        field: kdf_field(name),
        reason: "missing".to_owned(),
    })
}

fn param_u32(params: &Map<String, Value>, name: &'static str) -> Result<u32, KeygenError> {
    param(params, name)?
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .ok_or(KeygenError::KeystoreField {
            field: kdf_field(name),
            reason: "not an unsigned 32-bit integer".to_owned(),
        })
}

fn param_str<'a>(
    params: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, KeygenError> {
    param(params, name)?
        .as_str()
        .ok_or(KeygenError::KeystoreField {
            field: kdf_field(name),
            reason: "not a string".to_owned(),
        })
}

fn kdf_field(name: &'static str) -> &'static str {
    match name {
        "n" => "crypto.kdf.params.n",
        "r" => "crypto.kdf.params.r",
        "p" => "crypto.kdf.params.p",
        "c" => "crypto.kdf.params.c",
        "prf" => "crypto.kdf.params.prf",
        "dklen" => "crypto.kdf.params.dklen",
        "salt" => "crypto.kdf.params.salt",
        _ => "crypto.kdf.params",
    }
}

pub(crate) fn decode_hex(field: &'static str, s: &str) -> Result<Vec<u8>, KeygenError> {
    hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(|err| KeygenError::KeystoreField {
        field,
        reason: format!("not hex: {err}"),
    })
}

pub(crate) fn decode_fixed<const N: usize>(
    field: &'static str,
    s: &str,
) -> Result<[u8; N], KeygenError> {
    let bytes = decode_hex(field, s)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| KeygenError::KeystoreField {
        field,
        reason: format!("{} bytes, expected {N}", bytes.len()),
    })
}
