//! The devnet's command line, for tests and the demo only:
//!
//! - `devnet up [--dir DIR] [--pool-eth N]`: starts anvil with the StaFi and SSV doubles, a fake
//!   beacon node and a fake SSV API on 127.0.0.1, writes a `stafi-router.toml` (with keystores, a
//!   mnemonic store and password files) into DIR (default `devnet-out`), prints where everything
//!   is and runs until interrupted. Lines on stdin act as StaFi's oracles and the chain would:
//!   `vote` (MATCH for every deposited key), `eject I…` (`Withdraw.notifyValidatorExit` of beacon
//!   indices), `mine N`, `help`.
//! - `devnet demo --router BIN [--dir DIR] [--validators N] [--timeout-secs S] [--hold-secs S]`:
//!   the router daemon end to end on a fresh devnet (see `demo.rs`).

mod demo;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alloy::primitives::U256;
use devnet::Devnet;
use devnet::stack::Stack;

const USAGE: &str = "usage: devnet up [--dir DIR] [--pool-eth N]\n       \
    devnet demo --router BIN [--dir DIR] [--validators N] [--timeout-secs S] [--hold-secs S]";

const HELP: &str = "\
up     a local chain with StaFi's and SSV v2's contracts (doubles), a fake beacon node and a fake
       SSV API, all on 127.0.0.1; writes DIR/stafi-router.toml with keystores, a mnemonic store,
       its words (DIR/keys/mnemonic.txt, devnet only) and password files. Blocks come every
       second. --dir DIR (default devnet-out), --pool-eth N (StaFi's pool, default 320).
       Commands on stdin: vote (StaFi's oracles vote MATCH for every deposited key),
       eject INDEX... (StaFi ejects these beacon indices), mine N, help.
demo   `make demo`: stafi-router run end to end on a fresh devnet, then status and a summary.
       --router BIN (required), --dir DIR (default demo-out), --validators N (default 4),
       --timeout-secs S (default 300), --hold-secs S (keep the router running at the end).";

/// Parsed flags: `--name value` pairs.
fn flags(args: impl Iterator<Item = String>) -> Result<Vec<(String, String)>, String> {
    let mut args = args.peekable();
    let mut out = Vec::new();
    while let Some(flag) = args.next() {
        let Some(name) = flag.strip_prefix("--") else {
            return Err(format!("unexpected argument {flag:?}"));
        };
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        out.push((name.to_owned(), value));
    }
    Ok(out)
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    v.parse().map_err(|e| format!("--{name} {v:?}: {e}"))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    if matches!(command.as_deref(), None | Some("--help" | "-h" | "help")) {
        println!("{USAGE}\n\n{HELP}");
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = args.collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}\n\n{HELP}");
        return ExitCode::SUCCESS;
    }
    let parsed = match flags(args.into_iter()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command.as_deref() {
        Some("up") => up_options(&parsed).map(|(dir, pool)| runtime.block_on(up(dir, pool))),
        Some("demo") => demo_options(&parsed).map(|opts| {
            runtime.block_on(async {
                match demo::run(&opts).await {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("\ndemo failed: {e}");
                        ExitCode::FAILURE
                    }
                }
            })
        }),
        _ => Err("expected a command: up or demo".to_owned()),
    };
    result.unwrap_or_else(|e| {
        eprintln!("{e}\n{USAGE}");
        ExitCode::from(2)
    })
}

fn up_options(flags: &[(String, String)]) -> Result<(PathBuf, u64), String> {
    let mut dir = PathBuf::from("devnet-out");
    let mut pool_eth: u64 = 320;
    for (name, value) in flags {
        match name.as_str() {
            "dir" => dir = PathBuf::from(value),
            "pool-eth" => pool_eth = number(name, value)?,
            _ => return Err(format!("unknown flag --{name}")),
        }
    }
    Ok((dir, pool_eth))
}

fn demo_options(flags: &[(String, String)]) -> Result<demo::DemoOptions, String> {
    let mut router = None;
    let mut dir = PathBuf::from("demo-out");
    let mut validators = 4;
    let mut timeout = 300;
    let mut hold = 0;
    for (name, value) in flags {
        match name.as_str() {
            "router" => router = Some(PathBuf::from(value)),
            "dir" => dir = PathBuf::from(value),
            "validators" => validators = number(name, value)?,
            "timeout-secs" => timeout = number(name, value)?,
            "hold-secs" => hold = number(name, value)?,
            _ => return Err(format!("unknown flag --{name}")),
        }
    }
    if validators == 0 {
        return Err("--validators must be at least 1".to_owned());
    }
    Ok(demo::DemoOptions {
        router: router.ok_or("--router BIN (the stafi-router binary) is required")?,
        dir,
        validators,
        timeout: Duration::from_secs(timeout),
        hold: Duration::from_secs(hold),
    })
}

async fn up(dir: PathBuf, pool_eth: u64) -> ExitCode {
    let builder = Devnet::builder()
        .pool_funding(U256::from(pool_eth) * U256::from(10u64).pow(U256::from(18)));
    let stack = match Stack::start(builder, &dir, keygen::Kdf::DEFAULT).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = stack.devnet.set_block_time(1).await {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    // The devnet's throwaway words, for trying a restore (`stafi-router keys import-mnemonic`).
    let words = stack.files.mnemonic_store.with_file_name("mnemonic.txt");
    if let Err(e) = keygen::write_secret_file(&words, stack.mnemonic.phrase().as_bytes()) {
        eprintln!("error: {}: {e}", words.display());
        return ExitCode::FAILURE;
    }
    println!("devnet up (a block every second)");
    println!("  execution RPC   {}", stack.devnet.endpoint_url());
    println!("  beacon API      {}", stack.beacon.url());
    println!("  SSV API         {}", stack.ssv_api.network_url());
    println!("  StafiStorage    {}", stack.devnet.addresses.stafi_storage);
    println!("  SSVNetwork      {}", stack.devnet.addresses.ssv_network);
    println!("  config          {}", stack.files.config.display());
    println!(
        "  mnemonic words  {} (devnet only: a real mnemonic is never kept in clear)",
        words.display()
    );
    println!("commands on stdin: vote | eject INDEX… | mine N | help; Ctrl-C stops");
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
            line = lines.recv() => {
                let Some(line) = line else {
                    // stdin closed: keep running until interrupted.
                    let _ = tokio::signal::ctrl_c().await;
                    return ExitCode::SUCCESS;
                };
                match command(&stack, &line).await {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("error: {e}"),
                }
            }
        }
    }
}

