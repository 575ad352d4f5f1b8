//! `stafi-router keyshares …`: build SSV keyshares from validator keys, and verify keyshares
//! files from any source (this tool, ssv-keys, the SSV web app, ssv-dkg).

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyshare::{
    KeysharesBuilder, KeysharesFile, Operator, OperatorPrivateKey, ValidatorSecret, Verifier,
};

use crate::error::CliError;
use crate::io::{ensure_absent, parse_address, read_password_file, read_text, to_hex, write_new};

#[derive(Debug, Args)]
pub struct KeysharesArgs {
    #[command(subcommand)]
    command: KeysharesCommand,
}

#[derive(Debug, Subcommand)]
enum KeysharesCommand {
    /// Split validator keys for an SSV committee and write a keyshares file (v1.1.0).
    Split(SplitArgs),
    /// Check a keyshares file the way SSV nodes do, plus interpolation and (with operator
    /// private keys) decryption. Exits non-zero if any validator fails.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct SplitArgs {
    #[command(flatten)]
    source: KeySource,
    /// With --store: the first validator index.
    #[arg(long, requires = "store")]
    index: Option<u32>,
    /// File whose first line is the password of the keystores or of the mnemonic store.
    #[arg(long)]
    password_file: PathBuf,
    /// With --store: how many consecutive validator indices to split, from --index.
    #[arg(long, default_value_t = 1, requires = "store")]
    count: u32,
    /// JSON list of the committee: [{"id": 1, "operatorKey": "<base64 PEM>"}, …], ids ascending.
    #[arg(long)]
    operators: PathBuf,
    /// Owner (cluster) address that will call registerValidator.
    #[arg(long)]
    owner: String,
    /// The owner's next nonce (number of ValidatorAdded events so far); validator k gets nonce + k.
    #[arg(long)]
    nonce: u64,
    /// Keyshares file to create (must not exist).
    #[arg(long)]
    out: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<NonZeroUsize>,
}

/// Where the validator keys come from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct KeySource {
    /// EIP-2335 keystore of a validator (repeat for several; all share one password).
    #[arg(long, num_args = 1..)]
    keystore: Vec<PathBuf>,
    /// Encrypted mnemonic store; keys are derived at m/12381/3600/<index>/0/0.
    #[arg(long, requires = "index")]
    store: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Keyshares file to check.
    file: PathBuf,
    /// Expected owner address.
    #[arg(long)]
    owner: Option<String>,
    /// Expected nonce of the first validator (validator k must carry nonce + k).
    #[arg(long)]
    nonce: Option<u64>,
    /// Directory of operator RSA private keys named by operator id: `<id>.pem` (PKCS#1 or
    /// PKCS#8) or `<id>.json` (EIP-2335-wrapped, as ssv-dkg and SSV nodes keep them) with its
    /// password in `<id>.password` or --operator-keys-password-file.
    #[arg(long)]
    operator_keys: Option<PathBuf>,
    /// Password for every `<id>.json` key that has no `<id>.password` next to it.
    #[arg(long, requires = "operator_keys")]
    operator_keys_password_file: Option<PathBuf>,
}

/// Runs a `keyshares` subcommand.
pub fn run(args: &KeysharesArgs) -> Result<(), CliError> {
    match &args.command {
        KeysharesCommand::Split(args) => split(args),
        KeysharesCommand::Verify(args) => verify(args),
    }
}

