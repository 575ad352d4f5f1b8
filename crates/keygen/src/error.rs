use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong in this crate. Messages name the offending input but never
/// contain secrets (mnemonic words, keys, passwords).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeygenError {
    /// A network name that is not in the table and was not given as a custom network.
    #[error("unknown network {name:?}; known networks: {known}")]
    UnknownNetwork {
        /// The name asked for.
        name: String,
        /// The known network names, comma-separated.
        known: String,
    },

    /// A custom network definition that cannot be used.
    #[error("invalid custom network {name:?}: {reason}")]
    InvalidNetwork {
        /// The name given in the definition.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The mnemonic does not have 12, 15, 18, 21 or 24 words.
    #[error("mnemonic has {count} words; expected 12, 15, 18, 21 or 24")]
    MnemonicWordCount {
        /// The number of words given.
        count: usize,
    },

    /// A word not in the English BIP-39 list (the word itself is not repeated: it is secret).
    #[error("mnemonic word {position} is not in the English BIP-39 word list")]
    MnemonicUnknownWord {
        /// Position of the word in the phrase, counting from 1.
        position: usize,
    },

    /// All words are valid but the BIP-39 checksum does not match.
    #[error("mnemonic checksum does not match: a word is wrong or the words are out of order")]
    MnemonicChecksum,

    /// The operating system's random number generator failed.
    #[error("OS random number generator failed: {source}")]
    Entropy {
        /// The error the generator returned.
        source: getrandom::Error,
    },

    /// A malformed EIP-2334 path.
    #[error("invalid derivation path {path:?}: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },

    /// EIP-2333 needs a seed of at least 32 bytes.
    #[error("seed has {len} bytes; EIP-2333 needs at least 32")]
    SeedTooShort {
        /// Length of the seed given, in bytes.
        len: usize,
    },

    /// Secret key bytes that are not a valid BLS scalar.
    #[error(
        "invalid BLS secret key ({len} bytes): must be 32 bytes, non-zero and below the group order"
    )]
    InvalidSecretKey {
        /// Length of the bytes given (32 expected).
        len: usize,
    },

    /// Public key bytes that are not a valid compressed G1 point.
    #[error("invalid BLS public key ({len} bytes): {reason}")]
    InvalidPublicKey {
        /// Length of the bytes given (48 expected).
        len: usize,
        /// Why the BLS library refused them.
        reason: &'static str,
    },

    /// Signature bytes that are not a valid compressed G2 point.
    #[error("invalid BLS signature ({len} bytes): {reason}")]
    InvalidSignature {
        /// Length of the bytes given (96 expected).
        len: usize,
        /// Why the BLS library refused them.
        reason: &'static str,
    },

    /// A keystore or store file that is not valid JSON of the expected shape.
    #[error("keystore JSON is corrupted: {source}")]
    KeystoreJson {
        /// The JSON parser's error.
        source: serde_json::Error,
    },

    /// A keystore field with a bad value.
    #[error("keystore field {field} is invalid: {reason}")]
    KeystoreField {
        /// Dotted path of the field, e.g. `crypto.kdf.params.salt`.
        field: &'static str,
        /// What is wrong with its value.
        reason: String,
    },

    /// Only EIP-2335 version 4 exists.
    #[error("keystore version {version} is not supported; expected 4")]
    KeystoreVersion {
        /// The `version` the file gives.
        version: u32,
    },

    /// A KDF other than scrypt or PBKDF2-HMAC-SHA256.
    #[error("unsupported keystore KDF {function:?}; supported: scrypt, pbkdf2 (hmac-sha256)")]
    UnsupportedKdf {
        /// The `crypto.kdf.function` of the file (with its `prf` for PBKDF2).
        function: String,
    },

    /// A cipher other than AES-128-CTR.
    #[error("unsupported keystore cipher {function:?}; supported: aes-128-ctr")]
    UnsupportedCipher {
        /// The `crypto.cipher.function` of the file.
        function: String,
    },

    /// A checksum other than SHA-256.
    #[error("unsupported keystore checksum {function:?}; supported: sha256")]
    UnsupportedChecksum {
        /// The `crypto.checksum.function` of the file.
        function: String,
    },

    /// KDF parameters out of range.
    #[error("invalid KDF parameters: {reason}")]
    InvalidKdfParams {
        /// Which bound was broken.
        reason: &'static str,
    },

    /// The keystore checksum does not match: the password is wrong (or the file was altered).
    #[error("wrong password: the keystore checksum does not match")]
    WrongPassword,

    /// The decrypted key does not belong to the public key stored next to it.
    #[error("keystore pubkey {stored} does not match the decrypted key's pubkey {derived}")]
    KeystorePubkeyMismatch {
        /// The keystore's `pubkey`, hex without `0x`.
        stored: String,
        /// The public key of the decrypted secret, hex without `0x`.
        derived: String,
    },

    /// A withdrawal address that cannot be used.
    #[error("invalid withdrawal address {input:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// Withdrawal credentials with an unknown prefix or non-zero padding.
    #[error("invalid withdrawal credentials 0x{credentials} (prefix 0x{prefix:02x})")]
    InvalidWithdrawalCredentials {
        /// The 32 bytes, hex without `0x`.
        credentials: String,
        /// Their first byte.
        prefix: u8,
    },

    /// A deposit amount outside the range the deposit contract and tool accept.
    #[error("deposit amount {amount_gwei} gwei is outside {min_gwei}..={max_gwei} gwei")]
    DepositAmount {
        /// The amount asked for, in gwei.
        amount_gwei: u64,
        /// The smallest accepted amount, in gwei ([`MIN_DEPOSIT_GWEI`](crate::MIN_DEPOSIT_GWEI)).
        min_gwei: u64,
        /// The largest accepted amount, in gwei ([`MAX_DEPOSIT_GWEI`](crate::MAX_DEPOSIT_GWEI)).
        max_gwei: u64,
    },

    /// `start + count` overflows the 32-bit key index.
    #[error("key indices {start}..{start}+{count} overflow 32 bits")]
    IndexRange {
        /// The first key index.
        start: u32,
        /// The number of keys.
        count: u32,
    },

    /// A deposit whose roots or signature do not check out.
    #[error("deposit for {pubkey}: {what} does not verify")]
    DepositVerification {
        /// The deposit's validator public key, hex without `0x`.
        pubkey: String,
        /// What failed: `deposit_message_root`, `deposit_data_root`, `fork_version` or
        /// `signature`.
        what: &'static str,
    },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// A file holding a secret (or what decrypts one) that the group or others may read.
    #[error(
        "{} is readable by group or others (mode {mode:04o}); a secret file must be the owner's alone: chmod 600 {}",
        path.display(),
        path.display()
    )]
    ExposedSecretFile {
        /// The file.
        path: PathBuf,
        /// Its Unix permission bits (e.g. `0o644`).
        mode: u32,
    },

    /// An error about the contents of a file.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its contents.
        source: Box<KeygenError>,
    },
}

impl KeygenError {
    pub(crate) fn in_file(self, path: &std::path::Path) -> Self {
        Self::InFile {
            path: path.to_owned(),
            source: Box::new(self),
        }
    }
}
