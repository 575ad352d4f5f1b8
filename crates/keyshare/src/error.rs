use ssv_committee::CommitteeError;
use thiserror::Error;

/// Everything that can go wrong in this crate. No variant ever carries secret material.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyshareError {
    /// The operator ids are not an SSV committee: a size other than 4, 7, 10 or 13, ids out of
    /// ascending order, a repeated id, or id 0 (which would be the x-coordinate of the secret).
    #[error(transparent)]
    Committee(#[from] CommitteeError),

    /// Two operators share one RSA key.
    #[error("operators {first} and {second} have the same RSA public key")]
    DuplicateOperatorKey {
        /// The first operator with the key.
        first: u64,
        /// A later operator with the same key.
        second: u64,
    },

    /// An operator's public key could not be used; `source` says why.
    #[error("operator {id}: {source}")]
    Operator {
        /// The operator id.
        id: u64,
        /// What is wrong with the key.
        #[source]
        source: Box<KeyshareError>,
    },

    /// The operator key is not valid base64.
    #[error("operator key is not valid base64: {0}")]
    OperatorKeyBase64(#[source] base64::DecodeError),

    /// The base64 text does not decode to a PEM document.
    #[error("operator key is not a PEM document: {0}")]
    OperatorKeyPem(#[source] rsa::pkcs8::der::pem::Error),

    /// The PEM label is neither `RSA PUBLIC KEY` nor `PUBLIC KEY`.
    #[error("operator key PEM label is {0:?}, expected \"RSA PUBLIC KEY\" or \"PUBLIC KEY\"")]
    OperatorKeyLabel(String),

    /// The PEM body is neither an SPKI nor a PKCS#1 RSA public key.
    #[error("operator key body is neither SPKI ({spki}) nor PKCS#1 ({pkcs1})")]
    OperatorKeyDer {
        /// Why the body is not an SPKI public key.
        spki: rsa::pkcs8::spki::Error,
        /// Why the body is not a PKCS#1 public key.
        pkcs1: rsa::pkcs1::Error,
    },

    /// An RSA public key could not be encoded as SPKI DER.
    #[error("cannot encode the operator key as SPKI: {0}")]
    OperatorKeyEncode(#[source] rsa::pkcs8::spki::Error),

    /// SSV nodes expect 256-byte ciphertexts, so only RSA-2048 keys work.
    #[error("operator key is {bits}-bit RSA; SSV requires 2048-bit keys")]
    OperatorKeySize {
        /// Size of the key's modulus, in bits.
        bits: usize,
    },

    /// RSA encryption failed.
    #[error("RSA encryption failed: {0}")]
    Encrypt(#[source] rsa::Error),

    /// An operator private key could not be parsed.
    #[error("operator private key is neither PKCS#1 ({pkcs1}) nor PKCS#8 ({pkcs8}) PEM")]
    OperatorPrivateKeyPem {
        /// Why the text is not a PKCS#1 (`RSA PRIVATE KEY`) PEM.
        pkcs1: rsa::pkcs1::Error,
        /// Why the text is not a PKCS#8 (`PRIVATE KEY`) PEM.
        pkcs8: rsa::pkcs8::Error,
    },

    /// The EIP-2335 wrapper around an operator private key cannot be opened (malformed JSON,
    /// unsupported or out-of-range KDF, cipher or checksum); `source` says which field.
    #[error("operator key keystore: {0}")]
    Keystore(#[source] keygen::KeygenError),

    /// The keystore's checksum does not match: almost always a wrong password.
    #[error("operator key keystore checksum mismatch (wrong password?)")]
    KeystoreChecksum,

    /// The keystore decrypted, but its plaintext is not UTF-8 text, so not a PEM document.
    #[error("the decrypted operator key is not UTF-8 PEM text")]
    KeystorePlaintext,

    /// A ciphertext in sharesData could not be decrypted.
    #[error("operator {operator_id}: RSA decryption failed: {source}")]
    Decrypt {
        /// The operator whose ciphertext it is.
        operator_id: u64,
        /// The RSA library's error.
        #[source]
        source: rsa::Error,
    },

    /// The decrypted share is not `0x` + 64 hex digits or 64 hex digits.
    #[error("operator {operator_id}: decrypted share is not 64 hex digits (with or without 0x)")]
    SharePlaintext {
        /// The operator whose share it is.
        operator_id: u64,
    },

    /// A share or secret scalar is zero or not below the field modulus r.
    #[error("{what} is not a valid BLS12-381 secret (must be non-zero and below r)")]
    InvalidScalar {
        /// Which value: `"validator secret"`, `"share"` or `"recovered secret"`.
        what: &'static str,
    },

    /// The decrypted share does not belong to the share public key in sharesData.
    #[error("operator {operator_id}: decrypted share does not match its share public key")]
    ShareMismatch {
        /// The operator whose share it is.
        operator_id: u64,
    },

    /// A 48-byte value is not a valid compressed G1 point in the prime-order subgroup.
    #[error("{what} 0x{hex} is not a valid BLS12-381 G1 public key")]
    InvalidPublicKey {
        /// Which key, e.g. `validator public key` or `share public key of operator 3`.
        what: String,
        /// The 48 bytes, hex without `0x`.
        hex: String,
    },

    /// `data.publicKey` and `payload.publicKey` differ.
    #[error("data.publicKey {data} differs from payload.publicKey {payload}")]
    PublicKeyMismatch {
        /// `data.publicKey`, hex without `0x`.
        data: String,
        /// `payload.publicKey`, hex without `0x`.
        payload: String,
    },

    /// sharesData must be 96 + 304·n bytes.
    #[error("sharesData is {actual} bytes; {operators} operators need {expected}")]
    SharesDataLength {
        /// The number of operators n.
        operators: usize,
        /// The length they need, 96 + 304·n bytes.
        expected: usize,
        /// The length found, in bytes.
        actual: usize,
    },

    /// `data.operators` ids differ from `payload.operatorIds`.
    #[error("data.operators ids {data:?} differ from payload.operatorIds {payload:?}")]
    OperatorIdsMismatch {
        /// The ids of `data.operators`.
        data: Vec<u64>,
        /// `payload.operatorIds`.
        payload: Vec<u64>,
    },

    /// The ownership signature does not verify for this owner and nonce.
    #[error("ownership signature does not verify for {owner}:{nonce}")]
    Signature {
        /// The owner address, EIP-55 checksummed.
        owner: String,
        /// The owner nonce the signature was checked with.
        nonce: u64,
    },

    /// The file names another owner than the one expected.
    #[error("owner is {found}, expected {expected}")]
    OwnerMismatch {
        /// The expected owner, EIP-55 checksummed.
        expected: String,
        /// The owner address as the file writes it.
        found: String,
    },

    /// The file uses another nonce than the one expected.
    #[error("owner nonce is {found}, expected {expected}")]
    NonceMismatch {
        /// The nonce the item should carry (base nonce plus its position).
        expected: u64,
        /// The nonce the item carries.
        found: u64,
    },

    /// The owner address is not 20 bytes of hex.
    #[error("owner address {0:?} is not a 20-byte hex address")]
    OwnerAddress(String),

    /// Share public keys do not lie on one polynomial through the validator public key.
    #[error("share public keys do not interpolate to the validator public key{}", at_operator(*.operator_id))]
    Interpolation {
        /// The first operator whose share public key is off the polynomial; `None` when the
        /// first t keys do not give the validator public key.
        operator_id: Option<u64>,
    },

    /// Too few shares to recombine.
    #[error("{have} shares given, {need} needed")]
    NotEnoughShares {
        /// The number of shares given.
        have: usize,
        /// The number needed.
        need: usize,
    },

    /// The keyshares file has a version this crate does not read.
    #[error("keyshares version {0:?} is not supported (read: v1.1.x, v1.2.0)")]
    UnsupportedVersion(String),

    /// The keyshares file has no validators in it.
    #[error("keyshares file contains no validators")]
    EmptyFile,

    /// The JSON does not have the keyshares structure.
    #[error("keyshares JSON: {0}")]
    Json(#[from] serde_json::Error),

    /// A hex field is malformed.
    #[error("{field} is not valid 0x-hex: {source}")]
    Hex {
        /// The field, e.g. `payload.sharesData`.
        field: &'static str,
        /// The hex decoder's error.
        #[source]
        source: hex::FromHexError,
    },

    /// sharesData was assembled from lists of different lengths: one share public key and one
    /// encrypted share per operator.
    #[error("{public_keys} share public keys but {encrypted_shares} encrypted shares")]
    ShareCountMismatch {
        /// The number of share public keys.
        public_keys: usize,
        /// The number of encrypted shares.
        encrypted_shares: usize,
    },

    /// A decoded field (a hex field of a keyshares file, or an RSA ciphertext) has the wrong
    /// length.
    #[error("{field} is {actual} bytes, expected {expected}")]
    FieldLength {
        /// The field, e.g. `data.publicKey` or `ciphertext`.
        field: &'static str,
        /// The length it must have, in bytes.
        expected: usize,
        /// The length it has.
        actual: usize,
    },

    /// The operating system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(getrandom::Error),

    /// A bulk split needs at least one validator key.
    #[error("no validator keys given")]
    NoValidators,

    /// The nonce of the last validator would overflow u64.
    #[error("nonce {base} + {count} validators overflows")]
    NonceOverflow {
        /// The nonce of the first validator.
        base: u64,
        /// The number of validators.
        count: usize,
    },
}

fn at_operator(id: Option<u64>) -> String {
    id.map(|id| format!(" (operator {id} is off the polynomial)"))
        .unwrap_or_default()
}
