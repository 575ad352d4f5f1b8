//! `devnet demo --router BIN`: the router daemon end to end on the devnet. Starts the stack (a
//! chain with a one-second block time), has users fund StaFi's pool for several validators,
//! starts `stafi-router run` on the generated configuration, votes MATCH as StaFi's oracles when
//! keys are deposited, and shows each validator's way from uninitial to registered in a funded
//! ETH cluster. Then StaFi's oracles eject validator #0: the router waits out the
//! shard-committee period, signs and POSTs its voluntary exit, tells SSV, and removes it from its
//! cluster once the beacon chain has it exited. Ends with `stafi-router status` and a summary;
//! fails if a validator gets stuck.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use alloy::primitives::{Address, Bytes, U256};
use devnet::stack::Stack;
use devnet::{Devnet, DevnetError};

const ETH: u128 = 1_000_000_000_000_000_000;
/// StaFi's super-node pubkey statuses (StafiSuperNode.sol).
const STATUS_NAMES: [&str; 5] = ["uninitial", "deposited", "match", "staked", "unmatch"];

/// Why the demo failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Devnet(#[from] DevnetError),
    #[error("cannot start {}: {source}", path.display())]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("stafi-router exited early ({status}); its output is above")]
    RouterExited { status: ExitStatus },
    #[error("stafi-router status failed ({status}): {stderr}")]
    Status { status: ExitStatus, stderr: String },
    #[error("after {secs} s these validators are not registered: {stuck}")]
    Stuck { secs: u64, stuck: String },
    #[error("the SSV fee recipient is {found:?}, not StaFi's super-node fee pool {expected}")]
    FeeRecipient {
        found: Option<String>,
        expected: Address,
    },
    #[error("reading the chain failed: {0}")]
    Read(String),
}

/// The demo's options.
pub struct DemoOptions {
    pub router: PathBuf,
    pub dir: PathBuf,
    pub validators: u32,
    pub timeout: Duration,
    /// How long the router keeps running once every validator is done, for a look at its
    /// metrics (`scripts/dashboard-picture.sh` scrapes them meanwhile).
    pub hold: Duration,
}

struct Key {
    index: u32,
    pubkey: Bytes,
    status: u8,
    registered: bool,
    /// Blocks when each state was first seen: deposited, staked, registered.
    seen: [Option<u64>; 3],
}

/// Trigger → mined, in blocks, per step.
#[derive(Default)]
struct Latency {
    deposit: Vec<u64>,
    stake: Vec<u64>,
    register: Vec<u64>,
}

fn step(text: &str) {
    println!("\n==> {text}");
}

fn short(pk: &Bytes) -> String {
    let hex = format!("{pk:#x}");
    format!("{}…{}", &hex[..10], &hex[hex.len() - 6..])
}

/// Stops the router with SIGTERM (it finishes the pass in progress) when dropped.
struct RouterProcess(Child, Arc<AtomicBool>);

impl Drop for RouterProcess {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(30);
            while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn_router(bin: &Path, config: &Path) -> Result<RouterProcess, DemoError> {
    let mut child = Command::new(bin)
        .args(["run", "--config"])
        .arg(config)
        .env("STAFI_ROUTER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| DemoError::Spawn {
            path: bin.to_owned(),
            source,
        })?;
    // The daemon's output, indented under the demo's own.
    let running = Arc::new(AtomicBool::new(false));
    if let Some(out) = child.stdout.take() {
        let running = running.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                println!("    router │ {line}");
                if line.starts_with("stafi-router running") {
                    running.store(true, Ordering::SeqCst);
                }
            }
        });
    }
    if let Some(err) = child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                println!("    router ! {line}");
            }
        });
    }
    Ok(RouterProcess(child, running))
}

fn read<T>(what: &str, r: Result<T, alloy::contract::Error>) -> Result<T, DemoError> {
    r.map_err(|e| DemoError::Read(format!("{what}: {e}")))
}