fn validator_secrets(args: &SplitArgs) -> Result<Vec<ValidatorSecret>, CliError> {
    let password = read_password_file(&args.password_file)?;
    let to_secret = |key: &keygen::SecretKey| ValidatorSecret::from_bytes(&key.to_bytes());
    if let Some(store) = &args.source.store {
        let first = args.index.ok_or(CliError::MissingArgument {
            needed: "--index with --store",
        })?;
        let overflow = CliError::IndexOverflow {
            start_flag: "--index",
            start: first,
            count: args.count,
        };
        let last = first
            .checked_add(args.count.saturating_sub(1))
            .ok_or(overflow)?;
        let mnemonic = keygen::open_mnemonic_store(store, &password).map_err(|source| {
            CliError::OpenStore {
                path: store.clone(),
                source,
            }
        })?;
        return (first..=last)
            .map(|i| Ok(to_secret(&mnemonic.signing_key(i))?))
            .collect();
    }
    args.source
        .keystore
        .iter()
        .map(|path| {
            let key = keygen::open_keystore(path, &password).map_err(|source| {
                CliError::OpenKeystore {
                    path: path.clone(),
                    source,
                }
            })?;
            Ok(to_secret(&key)?)
        })
        .collect()
}

fn split(args: &SplitArgs) -> Result<(), CliError> {
    let operators_file = |source| CliError::OperatorsFile {
        path: args.operators.clone(),
        source: Box::new(source),
    };
    let operators =
        Operator::list_from_json(&read_text(&args.operators)?).map_err(operators_file)?;
    let owner = parse_address(&args.owner)?;
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(NonZeroUsize::MIN);
    let builder = KeysharesBuilder::new(operators, owner)
        .map_err(operators_file)?
        .nonce(args.nonce)
        .threads(threads);
    ensure_absent(&args.out)?;
    let secrets = validator_secrets(args)?;
    let file = builder.build(&secrets)?;
    let mut json = file.to_json();
    json.push('\n');
    write_new(&args.out, json.as_bytes(), false)?;
    let last = file.items.last().map_or(args.nonce, |i| i.owner_nonce);
    println!(
        "wrote {} validator(s) for operators {:?}, owner {}, nonces {}..={} to {}",
        file.items.len(),
        builder.operator_ids(),
        owner.to_checksum(None),
        args.nonce,
        last,
        args.out.display()
    );
    Ok(())
}

fn load_operator_keys(
    dir: &Path,
    default_password: Option<&Path>,
) -> Result<Vec<(u64, OperatorPrivateKey)>, CliError> {
    let read_dir_error = |source| CliError::ReadDir {
        path: dir.to_owned(),
        source,
    };
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_dir_error)? {
        let path = entry.map_err(read_dir_error)?.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let Ok(id) = stem.parse::<u64>() else {
            continue;
        };
        let key = match ext {
            "pem" => OperatorPrivateKey::from_pem(&read_text(&path)?),
            "json" => {
                let own = path.with_extension("password");
                let password_path = if own.is_file() {
                    own
                } else {
                    default_password
                        .ok_or_else(|| CliError::OperatorKeyPassword {
                            key: path.clone(),
                            password: own,
                        })?
                        .to_owned()
                };
                let password = read_password_file(&password_path)?;
                OperatorPrivateKey::from_encrypted_json(&read_text(&path)?, &password)
            }
            _ => continue,
        }
        .map_err(|source| CliError::OperatorKey {
            path: path.clone(),
            source: Box::new(source),
        })?;
        keys.push((id, key));
    }
    Ok(keys)
}

