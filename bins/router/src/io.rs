//! The CLI's small I/O helpers, shared by every subcommand: passwords and other secrets from
//! files, environment variables or hidden prompts; write-once files; text files; hex.
//!
//! Secrets are held in [`Zeroizing`] buffers from the moment they are read, and are never
//! printed, logged or put into an error. New files are written once: an existing path is
//! refused, the bytes go to a temporary file beside the target that is then linked into place,
//! so a failure leaves neither a partial file nor a temporary one behind.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use keyshare::Address;
use zeroize::Zeroizing;

use crate::error::CliError;

/// The prompt that asks for a new password a second time.
pub const REPEAT_PROMPT: &str = "Repeat the password: ";

/// Where a password comes from, in this order: the first line of a file named by `flag`, the
/// environment variable `env`, a hidden prompt (only when standard input is a terminal).
#[derive(Debug, Clone, Copy)]
pub struct Password {
    /// What the password is for, as errors name it, e.g. "mnemonic store password".
    pub what: &'static str,
    /// The flag that names a password file, e.g. `--password-file`.
    pub flag: &'static str,
    /// The environment variable read when no file is given.
    pub env: &'static str,
    /// The hidden prompt shown when neither is set; `None` for a command that never prompts.
    pub prompt: Option<&'static str>,
}

impl Password {
    /// The password from `file` (the value of [`flag`](Self::flag)), else from
    /// [`env`](Self::env), else typed at a hidden prompt, twice when `confirm` (for new
    /// secrets). Without a terminal the error names the flag and the variable.
    pub fn resolve(
        &self,
        file: Option<&Path>,
        confirm: bool,
    ) -> Result<Zeroizing<String>, CliError> {
        self.resolve_with(file, std::env::var_os(self.env), confirm, &mut Terminal)
    }

    /// [`resolve`](Self::resolve) with the variable's value and the prompter given.
    fn resolve_with(
        &self,
        file: Option<&Path>,
        env_value: Option<std::ffi::OsString>,
        confirm: bool,
        prompter: &mut impl Prompter,
    ) -> Result<Zeroizing<String>, CliError> {
        if let Some(path) = file {
            return read_password_file(path);
        }
        if let Some(value) = env_value {
            let bytes = Zeroizing::new(value.into_encoded_bytes());
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| CliError::EnvNotUnicode { var: self.env })?;
            return Ok(Zeroizing::new(text.to_owned()));
        }
        let Some(prompt) = self.prompt else {
            return Err(CliError::NoPassword {
                what: self.what,
                flag: self.flag,
                env: self.env,
            });
        };
        let secret = Secret {
            what: self.what,
            flag: self.flag,
            env: Some(self.env),
        };
        let first = secret.prompt_with(prompt, prompter)?;
        if confirm {
            let again = secret.prompt_with(REPEAT_PROMPT, prompter)?;
            if *first != *again {
                return Err(CliError::PasswordMismatch { what: self.what });
            }
        }
        Ok(first)
    }
}

/// A secret typed at a hidden prompt when it is not given otherwise; errors name it, the flag
/// that gives it in a file and the environment variable that can hold it, if any.
#[derive(Debug, Clone, Copy)]
pub struct Secret {
    /// What the secret is, e.g. "mnemonic".
    pub what: &'static str,
    /// The flag that names a file holding it, e.g. `--mnemonic-file`.
    pub flag: &'static str,
    /// The environment variable that can hold it, if there is one.
    pub env: Option<&'static str>,
}

impl Secret {
    /// Shows `prompt` on the terminal and reads the secret without echo. Refuses when standard
    /// input is not a terminal.
    pub fn prompt(&self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        self.prompt_with(prompt, &mut Terminal)
    }

