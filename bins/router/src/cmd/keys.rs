//! `stafi-router keys …`: mnemonic, keystores, deposit data and voluntary exits.
//!
//! Secrets are read from files, environment variables or hidden prompts, held in zeroizing
//! buffers and never logged. Everything is computed before the first file is written, so a
//! failing command leaves no partial output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use keygen::{
    DepositPlan, DerivationPath, Kdf, Keystore, Mnemonic, MnemonicStore, Network, Seed,
    WithdrawalTarget, open_mnemonic_store, parse_withdrawal_address, sign_voluntary_exit,
};
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::io::{Password, Secret, ensure_absent, read_secret, read_text, write_new};

/// Environment variable read for the mnemonic store's password when no file is given.
pub const STORE_PASSWORD_ENV: &str = "STAFI_ROUTER_STORE_PASSWORD";
/// Environment variable read for the keystores' password when no file is given.
pub const KEYSTORE_PASSWORD_ENV: &str = "STAFI_ROUTER_KEYSTORE_PASSWORD";

/// The fewest characters a new mnemonic store password may have.
const MIN_STORE_PASSWORD_CHARS: usize = 8;

/// The password of a new mnemonic store (`new-mnemonic --store`, `import-mnemonic`).
const NEW_STORE_PASSWORD: Password = Password {
    what: "mnemonic store password",
    flag: "--password-file",
    env: STORE_PASSWORD_ENV,
    prompt: Some("New store password: "),
};

/// The password of an existing mnemonic store (`--store` of the key commands).
const STORE_PASSWORD: Password = Password {
    what: "mnemonic store password",
    flag: "--store-password-file",
    env: STORE_PASSWORD_ENV,
    prompt: Some("Mnemonic store password: "),
};

/// The password of the keystores `export-keystores` writes; never prompted for.
const KEYSTORE_PASSWORD: Password = Password {
    what: "keystore password",
    flag: "--password-file",
    env: KEYSTORE_PASSWORD_ENV,
    prompt: None,
};

/// The mnemonic of `import-mnemonic` when no file is given.
const TYPED_MNEMONIC: Secret = Secret {
    what: "mnemonic",
    flag: "--mnemonic-file",
    env: None,
};

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Generate a new 24-word mnemonic, print it once to write down, optionally store it.
    NewMnemonic(NewMnemonicArgs),
    /// Encrypt an existing mnemonic into a store file (mode 0600).
    ImportMnemonic(ImportMnemonicArgs),
    /// Write deposit data (`deposit_data-*.json` format) for a range of key indices.
    DepositData(DepositDataArgs),
    /// Write EIP-2335 keystores (scrypt n = 2^18) for a range of key indices.
    ExportKeystores(ExportKeystoresArgs),
    /// Sign a voluntary exit (EIP-7044 domain) and print the beacon-API JSON.
    VoluntaryExit(VoluntaryExitArgs),
}

#[derive(Debug, Args)]
struct NewMnemonicArgs {
    /// Also encrypt the new mnemonic into this store file (must not exist).
    #[arg(long)]
    store: Option<PathBuf>,
    #[command(flatten)]
    password: StorePassword,
}

#[derive(Debug, Args)]
struct ImportMnemonicArgs {
    /// Store file to create (must not exist).
    #[arg(long)]
    store: PathBuf,
    /// Read the mnemonic from this file instead of a hidden prompt.
    #[arg(long)]
    mnemonic_file: Option<PathBuf>,
    #[command(flatten)]
    password: StorePassword,
}

/// Password of the mnemonic store: `--password-file`, else $STAFI_ROUTER_STORE_PASSWORD, else
/// a hidden prompt.
#[derive(Debug, Args)]
struct StorePassword {
    /// File holding the store password (first line).
    #[arg(long)]
    password_file: Option<PathBuf>,
}

/// Where the mnemonic comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct MnemonicSource {
    /// Plain-text file holding the mnemonic.
    #[arg(long)]
    mnemonic_file: Option<PathBuf>,
    /// Encrypted mnemonic store (from `keys import-mnemonic` or `keys new-mnemonic --store`).
    #[arg(long)]
    store: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct StorePasswordForOpen {
    /// File holding the store password (else $STAFI_ROUTER_STORE_PASSWORD, else a prompt).
    #[arg(long)]
    store_password_file: Option<PathBuf>,
}

