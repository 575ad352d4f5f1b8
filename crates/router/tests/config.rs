//! The configuration: the documented example holds every key; overrides from the environment and
//! the command line; every bad value is an error naming its key.

use std::path::Path;

use router::{Config, CustomNetwork, RouterError, keys_of, schema};

const EXAMPLE: &str = include_str!("../../../docs/stafi-router.example.toml");

fn load(
    text: &str,
    env: &[(&str, &str)],
    set: &[(&str, &str)],
) -> Result<router::Settings, RouterError> {
    Config::from_toml(
        text,
        Path::new("stafi-router.toml"),
        Path::new("/srv/router"),
        env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        &set.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>(),
    )
}

/// The example's commented `[network.custom]` block, uncommented.
fn custom_block() -> String {
    let start = EXAMPLE.find("# --- custom network\n").unwrap();
    let end = EXAMPLE.find("# --- end custom network").unwrap();
    EXAMPLE[start..end]
        .lines()
        .skip(1)
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .map(|l| l.split("  #").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_example_documents_every_key() {
    let documented: Vec<String> = keys_of(EXAMPLE).unwrap();
    let custom: Vec<String> = keys_of(&custom_block()).unwrap();
    let mut all = documented.clone();
    all.extend(custom);
    assert!(
        EXAMPLE.contains("#   file = "),
        "network.file is documented"
    );
    all.push("network.file".into());
    assert!(
        EXAMPLE.contains("#   from_block = "),
        "execution.from_block is documented"
    );
    all.push("execution.from_block".into());
    all.sort();
    let expected: Vec<String> = schema().into_keys().collect();
    assert_eq!(
        all, expected,
        "keys of docs/stafi-router.example.toml vs the Config type"
    );

    // Each part parses: the example as a whole, and the custom network block.
    let settings = load(EXAMPLE, &[], &[]).unwrap();
    assert_eq!(settings.profile.chain_id(), 1);
    assert_eq!(settings.config.execution.confirmations, 2);
    assert_eq!(settings.config.data_dir, Path::new("/srv/router/data"));
    assert_eq!(
        settings.config.accounts.mnemonic_store,
        Path::new("/srv/router/keys/mnemonic.json")
    );
    let custom: toml::Table = toml::from_str(&custom_block()).unwrap();
    let custom: CustomNetwork = custom["network"]["custom"].clone().try_into().unwrap();
    assert_eq!(custom.chain_id, 31_337);
}

#[test]
fn environment_and_command_line_override_the_file() {
    let s = load(
        EXAMPLE,
        &[
            (
                "STAFI_ROUTER_EXECUTION_RPC_URLS",
                "http://a:8545, http://b:8545",
            ),
            ("STAFI_ROUTER_EXECUTION_CONFIRMATIONS", "5"),
            ("STAFI_ROUTER_POOL_RESERVE_ETH", "20.5"),
            ("STAFI_ROUTER_LOG", "debug"),
            ("HOME", "/root"),
        ],
        &[("execution.confirmations", "7")],
    )
    .unwrap();
    assert_eq!(
        s.config.execution.rpc_urls,
        vec!["http://a:8545".to_owned(), "http://b:8545".to_owned()]
    );
    assert_eq!(
        s.config.execution.confirmations, 7,
        "--set wins over the environment"
    );
    assert_eq!(
        s.pool_reserve,
        alloy::primitives::U256::from(20_500_000_000_000_000_000u128)
    );

    // A misspelt key of a known section is refused; another program's STAFI_ROUTER_* is not.
    let err = load(EXAMPLE, &[("STAFI_ROUTER_EXECUTION_RPC_URL", "x")], &[]).unwrap_err();
    assert!(
        matches!(&err, RouterError::UnknownEnvOverride { name } if name == "STAFI_ROUTER_EXECUTION_RPC_URL"),
        "{err}"
    );
    load(EXAMPLE, &[("STAFI_ROUTER_ROOT", "/opt/router")], &[]).unwrap();
    let err = load(EXAMPLE, &[], &[("execution.confirmations", "two")]).unwrap_err();
    assert!(
        matches!(&err, RouterError::ConfigType { key, .. } if key == "execution.confirmations"),
        "{err}"
    );
}

fn with(replace: &str, by: &str) -> String {
    assert!(EXAMPLE.contains(replace), "{replace}");
    EXAMPLE.replacen(replace, by, 1)
}

#[test]
fn bad_values_name_their_key() {
    let type_error = |text: &str| match load(text, &[], &[]).unwrap_err() {
        RouterError::ConfigType { key, .. } => key,
        other => panic!("expected a type error, got {other}"),
    };
    let invalid = |text: &str| match load(text, &[], &[]).unwrap_err() {
        RouterError::ConfigInvalid { key, .. } => key,
        other => panic!("expected an invalid value, got {other}"),
    };
    assert_eq!(
        type_error(&with("confirmations = 2", "confirmations = \"two\"")),
        "execution.confirmations"
    );
    assert_eq!(
        type_error(&with(
            "stafi_storage = \"0x0000000000000000000000000000000000000000\"",
            "stafi_storage = \"0x12\""
        )),
        "contracts.stafi_storage"
    );
    assert_eq!(
        type_error(&with("max_fee_per_gas_gwei = 100", "max_fee_gwei = 100")),
        "gas.max_fee_gwei",
        "an unknown key is refused, named"
    );
    assert_eq!(
        invalid(&with("committee_size = 4", "committee_size = 5")),
        "selection.committee_size"
    );
    assert_eq!(
        invalid(&with("data_dir = \"data\"", "data_dir = \"\"")),
        "data_dir"
    );
    assert_eq!(
        invalid(&with("reserve_eth = \"0\"", "reserve_eth = \"lots\"")),
        "pool.reserve_eth"
    );
    assert_eq!(
        invalid(&with(
            "rpc_urls = [\"http://127.0.0.1:8545\"]",
            "rpc_urls = []"
        )),
        "execution.rpc_urls"
    );
    assert_eq!(
        invalid(&with(
            "urls = [\"http://127.0.0.1:5052\"]",
            "urls = [\"not a url\"]"
        )),
        "beacon.urls"
    );
    assert_eq!(
        invalid(&with(
            "max_registrations_per_tx = 80",
            "max_registrations_per_tx = 81"
        )),
        "batch.max_registrations_per_tx"
    );
    assert_eq!(
        invalid(&with("floor_days = 30", "floor_days = 91")),
        "runway.floor_days"
    );
    assert_eq!(
        invalid(&with(
            "preset = \"mainnet\"",
            "preset = \"mainnet\"\nfile = \"x.toml\""
        )),
        "network"
    );
    assert!(matches!(
        load(&with("preset = \"mainnet\"", "preset = \"holesky\""), &[], &[]),
        Err(RouterError::UnknownPreset { name, .. }) if name == "holesky"
    ));
    assert!(matches!(
        load("data_dir = [", &[], &[]),
        Err(RouterError::ConfigSyntax { .. })
    ));
}
