//! The local fakes of the beacon API and the SSV API against a running devnet: validators derived
//! from the deposit-contract double's logs, their activation and exit as blocks are mined, the
//! beacon API's limits and errors; the `ssv-api` client reading operators, nonces, clusters and
//! validators derived from the SSVNetwork double's logs.

use std::time::Duration;

use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::transports::http::reqwest;
use devnet::testing::{bytes, pubkey, spawn};
use devnet::{Devnet, FAR_FUTURE_EPOCH, FakeBeacon, FakeSsvApi, new_cluster, send};
use keygen::{DepositDatum, DepositPlan, Mnemonic, Network, Seed, WithdrawalTarget};
use operator_selection::{Candidate, OperatorStatus, Policy, SelectionInput, Verdict, select};
use serde_json::{Value, json};
use ssv_api::wire::Operator;
use ssv_api::{OperatorsQuery, SsvApiClient, SsvApiError, SsvNetwork};

const ETH: u128 = 1_000_000_000_000_000_000;
const GWEI: u64 = 1_000_000_000;
const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                        abandon abandon about";

async fn get(url: &str) -> (u16, Value) {
    let response = reqwest::get(url).await.unwrap();
    decode(response).await
}

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    decode(response).await
}

async fn decode(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    (status, body)
}

fn seed() -> Seed {
    Mnemonic::parse(MNEMONIC).unwrap().to_seed("")
}

/// Deposit data of key `index` for `gwei`, to 0x01 ‖ StafiWithdraw.
fn deposit_datum(devnet: &Devnet, network: &Network, index: u32, gwei: u64) -> DepositDatum {
    DepositPlan::new(
        network.clone(),
        WithdrawalTarget::Execution(devnet.addresses.withdraw),
    )
    .start_index(index)
    .count(1)
    .amount_gwei(gwei)
    .run(&seed())
    .unwrap()
    .remove(0)
}