/// Network: a built-in name, or a custom one from a JSON file.
#[derive(Debug, Args)]
struct NetworkArg {
    /// mainnet, hoodi, holesky, sepolia, or the name in --network-file.
    #[arg(long)]
    network: String,
    /// JSON file with a custom network: name, chain_id, genesis_fork_version,
    /// capella_fork_version, genesis_validators_root.
    #[arg(long)]
    network_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DepositDataArgs {
    #[command(flatten)]
    source: MnemonicSource,
    #[command(flatten)]
    store_password: StorePasswordForOpen,
    #[command(flatten)]
    network: NetworkArg,
    /// Execution address for 0x01 (or 0x02) withdrawal credentials.
    #[arg(long)]
    withdrawal_address: String,
    /// 0x02 compounding credentials instead of 0x01.
    #[arg(long)]
    compounding: bool,
    #[arg(long, default_value_t = 0)]
    start_index: u32,
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Amount per deposit in gwei (StaFi: 1000000000 first deposit, 31000000000 stake).
    #[arg(long, default_value_t = 32_000_000_000)]
    amount_gwei: u64,
    /// Output file (must not exist).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct ExportKeystoresArgs {
    #[command(flatten)]
    source: MnemonicSource,
    #[command(flatten)]
    store_password: StorePasswordForOpen,
    #[arg(long, default_value_t = 0)]
    start_index: u32,
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Directory for the keystore files (created if missing).
    #[arg(long)]
    out_dir: PathBuf,
    /// File holding the keystores' password (else $STAFI_ROUTER_KEYSTORE_PASSWORD).
    #[arg(long)]
    password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct VoluntaryExitArgs {
    #[command(flatten)]
    source: MnemonicSource,
    #[command(flatten)]
    store_password: StorePasswordForOpen,
    #[command(flatten)]
    network: NetworkArg,
    /// Key index in the tree (m/12381/3600/{index}/0/0).
    #[arg(long)]
    key_index: u32,
    /// Beacon-chain validator index.
    #[arg(long)]
    validator_index: u64,
    /// Exit epoch (the current epoch or earlier).
    #[arg(long)]
    epoch: u64,
}

/// Runs a `keys` subcommand.
pub fn run(args: &KeysArgs) -> Result<(), CliError> {
    match &args.command {
        KeysCommand::NewMnemonic(a) => new_mnemonic(a, &mut std::io::stdout().lock()),
        KeysCommand::ImportMnemonic(a) => import_mnemonic(a),
        KeysCommand::DepositData(a) => deposit_data(a),
        KeysCommand::ExportKeystores(a) => export_keystores(a),
        KeysCommand::VoluntaryExit(a) => voluntary_exit(a),
    }
}

fn new_mnemonic(args: &NewMnemonicArgs, out: &mut impl Write) -> Result<(), CliError> {
    let mnemonic = Mnemonic::generate()?;
    if let Some(store) = &args.store {
        ensure_absent(store)?;
        let password = new_store_password(args.password.password_file.as_deref())?;
        let encrypted = MnemonicStore::encrypt(&mnemonic, &password, Kdf::DEFAULT)?;
        write_new(store, encrypted.to_json().as_bytes(), true)?;
        tracing::info!(store = %store.display(), "mnemonic stored");
    }
    writeln!(
        out,
        "Write these {} words down, in order, and keep them offline. They are shown only once:\n",
        mnemonic.word_count()
    )
    .and_then(|()| writeln!(out, "{}", mnemonic.phrase().as_str()))
    .map_err(CliError::Stdout)
}

fn import_mnemonic(args: &ImportMnemonicArgs) -> Result<(), CliError> {
    ensure_absent(&args.store)?;
    let phrase = match &args.mnemonic_file {
        Some(path) => read_secret(path)?,
        None => TYPED_MNEMONIC.prompt("Mnemonic (hidden): ")?,
    };
    let mnemonic = Mnemonic::parse(&phrase).map_err(|source| CliError::InvalidMnemonic {
        path: args.mnemonic_file.clone(),
        source,
    })?;
    let password = new_store_password(args.password.password_file.as_deref())?;
    let encrypted = MnemonicStore::encrypt(&mnemonic, &password, Kdf::DEFAULT)?;
    write_new(&args.store, encrypted.to_json().as_bytes(), true)?;
    tracing::info!(store = %args.store.display(), words = mnemonic.word_count(), "mnemonic imported");
    Ok(())
}

fn deposit_data(args: &DepositDataArgs) -> Result<(), CliError> {
    ensure_absent(&args.out)?;
    let network = resolve_network(&args.network)?;
    let address = parse_withdrawal_address(&args.withdrawal_address)?;
    let target = if args.compounding {
        WithdrawalTarget::Compounding(address)
    } else {
        WithdrawalTarget::Execution(address)
    };
    let seed = load_seed(&args.source, &args.store_password)?;
    let deposits = DepositPlan::new(network, target)
        .amount_gwei(args.amount_gwei)
        .start_index(args.start_index)
        .count(args.count)
        .run(&seed)?;
    let json: Vec<_> = deposits.iter().map(keygen::DepositDatum::to_json).collect();
    let json = serde_json::to_string(&json).map_err(|source| CliError::Json {
        what: "deposit data",
        source,
    })?;
    write_new(&args.out, json.as_bytes(), true)?;
    tracing::info!(out = %args.out.display(), count = deposits.len(), "deposit data written");
    Ok(())
}

fn export_keystores(args: &ExportKeystoresArgs) -> Result<(), CliError> {
    let end = args
        .start_index
        .checked_add(args.count)
        .ok_or(CliError::IndexOverflow {
            start_flag: "--start-index",
            start: args.start_index,
            count: args.count,
        })?;
    let password = KEYSTORE_PASSWORD.resolve(args.password_file.as_deref(), true)?;
    if password.is_empty() {
        return Err(CliError::EmptyPassword {
            what: KEYSTORE_PASSWORD.what,
        });
    }
    let seed = load_seed(&args.source, &args.store_password)?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(CliError::Clock)?
        .as_secs();
    let indices: Vec<u32> = (args.start_index..end).collect();
    let names: Vec<PathBuf> = indices
        .iter()
        .map(|&i| {
            args.out_dir.join(format!(
                "keystore-{}-{timestamp}.json",
                DerivationPath::signing(i).file_stem()
            ))
        })
        .collect();
    for name in &names {
        ensure_absent(name)?;
    }
    let keystores = encrypt_keystores(&seed, &indices, &password)?;
    std::fs::create_dir_all(&args.out_dir).map_err(|source| CliError::CreateDir {
        path: args.out_dir.clone(),
        source,
    })?;
    for (ks, path) in keystores.iter().zip(&names) {
        debug_assert_eq!(
            path.file_name().unwrap().to_str(),
            Some(ks.file_name(timestamp).as_str())
        );
        write_new(path, ks.to_json().as_bytes(), true)?;
    }
    tracing::info!(dir = %args.out_dir.display(), count = keystores.len(), "keystores written");
    Ok(())
}

/// scrypt at n = 2^18 dominates; spread the keys over the available cores.
fn encrypt_keystores(
    seed: &Seed,
    indices: &[u32],
    password: &str,
) -> Result<Vec<Keystore>, keygen::KeygenError> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunk = indices.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = indices
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&i| {
                            Keystore::builder(&seed.signing_key(i), password)
                                .path(DerivationPath::signing(i))
                                .build()
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(indices.len());
        for h in handles {
            all.extend(h.join().expect("keystore thread panicked")?);
        }
        Ok(all)
    })
}

