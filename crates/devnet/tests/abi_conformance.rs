//! The Solidity doubles in `contracts/src/` speak the ABIs of `abi/` (SSV's published v2.0.0 ABIs,
//! StaFi's from the eth2-staking sources): every function a double exposes has the published
//! selector, outputs and mutability, every event the published topic and indexed flags, every error
//! the published selector; anything else must be a test-only hook named `test…`. And each double
//! implements what the router calls. A double written from a wrong reading of an interface fails
//! here instead of agreeing with equally wrong bindings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy::json_abi::JsonAbi;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn load(rel: &str) -> JsonAbi {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = json.get("abi").cloned().unwrap_or(json);
    serde_json::from_value(items).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Errors SSV Network v2.0.0 raises that its published ABI does not list.
const UNLISTED_ERRORS: [&str; 2] = ["ReentrancyGuardReentrantCall()", "SafeCastOverflow()"];

struct Published {
    /// signature → (canonical outputs, mutability) in each file that declares it (SSVNetwork's
    /// `getVersion` is pure, the views contract's is view).
    functions: BTreeMap<String, Vec<(String, String)>>,
    /// signature → indexed flags
    events: BTreeMap<String, Vec<bool>>,
    errors: Vec<String>,
}

fn published(files: &[&str]) -> Published {
    let mut p = Published {
        functions: BTreeMap::new(),
        events: BTreeMap::new(),
        errors: Vec::new(),
    };
    for file in files {
        let abi = load(&format!("abi/{file}"));
        for f in abi.functions() {
            p.functions
                .entry(f.signature())
                .or_default()
                .push(outputs_and_mutability(f));
        }
        for e in abi.events() {
            p.events
                .insert(e.signature(), e.inputs.iter().map(|i| i.indexed).collect());
        }
        p.errors
            .extend(abi.errors().map(alloy::json_abi::Error::signature));
    }
    p
}

fn outputs_and_mutability(f: &alloy::json_abi::Function) -> (String, String) {
    let outputs: Vec<String> = f
        .outputs
        .iter()
        .map(alloy::json_abi::Param::selector_type)
        .map(Into::into)
        .collect();
    (outputs.join(","), format!("{:?}", f.state_mutability))
}

/// Every way `double` disagrees with the published ABI, plus what the router needs and it lacks.
fn disagreements(double: &str, files: &[&str], required: &[&str]) -> Vec<String> {
    let abi = load(&format!("contracts/out/{double}.json"));
    let p = published(files);
    let mut problems = Vec::new();
    for f in abi.functions() {
        let sig = f.signature();
        if f.name.starts_with("test") {
            assert!(
                !p.functions.contains_key(&sig),
                "{double}: test hook {sig} shadows a real function"
            );
            continue;
        }
        match p.functions.get(&sig) {
            None => problems.push(format!(
                "{double}: function {sig} is not in the published ABI"
            )),
            Some(real) if !real.contains(&outputs_and_mutability(f)) => problems.push(format!(
                "{double}: {sig} returns/mutability {:?}, published {real:?}",
                outputs_and_mutability(f)
            )),
            Some(_) => {}
        }
    }
    for e in abi.events() {
        let sig = e.signature();
        let indexed: Vec<bool> = e.inputs.iter().map(|i| i.indexed).collect();
        match p.events.get(&sig) {
            None => problems.push(format!("{double}: event {sig} is not in the published ABI")),
            Some(real) if *real != indexed => {
                problems.push(format!(
                    "{double}: event {sig} indexed {indexed:?}, published {real:?}"
                ));
            }
            Some(_) => {}
        }
    }
    for e in abi.errors() {
        let sig = e.signature();
        if !p.errors.contains(&sig) && !UNLISTED_ERRORS.contains(&sig.as_str()) {
            problems.push(format!("{double}: error {sig} is not in the published ABI"));
        }
    }
    for name in required {
        let present =
            abi.functions().any(|f| f.name == *name) || abi.events().any(|e| e.name == *name);
        if !present {
            problems.push(format!("{double}: lacks {name}, which the router uses"));
        }
    }
    problems
}