    fn prompt_with(
        &self,
        prompt: &str,
        prompter: &mut impl Prompter,
    ) -> Result<Zeroizing<String>, CliError> {
        if !prompter.is_interactive() {
            return Err(CliError::NoTerminal {
                what: self.what,
                flag: self.flag,
                env: self.env,
            });
        }
        prompter
            .read_hidden(prompt)
            .map_err(|source| CliError::Prompt {
                what: self.what,
                source,
            })
    }
}

/// Hidden input from a person: the terminal in the binary, a script in tests.
pub trait Prompter {
    /// Whether someone can answer a prompt.
    fn is_interactive(&self) -> bool;
    /// Shows `prompt` and reads one line without echoing it.
    fn read_hidden(&mut self, prompt: &str) -> std::io::Result<Zeroizing<String>>;
}

/// The process's terminal: interactive when standard input is a terminal; reads with
/// `rpassword`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal;

impl Prompter for Terminal {
    fn is_interactive(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    fn read_hidden(&mut self, prompt: &str) -> std::io::Result<Zeroizing<String>> {
        rpassword::prompt_password(prompt).map(Zeroizing::new)
    }
}

/// The whole of a text file, with an error that names it.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| read_error(path, source))
}

/// The whole of a text file that holds a secret, read straight into a zeroizing buffer; refused
/// when the group or others may read it.
pub fn read_secret(path: &Path) -> Result<Zeroizing<String>, CliError> {
    match keygen::ensure_private(path) {
        // A missing file is reported below, as any unreadable file.
        Ok(()) | Err(keygen::KeygenError::Io { .. }) => {}
        Err(source) => return Err(CliError::ExposedSecretFile { source }),
    }
    let mut file = File::open(path).map_err(|source| read_error(path, source))?;
    // Sized up front so the buffer is not reallocated (and an unzeroed copy left) while reading.
    let len = file
        .metadata()
        .ok()
        .and_then(|m| usize::try_from(m.len()).ok())
        .unwrap_or(0);
    let mut text = Zeroizing::new(String::with_capacity(len.saturating_add(1)));
    file.read_to_string(&mut text)
        .map_err(|source| read_error(path, source))?;
    Ok(text)
}

/// The first line of a password file, without its line ending (`\n` or `\r\n`).
pub fn read_password_file(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let text = read_secret(path)?;
    let first = text.lines().next().unwrap_or_default();
    Ok(Zeroizing::new(first.to_owned()))
}

fn read_error(path: &Path, source: std::io::Error) -> CliError {
    CliError::ReadFile {
        path: path.to_owned(),
        source,
    }
}

/// Fails with [`CliError::FileExists`] if anything (a file, a directory, a symlink, even a
/// dangling one) is at `path`.
pub fn ensure_absent(path: &Path) -> Result<(), CliError> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Err(CliError::FileExists {
            path: path.to_owned(),
        }),
        // Unreadable metadata other than "not found": the write itself reports the problem.
        Err(_) => Ok(()),
    }
}

/// Creates `path`, which must not exist, holding exactly `bytes`; with `secret`, readable and
/// writable by the owner only (mode 0600 on Unix).
///
/// The bytes are written and synced to a temporary file in the same directory, which is then
/// hard-linked to `path`: the link fails if `path` appeared in the meantime, so nothing is ever
/// overwritten, and `path` is either absent or complete. (On file systems without hard links
/// the temporary file is renamed after a last check.) The temporary file is removed on every
/// path out.
pub fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<(), CliError> {
    ensure_absent(path)?;
    write_new_unchecked(path, bytes, secret)
}

/// [`write_new`] without the first check; the link still refuses an existing `path`.
fn write_new_unchecked(path: &Path, bytes: &[u8], secret: bool) -> Result<(), CliError> {
    let write_error = |source| CliError::WriteFile {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        write_error(std::io::Error::new(
            ErrorKind::InvalidInput,
            "the path has no file name",
        ))
    })?;
    let mut temp = TempFile::create(dir, &name.to_string_lossy(), secret).map_err(write_error)?;
    temp.file
        .write_all(bytes)
        .and_then(|()| temp.file.sync_all())
        .map_err(write_error)?;
    match std::fs::hard_link(&temp.path, path) {
        Ok(()) => {}
        Err(err) if err.kind() == ErrorKind::AlreadyExists => {
            return Err(CliError::FileExists {
                path: path.to_owned(),
            });
        }
        Err(_) => {
            ensure_absent(path)?;
            std::fs::rename(&temp.path, path).map_err(write_error)?;
        }
    }
    drop(temp);
    sync_dir(dir);
    Ok(())
}