fn voluntary_exit(args: &VoluntaryExitArgs) -> Result<(), CliError> {
    println!("{}", voluntary_exit_json(args)?);
    Ok(())
}

fn voluntary_exit_json(args: &VoluntaryExitArgs) -> Result<String, CliError> {
    let network = resolve_network(&args.network)?;
    let seed = load_seed(&args.source, &args.store_password)?;
    let exit = sign_voluntary_exit(
        &seed.signing_key(args.key_index),
        args.epoch,
        args.validator_index,
        &network,
    );
    serde_json::to_string_pretty(&exit.to_json()).map_err(|source| CliError::Json {
        what: "voluntary exit",
        source,
    })
}

fn resolve_network(arg: &NetworkArg) -> Result<Network, CliError> {
    let custom = match &arg.network_file {
        Some(path) => {
            let config: keygen::wire::NetworkConfig = serde_json::from_str(&read_text(path)?)
                .map_err(|source| CliError::NetworkFile {
                    path: path.clone(),
                    source,
                })?;
            vec![Network::custom(&config)?]
        }
        None => Vec::new(),
    };
    Ok(Network::resolve(&arg.network, &custom)?)
}

fn load_seed(source: &MnemonicSource, password: &StorePasswordForOpen) -> Result<Seed, CliError> {
    let mnemonic = match (&source.mnemonic_file, &source.store) {
        (Some(file), _) => {
            Mnemonic::parse(&read_secret(file)?).map_err(|source| CliError::InvalidMnemonic {
                path: Some(file.clone()),
                source,
            })?
        }
        (None, Some(store)) => {
            let password =
                STORE_PASSWORD.resolve(password.store_password_file.as_deref(), false)?;
            open_mnemonic_store(store, &password).map_err(|source| CliError::OpenStore {
                path: store.clone(),
                source,
            })?
        }
        (None, None) => {
            return Err(CliError::MissingArgument {
                needed: "--mnemonic-file or --store",
            });
        }
    };
    Ok(mnemonic.to_seed(""))
}

