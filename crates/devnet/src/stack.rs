//! Everything a router needs on one machine, for tests and the demo: the devnet (anvil with the
//! doubles), a fake beacon node and a fake SSV API following it, and a directory holding the
//! router's keystores, mnemonic store, password files and a `stafi-router.toml` for all of it.

use std::path::{Path, PathBuf};

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use keygen::{Kdf, Mnemonic, MnemonicStore};

use crate::{Devnet, DevnetBuilder, DevnetError, FakeBeacon, FakeSsvApi, devnet_operators};

/// Password of every secret the stack writes (a devnet's, never a real one).
pub const STACK_PASSWORD: &str = "devnet-password";

/// Where [`Stack`] writes files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackFiles {
    /// The directory everything is written in.
    pub dir: PathBuf,
    /// `<dir>/stafi-router.toml`, the router configuration for this stack.
    pub config: PathBuf,
    /// `<dir>/keys/super-node.json`, the encrypted keystore of the StaFi super-node account.
    pub super_node_keystore: PathBuf,
    /// `<dir>/keys/ssv-owner.json`, the encrypted keystore of the SSV cluster owner account.
    pub ssv_owner_keystore: PathBuf,
    /// `<dir>/keys/mnemonic.json`, the encrypted store of the validator mnemonic.
    pub mnemonic_store: PathBuf,
    /// `<dir>/keys/password`, holding [`STACK_PASSWORD`] for every secret above.
    pub password_file: PathBuf,
    /// `<dir>/data`, the router's `data_dir` (not created here).
    pub data_dir: PathBuf,
}

/// A running devnet with its fakes and a router configuration for them.
#[derive(Debug)]
pub struct Stack {
    /// The chain: anvil with the doubles deployed and seeded.
    pub devnet: Devnet,
    /// The fake beacon node following the devnet.
    pub beacon: FakeBeacon,
    /// The fake SSV API serving the devnet's operators and clusters.
    pub ssv_api: FakeSsvApi,
    /// The files written for the router.
    pub files: StackFiles,
    /// The validator mnemonic the store holds (tests derive keys from it).
    pub mnemonic: Mnemonic,
}

impl Stack {
    /// Starts everything and writes the files into `dir` (created; existing files are refused).
    /// `kdf` encrypts the mnemonic store (tests use a cheap one; the demo the default).
    pub async fn start(builder: DevnetBuilder, dir: &Path, kdf: Kdf) -> Result<Self, DevnetError> {
        let mnemonic = Mnemonic::generate().map_err(|source| DevnetError::Keygen { source })?;
        Self::start_with_mnemonic(builder, dir, kdf, &mnemonic).await
    }