/// One stdin command of `devnet up`.
async fn command(stack: &Stack, line: &str) -> Result<String, String> {
    let mut words = line.split_whitespace();
    let d = &stack.devnet;
    match words.next() {
        None => Ok(String::new()),
        Some("vote") => match d.vote_deposited().await.map_err(|e| e.to_string())? {
            0 => Ok("no deposited key waits for a vote".into()),
            n => Ok(format!("voted MATCH for {n} key(s)")),
        },
        Some("eject") => {
            let indices = words
                .map(|w| number::<u64>("eject", w))
                .collect::<Result<Vec<_>, _>>()?;
            if indices.is_empty() {
                return Err("eject needs beacon validator indices".into());
            }
            let cycle = d
                .eject_validators(&indices)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("ejected {indices:?} for withdraw cycle {cycle}"))
        }
        Some("mine") => {
            let n = words.next().map_or(Ok(1), |w| number::<u64>("mine", w))?;
            d.mine(n).await.map_err(|e| e.to_string())?;
            Ok(format!(
                "mined {n} block(s); head {}",
                d.block_number().await.map_err(|e| e.to_string())?
            ))
        }
        Some("help") => Ok("vote | eject INDEX… | mine N".into()),
        Some(other) => Err(format!(
            "unknown command {other:?} (vote | eject INDEX… | mine N)"
        )),
    }
}