pub async fn run(opts: &DemoOptions) -> Result<(), DemoError> {
    let n = opts.validators;
    step(
        "devnet: anvil on 127.0.0.1 with StaFi's and SSV v2's contracts (doubles), a fake beacon node and SSV API",
    );
    let stack = Stack::start(
        Devnet::builder().pool_funding(U256::ZERO),
        &opts.dir,
        keygen::Kdf::DEFAULT,
    )
    .await?;
    let d = &stack.devnet;
    d.set_block_time(1).await?;
    println!("  execution RPC  {}", d.endpoint_url());
    println!("  beacon API     {}", stack.beacon.url());
    println!("  SSV API        {}", stack.ssv_api.network_url());
    println!("  config         {}", stack.files.config.display());

    let seed = stack.mnemonic.to_seed("");
    let mut keys: Vec<Key> = (0..n)
        .map(|index| Key {
            index,
            pubkey: Bytes::copy_from_slice(seed.signing_key(index).public_key().as_bytes()),
            status: 0,
            registered: false,
            seen: [None; 3],
        })
        .collect();

    step(&format!(
        "stafi-router run --config {}",
        stack.files.config.display()
    ));
    let mut router = spawn_router(&opts.router, &stack.files.config)?;
    let started = Instant::now();
    while !router.1.load(Ordering::SeqCst) {
        if let Ok(Some(status)) = router.0.try_wait() {
            return Err(DemoError::RouterExited { status });
        }
        if started.elapsed() > opts.timeout {
            return Err(DemoError::Stuck {
                secs: opts.timeout.as_secs(),
                stuck: "the router never started".into(),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Its first pass sets the fee recipient; then the pool fills.
    tokio::time::sleep(Duration::from_secs(3)).await;

    step(&format!(
        "users deposit {} ETH into StaFi's pool ({n} validators' worth)",
        32 * n
    ));
    let funded_at = d.fund_pool(U256::from(u128::from(n) * 32 * ETH)).await?;
    println!("  pool funded in block {funded_at}");

    let owner = d.accounts.ssv_owner;
    let sn = d.super_node();
    let views = d.ssv_views();
    let mut latency = Latency::default();
    let mut voted_at: Option<u64> = None;
    let mut votes_pending: Vec<usize> = Vec::new();
    loop {
        if let Ok(Some(status)) = router.0.try_wait() {
            return Err(DemoError::RouterExited { status });
        }
        // Every read pinned to one block: a state first seen at `block` was mined in it.
        let block = d.block_number().await?;
        let at = alloy::eips::BlockId::number(block);
        for (i, k) in keys.iter_mut().enumerate() {
            let status = read(
                "getSuperNodePubkeyStatus",
                sn.getSuperNodePubkeyStatus(k.pubkey.clone())
                    .block(at)
                    .call()
                    .await,
            )?;
            let status = u8::try_from(status).unwrap_or(u8::MAX);
            // SSVNetworkViews.getValidator reverts (ValidatorDoesNotExist) for an unknown key.
            let registered = match views
                .getValidator(owner, k.pubkey.clone())
                .block(at)
                .call()
                .await
            {
                Ok(active) => active,
                Err(e) if e.as_revert_data().is_some() => false,
                Err(e) => return Err(DemoError::Read(format!("getValidator: {e}"))),
            };
            if status != k.status {
                let name = |s: u8| STATUS_NAMES.get(usize::from(s)).copied().unwrap_or("?");
                println!(
                    "  validator #{} {}  {} → {}  (block {block})",
                    k.index,
                    short(&k.pubkey),
                    name(k.status),
                    name(status)
                );
                if status == 1 && k.seen[0].is_none() {
                    k.seen[0] = Some(block);
                    latency.deposit.push(block.saturating_sub(funded_at));
                    votes_pending.push(i);
                }
                if status == 3 && k.seen[1].is_none() {
                    k.seen[1] = Some(block);
                    if let Some(v) = voted_at {
                        latency.stake.push(block.saturating_sub(v));
                    }
                }
                k.status = status;
            }
            if registered && !k.registered {
                println!(
                    "  validator #{} {}  registered on SSV  (block {block})",
                    k.index,
                    short(&k.pubkey)
                );
                k.registered = true;
                k.seen[2] = Some(block);
                if let Some(s) = k.seen[1] {
                    latency.register.push(block.saturating_sub(s));
                }
            }
        }
        if !votes_pending.is_empty() {
            let pubkeys: Vec<Bytes> = votes_pending
                .iter()
                .map(|&i| keys[i].pubkey.clone())
                .collect();
            println!(
                "  StaFi's oracles vote MATCH for {} deposited key(s)",
                pubkeys.len()
            );
            let from = d.block_number().await?;
            let last = d.vote_withdraw_credentials(&pubkeys, true).await?;
            // The trigger is the block whose vote reached the threshold (MATCH), not the last.
            let mut decided = last;
            for b in from..=last {
                let s = read(
                    "getSuperNodePubkeyStatus",
                    sn.getSuperNodePubkeyStatus(pubkeys[0].clone())
                        .block(alloy::eips::BlockId::number(b))
                        .call()
                        .await,
                )?;
                if s == U256::from(2) || s == U256::from(3) {
                    decided = b;
                    break;
                }
            }
            voted_at = Some(decided);
            votes_pending.clear();
        }
        if keys.iter().all(|k| k.registered) {
            break;
        }
        if started.elapsed() > opts.timeout {
            let stuck: Vec<String> = keys
                .iter()
                .filter(|k| !k.registered)
                .map(|k| {
                    format!(
                        "#{} ({})",
                        k.index,
                        STATUS_NAMES
                            .get(usize::from(k.status))
                            .copied()
                            .unwrap_or("?")
                    )
                })
                .collect();
            return Err(DemoError::Stuck {
                secs: opts.timeout.as_secs(),
                stuck: stuck.join(", "),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    step(
        "StaFi's oracles eject validator #0 (Withdraw.notifyValidatorExit), as they do to pay unstakers",
    );
    let exit = eject_and_follow(&stack, &mut router, &keys[0], started, opts.timeout).await?;
    let took = started.elapsed();
    if !opts.hold.is_zero() {
        step(&format!(
            "the router keeps running for {} s: its metrics are at the address it printed above",
            opts.hold.as_secs()
        ));
        tokio::time::sleep(opts.hold).await;
        if let Ok(Some(status)) = router.0.try_wait() {
            return Err(DemoError::RouterExited { status });
        }
    }

    step(
        "every validator is registered and the ejected one offboarded; stopping the router (SIGTERM: it finishes its pass)",
    );
    drop(router);

    step("stafi-router status");
    let status = |json: bool| {
        let mut cmd = Command::new(&opts.router);
        cmd.args(["status", "--config"])
            .arg(&stack.files.config)
            .env("STAFI_ROUTER_LOG", "warn");
        if json {
            cmd.arg("--json");
        }
        cmd.output().map_err(|source| DemoError::Spawn {
            path: opts.router.clone(),
            source,
        })
    };
    let table = status(false)?;
    if !table.status.success() {
        return Err(DemoError::Status {
            status: table.status,
            stderr: String::from_utf8_lossy(&table.stderr).into_owned(),
        });
    }
    print!("{}", String::from_utf8_lossy(&table.stdout));
    let json = status(true)?;
    let report: serde_json::Value = serde_json::from_slice(&json.stdout)
        .map_err(|e| DemoError::Read(format!("stafi-router status --json: {e}")))?;
    let fee_pool = d.addresses.super_node_fee_pool;
    let found = report["fee_recipient"].as_str().map(str::to_owned);
    if !found
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case(&fee_pool.to_string()))
    {
        return Err(DemoError::FeeRecipient {
            found,
            expected: fee_pool,
        });
    }

    step("summary");
    let clusters = report["clusters"].as_array().map_or(0, Vec::len);
    println!(
        "  {n} validator(s) deposited, voted, staked and registered in {clusters} funded ETH cluster(s), one ejected and offboarded, in {:.0} s",
        took.as_secs_f64()
    );
    println!("  fee recipient: StaFi's super-node fee pool {fee_pool}");
    let worst = |v: &[u64]| v.iter().max().map_or("-".to_owned(), u64::to_string);
    println!(
        "  blocks from trigger to mined (worst): deposit {} (pool funded), stake {} (oracle vote), registration {} (staked)",
        worst(&latency.deposit),
        worst(&latency.stake),
        worst(&latency.register)
    );
    println!(
        "  ejection of validator #0 (beacon index {}): ejected in block {} (exit possible from block {}), exit accepted in block {} ({} block(s) after the ejection), exited in block {}, removed from SSV in block {} ({} block(s) after the exit)",
        exit.index,
        exit.ejected,
        exit.eligible,
        exit.accepted,
        exit.accepted
            .saturating_sub(exit.ejected.max(exit.eligible)),
        exit.exited,
        exit.removed,
        exit.removed.saturating_sub(exit.exited)
    );
    println!("  outputs in {}", opts.dir.display());
    Ok(())
}

/// Blocks of one validator's way out.
struct ExitTimeline {
    index: u64,
    ejected: u64,
    /// First block of the epoch from which the exit is valid (activation + SHARD_COMMITTEE_PERIOD).
    eligible: u64,
    /// The exit was accepted (the validator reads `active_exiting`).
    accepted: u64,
    exited: u64,
    removed: u64,
}

/// Ejects `key` as StaFi's oracles would and follows it until the router has exited it on the
/// beacon chain and removed it from SSV.
async fn eject_and_follow(
    stack: &Stack,
    router: &mut RouterProcess,
    key: &Key,
    started: Instant,
    timeout: Duration,
) -> Result<ExitTimeline, DemoError> {
    let d = &stack.devnet;
    let beacon = &stack.beacon;
    // StaFi ejects validators that have run for a while: wait until this one may exit
    // (activation + SHARD_COMMITTEE_PERIOD), so the blocks from ejection to exit are the router's.
    let mut v = beacon.validator(&key.pubkey).await?.ok_or_else(|| {
        DemoError::Read(format!(
            "validator #{} is not on the beacon chain",
            key.index
        ))
    })?;
    while v.activation_epoch == devnet::FAR_FUTURE_EPOCH
        || d.block_number().await?
            < (v.activation_epoch + beacon.shard_committee_period()) * beacon.slots_per_epoch()
    {
        if started.elapsed() > timeout {
            return Err(DemoError::Stuck {
                secs: timeout.as_secs(),
                stuck: format!("#{} (never old enough to exit: {})", key.index, v.status),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        v = beacon.validator(&key.pubkey).await?.unwrap_or(v);
    }
    println!(
        "  validator #{} (beacon index {}) active since epoch {}: it may exit now",
        key.index, v.index, v.activation_epoch
    );
    let cycle = d.eject_validators(&[v.index]).await?;
    let ejected = d.block_number().await?;
    println!(
        "  validator #{} (beacon index {}) ejected for withdraw cycle {cycle} in block {ejected}",
        key.index, v.index
    );
    let views = d.ssv_views();
    let owner = d.accounts.ssv_owner;
    let mut status = v.status.clone();
    let mut t = ExitTimeline {
        index: v.index,
        ejected,
        eligible: 0,
        accepted: 0,
        exited: 0,
        removed: 0,
    };
    loop {
        if let Ok(Some(code)) = router.0.try_wait() {
            return Err(DemoError::RouterExited { status: code });
        }
        let block = d.block_number().await?;
        if let Some(now) = beacon.validator(&key.pubkey).await? {
            t.eligible =
                (now.activation_epoch + beacon.shard_committee_period()) * beacon.slots_per_epoch();
            if now.status != status {
                println!(
                    "  validator #{} on the beacon chain: {status} → {}  (block {block})",
                    key.index, now.status
                );
                if now.status == "active_exiting" && t.accepted == 0 {
                    t.accepted = block;
                }
                if now.status.starts_with("exited") && t.exited == 0 {
                    t.exited = block;
                }
                status = now.status;
            }
        }
        if t.exited > 0 {
            let on_ssv = match views
                .getValidator(owner, key.pubkey.clone())
                .block(alloy::eips::BlockId::number(block))
                .call()
                .await
            {
                Ok(active) => active,
                Err(e) if e.as_revert_data().is_some() => false,
                Err(e) => return Err(DemoError::Read(format!("getValidator: {e}"))),
            };
            if !on_ssv {
                println!(
                    "  validator #{} removed from SSV  (block {block})",
                    key.index
                );
                t.removed = block;
                return Ok(t);
            }
        }
        if started.elapsed() > timeout {
            return Err(DemoError::Stuck {
                secs: timeout.as_secs(),
                stuck: format!("#{} (ejected, beacon status {status})", key.index),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
