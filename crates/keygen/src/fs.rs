//! File I/O: reading keystores and the mnemonic store, writing secret files with mode 0600.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::KeygenError;
use crate::bls::SecretKey;
use crate::keystore::Keystore;
use crate::mnemonic::Mnemonic;
use crate::store::MnemonicStore;

fn read(path: &Path) -> Result<String, KeygenError> {
    std::fs::read_to_string(path).map_err(|source| KeygenError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Reads and parses a keystore file.
pub fn read_keystore(path: &Path) -> Result<Keystore, KeygenError> {
    Keystore::from_json(&read(path)?).map_err(|err| err.in_file(path))
}

/// Reads a keystore file and decrypts its secret key.
pub fn open_keystore(path: &Path, password: &str) -> Result<SecretKey, KeygenError> {
    read_keystore(path)?.decrypt(password)
}

/// Reads and parses a mnemonic store file.
pub fn read_mnemonic_store(path: &Path) -> Result<MnemonicStore, KeygenError> {
    MnemonicStore::from_json(&read(path)?).map_err(|err| err.in_file(path))
}

/// Reads a mnemonic store and decrypts the mnemonic. Derive keys with
/// [`Mnemonic::signing_key`] or [`Mnemonic::to_seed`].
pub fn open_mnemonic_store(path: &Path, password: &str) -> Result<Mnemonic, KeygenError> {
    read_mnemonic_store(path)?.decrypt(password)
}

/// Refuses a secret file (a password file, a mnemonic store, a keystore) that the group or
/// others may read or write: [`KeygenError::ExposedSecretFile`] with its mode. On systems
/// without Unix permissions every file passes.
pub fn ensure_private(path: &Path) -> Result<(), KeygenError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|source| KeygenError::Io {
                path: path.to_owned(),
                source,
            })?
            .permissions()
            .mode()
            & 0o7777;
        if mode & 0o077 != 0 {
            return Err(KeygenError::ExposedSecretFile {
                path: path.to_owned(),
                mode,
            });
        }
    }
    Ok(())
}

/// Creates `path` (which must not exist) readable and writable by the owner only, and writes
/// `contents`.
pub fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), KeygenError> {
    let io = |source| KeygenError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)
}
