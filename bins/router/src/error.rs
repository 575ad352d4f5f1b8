//! The error every command returns.
//!
//! Each variant carries what explains it (the file, the flag, the environment variable) and keeps
//! the underlying error as its [`source`](std::error::Error::source), so `main` prints the whole
//! chain. Wrappers of the workspace crates' errors are transparent: those errors already say
//! what went wrong. No variant carries secret material: passwords and mnemonics are never part
//! of an error.

use std::path::{Path, PathBuf};

use keygen::KeygenError;
use keyshare::KeyshareError;
use operator_selection::SelectionError;
use ssv_api::SsvApiError;
use thiserror::Error;

/// Why a command failed. `main` prints it with its causes and exits non-zero.
#[derive(Debug, Error)]
pub enum CliError {
    // Files and output.
    /// A file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read {}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A directory could not be listed.
    #[error("cannot read the directory {}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// An output directory could not be created.
    #[error("cannot create the directory {}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A new file could not be written; nothing is left at `path` or beside it.
    #[error("cannot write {}", path.display())]
    WriteFile {
        /// The file that was to be created.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The command would overwrite a file; it never does.
    #[error("{} already exists; refusing to overwrite it", path.display())]
    FileExists {
        /// The existing file.
        path: PathBuf,
    },

    /// Standard output could not be written.
    #[error("cannot write to standard output")]
    Stdout(#[source] std::io::Error),

    /// A value could not be encoded as JSON for output.
    #[error("cannot encode the {what} as JSON")]
    Json {
        /// What was being encoded.
        what: &'static str,
        /// What serde said.
        #[source]
        source: serde_json::Error,
    },

    // Secrets.
    /// No password file and no environment variable, for a password the command never prompts
    /// for.
    #[error("no {what}: give {flag} or set {env}")]
    NoPassword {
        /// The password, e.g. "keystore password".
        what: &'static str,
        /// The flag naming a password file.
        flag: &'static str,
        /// The environment variable that can hold it.
        env: &'static str,
    },

    /// A secret has to be typed, but standard input is not a terminal.
    #[error("no terminal to prompt for the {what}: give {flag}{}", or_set(*env))]
    NoTerminal {
        /// The secret, e.g. "mnemonic store password".
        what: &'static str,
        /// The flag naming a file that holds it.
        flag: &'static str,
        /// The environment variable that can hold it, if there is one.
        env: Option<&'static str>,
    },

    /// The hidden prompt failed.
    #[error("cannot read the {what} from the terminal")]
    Prompt {
        /// The secret asked for.
        what: &'static str,
        /// What the terminal said.
        #[source]
        source: std::io::Error,
    },

    /// The new password and its repetition differ.
    #[error("the {what} and its repetition differ")]
    PasswordMismatch {
        /// The password.
        what: &'static str,
    },

    /// The environment variable holding a password is not valid UTF-8.
    #[error("{var} is not valid UTF-8")]
    EnvNotUnicode {
        /// The variable.
        var: &'static str,
    },

    /// The password is empty.
    #[error("the {what} is empty")]
    EmptyPassword {
        /// The password.
        what: &'static str,
    },

    /// A new password is shorter than the command accepts.
    #[error("the {what} must have at least {min} characters")]
    PasswordTooShort {
        /// The password.
        what: &'static str,
        /// The minimum number of characters.
        min: usize,
    },

    // Arguments.
    /// A combination of arguments the command needs is missing.
    #[error("missing argument: give {needed}")]
    MissingArgument {
        /// The flags, e.g. "--mnemonic-file or --store".
        needed: &'static str,
    },

    /// The key index range does not fit in 32 bits.
    #[error("{start_flag} {start} + --count {count} overflows 32-bit key indices")]
    IndexOverflow {
        /// The flag of the first index.
        start_flag: &'static str,
        /// The first index.
        start: u32,
        /// How many keys.
        count: u32,
    },

    /// An address is not 20 bytes of hex.
    #[error("{input:?} is not a 20-byte hex address")]
    InvalidAddress {
        /// What was given.
        input: String,
        /// The hex error, when the text is not hex at all (none when only the length is wrong).
        #[source]
        source: Option<hex::FromHexError>,
    },

    // Keys.
    /// A secret file (a password file, a mnemonic file) that the group or others may read.
    #[error(transparent)]
    ExposedSecretFile {
        /// The file and its mode.
        source: KeygenError,
    },

    /// A mnemonic does not parse (word count, unknown word, checksum).
    #[error("invalid mnemonic{}", from_file(path.as_deref()))]
    InvalidMnemonic {
        /// The file it came from; none when it was typed at the prompt.
        path: Option<PathBuf>,
        /// Why it does not parse.
        #[source]
        source: KeygenError,
    },

    /// A mnemonic store could not be read or decrypted (wrong password, corrupted file).
    #[error("cannot open the mnemonic store {}", path.display())]
    OpenStore {
        /// The store file.
        path: PathBuf,
        /// Why.
        #[source]
        source: KeygenError,
    },

    /// A validator keystore could not be read or decrypted.
    #[error("cannot open the keystore {}", path.display())]
    OpenKeystore {
        /// The keystore file.
        path: PathBuf,
        /// Why.
        #[source]
        source: KeygenError,
    },

    /// A `--network-file` is not the JSON of a network.
    #[error("invalid network file {}", path.display())]
    NetworkFile {
        /// The file.
        path: PathBuf,
        /// What serde said.
        #[source]
        source: serde_json::Error,
    },

    /// The system clock is before the Unix epoch, so keystore file names cannot be stamped.
    #[error("the system clock is set before 1970")]
    Clock(#[source] std::time::SystemTimeError),

    /// Key derivation, keystores, deposit data, exits or the network table.
    #[error(transparent)]
    Keygen(#[from] KeygenError),

    // Keyshares.
    /// The `--operators` file is not a valid committee (JSON, keys, id order).
    #[error("invalid operators file {}", path.display())]
    OperatorsFile {
        /// The file.
        path: PathBuf,
        /// Why (boxed: the crate's error is large).
        #[source]
        source: Box<KeyshareError>,
    },

    /// An operator private key file does not parse or decrypt.
    #[error("invalid operator private key {}", path.display())]
    OperatorKey {
        /// The key file.
        path: PathBuf,
        /// Why (boxed: the crate's error is large).
        #[source]
        source: Box<KeyshareError>,
    },

    /// An encrypted operator key has no password file.
    #[error(
        "{} needs {} or --operator-keys-password-file",
        key.display(),
        password.display()
    )]
    OperatorKeyPassword {
        /// The encrypted key.
        key: PathBuf,
        /// The password file looked for next to it.
        password: PathBuf,
    },

    /// A keyshares file does not parse.
    #[error("invalid keyshares file {}", path.display())]
    KeysharesFile {
        /// The file.
        path: PathBuf,
        /// Why (boxed: the crate's error is large).
        #[source]
        source: Box<KeyshareError>,
    },

    /// `keyshares verify` found validators that fail; the report is on standard output.
    #[error("{failed} of {total} validator(s) in {} failed verification", path.display())]
    VerificationFailed {
        /// The keyshares file.
        path: PathBuf,
        /// Validators that fail.
        failed: usize,
        /// Validators in the file.
        total: usize,
    },

    /// Splitting, encrypting or checking shares.
    #[error(transparent)]
    Keyshare(#[from] KeyshareError),

    // Operators.
    /// A `--policy` file is not a valid policy.
    #[error("invalid policy file {}", path.display())]
    PolicyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: SelectionError,
    },

    /// The policy or the selection itself (no feasible committee names the binding constraint).
    #[error(transparent)]
    Selection(#[from] SelectionError),

    /// The SSV API client.
    #[error(transparent)]
    SsvApi(#[from] SsvApiError),

    /// The async runtime for the HTTP client could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// The router library failed (configuration, store, chain, sync, …).
    #[error(transparent)]
    Router(#[from] router::RouterError),
    /// `config check` found mismatches (each is printed above).
    #[error("the configuration does not match the chain: {count} mismatch(es), the first: {first}")]
    CheckFailed { count: usize, first: String },
}

fn or_set(env: Option<&str>) -> String {
    env.map(|var| format!(" or set {var}")).unwrap_or_default()
}

fn from_file(path: Option<&Path>) -> String {
    path.map(|p| format!(" in {}", p.display()))
        .unwrap_or_default()
}
