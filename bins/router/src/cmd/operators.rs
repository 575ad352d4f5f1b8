//! `stafi-router operators …`: choose SSV operator committees from the public SSV API.

use std::{fmt::Write as _, path::PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use operator_selection::{
    Address, CommitteeSource, Policy, Selection, SelectionInput, Verdict, select, select_stafi_go,
};
use ssv_api::{OperatorsQuery, SsvApiClient, SsvNetwork};

use crate::error::CliError;
use crate::io::{parse_address, read_text};

const POLICY_HELP: &str = "\
Policy defaults (used when --policy is not given; a policy file overrides only the keys it sets):
  committee_size = 4
  min_performance_30d = 90.0, min_performance_24h = 80.0, require_performance_data = true
  capacity_headroom = 5            (validators + 5 <= the per-operator limit)
  private_when_whitelisted = true  (private operators only if they whitelist --owner)
  verified_only = false, max_fee_per_operator / max_fee_per_committee unset (wei per block)
  [diversity] per_owner = 1, per_setup_provider = 2, per_location = 2, per_el_client = 2
  allow = [], deny = [], pinned = [], reuse_existing_cluster = false
The committee is the cheapest feasible one by total ETH fee (eth_fee), ties to higher 30d
performance, then lower ids. Exits non-zero naming the binding constraint when none exists.";

#[derive(Debug, Args)]
pub struct OperatorsArgs {
    #[command(subcommand)]
    command: OperatorsCommand,
}

#[derive(Debug, Subcommand)]
enum OperatorsCommand {
    /// Choose a committee from the SSV API's operators and explain every choice.
    #[command(after_help = POLICY_HELP)]
    Select(SelectArgs),
}

#[derive(Debug, Args)]
struct SelectArgs {
    /// SSV network: mainnet or hoodi.
    #[arg(long)]
    network: String,
    /// SSV API base URL (default: https://api.ssv.network/api/v4/{network}).
    #[arg(long)]
    api_url: Option<String>,
    /// TOML policy file (see the defaults below).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Committee size: 4, 7, 10 or 13 (overrides the policy's committee_size).
    #[arg(long)]
    size: Option<usize>,
    /// Our cluster owner: private operators must whitelist it; its clusters can be reused.
    #[arg(long, value_parser = parse_address)]
    owner: Option<Address>,
    /// `validatorsPerOperatorLimit` of the SSV contract (3000 on mainnet and hoodi, DIP-37).
    #[arg(long, default_value_t = operator_selection::DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT)]
    validator_limit: u32,
    /// Selection rule: the policy, or the older Go client's rule for comparison.
    #[arg(long, value_enum, default_value_t = Preset::Policy)]
    preset: Preset,
    /// Print JSON (committee, score and every candidate's reason).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Preset {
    /// The policy file (or the defaults).
    Policy,
    /// StaFi's Go client: active, count + 5 <= limit, fee <= upper median, the cheapest 4.
    StafiGo,
}

/// Runs an `operators` subcommand.
pub fn run(args: &OperatorsArgs) -> Result<(), CliError> {
    match &args.command {
        OperatorsCommand::Select(select_args) => run_select(select_args),
    }
}

fn run_select(args: &SelectArgs) -> Result<(), CliError> {
    let network: SsvNetwork = args.network.parse()?;
    let mut policy = match &args.policy {
        Some(path) => {
            Policy::from_toml(&read_text(path)?).map_err(|source| CliError::PolicyFile {
                path: path.clone(),
                source,
            })?
        }
        None => Policy::default(),
    };
    if let Some(size) = args.size {
        policy.committee_size = size;
    }
    policy.validate()?;

    let mut builder = SsvApiClient::builder(network);
    if let Some(url) = &args.api_url {
        builder = builder.base_url(url.clone());
    }
    let client = builder.build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let (operators, clusters) = runtime.block_on(async {
        let operators = client
            .all_operators(&OperatorsQuery::new().per_page(100).ordering("id:asc"))
            .await?;
        let clusters = match args.owner {
            Some(owner) => client.clusters_by_owner(owner).await?,
            None => Vec::new(),
        };
        Ok::<_, ssv_api::SsvApiError>((operators, clusters))
    })?;

    let (candidates, skipped) = router::operators::candidates_from_api(&operators);
    if !skipped.is_empty() {
        tracing::warn!(
            count = skipped.len(),
            ids = ?skipped,
            "operators without an ETH fee are left out"
        );
    }
    let input = SelectionInput {
        candidates,
        clusters: clusters
            .iter()
            .filter_map(router::operators::cluster_from_api)
            .collect(),
        owner: args.owner.unwrap_or(Address::ZERO),
        validators_per_operator_limit: args.validator_limit,
    };
    let selection = match args.preset {
        Preset::Policy => select(&input, &policy)?,
        Preset::StafiGo => select_stafi_go(&input, policy.committee_size)?,
    };
    if args.json {
        let json = serde_json::to_string_pretty(&selection).map_err(|source| CliError::Json {
            what: "selection",
            source,
        })?;
        println!("{json}");
    } else {
        print!("{}", render(&selection, &input));
    }
    Ok(())
}

fn render(selection: &Selection, input: &SelectionInput) -> String {
    let mut out = String::new();
    let source = match selection.source {
        CommitteeSource::New => "new cluster".to_owned(),
        CommitteeSource::Existing { validator_count } => {
            format!("existing cluster with {validator_count} validators")
        }
    };
    let s = &selection.score;
    let _ = writeln!(out, "committee: {:?} ({source})", selection.committee);
    let _ = writeln!(
        out,
        "total ETH fee: {} wei/block; yearly cost per validator: {} wei ({:.6} ETH)",
        s.total_eth_fee,
        s.yearly_cost_per_validator,
        wei_to_eth(s.yearly_cost_per_validator)
    );
    let _ = writeln!(
        out,
        "performance: mean 30d {}, min 24h {}{}",
        s.mean_performance_30d
            .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.2}%")),
        s.min_performance_24h
            .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.2}%")),
        if selection.optimal {
            ""
        } else {
            " (search budget hit: may not be the cheapest)"
        }
    );
    let _ = writeln!(
        out,
        "\n{:>6}  {:<14} {:<10} reason",
        "id", "eth fee", "provider"
    );
    let mut rows: Vec<_> = selection.reasons.iter().collect();
    rows.sort_by_key(|r| {
        (
            match r.verdict {
                Verdict::Chosen => 0,
                Verdict::NotChosen(_) => 1,
                Verdict::Rejected(_) => 2,
            },
            r.id,
        )
    });
    for row in rows {
        let c = input.candidates.iter().find(|c| c.id == row.id);
        let _ = writeln!(
            out,
            "{:>6}  {:<14} {:<10} {}",
            row.id,
            c.map_or(0, |c| c.eth_fee),
            c.and_then(|c| c.setup_provider.as_deref()).unwrap_or("-"),
            row.verdict
        );
    }
    out
}

#[allow(clippy::cast_precision_loss, reason = "display only")]
fn wei_to_eth(wei: u128) -> f64 {
    wei as f64 / 1e18
}
