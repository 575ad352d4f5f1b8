//! The secrets the router runs with: two Ethereum accounts (Web3 Secret Storage v3 keystores,
//! through alloy's local signer) and the mnemonic store the validator keys derive from. Each
//! password comes from the file the configuration names, else an environment variable, else the
//! caller's prompt (a terminal); passwords and keys stay in zeroizing memory and are never logged.

use std::path::Path;

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use keygen::Seed;
use zeroize::Zeroizing;

use crate::config::AccountsSection;
use crate::error::RouterError;

/// Environment variable for the super-node keystore's password.
pub const SUPER_NODE_PASSWORD_ENV: &str = "STAFI_ROUTER_SUPER_NODE_PASSWORD";
/// Environment variable for the SSV owner keystore's password.
pub const SSV_OWNER_PASSWORD_ENV: &str = "STAFI_ROUTER_SSV_OWNER_PASSWORD";
/// Environment variable for the mnemonic store's password.
pub const STORE_PASSWORD_ENV: &str = "STAFI_ROUTER_STORE_PASSWORD";

/// Asks for a password on a terminal (`None` when there is none).
pub type Prompt<'a> = Option<&'a dyn Fn(&str) -> std::io::Result<String>>;

/// Where one secret's password comes from.
#[derive(Debug, Clone, Copy)]
pub struct PasswordSource<'a> {
    /// The secret, as named in the prompt and in errors (e.g. `"mnemonic store"`).
    pub what: &'static str,
    /// The configuration key that names the password file (e.g.
    /// `accounts.mnemonic_password_file`).
    pub key: &'static str,
    /// The password file the configuration names; its first line is the password.
    pub file: Option<&'a Path>,
    /// The environment variable read when there is no password file.
    pub env: &'static str,
}

impl PasswordSource<'_> {
    /// The password: the file's first line, else the variable, else the prompt.
    pub fn resolve(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        prompt: Prompt<'_>,
    ) -> Result<Zeroizing<String>, RouterError> {
        if let Some(path) = self.file {
            private(&format!("{}'s password file", self.what), path)?;
            let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
                RouterError::PasswordFile {
                    path: path.to_owned(),
                    source,
                }
            })?);
            return Ok(Zeroizing::new(
                text.lines().next().unwrap_or_default().to_owned(),
            ));
        }
        if let Some(value) = env(self.env) {
            return Ok(Zeroizing::new(value));
        }
        match prompt {
            Some(ask) => ask(&format!("Password of the {}: ", self.what))
                .map(Zeroizing::new)
                .map_err(|_| self.missing()),
            None => Err(self.missing()),
        }
    }

    fn missing(&self) -> RouterError {
        RouterError::PasswordMissing {
            what: self.what,
            key: self.key,
            env: self.env,
        }
    }
}

/// The two Ethereum accounts.
#[derive(Debug, Clone)]
pub struct Accounts {
    /// The StaFi super node account: signs `StafiSuperNode.deposit` and `stake`.
    pub super_node: PrivateKeySigner,
    /// The account that owns the SSV clusters: signs every SSVNetwork write.
    pub ssv_owner: PrivateKeySigner,
}

impl Accounts {
    /// Decrypts both keystores.
    pub fn open(
        cfg: &AccountsSection,
        env: &dyn Fn(&str) -> Option<String>,
        prompt: Prompt<'_>,
    ) -> Result<Self, RouterError> {
        let super_node = open_account(
            "super node",
            &cfg.super_node_keystore,
            PasswordSource {
                what: "super-node keystore",
                key: "accounts.super_node_password_file",
                file: cfg.super_node_password_file.as_deref(),
                env: SUPER_NODE_PASSWORD_ENV,
            },
            env,
            prompt,
        )?;
        let ssv_owner = open_account(
            "SSV owner",
            &cfg.ssv_owner_keystore,
            PasswordSource {
                what: "SSV owner keystore",
                key: "accounts.ssv_owner_password_file",
                file: cfg.ssv_owner_password_file.as_deref(),
                env: SSV_OWNER_PASSWORD_ENV,
            },
            env,
            prompt,
        )?;
        Ok(Self {
            super_node,
            ssv_owner,
        })
    }

    /// The super node account's address.
    pub fn super_node_address(&self) -> Address {
        self.super_node.address()
    }

    /// The SSV owner account's address (the cluster owner on SSVNetwork).
    pub fn ssv_owner_address(&self) -> Address {
        self.ssv_owner.address()
    }
}

fn open_account(
    role: &'static str,
    path: &Path,
    password: PasswordSource<'_>,
    env: &dyn Fn(&str) -> Option<String>,
    prompt: Prompt<'_>,
) -> Result<PrivateKeySigner, RouterError> {
    private(&format!("{role} keystore"), path)?;
    let pw = password.resolve(env, prompt)?;
    PrivateKeySigner::decrypt_keystore(path, pw.as_bytes()).map_err(|e| {
        RouterError::AccountKeystore {
            role,
            path: path.to_owned(),
            message: match e.to_string() {
                m if m.contains("Mac Mismatch") => {
                    "wrong password (the keystore's MAC does not match)".to_owned()
                }
                m => m,
            },
        }
    })
}

/// Refuses a secret file the group or others may read (before its password is asked for).
fn private(what: &str, path: &Path) -> Result<(), RouterError> {
    match keygen::ensure_private(path) {
        // A missing file is reported by whoever reads it, with its own message.
        Err(keygen::KeygenError::Io { .. }) | Ok(()) => Ok(()),
        Err(source) => Err(RouterError::ExposedSecretFile {
            what: what.to_owned(),
            source,
        }),
    }
}

/// Opens the mnemonic store and derives the BIP-39 seed (empty passphrase).
pub fn open_seed(
    cfg: &AccountsSection,
    env: &dyn Fn(&str) -> Option<String>,
    prompt: Prompt<'_>,
) -> Result<Seed, RouterError> {
    private("mnemonic store", &cfg.mnemonic_store)?;
    let pw = PasswordSource {
        what: "mnemonic store",
        key: "accounts.mnemonic_password_file",
        file: cfg.mnemonic_password_file.as_deref(),
        env: STORE_PASSWORD_ENV,
    }
    .resolve(env, prompt)?;
    let mnemonic = keygen::open_mnemonic_store(&cfg.mnemonic_store, &pw).map_err(|source| {
        RouterError::MnemonicStore {
            path: cfg.mnemonic_store.clone(),
            source,
        }
    })?;
    Ok(mnemonic.to_seed(""))
}