/// The one validator `id` at the head, or `Null` when the fake does not list it.
async fn head_validator(beacon: &FakeBeacon, id: &str) -> Value {
    let (status, body) = get(&format!(
        "{}/eth/v1/beacon/states/head/validators?id={id}",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["execution_optimistic"], false);
    match body["data"].as_array().unwrap().as_slice() {
        [] => Value::Null,
        [one] => one.clone(),
        more => panic!("{} validators for {id}", more.len()),
    }
}

fn epoch_of(value: &Value) -> u64 {
    value.as_str().unwrap().parse().unwrap()
}

async fn current_epoch(devnet: &Devnet, beacon: &FakeBeacon) -> u64 {
    devnet.block_number().await.unwrap() / beacon.slots_per_epoch()
}

async fn submit_exit(beacon: &FakeBeacon, exit: &keygen::SignedVoluntaryExit) -> (u16, Value) {
    post(
        &format!("{}/eth/v1/beacon/pool/voluntary_exits", beacon.url()),
        &serde_json::to_value(exit.to_json()).unwrap(),
    )
    .await
}

#[tokio::test]
async fn beacon_validators_activate_and_exit_with_the_chain() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let beacon = FakeBeacon::devnet_builder(&devnet).spawn().await.unwrap();
    let network = beacon.network().clone();
    let spe = beacon.slots_per_epoch();
    let me = devnet.accounts.super_node;
    let wc = format!(
        "0x{}",
        alloy::hex::encode(devnet::withdrawal_credentials(devnet.addresses.withdraw))
    );

    // Validator 0 through StaFi's SuperNode: 1 ETH pre-deposit, the oracles' vote, 31 ETH stake.
    let pre = deposit_datum(&devnet, &network, 0, GWEI);
    let stake = deposit_datum(&devnet, &network, 0, 31 * GWEI);
    let pk0 = format!("{}", pre.pubkey);
    assert_eq!(head_validator(&beacon, &pk0).await, Value::Null);
    let pk = Bytes::copy_from_slice(pre.pubkey.as_bytes());
    let sn = devnet.super_node();
    send(
        sn.deposit(
            vec![pk.clone()],
            vec![Bytes::copy_from_slice(pre.signature.as_bytes())],
            vec![B256::from(pre.deposit_data_root)],
        )
        .from(me),
        "StafiSuperNode.deposit",
        None,
    )
    .await
    .unwrap();
    let v = head_validator(&beacon, &pk0).await;
    assert_eq!(v["index"], "0");
    assert_eq!(v["status"], "pending_initialized");
    assert_eq!(v["balance"], "1000000000");
    assert_eq!(v["validator"]["pubkey"], pk0);
    assert_eq!(v["validator"]["withdrawal_credentials"], wc);
    assert_eq!(v["validator"]["effective_balance"], "1000000000");
    assert_eq!(v["validator"]["slashed"], false);
    for field in [
        "activation_eligibility_epoch",
        "activation_epoch",
        "exit_epoch",
        "withdrawable_epoch",
    ] {
        assert_eq!(
            v["validator"][field],
            FAR_FUTURE_EPOCH.to_string(),
            "{field}"
        );
    }

    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk), true)
        .await
        .unwrap();
    send(
        sn.stake(
            vec![pk.clone()],
            vec![Bytes::copy_from_slice(stake.signature.as_bytes())],
            vec![B256::from(stake.deposit_data_root)],
        )
        .from(me),
        "StafiSuperNode.stake",
        None,
    )
    .await
    .unwrap();
    let staked_at = devnet.block_number().await.unwrap();
    let v = head_validator(&beacon, &pk0).await;
    assert_eq!(v["status"], "pending_queued");
    assert_eq!(v["balance"], "32000000000");
    assert_eq!(v["validator"]["effective_balance"], "32000000000");
    assert_eq!(
        epoch_of(&v["validator"]["activation_eligibility_epoch"]),
        staked_at / spe
    );
    assert_eq!(
        v["validator"]["activation_epoch"],
        FAR_FUTURE_EPOCH.to_string()
    );
    devnet.mine(1).await.unwrap();
    assert_eq!(
        head_validator(&beacon, &pk0).await["status"],
        "pending_queued"
    );
    devnet.mine(1).await.unwrap();
    let v = head_validator(&beacon, &pk0).await;
    assert_eq!(v["status"], "active_ongoing");
    let activation_epoch = epoch_of(&v["validator"]["activation_epoch"]);
    assert_eq!(activation_epoch, (staked_at + 2) / spe);

    // Validator 1: 32 ETH straight to the deposit contract, with keygen's deposit_data_root.
    let direct = deposit_datum(&devnet, &network, 1, 32 * GWEI);
    assert_eq!(
        devnet::deposit_data_root(
            direct.pubkey.as_bytes(),
            direct.withdrawal_credentials.as_bytes(),
            32 * GWEI,
            direct.signature.as_bytes(),
        ),
        B256::from(direct.deposit_data_root)
    );
    send(
        devnet
            .deposit_contract()
            .deposit(
                Bytes::copy_from_slice(direct.pubkey.as_bytes()),
                Bytes::copy_from_slice(direct.withdrawal_credentials.as_bytes()),
                Bytes::copy_from_slice(direct.signature.as_bytes()),
                B256::from(direct.deposit_data_root),
            )
            .value(U256::from(32 * ETH))
            .from(devnet.accounts.user),
        "DepositContract.deposit",
        None,
    )
    .await
    .unwrap();
    let pk1 = format!("{}", direct.pubkey);
    let v = head_validator(&beacon, "1").await;
    assert_eq!(v["status"], "pending_queued");
    assert_eq!(v["validator"]["pubkey"], pk1);
    devnet.mine(2).await.unwrap();
    assert_eq!(
        head_validator(&beacon, &pk1).await["status"],
        "active_ongoing"
    );

    // Ids: indices and pubkeys, unknown ones left out, status filters, the 64-id limit.
    let validators = format!("{}/eth/v1/beacon/states/head/validators", beacon.url());
    let unknown_pk = format!("0x{}", "ab".repeat(48));
    let (status, body) = get(&format!("{validators}?id=1,{unknown_pk},77&id={pk0}")).await;
    assert_eq!(status, 200);
    let indices: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["index"].as_str().unwrap())
        .collect();
    assert_eq!(indices, vec!["0", "1"]);
    let (_, body) = get(&format!("{validators}?status=active")).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (_, body) = get(&format!("{validators}?status=pending_queued,exited")).await;
    assert_eq!(body["data"], json!([]));
    let (status, body) = get(&format!("{validators}?status=sleeping")).await;
    assert_eq!((status, body["code"].clone()), (400, json!(400)));
    let (status, _) = get(&format!("{validators}?id=0xzz")).await;
    assert_eq!(status, 400);
    let many: Vec<String> = (0..65).map(|i: u32| i.to_string()).collect();
    let (status, body) = get(&format!("{validators}?id={}", many.join(","))).await;
    assert_eq!(status, 414, "{body}");
    assert_eq!(body["code"], 414);
    let (status, body) = post(&validators, &json!({ "ids": many })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (status, body) = post(
        &validators,
        &json!({"ids": [pk1, "0"], "statuses": ["active_ongoing"]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (status, body) = get(&format!(
        "{}/eth/v1/beacon/states/head/validators/1",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["validator"]["pubkey"], pk1);
    let (status, _) = get(&format!(
        "{}/eth/v1/beacon/states/head/validators/9",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 404);
    // Past states: genesis had no validators; a future slot is not found; finality lags.
    let (_, body) = get(&format!(
        "{}/eth/v1/beacon/states/genesis/validators",
        beacon.url()
    ))
    .await;
    assert_eq!(body["data"], json!([]));
    let (status, _) = get(&format!(
        "{}/eth/v1/beacon/states/99999999/validators",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 404);
    let (status, body) = get(&format!(
        "{}/eth/v1/beacon/states/{staked_at}/validators?id=0",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["status"], "pending_queued");
    let (status, _) = get(&format!(
        "{}/eth/v1/beacon/states/nowhere/validators",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 400);

    // Too early: SHARD_COMMITTEE_PERIOD epochs must pass after activation.
    let key0 = seed().signing_key(0);
    let now = current_epoch(&devnet, &beacon).await;
    let early = keygen::sign_voluntary_exit(&key0, now, 0, &network);
    let (status, body) = submit_exit(&beacon, &early).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("SHARD_COMMITTEE_PERIOD"),
        "{body}"
    );
    let exitable_from = (activation_epoch + beacon.shard_committee_period()) * spe;
    let head = devnet.block_number().await.unwrap();
    devnet.mine(exitable_from - head).await.unwrap();
    let now = current_epoch(&devnet, &beacon).await;

    // Wrong key, wrong network, unknown index, future epoch: 400 each.
    let key1 = seed().signing_key(1);
    for (exit, expected) in [
        (
            keygen::sign_voluntary_exit(&key1, now, 0, &network),
            "signature",
        ),
        (
            keygen::sign_voluntary_exit(&key0, now, 0, &Network::by_name("mainnet").unwrap()),
            "signature",
        ),
        (
            keygen::sign_voluntary_exit(&key0, now, 42, &network),
            "unknown",
        ),
        (
            keygen::sign_voluntary_exit(&key0, now + 1, 0, &network),
            "future",
        ),
    ] {
        let (status, body) = submit_exit(&beacon, &exit).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains(expected),
            "{body}"
        );
    }
    let (status, _) = post(
        &format!("{}/eth/v1/beacon/pool/voluntary_exits", beacon.url()),
        &json!({"message": {"epoch": "1"}}),
    )
    .await;
    assert_eq!(status, 400);

    // A valid exit: accepted, pooled, and the validator moves through the exit statuses.
    let exit = keygen::sign_voluntary_exit(&key0, now, 0, &network);
    let (status, body) = submit_exit(&beacon, &exit).await;
    assert_eq!(status, 200, "{body}");
    let exited_at = devnet.block_number().await.unwrap();
    let (status, pool) = get(&format!(
        "{}/eth/v1/beacon/pool/voluntary_exits",
        beacon.url()
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        pool["data"],
        json!([serde_json::to_value(exit.to_json()).unwrap()])
    );
    let v = head_validator(&beacon, "0").await;
    assert_eq!(v["status"], "active_exiting");
    assert_eq!(
        epoch_of(&v["validator"]["exit_epoch"]),
        (exited_at + 2) / spe
    );
    let (status, body) = submit_exit(&beacon, &exit).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("already"),
        "{body}"
    );
    devnet.mine(2).await.unwrap();
    let v = head_validator(&beacon, "0").await;
    assert_eq!(v["status"], "exited_unslashed");
    assert_eq!(
        epoch_of(&v["validator"]["withdrawable_epoch"]),
        (exited_at + 4) / spe
    );
    let (_, pool) = get(&format!(
        "{}/eth/v1/beacon/pool/voluntary_exits",
        beacon.url()
    ))
    .await;
    assert_eq!(pool["data"], json!([]));
    devnet.mine(2).await.unwrap();
    assert_eq!(
        head_validator(&beacon, "0").await["status"],
        "withdrawal_possible"
    );
    devnet.mine(2).await.unwrap();
    let v = head_validator(&beacon, "0").await;
    assert_eq!(v["status"], "withdrawal_done");
    assert_eq!(v["balance"], "0");
    assert_eq!(v["validator"]["effective_balance"], "0");
    assert_eq!(
        head_validator(&beacon, "1").await["status"],
        "active_ongoing"
    );
    let (_, body) = get(&format!("{validators}?status=withdrawal")).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn beacon_node_endpoints_syncing_and_down() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let beacon = FakeBeacon::devnet_builder(&devnet)
        .slots_per_epoch(32)
        .shard_committee_period(256)
        .spawn()
        .await
        .unwrap();
    let url = |path: &str| format!("{}{path}", beacon.url());
    let network = beacon.network().clone();
    assert_eq!(network.chain_id, 31_337);

    let (status, genesis) = get(&url("/eth/v1/beacon/genesis")).await;
    assert_eq!(status, 200);
    assert_eq!(
        genesis["data"]["genesis_validators_root"],
        format!("0x{}", alloy::hex::encode(network.genesis_validators_root))
    );
    assert_eq!(genesis["data"]["genesis_fork_version"], "0x10000000");
    assert!(
        genesis["data"]["genesis_time"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );

    let (_, spec) = get(&url("/eth/v1/config/spec")).await;
    let spec = &spec["data"];
    assert_eq!(spec["SLOTS_PER_EPOCH"], "32");
    assert_eq!(spec["SECONDS_PER_SLOT"], "12");
    assert_eq!(spec["SHARD_COMMITTEE_PERIOD"], "256");
    assert_eq!(spec["CAPELLA_FORK_VERSION"], "0x40000000");
    assert_eq!(spec["GENESIS_FORK_VERSION"], "0x10000000");
    assert_eq!(spec["DOMAIN_VOLUNTARY_EXIT"], "0x04000000");
    assert_eq!(spec["DEPOSIT_CHAIN_ID"], "31337");
    assert_eq!(
        spec["DEPOSIT_CONTRACT_ADDRESS"],
        format!("{:#x}", devnet.addresses.deposit_contract)
    );

    devnet.mine(3).await.unwrap();
    let head = devnet.block_number().await.unwrap();
    let (_, header) = get(&url("/eth/v1/beacon/headers/head")).await;
    assert_eq!(
        header["data"]["header"]["message"]["slot"],
        head.to_string()
    );
    assert_eq!(header["data"]["canonical"], true);
    let (_, genesis_header) = get(&url("/eth/v1/beacon/headers/0")).await;
    assert_eq!(genesis_header["data"]["header"]["message"]["slot"], "0");
    assert_eq!(genesis_header["finalized"], true);
    let (status, _) = get(&url("/eth/v1/beacon/headers/99999999")).await;
    assert_eq!(status, 404);

    let (_, syncing) = get(&url("/eth/v1/node/syncing")).await;
    assert_eq!(
        syncing["data"],
        json!({"head_slot": head.to_string(), "sync_distance": "0", "is_syncing": false,
               "is_optimistic": false, "el_offline": false})
    );
    assert_eq!(get(&url("/eth/v1/node/health")).await.0, 200);
    beacon.set_syncing(true);
    let (_, syncing) = get(&url("/eth/v1/node/syncing")).await;
    assert_eq!(syncing["data"]["is_syncing"], true);
    assert_ne!(syncing["data"]["sync_distance"], "0");
    assert_eq!(get(&url("/eth/v1/node/health")).await.0, 206);
    beacon.set_syncing(false);
    let (_, syncing) = get(&url("/eth/v1/node/syncing")).await;
    assert_eq!(syncing["data"]["is_syncing"], false);

    beacon.set_down(true);
    let (status, body) = get(&url("/eth/v1/node/syncing")).await;
    assert_eq!((status, body["code"].clone()), (503, json!(503)));
    let (status, _) = post(&url("/eth/v1/beacon/pool/voluntary_exits"), &json!({})).await;
    assert_eq!(status, 503);
    beacon.set_down(false);
    assert_eq!(get(&url("/eth/v1/node/syncing")).await.0, 200);
    assert_eq!(beacon.requests("/eth/v1/node/syncing"), 5);
    assert_eq!(beacon.requests("/eth/v1/node/health"), 2);
    assert_eq!(beacon.requests("/eth/v1/beacon/pool/voluntary_exits"), 1);
    assert_eq!(beacon.total_requests(), 13);

    let (status, body) = get(&url("/eth/v1/unknown")).await;
    assert_eq!((status, body["code"].clone()), (404, json!(404)));
    let (status, _) = post(&url("/eth/v1/node/syncing"), &json!({})).await;
    assert_eq!(status, 405);

    // Stops on drop.
    let base = beacon.url().to_owned();
    drop(beacon);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        reqwest::get(format!("{base}/eth/v1/node/syncing"))
            .await
            .is_err()
    );
}

/// An SSV API operator as a selection candidate, as the router maps it.
fn candidate(op: &Operator) -> Candidate {
    let status = match op.status.as_deref() {
        Some("Active") => OperatorStatus::Active,
        Some("Removed") => OperatorStatus::Removed,
        other => panic!("status {other:?}"),
    };
    let performance = op.performance.unwrap();
    Candidate {
        ssv_fee: op.fee,
        validator_count: u32::try_from(op.validators_count.unwrap()).unwrap(),
        is_active: op.is_active.unwrap(),
        status,
        removed: op.is_removed(),
        is_private: op.is_private.unwrap(),
        whitelist: op.whitelist(),
        verified: op.is_verified(),
        performance_24h: performance.day,
        performance_30d: performance.month,
        setup_provider: op.setup_provider.clone(),
        location: op.location.clone(),
        el_client: op.eth1_node_client.clone(),
        cl_client: op.eth2_node_client.clone(),
        mev_relays: op.mev_relays.clone().unwrap_or_default(),
        owner_address: op.owner_address.unwrap(),
        dkg_endpoint: op.dkg_address.clone().filter(|d| !d.is_empty()),
        ..Candidate::new(op.id, op.public_key.clone(), op.eth_fee.unwrap())
    }
}

#[tokio::test]
async fn ssv_api_client_reads_the_fake() {
    let devnet = spawn(Devnet::builder()).await;
    let api = FakeSsvApi::devnet_builder(&devnet).spawn().await.unwrap();
    assert!(api.url().ends_with("/api/v4"));
    assert_eq!(api.network_url(), format!("{}/hoodi", api.url()));
    let client = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(api.network_url())
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();

    // Every operator across pages, as seeded on chain, with distinct owners and metadata.
    let operators = client
        .all_operators(&OperatorsQuery::new().per_page(3).ordering("id:asc"))
        .await
        .unwrap();
    assert_eq!(api.requests("/api/v4/hoodi/operators"), 4);
    assert_eq!(
        operators.iter().map(|o| o.id).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<u64>>()
    );
    for (op, seeded) in operators.iter().zip(&devnet.operators) {
        assert_eq!(op.public_key, seeded.public_key_base64);
        assert_eq!(op.owner_address, Some(seeded.owner));
        assert_eq!(op.eth_fee, Some(seeded.fee.to::<u128>()));
        assert_eq!(op.is_private, Some(seeded.private));
        assert_eq!(op.is_removed(), seeded.removed);
        assert!(op.name.is_some() && op.setup_provider.is_some() && op.location.is_some());
    }
    let mut owners: Vec<Address> = operators.iter().filter_map(|o| o.owner_address).collect();
    owners.sort_unstable();
    owners.dedup();
    assert_eq!(owners.len(), operators.len());

    // The default policy, diversity caps included, finds the four cheapest eligible operators.
    let owner = devnet.accounts.ssv_owner;
    let candidates: Vec<Candidate> = operators.iter().map(candidate).collect();
    let selection = select(&SelectionInput::new(candidates, owner), &Policy::default()).unwrap();
    assert_eq!(selection.committee, vec![1, 2, 5, 7]);
    for o in devnet.operators.iter().filter(|o| o.private || o.removed) {
        assert!(matches!(
            selection.verdict(o.id),
            Some(Verdict::Rejected(_))
        ));
    }

    // One operator; unknown ones and pages past the end are 404.
    let three = client.operator(3).await.unwrap();
    assert_eq!(three, operators[2]);
    assert!(matches!(
        client.operator(99).await.unwrap_err(),
        SsvApiError::NotFound { .. }
    ));
    let (status, _) = get(&format!("{}/operators?page=5&perPage=3", api.network_url())).await;
    assert_eq!(status, 404);
    let (status, _) = get(&format!("{}/mainnet/operators", api.url())).await;
    assert_eq!(status, 404);
    let (_, page) = get(&format!(
        "{}/operators?page=1&perPage=2&ordering=eth_fee:desc",
        api.network_url()
    ))
    .await;
    assert_eq!(page["operators"][0]["id"], 6);
    assert_eq!(
        page["pagination"],
        json!({"total": 10, "pages": 5, "per_page": 2, "page": 1,
               "current_first": 6, "current_last": 8})
    );

    // No account (404) before the owner's first registration; an empty cluster list.
    assert!(matches!(
        client.account(owner).await.unwrap_err(),
        SsvApiError::NotFound { .. }
    ));
    assert_eq!(client.clusters_by_owner(owner).await.unwrap(), vec![]);

    let ids = selection.committee.clone();
    let before = client
        .operator(ids[0])
        .await
        .unwrap()
        .validators_count
        .unwrap();
    let value = U256::from(ETH);
    devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(1)),
            Bytes::from(vec![0u8; 1312]),
            new_cluster(),
            value,
        )
        .await
        .unwrap();
    assert_eq!(client.owner_nonce(owner).await.unwrap(), 1);
    assert_eq!(
        devnet.owner_nonce(owner).await.unwrap(),
        client.owner_nonce(owner).await.unwrap()
    );
    let account = client.account(owner).await.unwrap();
    assert_eq!(account.owner_address, Some(owner));
    assert_eq!(account.recipient_address, Some(owner));
    api.set_nonce_lag(1);
    assert_eq!(client.owner_nonce(owner).await.unwrap(), 0);
    api.set_nonce_lag(0);

    let clusters = client.clusters_by_owner(owner).await.unwrap();
    assert_eq!(clusters.len(), 1);
    let cluster = &clusters[0];
    assert_eq!(cluster.operators.as_deref(), Some(ids.as_slice()));
    assert_eq!(cluster.owner_address, Some(owner));
    assert_eq!(cluster.validator_count, Some(1));
    assert_eq!(cluster.balance, Some(ETH));
    assert_eq!(cluster.active, Some(true));
    assert_eq!(cluster.is_liquidated, Some(false));
    let hash = cluster.cluster_id.clone().unwrap();
    assert_eq!(client.cluster(&hash).await.unwrap(), *cluster);

    let validator = client
        .validator(&format!("0x{}", alloy::hex::encode(pubkey(1))))
        .await
        .unwrap();
    assert_eq!(validator.owner_address, Some(owner));
    assert_eq!(validator.operators.as_deref(), Some(ids.as_slice()));
    assert_eq!(validator.cluster.as_deref(), Some(hash.as_str()));
    assert_eq!(validator.is_deleted, Some(false));
    assert!(matches!(
        client
            .validator(&format!("0x{}", alloy::hex::encode(pubkey(2))))
            .await
            .unwrap_err(),
        SsvApiError::NotFound { .. }
    ));
    assert_eq!(
        client.operator(ids[0]).await.unwrap().validators_count,
        Some(before + 1)
    );

    // A fresh owner has no clusters.
    assert_eq!(
        client
            .clusters_by_owner(devnet.accounts.user)
            .await
            .unwrap(),
        vec![]
    );

    // A key that differs from the chain's.
    api.set_operator_public_key(1, "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCg==")
        .unwrap();
    assert_eq!(
        client.operator(1).await.unwrap().public_key,
        "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCg=="
    );
    assert!(api.set_operator_public_key(99, "x").is_err());

    // Down: the client retries, then reports the 503.
    api.set_down(true);
    let before = api.requests("/api/v4/hoodi/operators/2");
    let err = client.operator(2).await.unwrap_err();
    assert!(
        matches!(
            err,
            SsvApiError::Status {
                status: 503,
                attempts: 2,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(api.requests("/api/v4/hoodi/operators/2"), before + 2);
    api.set_down(false);
    assert_eq!(client.operator(2).await.unwrap().id, 2);
}
