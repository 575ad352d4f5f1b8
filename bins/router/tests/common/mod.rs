//! What the binary's devnet tests share: a stack with a funded pool, and a one-shot command.
#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{Bytes, U256};
use devnet::Devnet;
use devnet::stack::Stack;

pub const ETH: u128 = 1_000_000_000_000_000_000;

/// The devnet stack with `pool_eth` in StaFi's pool (a cheap KDF for the mnemonic store).
pub async fn stack(dir: &Path, pool_eth: u128) -> Stack {
    Stack::start(
        Devnet::builder().pool_funding(U256::from(pool_eth * ETH)),
        dir,
        keygen::Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .unwrap()
}

/// `stafi-router <args> --config <stack's config>` with `log` as the log filter, which must
/// succeed.
pub fn ok(stack: &Stack, args: &[&str], log: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stafi-router"));
    cmd.args(args).arg("--config").arg(&stack.files.config);
    succeeds(cmd, args, log)
}

/// Runs `cmd` (`stafi-router <args>…`) without `STAFI_ROUTER_CONFIG` and with `log` as the log
/// filter; it must succeed.
pub fn succeeds(mut cmd: Command, args: &[&str], log: &str) -> Output {
    let out = cmd
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stafi-router {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The pubkeys of the stack's first `n` validator keys.
pub fn keys(stack: &Stack, n: u32) -> Vec<Bytes> {
    let seed = stack.mnemonic.to_seed("");
    (0..n)
        .map(|i| Bytes::copy_from_slice(seed.signing_key(i).public_key().as_bytes()))
        .collect()
}

/// How many of `keys` SSVNetwork has registered for the SSV owner.
pub async fn registered(stack: &Stack, keys: &[Bytes]) -> usize {
    let views = stack.devnet.ssv_views();
    let mut n = 0;
    for k in keys {
        if views
            .getValidator(stack.devnet.accounts.ssv_owner, k.clone())
            .call()
            .await
            .unwrap_or(false)
        {
            n += 1;
        }
    }
    n
}

/// Votes MATCH for deposited keys, as StaFi's oracles, until every one of `keys` is registered
/// on SSV; panics after `limit`.
pub async fn until_registered(stack: &Stack, keys: &[Bytes], limit: Duration) {
    let started = Instant::now();
    while registered(stack, keys).await < keys.len() {
        assert!(started.elapsed() < limit, "not registered after {limit:?}");
        stack.devnet.vote_deposited().await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits (two minutes at most) until `n` keys are deposited on the super node, while `daemon`
/// runs.
pub async fn until_deposited(stack: &Stack, n: usize, daemon: &mut Daemon, context: &str) {
    let started = Instant::now();
    loop {
        let deposited = stack
            .devnet
            .super_node_keys()
            .await
            .unwrap()
            .iter()
            .filter(|(_, s)| *s >= 1)
            .count();
        if deposited >= n {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "{context}: {deposited} of {n} keys deposited"
        );
        daemon.assert_running(context);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Nothing went twice: each of `keys` deposited and staked once (1 + 31 ETH), registered once,
/// with one owner nonce each, and one fee recipient written.
pub async fn assert_each_once(stack: &Stack, keys: &[Bytes]) {
    use stafi_contracts::deposit_contract::DepositContract::DepositEvent;
    use stafi_contracts::ssv_network::SSVNetwork;
    let d = &stack.devnet;
    let ssv = d.addresses.ssv_network;
    assert_eq!(
        d.super_node_keys().await.unwrap(),
        keys.iter().map(|k| (k.clone(), 3)).collect::<Vec<_>>(),
        "each key deposited and staked once"
    );
    let deposits = d
        .events::<DepositEvent>(d.addresses.deposit_contract)
        .await
        .unwrap();
    assert_eq!(deposits.len(), 2 * keys.len(), "beacon deposits");
    let mut added: Vec<Bytes> = d
        .events::<SSVNetwork::ValidatorAdded>(ssv)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.publicKey)
        .collect();
    added.sort();
    let mut want = keys.to_vec();
    want.sort();
    assert_eq!(added, want, "registrations");
    assert_eq!(
        d.owner_nonce(d.accounts.ssv_owner).await.unwrap(),
        keys.len() as u64
    );
    assert_eq!(
        d.events::<SSVNetwork::FeeRecipientAddressUpdated>(ssv)
            .await
            .unwrap()
            .len(),
        1,
        "fee recipient"
    );
}

/// `stafi-router run` in the background, its stderr read line by line.
pub struct Daemon {
    pub child: Child,
    /// The failpoint the router stands at (`<stage> <kind> reached`), taken by the test.
    pub stopped_at: Arc<Mutex<Option<String>>>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Daemon {
    /// Starts `stafi-router run` on the stack's configuration with `env` added and each of
    /// `set` as a `--set` override.
    pub fn start(stack: &Stack, env: &[(&str, &str)], set: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stafi-router"));
        cmd.args(["run", "--config"])
            .arg(&stack.files.config)
            .env_remove("STAFI_ROUTER_CONFIG")
            .env("STAFI_ROUTER_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for s in set {
            cmd.args(["--set", s]);
        }
        let mut child = cmd.spawn().expect("the binary runs");
        let stopped_at: Arc<Mutex<Option<String>>> = Arc::default();
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let err = child.stderr.take().unwrap();
        let (seen, all) = (stopped_at.clone(), lines.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("FAILPOINT ") {
                    *seen.lock().unwrap() = Some(rest.to_owned());
                }
                all.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            stopped_at,
            lines,
        }
    }

    /// What it wrote to stderr so far.
    pub fn said(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Panics, with what it said, when it has exited.
    pub fn assert_running(&mut self, context: &str) {
        if let Ok(Some(status)) = self.child.try_wait() {
            std::thread::sleep(Duration::from_millis(200));
            panic!("{context}: the router exited ({status}): {}", self.said());
        }
    }

    /// Sends `signal` (`-KILL`, `-TERM`) and waits for the process to end (SIGKILL after 30 s).
    pub fn kill(&mut self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The stack router's store (the router must not be running).
pub fn open_store(stack: &Stack) -> router::Store {
    let settings = router::Config::load(&stack.files.config, std::iter::empty(), &[]).unwrap();
    router::Store::open(
        &settings.config.data_dir,
        &router::StoreIdentity {
            chain_id: settings.profile.chain_id(),
            ssv_network: settings.ssv_network,
            ssv_owner: stack.devnet.accounts.ssv_owner,
            super_node: stack.devnet.accounts.super_node,
        },
    )
    .unwrap()
}

/// Every intent of the store is closed and no write was mined twice; the intents.
pub fn assert_intents_closed(stack: &Stack, context: &str) -> Vec<router::IntentRecord> {
    let store = open_store(stack);
    assert!(store.open_intents().unwrap().is_empty(), "{context}");
    let intents = store.intents().unwrap();
    let mut mined: Vec<(String, Vec<u64>, Option<Vec<u64>>)> = intents
        .iter()
        .filter(|r| matches!(r.state, router::IntentState::Mined { success: true, .. }))
        .map(|r| {
            (
                r.intent.kind.label().to_owned(),
                r.intent.key_indices.clone(),
                r.intent.cluster.clone(),
            )
        })
        .collect();
    let n = mined.len();
    mined.sort();
    mined.dedup();
    assert_eq!(
        mined.len(),
        n,
        "{context}: a write mined twice: {intents:#?}"
    );
    intents
}

/// Nothing wrong was sent: every transaction of the super-node and SSV-owner accounts on the
/// chain succeeded; their number.
pub async fn assert_no_failed_transaction(stack: &Stack) -> usize {
    use alloy::consensus::Transaction as _;
    use alloy::network::TransactionResponse as _;
    use alloy::providers::Provider;
    let d = &stack.devnet;
    let ours = [d.accounts.super_node, d.accounts.ssv_owner];
    let head = d.block_number().await.unwrap();
    let mut n = 0;
    for number in 0..=head {
        let block = d
            .provider()
            .get_block_by_number(number.into())
            .full()
            .await
            .unwrap()
            .unwrap();
        for tx in block.transactions.txns() {
            if !ours.contains(&tx.from()) {
                continue;
            }
            let receipt = d
                .provider()
                .get_transaction_receipt(tx.tx_hash())
                .await
                .unwrap()
                .unwrap();
            assert!(
                receipt.status(),
                "transaction {} (to {:?}, block {number}) reverted",
                tx.tx_hash(),
                tx.to()
            );
            n += 1;
        }
    }
    n
}
