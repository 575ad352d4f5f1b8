//! The binary's own surface: help, version, the commands that need no outside services, and
//! how it reports errors (message, causes, exit code).

use std::path::Path;
use std::process::{Command, Output, Stdio};

const ABOUT: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const STORE_PASSWORD_ENV: &str = "STAFI_ROUTER_STORE_PASSWORD";
const KEYSTORE_PASSWORD_ENV: &str = "STAFI_ROUTER_KEYSTORE_PASSWORD";

fn router() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stafi-router"))
}

/// The router without a terminal on standard input and without the password variables.
fn headless() -> Command {
    let mut command = router();
    command
        .stdin(Stdio::null())
        .env_remove(STORE_PASSWORD_ENV)
        .env_remove(KEYSTORE_PASSWORD_ENV);
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A temp dir holding the test mnemonic in `mnemonic.txt`.
fn mnemonic_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    keygen::write_secret_file(
        &dir.path().join("mnemonic.txt"),
        format!("{ABOUT}\n").as_bytes(),
    )
    .unwrap();
    dir
}

#[test]
fn version_names_the_package_version() {
    let out = router().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim(),
        format!("stafi-router {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_networks_command() {
    let out = router().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("networks"), "{text}");
}

#[test]
fn networks_json_lists_mainnet_and_hoodi() {
    let out = router().args(["networks", "--json"]).output().unwrap();
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<_> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"mainnet") && names.contains(&"hoodi"),
        "{names:?}"
    );
    let hoodi = rows.iter().find(|r| r["name"] == "hoodi").unwrap();
    assert_eq!(hoodi["chain_id"], 560_048);
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    let out = router().arg("frobnicate").output().unwrap();
    // clap's usage errors exit with 2, command failures with 1.
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("frobnicate"), "{err}");
}

#[test]
fn without_a_terminal_the_password_error_names_the_flag_and_the_variable() {
    let dir = mnemonic_dir();
    let store = dir.path().join("store.json");
    let out = headless()
        .args(["keys", "import-mnemonic", "--store", s(&store)])
        .args(["--mnemonic-file", s(&dir.path().join("mnemonic.txt"))])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: no terminal to prompt for the mnemonic store password")
            && err.contains("--password-file")
            && err.contains(STORE_PASSWORD_ENV),
        "{err}"
    );
    assert!(!store.exists());

    // The mnemonic itself is prompted for only on a terminal too.
    let out = headless()
        .args(["keys", "import-mnemonic", "--store", s(&store)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--mnemonic-file"), "{err}");

    // The keystores' password is never prompted for.
    let out = headless()
        .args(["keys", "export-keystores", "--mnemonic-file"])
        .arg(dir.path().join("mnemonic.txt"))
        .args(["--out-dir", s(&dir.path().join("keys"))])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "no keystore password: give --password-file or set STAFI_ROUTER_KEYSTORE_PASSWORD"
        ),
        "{err}"
    );
    assert!(!dir.path().join("keys").exists());
}

#[test]
fn the_store_password_comes_from_the_environment_and_the_store_is_private() {
    let dir = mnemonic_dir();
    let store = dir.path().join("store.json");
    let import = || {
        headless()
            .env(STORE_PASSWORD_ENV, "correct horse battery")
            .args(["keys", "import-mnemonic", "--store", s(&store)])
            .args(["--mnemonic-file", s(&dir.path().join("mnemonic.txt"))])
            .output()
            .unwrap()
    };
    let out = import();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&store).unwrap();
    assert!(!text.contains("abandon"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&store).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Nothing but the store is left in the directory (no temporary file).
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["mnemonic.txt", "store.json"]);

    // A second import refuses to overwrite the store.
    let out = import();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("already exists; refusing to overwrite it"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&store).unwrap(), text);
}

#[test]
fn errors_are_printed_with_their_causes() {
    let dir = mnemonic_dir();
    let network = dir.path().join("net.json");
    std::fs::write(&network, "{ not json").unwrap();
    let out = headless()
        .args(["keys", "deposit-data", "--mnemonic-file"])
        .arg(dir.path().join("mnemonic.txt"))
        .args(["--network", "devnet", "--network-file", s(&network)])
        .args([
            "--withdrawal-address",
            "0x1111111111111111111111111111111111111111",
        ])
        .args(["--out", s(&dir.path().join("deposit.json"))])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        format!("error: invalid network file {}", network.display())
    );
    assert!(lines[1].starts_with("  caused by: "), "{err}");
    assert!(!dir.path().join("deposit.json").exists());
}