fn verify(args: &VerifyArgs) -> Result<(), CliError> {
    let file = KeysharesFile::from_json(&read_text(&args.file)?).map_err(|source| {
        CliError::KeysharesFile {
            path: args.file.clone(),
            source: Box::new(source),
        }
    })?;
    let mut verifier = Verifier::new();
    if let Some(owner) = &args.owner {
        verifier = verifier.owner(parse_address(owner)?);
    }
    if let Some(nonce) = args.nonce {
        verifier = verifier.nonce(nonce);
    }
    if let Some(dir) = &args.operator_keys {
        for (id, key) in load_operator_keys(dir, args.operator_keys_password_file.as_deref())? {
            verifier = verifier.operator_key(id, key);
        }
    }
    let verdicts = verifier.verify_file(&file);
    let mut failed = 0usize;
    for v in &verdicts {
        let head = format!(
            "#{} {} nonce {}",
            v.index,
            to_hex(&v.public_key),
            v.owner_nonce
        );
        if v.is_ok() {
            let decrypted = if v.decrypted.is_empty() {
                String::new()
            } else {
                format!(" (shares decrypted and matched: {:?})", v.decrypted)
            };
            println!("OK   {head}{decrypted}");
        } else {
            failed += 1;
            println!("FAIL {head}");
            for failure in &v.failures {
                println!("     - {failure}");
            }
        }
    }
    println!(
        "{}: {} of {} validator(s) OK (version {})",
        args.file.display(),
        verdicts.len() - failed,
        verdicts.len(),
        file.version
    );
    if failed > 0 {
        return Err(CliError::VerificationFailed {
            path: args.file.clone(),
            failed,
            total: verdicts.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use keygen::{Kdf, KeygenError, Keystore, Mnemonic, MnemonicStore};
    use keyshare::{CommitteeError, KeyshareError};

    use super::*;

    const OWNER: &str = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";
    const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(subcommand)]
        command: KeysharesCommand,
    }

    fn run_cli(args: &[&str]) -> Result<(), CliError> {
        let cli = TestCli::try_parse_from(std::iter::once("keyshares").chain(args.iter().copied()))
            .expect("the test's arguments parse");
        run(&KeysharesArgs {
            command: cli.command,
        })
    }

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../crates/keyshare/tests/fixtures/test-operators")
    }

    fn s(path: &Path) -> &str {
        path.to_str().unwrap()
    }

    /// A temp dir with a password file, a fast-KDF mnemonic store and the four operator keys.
    fn setup() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        keygen::write_secret_file(&dir.path().join("pw"), "correct horse\n".as_bytes()).unwrap();
        let mnemonic = Mnemonic::parse(PHRASE).unwrap();
        let store =
            MnemonicStore::encrypt(&mnemonic, "correct horse", Kdf::Pbkdf2 { c: 16 }).unwrap();
        std::fs::write(dir.path().join("store.json"), store.to_json()).unwrap();
        let keys = dir.path().join("operator-keys");
        std::fs::create_dir(&keys).unwrap();
        for id in [5, 9, 12, 40] {
            std::fs::copy(
                fixtures().join(format!("{id}.pem")),
                keys.join(format!("{id}.pem")),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn split_from_the_store_then_verify_with_operator_keys() {
        let dir = setup();
        let d = dir.path();
        let out = d.join("keyshares.json");
        let ops = fixtures().join("operators.json");
        run_cli(&[
            "split",
            "--store",
            s(&d.join("store.json")),
            "--index",
            "2",
            "--count",
            "2",
            "--password-file",
            s(&d.join("pw")),
            "--operators",
            s(&ops),
            "--owner",
            OWNER,
            "--nonce",
            "5",
            "--out",
            s(&out),
        ])
        .unwrap();
        let file = KeysharesFile::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let mnemonic = Mnemonic::parse(PHRASE).unwrap();
        let expected: Vec<[u8; 48]> = [2, 3]
            .iter()
            .map(|i| *mnemonic.signing_key(*i).public_key().as_bytes())
            .collect();
        let got: Vec<[u8; 48]> = file.items.iter().map(|i| i.public_key).collect();
        assert_eq!(got, expected);
        assert_eq!(
            file.items.iter().map(|i| i.owner_nonce).collect::<Vec<_>>(),
            [5, 6]
        );

        let keys = d.join("operator-keys");
        run_cli(&[
            "verify",
            s(&out),
            "--owner",
            OWNER,
            "--nonce",
            "5",
            "--operator-keys",
            s(&keys),
        ])
        .unwrap();
        let err = run_cli(&["verify", s(&out), "--nonce", "4"]).unwrap_err();
        assert!(
            matches!(&err, CliError::VerificationFailed { path, failed: 2, total: 2 }
                if *path == out),
            "{err:?}"
        );
        let err = run_cli(&["verify", s(&out), "--owner", "0x81592c"]).unwrap_err();
        assert!(
            matches!(&err, CliError::InvalidAddress { input, source: None } if input == "0x81592c"),
            "{err:?}"
        );
        // An encrypted operator key needs a password file.
        std::fs::write(keys.join("7.json"), "{}").unwrap();
        let err = run_cli(&["verify", s(&out), "--operator-keys", s(&keys)]).unwrap_err();
        assert!(
            matches!(&err, CliError::OperatorKeyPassword { key, password }
                if *key == keys.join("7.json") && *password == keys.join("7.password")),
            "{err:?}"
        );
        // A file that is not a keyshares file is named.
        let err = run_cli(&["verify", s(&d.join("pw"))]).unwrap_err();
        assert!(
            matches!(&err, CliError::KeysharesFile { path, source }
                if *path == d.join("pw") && matches!(**source, KeyshareError::Json(_))),
            "{err:?}"
        );
    }

    #[test]
    fn split_from_a_keystore() {
        let dir = setup();
        let d = dir.path();
        let key = Mnemonic::parse(PHRASE).unwrap().signing_key(0);
        let keystore = Keystore::builder(&key, "correct horse")
            .kdf(Kdf::Pbkdf2 { c: 16 })
            .build()
            .unwrap();
        std::fs::write(d.join("keystore.json"), keystore.to_json()).unwrap();
        let out = d.join("ks.json");
        run_cli(&[
            "split",
            "--keystore",
            s(&d.join("keystore.json")),
            "--password-file",
            s(&d.join("pw")),
            "--operators",
            s(&fixtures().join("operators.json")),
            "--owner",
            OWNER,
            "--nonce",
            "0",
            "--out",
            s(&out),
        ])
        .unwrap();
        let file = KeysharesFile::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(file.items[0].public_key, *key.public_key().as_bytes());
        assert_eq!(file.version, "v1.1.0");
    }

    #[test]
    fn nothing_is_written_on_error() {
        let dir = setup();
        let d = dir.path();
        let out = d.join("keyshares.json");
        // Unsorted operator ids.
        let mut ops: Vec<serde_json::Value> =
            serde_json::from_str(&read_text(&fixtures().join("operators.json")).unwrap()).unwrap();
        ops.swap(0, 1);
        let unsorted = d.join("unsorted.json");
        std::fs::write(&unsorted, serde_json::to_string(&ops).unwrap()).unwrap();
        let base = |ops: &Path, pw: &Path| {
            run_cli(&[
                "split",
                "--store",
                s(&d.join("store.json")),
                "--index",
                "0",
                "--password-file",
                s(pw),
                "--operators",
                s(ops),
                "--owner",
                OWNER,
                "--nonce",
                "0",
                "--out",
                s(&out),
            ])
        };
        let err = base(&unsorted, &d.join("pw")).unwrap_err();
        assert!(
            matches!(&err, CliError::OperatorsFile { path, source }
            if *path == unsorted
                && matches!(
                    **source,
                    KeyshareError::Committee(CommitteeError::Unsorted { .. })
                )),
            "{err:?}"
        );
        assert!(!out.exists());
        // Wrong store password.
        keygen::write_secret_file(&d.join("bad-pw"), "wrong\n".as_bytes()).unwrap();
        let err = base(&fixtures().join("operators.json"), &d.join("bad-pw")).unwrap_err();
        assert!(
            matches!(&err, CliError::OpenStore { path, source: KeygenError::WrongPassword }
                if *path == d.join("store.json")),
            "{err:?}"
        );
        assert!(!out.exists());
        // A missing password file is named.
        let err = base(&fixtures().join("operators.json"), &d.join("no-pw")).unwrap_err();
        assert!(
            matches!(&err, CliError::ReadFile { path, .. } if *path == d.join("no-pw")),
            "{err:?}"
        );
        // An existing file is never overwritten.
        std::fs::write(&out, "keep me").unwrap();
        let err = base(&fixtures().join("operators.json"), &d.join("pw")).unwrap_err();
        assert!(
            matches!(&err, CliError::FileExists { path } if *path == out),
            "{err:?}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    }
}
