//! Every event and custom error in the ABIs of `abi/` decodes through the enums `sol!` generates
//! from them, and re-encodes to the same bytes: a log or revert from the deployed contracts is never
//! an unknown to the router. Sample values are built for each parameter's type from the JSON.

use std::path::PathBuf;

use alloy::dyn_abi::{DynSolType, DynSolValue, Specifier};
use alloy::json_abi::{Event, JsonAbi, Param};
use alloy::primitives::{Address, B256, I256, IntoLogData, LogData, U256, keccak256};
use alloy::sol_types::{SolEvent, SolEventInterface, SolInterface};
use stafi_contracts::{
    ssv_network::SSVNetwork, ssv_network_views::SSVNetworkViews, stafi_super_node::StafiSuperNode,
    stafi_user_deposit::StafiUserDeposit, stafi_withdraw::StafiWithdraw,
};

fn abi(file: &str) -> JsonAbi {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/abi")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // SSV publishes the mainnet ABI wrapped with its address and genesis block.
    let items = json.get("abi").cloned().unwrap_or(json);
    serde_json::from_value(items).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A value of `ty`, distinct per `seed`, exercising every byte of dynamic data.
fn sample(ty: &DynSolType, seed: u8) -> DynSolValue {
    match ty {
        DynSolType::Bool => DynSolValue::Bool(seed % 2 == 1),
        DynSolType::Int(bits) => {
            DynSolValue::Int(-I256::try_from(i64::from(seed) + 1).unwrap(), *bits)
        }
        DynSolType::Uint(bits) => DynSolValue::Uint(U256::from(seed) + U256::from(1), *bits),
        DynSolType::Address => DynSolValue::Address(Address::repeat_byte(seed)),
        DynSolType::FixedBytes(n) => {
            let mut word = B256::ZERO;
            word[..*n].fill(seed);
            DynSolValue::FixedBytes(word, *n)
        }
        DynSolType::Bytes => DynSolValue::Bytes(vec![seed; 48]),
        DynSolType::String => DynSolValue::String(format!("v{seed}")),
        DynSolType::Array(inner) => {
            DynSolValue::Array(vec![sample(inner, seed), sample(inner, seed + 1)])
        }
        DynSolType::FixedArray(inner, n) => DynSolValue::FixedArray(
            (0..*n)
                .map(|i| sample(inner, seed + u8::try_from(i).unwrap()))
                .collect(),
        ),
        DynSolType::Tuple(items) => DynSolValue::Tuple(
            items
                .iter()
                .enumerate()
                .map(|(i, t)| sample(t, seed + u8::try_from(i).unwrap()))
                .collect(),
        ),
        DynSolType::Function => panic!("no ABI here has a function-typed parameter"),
    }
}

fn ty(param: &Param) -> DynSolType {
    param
        .resolve()
        .unwrap_or_else(|e| panic!("{}: {e}", param.name))
}

/// The raw log the contract would emit for `event` with sample arguments.
fn sample_log(event: &Event) -> LogData {
    let mut topics = vec![event.selector()];
    let mut body = Vec::new();
    for (i, input) in event.inputs.iter().enumerate() {
        let value = sample(
            &ty(&Param {
                ty: input.ty.clone(),
                name: input.name.clone(),
                components: input.components.clone(),
                internal_type: input.internal_type.clone(),
            }),
            u8::try_from(i).unwrap() + 1,
        );
        if input.indexed {
            // Every indexed parameter of these ABIs is a value type: its topic is its word.
            let word = value.abi_encode();
            assert_eq!(
                word.len(),
                32,
                "{}.{} is an indexed dynamic type",
                event.name,
                input.name
            );
            topics.push(B256::from_slice(&word));
        } else {
            body.push(value);
        }
    }
    LogData::new(topics, DynSolValue::Tuple(body).abi_encode_params().into()).unwrap()
}

fn check_events<E: SolEventInterface + IntoLogData>(file: &str) -> usize {
    let abi = abi(file);
    let mut checked = 0;
    for event in abi.events().filter(|e| !e.anonymous) {
        let log = sample_log(event);
        let decoded = E::decode_raw_log(log.topics(), &log.data)
            .unwrap_or_else(|e| panic!("{file}: event {} does not decode: {e}", event.signature()));
        assert_eq!(
            decoded.into_log_data(),
            log,
            "{file}: event {} re-encodes differently",
            event.name
        );
        checked += 1;
    }
    checked
}

fn check_errors<E: SolInterface>(file: &str) -> usize {
    let abi = abi(file);
    let mut checked = 0;
    for error in abi.errors() {
        let args: Vec<DynSolValue> = error
            .inputs
            .iter()
            .enumerate()
            .map(|(i, p)| sample(&ty(p), u8::try_from(i).unwrap() + 1))
            .collect();
        let mut data = error.selector().to_vec();
        data.extend(DynSolValue::Tuple(args).abi_encode_params());
        let decoded = E::abi_decode(&data)
            .unwrap_or_else(|e| panic!("{file}: error {} does not decode: {e}", error.signature()));
        assert_eq!(
            decoded.abi_encode(),
            data,
            "{file}: error {} re-encodes differently",
            error.name
        );
        checked += 1;
    }
    checked
}

#[test]
fn ssv_network_events_and_errors_decode() {
    assert_eq!(
        check_events::<SSVNetwork::SSVNetworkEvents>("SSVNetwork.json"),
        55
    );
    assert_eq!(
        check_errors::<SSVNetwork::SSVNetworkErrors>("SSVNetwork.json"),
        75
    );
}

#[test]
fn ssv_network_views_events_and_errors_decode() {
    assert_eq!(
        check_events::<SSVNetworkViews::SSVNetworkViewsEvents>("SSVNetworkViews.json"),
        6
    );
    assert_eq!(
        check_errors::<SSVNetworkViews::SSVNetworkViewsErrors>("SSVNetworkViews.json"),
        63
    );
}

#[test]
fn stafi_events_decode() {
    assert_eq!(
        check_events::<StafiSuperNode::StafiSuperNodeEvents>("StafiSuperNode.json"),
        4
    );
    assert_eq!(
        check_events::<StafiUserDeposit::StafiUserDepositEvents>("StafiUserDeposit.json"),
        4
    );
    assert_eq!(
        check_events::<StafiWithdraw::StafiWithdrawEvents>("StafiWithdraw.json"),
        6
    );
    // Neither has events.
    assert_eq!(abi("StafiStorage.json").events().count(), 0);
    assert_eq!(abi("StafiNetworkSettings.json").events().count(), 0);
}

#[test]
fn deposited_is_the_real_three_field_event() {
    // StafiSuperNode.Deposited carries no amount: `Deposited(address,bytes,bytes)`.
    assert_eq!(
        StafiSuperNode::Deposited::SIGNATURE_HASH,
        keccak256("Deposited(address,bytes,bytes)")
    );
}

#[test]
fn copied_abis_are_byte_equal_to_what_ssv_publishes() {
    use sha2::{Digest, Sha256};
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/abi"));
    let sources = std::fs::read_to_string(dir.join("SOURCES.md")).unwrap();
    let mut checked = 0;
    for row in sources.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (file, digest) = (cells[1].trim_matches('`'), cells[4].trim_matches('`'));
        if digest.len() == 64 {
            let bytes = std::fs::read(dir.join(file)).unwrap();
            assert_eq!(
                alloy::hex::encode(Sha256::digest(&bytes)),
                digest,
                "abi/{file} differs from the published file named in abi/SOURCES.md"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "SSVNetwork.json and SSVNetworkViews.json");
}