    /// [`start`](Self::start) with a given validator mnemonic: the same chain and the same keys
    /// on every run (tests that compare output with an expectation file).
    pub async fn start_with_mnemonic(
        builder: DevnetBuilder,
        dir: &Path,
        kdf: Kdf,
        mnemonic: &Mnemonic,
    ) -> Result<Self, DevnetError> {
        let devnet = builder.spawn().await?;
        let beacon = FakeBeacon::devnet_builder(&devnet).spawn().await?;
        let ssv_api = FakeSsvApi::devnet_builder(&devnet)
            .operators(devnet_operators(&devnet))
            .spawn()
            .await?;
        let files = write_files(&devnet, &beacon, &ssv_api, dir, kdf, mnemonic)?;
        let mnemonic = keygen::open_mnemonic_store(&files.mnemonic_store, STACK_PASSWORD)
            .map_err(|source| DevnetError::Keygen { source })?;
        Ok(Self {
            devnet,
            beacon,
            ssv_api,
            files,
            mnemonic,
        })
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DevnetError + '_ {
    move |source| DevnetError::Io {
        path: path.to_owned(),
        source,
    }
}

fn write_files(
    devnet: &Devnet,
    beacon: &FakeBeacon,
    ssv_api: &FakeSsvApi,
    dir: &Path,
    kdf: Kdf,
    mnemonic: &Mnemonic,
) -> Result<StackFiles, DevnetError> {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).map_err(io(&keys))?;
    let password_file = keys.join("password");
    write_new(&password_file, STACK_PASSWORD.as_bytes())?;
    let account = |name: &str, address: Address| -> Result<PathBuf, DevnetError> {
        let signer: PrivateKeySigner =
            devnet.signer(address).ok_or(DevnetError::TooFewAccounts {
                found: 0,
                needed: 1,
            })?;
        let path = keys.join(format!("{name}.json"));
        if path.exists() {
            return Err(DevnetError::Io {
                path,
                source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            });
        }
        let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
        PrivateKeySigner::encrypt_keystore(
            &keys,
            &mut rng,
            signer.to_bytes(),
            STACK_PASSWORD,
            Some(&format!("{name}.json")),
        )
        .map_err(|e| DevnetError::Keystore {
            path: path.clone(),
            message: e.to_string(),
        })?;
        // The router refuses secret files others may read; alloy writes with the umask's mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(io(&path))?;
        }
        Ok(path)
    };
    let super_node_keystore = account("super-node", devnet.accounts.super_node)?;
    let ssv_owner_keystore = account("ssv-owner", devnet.accounts.ssv_owner)?;
    let store = MnemonicStore::encrypt(mnemonic, STACK_PASSWORD, kdf)
        .map_err(|source| DevnetError::Keygen { source })?;
    let mnemonic_store = keys.join("mnemonic.json");
    write_new(&mnemonic_store, store.to_json().as_bytes())?;

    let n = beacon.network();
    let config = dir.join("stafi-router.toml");
    let data_dir = dir.join("data");
    let text = format!(
        r#"# stafi-router configuration for the local devnet (written by `devnet up`).
data_dir = "data"

[network.custom]
name = "{name}"
chain_id = {chain_id}
genesis_fork_version = "0x{gfv}"
capella_fork_version = "0x{cfv}"
genesis_validators_root = "0x{gvr}"
ssv_network = "{ssv_network}"
ssv_network_views = "{ssv_views}"
ssv_token = "{ssv_token}"
ssv_deployment_block = 0
ssv_api_network = "{api_network}"

[execution]
rpc_urls = ["{rpc}"]
confirmations = 0
log_window = 10000

[beacon]
urls = ["{beacon}"]

[ssv_api]
url = "{api}"

[contracts]
stafi_storage = "{storage}"

[accounts]
super_node_keystore = "keys/super-node.json"
super_node_password_file = "keys/password"
ssv_owner_keystore = "keys/ssv-owner.json"
ssv_owner_password_file = "keys/password"
mnemonic_store = "keys/mnemonic.json"
mnemonic_password_file = "keys/password"

[pass]
# The devnet mines on every transaction (tests) or once a second (`devnet up`, the demo): check
# often, pass at least every 2 s.
interval_secs = 1
max_idle_secs = 2

[metrics]
listen = "127.0.0.1:0"
"#,
        name = n.name,
        chain_id = n.chain_id,
        gfv = alloy::hex::encode(n.genesis_fork_version),
        cfv = alloy::hex::encode(n.capella_fork_version),
        gvr = alloy::hex::encode(n.genesis_validators_root),
        ssv_network = devnet.addresses.ssv_network,
        ssv_views = devnet.addresses.ssv_network_views,
        ssv_token = devnet.addresses.ssv_token,
        api_network = ssv_api.network(),
        rpc = devnet.endpoint_url(),
        beacon = beacon.url(),
        api = ssv_api.network_url(),
        storage = devnet.addresses.stafi_storage,
    );
    write_new(&config, text.as_bytes())?;
    Ok(StackFiles {
        dir: dir.to_owned(),
        config,
        super_node_keystore,
        ssv_owner_keystore,
        mnemonic_store,
        password_file,
        data_dir,
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), DevnetError> {
    keygen::write_secret_file(path, bytes).map_err(|source| DevnetError::Keygen { source })
}