#[test]
fn ssv_network_double_speaks_the_published_v2_abi() {
    let problems = disagreements(
        "SSVNetwork",
        &["SSVNetwork.json", "SSVNetworkViews.json"],
        &[
            "registerValidator",
            "bulkRegisterValidator",
            "removeValidator",
            "bulkRemoveValidator",
            "exitValidator",
            "bulkExitValidator",
            "deposit",
            "withdraw",
            "reactivate",
            "liquidate",
            "liquidateSSV",
            "migrateClusterToETH",
            "setFeeRecipientAddress",
            "commitRoot",
            "updateClusterBalance",
            "getBalance",
            "getBalanceSSV",
            "getBurnRate",
            "isLiquidatable",
            "isLiquidatableSSV",
            "isLiquidated",
            "getNetworkFee",
            "getNetworkFeeSSV",
            "getOperatorFee",
            "getOperatorById",
            "getLiquidationThresholdPeriod",
            "getMinimumLiquidationCollateral",
            "getValidatorsPerOperatorLimit",
            "getClusterAssetType",
            "getEffectiveBalance",
            "getValidator",
            "getOperatorFeePeriods",
            "getMaximumOperatorFee",
            "getMinimumOperatorEthFee",
            "ValidatorAdded",
            "ValidatorRemoved",
            "ValidatorExited",
            "ClusterLiquidated",
            "ClusterReactivated",
            "ClusterDeposited",
            "ClusterWithdrawn",
            "ClusterBalanceUpdated",
            "ClusterMigratedToETH",
            "FeeRecipientAddressUpdated",
            "OperatorAdded",
            "OperatorRemoved",
            "OperatorFeeExecuted",
            "NetworkFeeUpdated",
            "NetworkFeeUpdatedSSV",
            "SSVNetworkUpgradeBlock",
        ],
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ssv_network_views_double_forwards_everything() {
    // The views double is a pure forwarder: its only entry point is the fallback, and the
    // published views are answered by the SSVNetwork double (checked above).
    let abi = load("contracts/out/SSVNetworkViews.json");
    assert!(abi.fallback.is_some());
    let problems = disagreements(
        "SSVNetworkViews",
        &["SSVNetworkViews.json"],
        &["ssvNetwork"],
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn stafi_doubles_speak_the_eth2_staking_abis() {
    let cases: [(&str, &[&str]); 6] = [
        (
            "StafiSuperNode",
            &[
                "deposit",
                "stake",
                "voteWithdrawCredentials",
                "getSuperNodePubkeyStatus",
                "getSuperNodePubkeyCount",
                "getSuperNodePubkeyAt",
                "getSuperNodeDepositEnabled",
                "Deposited",
                "Staked",
                "SetPubkeyStatus",
            ],
        ),
        (
            "StafiUserDeposit",
            &["getBalance", "deposit", "DepositReceived"],
        ),
        (
            "StafiNetworkSettings",
            &[
                "getSuperNodePubkeyLimit",
                "getWithdrawalCredentials",
                "getNodeConsensusThreshold",
            ],
        ),
        ("StafiStorage", &["getAddress"]),
        (
            "StafiWithdraw",
            &[
                "currentWithdrawCycle",
                "ejectedStartCycle",
                "getEjectedValidatorsAtCycle",
                "notifyValidatorExit",
                "NotifyValidatorExit",
            ],
        ),
        (
            "DepositContract",
            &[
                "deposit",
                "get_deposit_root",
                "get_deposit_count",
                "DepositEvent",
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (double, required) in cases {
        problems.extend(disagreements(
            double,
            &[&format!("{double}.json")],
            required,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_drifted_double_is_caught() {
    // The check itself: a double declaring v1's `ClusterDoesNotExists`, a four-field `Deposited`
    // or a two-value `getBalance` would be reported.
    let p = published(&[
        "SSVNetwork.json",
        "SSVNetworkViews.json",
        "StafiSuperNode.json",
    ]);
    assert!(!p.errors.contains(&"ClusterDoesNotExists()".to_owned()));
    assert!(
        !p.events
            .contains_key("Deposited(address,bytes,bytes,uint256)")
    );
    assert_eq!(
        p.functions["getBalance(address,uint64[],(uint32,uint64,uint64,bool,uint256))"][0].0,
        "uint256"
    );
    assert!(
        !p.functions
            .contains_key("getClusterVersion(address,uint64[])")
    );

    // Checked against the wrong ABI, a double is reported function by function.
    let problems = disagreements(
        "StafiSuperNode",
        &["StafiUserDeposit.json"],
        &["getBalance"],
    );
    assert!(problems.contains(
        &"StafiSuperNode: function stake(bytes[],bytes[],bytes32[]) is not in the published ABI".to_owned()
    ));
    assert!(
        problems.contains(
            &"StafiSuperNode: event Deposited(address,bytes,bytes) is not in the published ABI"
                .to_owned()
        )
    );
    assert!(
        problems.contains(&"StafiSuperNode: lacks getBalance, which the router uses".to_owned())
    );
}
