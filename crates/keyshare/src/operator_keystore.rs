//! The EIP-2335 (version 4) wrapper that ssv-dkg and SSV nodes put around an operator's RSA
//! private key PEM (`encrypted_private_key.json`): pbkdf2 or scrypt, sha256 checksum over
//! dk[16..32] ‖ ciphertext, aes-128-ctr with dk[0..16]. The JSON may be the bare `crypto`
//! object (ssv-dkg) or a full keystore with a `crypto` field.

use aes::cipher::{KeyIvInit, StreamCipher};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::KeyshareError;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

#[derive(Deserialize)]
struct Crypto {
    kdf: Module,
    checksum: Module,
    cipher: Module,
}

#[derive(Deserialize)]
struct Module {
    function: String,
    #[serde(default)]
    params: serde_json::Value,
    message: String,
}

fn format_error(what: impl Into<String>) -> KeyshareError {
    KeyshareError::KeystoreFormat(what.into())
}

fn hex_field(value: &str, what: &str) -> Result<Vec<u8>, KeyshareError> {
    hex::decode(value.trim_start_matches("0x"))
        .map_err(|_| format_error(format!("{what} is not hex")))
}

fn param_u64(params: &serde_json::Value, name: &str) -> Result<u64, KeyshareError> {
    params
        .get(name)
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| format_error(format!("kdf parameter {name} is missing")))
}

fn param_str<'a>(params: &'a serde_json::Value, name: &str) -> Result<&'a str, KeyshareError> {
    params
        .get(name)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format_error(format!("parameter {name} is missing")))
}

/// EIP-2335 password processing: NFKD, then drop C0, C1 and DEL control characters.
fn normalise_password(password: &str) -> Zeroizing<String> {
    Zeroizing::new(
        password
            .nfkd()
            .filter(|c| !matches!(*c as u32, 0x00..=0x1f | 0x7f..=0x9f))
            .collect(),
    )
}

/// Decrypts the keystore and returns the plaintext (the PEM text).
pub(crate) fn decrypt(json: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, KeyshareError> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    let crypto: Crypto = serde_json::from_value(value.get("crypto").unwrap_or(&value).clone())?;
    let password = normalise_password(password);
    let kdf = &crypto.kdf;
    let salt = hex_field(param_str(&kdf.params, "salt")?, "kdf salt")?;
    let dklen = usize::try_from(param_u64(&kdf.params, "dklen")?)
        .map_err(|_| format_error("kdf dklen too large"))?;
    if dklen != 32 {
        return Err(format_error(format!("kdf dklen {dklen} (expected 32)")));
    }
    let mut dk = Zeroizing::new([0u8; 32]);
    match kdf.function.as_str() {
        "pbkdf2" => {
            if param_str(&kdf.params, "prf")? != "hmac-sha256" {
                return Err(format_error("pbkdf2 prf must be hmac-sha256"));
            }
            let c = u32::try_from(param_u64(&kdf.params, "c")?)
                .map_err(|_| format_error("pbkdf2 c too large"))?;
            pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, c, dk.as_mut_slice());
        }
        "scrypt" => {
            let n = param_u64(&kdf.params, "n")?;
            let r = u32::try_from(param_u64(&kdf.params, "r")?)
                .map_err(|_| format_error("scrypt r"))?;
            let p = u32::try_from(param_u64(&kdf.params, "p")?)
                .map_err(|_| format_error("scrypt p"))?;
            if !n.is_power_of_two() || n < 2 {
                return Err(format_error(format!("scrypt n {n} is not a power of two")));
            }
            let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| format_error("scrypt n"))?;
            let params = scrypt::Params::new(log_n, r, p)
                .map_err(|_| format_error("scrypt parameters out of range"))?;
            scrypt::scrypt(password.as_bytes(), &salt, &params, dk.as_mut_slice())
                .map_err(|_| format_error("scrypt output length"))?;
        }
        other => return Err(format_error(format!("unsupported kdf {other:?}"))),
    }
    if crypto.checksum.function != "sha256" {
        return Err(format_error(format!(
            "unsupported checksum {:?}",
            crypto.checksum.function
        )));
    }
    if crypto.cipher.function != "aes-128-ctr" {
        return Err(format_error(format!(
            "unsupported cipher {:?}",
            crypto.cipher.function
        )));
    }
    let ciphertext = hex_field(&crypto.cipher.message, "cipher message")?;
    let expected = hex_field(&crypto.checksum.message, "checksum message")?;
    let mut hasher = Sha256::new();
    hasher.update(&dk[16..32]);
    hasher.update(&ciphertext);
    if hasher.finalize().as_slice() != expected.as_slice() {
        return Err(KeyshareError::KeystoreChecksum);
    }
    let iv = hex_field(param_str(&crypto.cipher.params, "iv")?, "cipher iv")?;
    let iv: [u8; 16] = iv
        .try_into()
        .map_err(|_| format_error("cipher iv is not 16 bytes"))?;
    let key: &[u8; 16] = dk[..16]
        .try_into()
        .map_err(|_| format_error("derived key too short"))?;
    let mut plaintext = Zeroizing::new(ciphertext);
    Aes128Ctr::new(key.into(), &iv.into()).apply_keystream(plaintext.as_mut_slice());
    Ok(plaintext)
}
