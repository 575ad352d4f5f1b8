//! What `status`, `config check` and (later) `run` share: loading the configuration (file,
//! environment, `--set`), opening the accounts and the node, and syncing with a progress bar.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use router::{Accounts, Config, Identity, Node, Settings};

use crate::error::CliError;
use crate::io::{Prompter, Terminal};

/// `--config` and `--set`, for every command that reads the router's configuration.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The router's configuration file.
    #[arg(long, env = "STAFI_ROUTER_CONFIG", default_value = "stafi-router.toml")]
    pub config: PathBuf,
    /// Override a key: `--set execution.confirmations=4` (repeatable; wins over the
    /// environment's STAFI_ROUTER_<SECTION>_<KEY>).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_set)]
    pub set: Vec<(String, String)>,
}

fn parse_set(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
}

impl ConfigArgs {
    /// The validated settings.
    pub fn settings(&self) -> Result<Settings, CliError> {
        Ok(Config::load(&self.config, std::env::vars(), &self.set)?)
    }
}

/// The environment, as the router library reads it.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A hidden terminal prompt, offered only when standard input is a terminal.
pub fn prompt(text: &str) -> std::io::Result<String> {
    let mut t = Terminal;
    if !t.is_interactive() {
        return Err(std::io::Error::other("no terminal"));
    }
    t.read_hidden(text).map(|s| s.to_string())
}

/// The prompt to pass to the library: `Some` only with a terminal.
pub fn terminal_prompt() -> router::Prompt<'static> {
    if std::io::stdin().is_terminal() {
        Some(&prompt)
    } else {
        None
    }
}

/// Decrypts the accounts and opens the node.
pub async fn open(settings: Settings) -> Result<(Node, Accounts), CliError> {
    let accounts = Accounts::open(&settings.config.accounts, &env, terminal_prompt())?;
    let identity = Identity {
        super_node: accounts.super_node_address(),
        ssv_owner: accounts.ssv_owner_address(),
    };
    Ok((Node::open(settings, identity).await?, accounts))
}

/// The SSV sync's progress bar: on a terminal only (hidden otherwise, so logs stay clean).
pub fn sync_bar() -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("syncing SSV logs {bar:40} block {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Syncs the SSV index, with a progress bar on a terminal when there is much to do.
pub async fn sync(node: &mut Node) -> Result<router_sync::SyncReport, CliError> {
    let bar = sync_bar();
    let report = node
        .sync(|p| {
            bar.set_length(p.target);
            bar.set_position(p.at);
        })
        .await?;
    bar.finish_and_clear();
    Ok(report)
}

use ssv_sync as router_sync;