/// A temporary file beside the target, removed when dropped (after the link, or on error).
#[derive(Debug)]
struct TempFile {
    path: PathBuf,
    file: File,
}

impl TempFile {
    fn create(dir: &Path, name: &str, secret: bool) -> std::io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            if secret {
                options.mode(0o600);
            }
        }
        #[cfg(not(unix))]
        let _ = secret;
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
            match options.open(&path) {
                Ok(file) => return Ok(Self { path, file }),
                Err(err) if err.kind() == ErrorKind::AlreadyExists && n < 1000 => {}
                Err(err) => return Err(err),
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Gone already after a rename; nothing else to do if removal fails.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Makes the new directory entry durable. Best effort: the file's own data is already synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(handle) = File::open(dir) {
            let _ = handle.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// `0x` followed by the lower-case hex digits of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The bytes of hex text, with or without a `0x` prefix, in either case.
pub fn from_hex(text: &str) -> Result<Vec<u8>, hex::FromHexError> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    hex::decode(digits)
}

/// A 20-byte address written in hex, with or without `0x`, in any case (no EIP-55 check).
pub fn parse_address(text: &str) -> Result<Address, CliError> {
    let invalid = |source| CliError::InvalidAddress {
        input: text.to_owned(),
        source,
    };
    let bytes = from_hex(text).map_err(|err| invalid(Some(err)))?;
    let bytes: [u8; 20] = bytes.try_into().map_err(|_| invalid(None))?;
    Ok(Address::from(bytes))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::ffi::OsString;

    use super::*;

    const STORE: Password = Password {
        what: "mnemonic store password",
        flag: "--password-file",
        env: "TEST_STORE_PASSWORD",
        prompt: Some("Store password: "),
    };

    /// A prompter that answers from a script and records the prompts it was shown.
    #[derive(Debug, Default)]
    struct Script {
        interactive: bool,
        answers: VecDeque<&'static str>,
        asked: Vec<String>,
    }

    impl Script {
        fn answering(answers: &[&'static str]) -> Self {
            Self {
                interactive: true,
                answers: answers.iter().copied().collect(),
                asked: Vec::new(),
            }
        }
    }

    impl Prompter for Script {
        fn is_interactive(&self) -> bool {
            self.interactive
        }

        fn read_hidden(&mut self, prompt: &str) -> std::io::Result<Zeroizing<String>> {
            self.asked.push(prompt.to_owned());
            self.answers
                .pop_front()
                .map(|a| Zeroizing::new(a.to_owned()))
                .ok_or_else(|| std::io::Error::from(ErrorKind::UnexpectedEof))
        }
    }

    fn files(entries: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in entries {
            keygen::write_secret_file(&dir.path().join(name), text.as_bytes()).unwrap();
        }
        dir
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_others_may_read_is_refused_and_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = files(&[("pw", "secret\n")]);
        let path = dir.path().join("pw");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = read_password_file(&path).unwrap_err();
        assert!(
            matches!(&err, CliError::ExposedSecretFile { source: keygen::KeygenError::ExposedSecretFile { path: p, mode: 0o640 } } if *p == path),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_password_file(&path).unwrap().as_str(), "secret");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn password_file_gives_its_first_line_before_the_environment() {
        let dir = files(&[("pw", "first line\r\nsecond line\n")]);
        let mut script = Script::default();
        let password = STORE
            .resolve_with(
                Some(&dir.path().join("pw")),
                Some("from env".into()),
                true,
                &mut script,
            )
            .unwrap();
        assert_eq!(password.as_str(), "first line");
        assert!(script.asked.is_empty());
    }

    #[test]
    fn a_missing_password_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = STORE
            .resolve_with(Some(&missing), None, false, &mut Script::default())
            .unwrap_err();
        assert!(
            matches!(&err, CliError::ReadFile { path, source }
                if *path == missing && source.kind() == ErrorKind::NotFound),
            "{err:?}"
        );
    }

    #[test]
    fn environment_variable_is_used_without_a_file_and_never_prompts() {
        let mut script = Script::answering(&["typed"]);
        let password = STORE
            .resolve_with(None, Some("from env".into()), true, &mut script)
            .unwrap();
        assert_eq!(password.as_str(), "from env");
        assert!(script.asked.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_non_utf8_environment_variable_is_named() {
        use std::os::unix::ffi::OsStringExt;
        let value = OsString::from_vec(vec![0x66, 0xff, 0x6f]);
        let err = STORE
            .resolve_with(None, Some(value), false, &mut Script::default())
            .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::EnvNotUnicode {
                    var: "TEST_STORE_PASSWORD"
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn without_a_terminal_the_error_names_the_flag_and_the_variable() {
        let mut script = Script {
            interactive: false,
            ..Script::answering(&["typed"])
        };
        let err = STORE
            .resolve_with(None, None, true, &mut script)
            .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::NoTerminal {
                    what: "mnemonic store password",
                    flag: "--password-file",
                    env: Some("TEST_STORE_PASSWORD"),
                }
            ),
            "{err:?}"
        );
        assert!(script.asked.is_empty());
        let message = err.to_string();
        assert!(
            message.contains("--password-file") && message.contains("TEST_STORE_PASSWORD"),
            "{message}"
        );
    }

    #[test]
    fn a_password_without_a_prompt_needs_the_file_or_the_variable() {
        let keystore = Password {
            prompt: None,
            ..STORE
        };
        let err = keystore
            .resolve_with(None, None, false, &mut Script::answering(&["typed"]))
            .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::NoPassword {
                    flag: "--password-file",
                    env: "TEST_STORE_PASSWORD",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn the_prompt_asks_twice_for_a_new_password_and_once_for_an_existing_one() {
        let mut script = Script::answering(&["s3cret pw", "s3cret pw"]);
        let password = STORE.resolve_with(None, None, true, &mut script).unwrap();
        assert_eq!(password.as_str(), "s3cret pw");
        assert_eq!(script.asked, ["Store password: ", REPEAT_PROMPT]);

        let mut script = Script::answering(&["s3cret pw", "other"]);
        let err = STORE
            .resolve_with(None, None, true, &mut script)
            .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::PasswordMismatch {
                    what: "mnemonic store password"
                }
            ),
            "{err:?}"
        );

        let mut script = Script::answering(&["s3cret pw"]);
        let password = STORE.resolve_with(None, None, false, &mut script).unwrap();
        assert_eq!(password.as_str(), "s3cret pw");
        assert_eq!(script.asked.len(), 1);

        // A terminal that fails is reported as a prompt error, for the secret asked.
        let err = STORE
            .resolve_with(None, None, false, &mut Script::answering(&[]))
            .unwrap_err();
        assert!(
            matches!(&err, CliError::Prompt { what: "mnemonic store password", source }
                if source.kind() == ErrorKind::UnexpectedEof),
            "{err:?}"
        );
    }

    #[test]
    fn a_secret_prompt_without_a_terminal_names_the_flag() {
        let mnemonic = Secret {
            what: "mnemonic",
            flag: "--mnemonic-file",
            env: None,
        };
        let err = mnemonic
            .prompt_with("Mnemonic: ", &mut Script::default())
            .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::NoTerminal {
                    what: "mnemonic",
                    flag: "--mnemonic-file",
                    env: None
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "no terminal to prompt for the mnemonic: give --mnemonic-file"
        );
    }

    #[test]
    fn write_new_writes_exactly_the_bytes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_new(&path, b"{\"a\":1}\n", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}\n");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[test]
    fn write_new_refuses_an_existing_file_and_leaves_no_temporary_file() {
        let dir = files(&[("keep", "keep me")]);
        let path = dir.path().join("keep");
        let err = write_new(&path, b"new", true).unwrap_err();
        assert!(
            matches!(&err, CliError::FileExists { path: p } if *p == path),
            "{err:?}"
        );
        // The file that appears between the check and the link (a race) is not overwritten
        // either, and the temporary file written before the link is removed.
        let err = write_new_unchecked(&path, b"new", true).unwrap_err();
        assert!(matches!(err, CliError::FileExists { .. }), "{err:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
        assert_eq!(names(dir.path()), ["keep"]);
        // A directory counts as existing too.
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = write_new(&dir.path().join("sub"), b"new", false).unwrap_err();
        assert!(matches!(err, CliError::FileExists { .. }), "{err:?}");
    }

    #[test]
    fn write_new_into_a_missing_directory_names_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.json");
        let err = write_new(&path, b"x", true).unwrap_err();
        assert!(
            matches!(&err, CliError::WriteFile { path: p, source }
                if *p == path && source.kind() == ErrorKind::NotFound),
            "{err:?}"
        );
        assert!(names(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_get_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        write_new(&dir.path().join("secret"), b"s", true).unwrap();
        assert_eq!(mode("secret"), 0o600);
        // Other files keep the process's default (0666 less the umask), readable by others.
        write_new(&dir.path().join("public"), b"p", false).unwrap();
        let default = {
            std::fs::write(dir.path().join("reference"), b"r").unwrap();
            mode("reference")
        };
        assert_eq!(mode("public"), default);
    }

    #[test]
    fn read_text_names_the_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("policy.toml");
        assert!(matches!(
            read_text(&missing),
            Err(CliError::ReadFile { path, .. }) if path == missing
        ));
        assert!(matches!(
            read_secret(&missing),
            Err(CliError::ReadFile { path, .. }) if path == missing
        ));
        let dir = files(&[("m", "one two\nthree\n")]);
        assert_eq!(
            read_secret(&dir.path().join("m")).unwrap().as_str(),
            "one two\nthree\n"
        );
        assert_eq!(
            read_text(&dir.path().join("m")).unwrap(),
            "one two\nthree\n"
        );
    }

    #[test]
    fn hex_round_trips_with_or_without_the_prefix() {
        assert_eq!(to_hex(&[0x00, 0x10, 0xab]), "0x0010ab");
        assert_eq!(to_hex(&[]), "0x");
        assert_eq!(from_hex("0x0010AB").unwrap(), [0x00, 0x10, 0xab]);
        assert_eq!(from_hex("0X0010ab").unwrap(), [0x00, 0x10, 0xab]);
        assert_eq!(from_hex("0010ab").unwrap(), [0x00, 0x10, 0xab]);
        assert!(from_hex("0x0g").is_err());
        assert!(from_hex("0x123").is_err());
    }

    #[test]
    fn addresses_are_20_bytes_of_hex() {
        let text = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";
        let address = parse_address(text).unwrap();
        assert_eq!(address.to_string().to_lowercase(), text);
        assert_eq!(parse_address(&text[2..]).unwrap(), address);
        assert_eq!(
            parse_address(&text.to_uppercase().replace("0X", "0x")).unwrap(),
            address
        );
        let err = parse_address("0x1234").unwrap_err();
        assert!(
            matches!(&err, CliError::InvalidAddress { input, source: None } if input == "0x1234"),
            "{err:?}"
        );
        let err = parse_address("0xzz592c3de184a3e2c0dcb5a261bc107bfa91f494").unwrap_err();
        assert!(
            matches!(
                err,
                CliError::InvalidAddress {
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
