//! `devnet up [--dir DIR] [--pool-eth N]`: starts anvil with the StaFi and SSV doubles, a fake
//! beacon node and a fake SSV API on 127.0.0.1, writes a `stafi-router.toml` (with keystores, a
//! mnemonic store and password files) into DIR (default `devnet-out`), prints where everything
//! is and runs until interrupted. For tests and the demo only.

use std::path::PathBuf;
use std::process::ExitCode;

use alloy::primitives::U256;
use devnet::Devnet;
use devnet::stack::Stack;

const USAGE: &str = "usage: devnet up [--dir DIR] [--pool-eth N]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("up") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut dir = PathBuf::from("devnet-out");
    let mut pool_eth: u64 = 320;
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--dir", Some(v)) => dir = PathBuf::from(v),
            ("--pool-eth", Some(v)) => match v.parse() {
                Ok(n) => pool_eth = n,
                Err(e) => {
                    eprintln!("--pool-eth {v:?}: {e}\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("unexpected argument {flag:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let builder = Devnet::builder()
            .pool_funding(U256::from(pool_eth) * U256::from(10u64).pow(U256::from(18)));
        let stack = match Stack::start(builder, &dir, keygen::Kdf::DEFAULT).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("devnet up");
        println!("  execution RPC   {}", stack.devnet.endpoint_url());
        println!("  beacon API      {}", stack.beacon.url());
        println!("  SSV API         {}", stack.ssv_api.network_url());
        println!("  StafiStorage    {}", stack.devnet.addresses.stafi_storage);
        println!("  SSVNetwork      {}", stack.devnet.addresses.ssv_network);
        println!("  config          {}", stack.files.config.display());
        println!("press Ctrl-C to stop");
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