/// The password of a new mnemonic store, at least [`MIN_STORE_PASSWORD_CHARS`] long.
fn new_store_password(file: Option<&Path>) -> Result<Zeroizing<String>, CliError> {
    let password = NEW_STORE_PASSWORD.resolve(file, true)?;
    if password.chars().count() < MIN_STORE_PASSWORD_CHARS {
        return Err(CliError::PasswordTooShort {
            what: NEW_STORE_PASSWORD.what,
            min: MIN_STORE_PASSWORD_CHARS,
        });
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use keygen::KeygenError;

    use super::*;

    const ABOUT: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: KeysCommand,
    }

    fn keys(args: &[&str]) -> Result<(), CliError> {
        let cli = Cli::try_parse_from(std::iter::once("keys").chain(args.iter().copied()))
            .expect("the test's arguments parse");
        run(&KeysArgs {
            command: cli.command,
        })
    }

    struct Files {
        dir: tempfile::TempDir,
    }

    impl Files {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            keygen::write_secret_file(
                &dir.path().join("mnemonic.txt"),
                format!("{ABOUT}\n").as_bytes(),
            )
            .unwrap();
            keygen::write_secret_file(&dir.path().join("store-pw"), "store password\n".as_bytes())
                .unwrap();
            keygen::write_secret_file(&dir.path().join("ks-pw"), "keystore password".as_bytes())
                .unwrap();
            Self { dir }
        }

        fn path(&self, name: &str) -> String {
            self.dir.path().join(name).to_str().unwrap().to_owned()
        }
    }

    #[test]
    fn import_then_deposit_data_from_the_store() {
        let f = Files::new();
        keys(&[
            "import-mnemonic",
            "--store",
            &f.path("store.json"),
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--password-file",
            &f.path("store-pw"),
        ])
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(f.path("store.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let store = std::fs::read_to_string(f.path("store.json")).unwrap();
        assert!(!store.contains("abandon"));

        keys(&[
            "deposit-data",
            "--store",
            &f.path("store.json"),
            "--store-password-file",
            &f.path("store-pw"),
            "--network",
            "mainnet",
            "--withdrawal-address",
            "0x1111111111111111111111111111111111111111",
            "--count",
            "2",
            "--amount-gwei",
            "32000000000",
            "--out",
            &f.path("deposit_data.json"),
        ])
        .unwrap();
        let out: Vec<keygen::wire::DepositDataJson> =
            serde_json::from_str(&std::fs::read_to_string(f.path("deposit_data.json")).unwrap())
                .unwrap();
        assert_eq!(out.len(), 2);
        // ethstaker-deposit 1.3.1 reference output (PyPI, `Credential.deposit_datum_dict`).
        assert_eq!(
            out[0].deposit_data_root,
            "2bf5e19730af00ba7252ad9928e1fe8a9ae7f598bd3f1ad96ea094663f40c946"
        );
        assert_ne!(out[1].pubkey, out[0].pubkey);
        assert_eq!(out[1].network_name, "mainnet");
    }

    #[test]
    fn errors_write_nothing() {
        let f = Files::new();
        let base = |address: &str, network: &str, out: &str| {
            vec![
                "deposit-data".to_owned(),
                "--mnemonic-file".to_owned(),
                f.path("mnemonic.txt"),
                "--network".to_owned(),
                network.to_owned(),
                "--withdrawal-address".to_owned(),
                address.to_owned(),
                "--out".to_owned(),
                f.path(out),
            ]
        };
        let run_args = |v: Vec<String>| keys(&v.iter().map(String::as_str).collect::<Vec<_>>());
        let err = run_args(base("0x1234", "mainnet", "a.json")).unwrap_err();
        assert!(
            matches!(&err, CliError::Keygen(KeygenError::InvalidAddress { input, .. })
                if input == "0x1234"),
            "{err:?}"
        );
        let err = run_args(base(
            "0x1111111111111111111111111111111111111111",
            "goerli",
            "b.json",
        ))
        .unwrap_err();
        assert!(
            matches!(&err, CliError::Keygen(KeygenError::UnknownNetwork { name, .. })
                if name == "goerli"),
            "{err:?}"
        );
        let mut v = base(
            "0x1111111111111111111111111111111111111111",
            "hoodi",
            "c.json",
        );
        v.extend(["--amount-gwei".to_owned(), "5".to_owned()]);
        let err = run_args(v).unwrap_err();
        assert!(
            matches!(
                err,
                CliError::Keygen(KeygenError::DepositAmount { amount_gwei: 5, .. })
            ),
            "{err:?}"
        );
        // A custom network file that is not JSON names the file.
        std::fs::write(f.path("net.json"), "not json").unwrap();
        let mut v = base(
            "0x1111111111111111111111111111111111111111",
            "devnet",
            "d.json",
        );
        v.extend(["--network-file".to_owned(), f.path("net.json")]);
        let err = run_args(v).unwrap_err();
        assert!(
            matches!(&err, CliError::NetworkFile { path, .. } if path.ends_with("net.json")),
            "{err:?}"
        );
        // Wrong store password.
        keys(&[
            "import-mnemonic",
            "--store",
            &f.path("store.json"),
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--password-file",
            &f.path("store-pw"),
        ])
        .unwrap();
        let err = keys(&[
            "export-keystores",
            "--store",
            &f.path("store.json"),
            "--store-password-file",
            &f.path("ks-pw"),
            "--out-dir",
            &f.path("keys"),
            "--password-file",
            &f.path("ks-pw"),
        ])
        .unwrap_err();
        assert!(
            matches!(&err, CliError::OpenStore { path, source: KeygenError::WrongPassword }
                if path.ends_with("store.json")),
            "{err:?}"
        );
        // A bad mnemonic file names the file.
        keygen::write_secret_file(
            f.path("bad.txt").as_ref(),
            ABOUT.replace("about", "abandon").as_bytes(),
        )
        .unwrap();
        let err = keys(&[
            "export-keystores",
            "--mnemonic-file",
            f.path("bad.txt").as_ref(),
            "--out-dir",
            &f.path("keys"),
            "--password-file",
            &f.path("ks-pw"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                &err,
                CliError::InvalidMnemonic {
                    path: Some(path),
                    source: KeygenError::MnemonicChecksum,
                } if path.ends_with("bad.txt")
            ),
            "{err:?}"
        );
        // Key indices past 2^32 - 1.
        let err = keys(&[
            "export-keystores",
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--start-index",
            "4294967295",
            "--count",
            "2",
            "--out-dir",
            &f.path("keys"),
            "--password-file",
            &f.path("ks-pw"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::IndexOverflow {
                    start_flag: "--start-index",
                    start: u32::MAX,
                    count: 2
                }
            ),
            "{err:?}"
        );
        // An empty keystore password.
        keygen::write_secret_file(f.path("empty-pw").as_ref(), "\n".as_bytes()).unwrap();
        let err = keys(&[
            "export-keystores",
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--out-dir",
            &f.path("keys"),
            "--password-file",
            &f.path("empty-pw"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::EmptyPassword {
                    what: "keystore password"
                }
            ),
            "{err:?}"
        );
        for name in ["a.json", "b.json", "c.json", "d.json", "keys"] {
            assert!(!f.dir.path().join(name).exists(), "{name} was written");
        }
        // Never overwrites.
        let err = keys(&[
            "import-mnemonic",
            "--store",
            &f.path("store.json"),
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--password-file",
            &f.path("store-pw"),
        ])
        .unwrap_err();
        assert!(
            matches!(&err, CliError::FileExists { path } if path.ends_with("store.json")),
            "{err:?}"
        );
    }

    #[test]
    fn export_keystores_names_and_decrypts() {
        let f = Files::new();
        keys(&[
            "export-keystores",
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--start-index",
            "3",
            "--count",
            "2",
            "--out-dir",
            &f.path("keys"),
            "--password-file",
            &f.path("ks-pw"),
        ])
        .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(f.path("keys"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2);
        let mnemonic = Mnemonic::parse(ABOUT).unwrap();
        for (name, index) in names.iter().zip([3u32, 4]) {
            let prefix = format!("keystore-m_12381_3600_{index}_0_0-");
            assert!(
                name.starts_with(&prefix)
                    && Path::new(name).extension().is_some_and(|e| e == "json"),
                "{name}"
            );
            let ts = &name[prefix.len()..name.len() - 5];
            assert!(ts.parse::<u64>().is_ok(), "{name}");
            let path = f.dir.path().join("keys").join(name);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{name}");
            }
            let ks = keygen::read_keystore(&path).unwrap();
            assert_eq!(ks.kdf(), Kdf::DEFAULT);
            assert_eq!(ks.path(), format!("m/12381/3600/{index}/0/0"));
            let sk = ks.decrypt("keystore password").unwrap();
            assert_eq!(*sk.to_bytes(), *mnemonic.signing_key(index).to_bytes());
        }
    }

    #[test]
    fn new_mnemonic_store_and_voluntary_exit() {
        let f = Files::new();
        let cli = Cli::try_parse_from([
            "keys",
            "new-mnemonic",
            "--store",
            &f.path("new.json"),
            "--password-file",
            &f.path("store-pw"),
        ])
        .unwrap();
        let KeysCommand::NewMnemonic(args) = cli.command else {
            unreachable!()
        };
        let mut printed = Vec::new();
        new_mnemonic(&args, &mut printed).unwrap();
        let printed = String::from_utf8(printed).unwrap();
        let m = open_mnemonic_store(Path::new(&f.path("new.json")), "store password").unwrap();
        assert_eq!(m.word_count(), 24);
        // The phrase is printed once, and it is the stored one.
        assert_eq!(printed.matches(m.phrase().as_str()).count(), 1, "{printed}");

        let cli = Cli::try_parse_from([
            "keys",
            "voluntary-exit",
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--network",
            "hoodi",
            "--key-index",
            "0",
            "--validator-index",
            "1234",
            "--epoch",
            "5678",
        ])
        .unwrap();
        let KeysCommand::VoluntaryExit(args) = cli.command else {
            unreachable!()
        };
        let json: keygen::wire::SignedVoluntaryExitJson =
            serde_json::from_str(&voluntary_exit_json(&args).unwrap()).unwrap();
        assert_eq!(json.message.epoch, "5678");
        assert_eq!(json.message.validator_index, "1234");
        // Deterministic BLS: the CLI's output is the library's exit for the hoodi domain.
        let sk = Mnemonic::parse(ABOUT).unwrap().signing_key(0);
        let hoodi = Network::by_name("hoodi").unwrap();
        let exit = sign_voluntary_exit(&sk, 5678, 1234, &hoodi);
        assert_eq!(json, exit.to_json());
        assert!(exit.verify(&sk.public_key(), &hoodi));
        let mainnet = sign_voluntary_exit(&sk, 5678, 1234, &Network::by_name("mainnet").unwrap());
        assert_ne!(json.signature, mainnet.to_json().signature);
    }

    #[test]
    fn short_store_password_is_refused() {
        let f = Files::new();
        keygen::write_secret_file(f.path("short").as_ref(), "short".as_bytes()).unwrap();
        let err = keys(&[
            "import-mnemonic",
            "--store",
            &f.path("s.json"),
            "--mnemonic-file",
            &f.path("mnemonic.txt"),
            "--password-file",
            &f.path("short"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                err,
                CliError::PasswordTooShort {
                    what: "mnemonic store password",
                    min: 8
                }
            ),
            "{err:?}"
        );
        assert!(!f.dir.path().join("s.json").exists());
    }
}
