//! `stafi-router keyshares …`: build SSV keyshares from validator keys, and verify keyshares
//! files from any source (this tool, ssv-keys, the SSV web app, ssv-dkg).

use std::fs::OpenOptions;
use std::io::Write;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyshare::{
    Address, KeysharesBuilder, KeysharesFile, Operator, OperatorPrivateKey, ValidatorSecret,
    Verifier,
};
use zeroize::Zeroizing;

use super::CmdError;

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

pub fn run(args: &KeysharesArgs) -> Result<(), CmdError> {
    match &args.command {
        KeysharesCommand::Split(args) => split(args),
        KeysharesCommand::Verify(args) => verify(args),
    }
}

fn read(path: &Path) -> Result<String, CmdError> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

/// The first line of a password file, without its line ending.
fn read_password(path: &Path) -> Result<Zeroizing<String>, CmdError> {
    let text = Zeroizing::new(read(path)?);
    let line = text.lines().next().unwrap_or_default();
    Ok(Zeroizing::new(line.to_owned()))
}

fn parse_owner(text: &str) -> Result<Address, CmdError> {
    text.parse()
        .map_err(|_| format!("owner {text:?} is not a 20-byte hex address").into())
}

fn validator_secrets(args: &SplitArgs) -> Result<Vec<ValidatorSecret>, CmdError> {
    let password = read_password(&args.password_file)?;
    let to_secret = |key: &keygen::SecretKey| ValidatorSecret::from_bytes(&key.to_bytes());
    if let Some(store) = &args.source.store {
        let first = args.index.ok_or("--store needs --index")?;
        let last = first
            .checked_add(args.count.saturating_sub(1))
            .ok_or("--index + --count overflows")?;
        let mnemonic = keygen::open_mnemonic_store(store, &password)?;
        return (first..=last)
            .map(|i| to_secret(&mnemonic.signing_key(i)).map_err(Into::into))
            .collect();
    }
    args.source
        .keystore
        .iter()
        .map(|path| {
            let key = keygen::open_keystore(path, &password)?;
            Ok(to_secret(&key)?)
        })
        .collect()
}

fn split(args: &SplitArgs) -> Result<(), CmdError> {
    let operators = Operator::list_from_json(&read(&args.operators)?)
        .map_err(|e| format!("{}: {e}", args.operators.display()))?;
    let owner = parse_owner(&args.owner)?;
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(NonZeroUsize::MIN);
    let builder = KeysharesBuilder::new(operators, owner)?
        .nonce(args.nonce)
        .threads(threads);
    if args.out.exists() {
        return Err(format!("{} already exists; not overwriting", args.out.display()).into());
    }
    let secrets = validator_secrets(args)?;
    let file = builder.build(&secrets)?;
    write_new(&args.out, file.to_json().as_bytes())?;
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

/// Creates `path` (which must not exist) and writes `contents`; removes it if writing fails.
fn write_new(path: &Path, contents: &[u8]) -> Result<(), CmdError> {
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io(e).into());
    }
    Ok(())
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::from("0x"), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn load_operator_keys(
    dir: &Path,
    default_password: Option<&Path>,
) -> Result<Vec<(u64, OperatorPrivateKey)>, CmdError> {
    let mut keys = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
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
            "pem" => OperatorPrivateKey::from_pem(&read(&path)?),
            "json" => {
                let own = path.with_extension("password");
                let password_path = if own.is_file() {
                    own
                } else {
                    default_password
                        .ok_or_else(|| {
                            format!(
                                "{} needs {} or --operator-keys-password-file",
                                path.display(),
                                own.display()
                            )
                        })?
                        .to_owned()
                };
                let password = read_password(&password_path)?;
                OperatorPrivateKey::from_encrypted_json(&read(&path)?, &password)
            }
            _ => continue,
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        keys.push((id, key));
    }
    Ok(keys)
}

fn verify(args: &VerifyArgs) -> Result<(), CmdError> {
    let file = KeysharesFile::from_json(&read(&args.file)?)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut verifier = Verifier::new();
    if let Some(owner) = &args.owner {
        verifier = verifier.owner(parse_owner(owner)?);
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
        return Err(format!("{failed} validator(s) failed verification").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use keygen::{Kdf, Keystore, Mnemonic, MnemonicStore};

    use super::*;

    const OWNER: &str = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";
    const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(subcommand)]
        command: KeysharesCommand,
    }

    fn run_cli(args: &[&str]) -> Result<(), CmdError> {
        let cli =
            TestCli::try_parse_from(std::iter::once("keyshares").chain(args.iter().copied()))?;
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
        std::fs::write(dir.path().join("pw"), "correct horse\n").unwrap();
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
        assert!(err.to_string().contains("2 validator(s) failed"), "{err}");
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
            serde_json::from_str(&read(&fixtures().join("operators.json")).unwrap()).unwrap();
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
        assert!(err.to_string().contains("sorted ascending"), "{err}");
        assert!(!out.exists());
        // Wrong store password.
        std::fs::write(d.join("bad-pw"), "wrong\n").unwrap();
        assert!(base(&fixtures().join("operators.json"), &d.join("bad-pw")).is_err());
        assert!(!out.exists());
        // An existing file is never overwritten.
        std::fs::write(&out, "keep me").unwrap();
        assert!(base(&fixtures().join("operators.json"), &d.join("pw")).is_err());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    }
}
