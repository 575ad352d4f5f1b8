//! Entry points over every decoder that reads input the router does not control, for three
//! users: the libFuzzer binaries in `fuzz_targets/` (`cargo +nightly fuzz run --features
//! libfuzzer <target>`), the replay of the checked-in corpus in `corpus/<target>/`, and a
//! bounded proptest pass (both in `make test`).
//!
//! Each takes raw bytes and returns the decoder's typed error, boxed; none may panic. Text
//! decoders get the bytes as UTF-8 with invalid sequences replaced, as an HTTP client or a file
//! read would hand them on.

use std::borrow::Cow;
use std::error::Error;
use std::path::Path;

use alloy::primitives::Address;

/// What an entry point returns: the decoder's typed error, boxed.
pub type Outcome = Result<(), Box<dyn Error + Send + Sync>>;

/// One entry point: raw bytes in, the decoder's verdict out.
pub type Target = fn(&[u8]) -> Outcome;

/// Every target by its name (the name of its binary and of its corpus directory).
pub const TARGETS: [(&str, Target); 8] = [
    ("keyshares_json", keyshares_json),
    ("shares_data", shares_data),
    ("operator_key", operator_key),
    ("keystore_json", keystore_json),
    ("config_toml", config_toml),
    ("beacon_api_json", beacon_api_json),
    ("ssv_api_json", ssv_api_json),
    ("ssvnetwork_logs", ssvnetwork_logs),
];

/// The SSVNetwork address the log target decodes for (the corpus's logs carry it).
pub const SSV_NETWORK: Address = Address::repeat_byte(0x55);

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// A keyshares file (ssv-keys / ssv-dkg JSON).
pub fn keyshares_json(data: &[u8]) -> Outcome {
    keyshare::KeysharesFile::from_json(&text(data))?;
    Ok(())
}

/// A `sharesData` blob: the first byte is the operator count (mod 16), the rest the blob.
pub fn shares_data(data: &[u8]) -> Outcome {
    let Some((&n, blob)) = data.split_first() else {
        return Ok(());
    };
    keyshare::SharesData::from_bytes(blob, usize::from(n % 16))?;
    Ok(())
}

/// An operator's public key as the SSV API and the contract events carry it (base64 of PEM).
pub fn operator_key(data: &[u8]) -> Outcome {
    keyshare::Operator::from_base64(1, &text(data))?;
    Ok(())
}

/// An EIP-2335 keystore's JSON (parsed and checked, not decrypted: the KDF's cost is bounded
/// separately).
pub fn keystore_json(data: &[u8]) -> Outcome {
    keygen::Keystore::from_json(&text(data))?;
    Ok(())
}

/// The router's TOML configuration (no environment, no overrides).
pub fn config_toml(data: &[u8]) -> Outcome {
    router::Config::from_toml(
        &text(data),
        Path::new("stafi-router.toml"),
        Path::new("."),
        [],
        &[],
    )?;
    Ok(())
}

/// A beacon-API answer, as each shape the router reads: validators, sync status, genesis and
/// spec. Every decoder sees the input; it is accepted when one shape fits, else the first
/// shape's error is returned.
pub fn beacon_api_json(data: &[u8]) -> Outcome {
    let body = text(data);
    let url = "http://beacon/fuzz";
    let results = [
        router::decode_beacon_answer::<Vec<router::BeaconValidator>>(url, &body).map(drop),
        router::decode_beacon_answer::<router::SyncStatus>(url, &body).map(drop),
        router::decode_beacon_answer::<router::Genesis>(url, &body).map(drop),
        router::decode_beacon_answer::<std::collections::BTreeMap<String, serde_json::Value>>(
            url, &body,
        )
        .map(drop),
    ];
    one_fits(results)
}

/// An SSV API answer, as each shape the router reads: a page of operators, one operator, an
/// account, a validator, a cluster and a page of clusters (accepted when one shape fits, as
/// [`beacon_api_json`]).
pub fn ssv_api_json(data: &[u8]) -> Outcome {
    use ssv_api::decode;
    let url = "http://ssv-api/fuzz";
    let results = [
        decode::operators_page(url, data).map(drop),
        decode::operator(url, data).map(drop),
        decode::account(url, data).map(drop),
        decode::validator(url, data).map(drop),
        decode::cluster(url, data).map(drop),
        decode::clusters_page(url, data).map(drop),
    ];
    one_fits(results)
}

/// An `eth_getLogs` answer (a JSON array of logs), each log decoded as the SSV indexer does
/// for the contract at [`SSV_NETWORK`].
pub fn ssvnetwork_logs(data: &[u8]) -> Outcome {
    let logs: Vec<alloy::rpc::types::Log> = serde_json::from_slice(data)?;
    for log in &logs {
        ssv_sync::decode_log(log, SSV_NETWORK)?;
    }
    Ok(())
}

fn one_fits<E: Error + Send + Sync + 'static>(
    results: impl IntoIterator<Item = Result<(), E>>,
) -> Outcome {
    let mut first = None;
    for result in results {
        match result {
            Ok(()) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), |e| Err(Box::new(e)))
}
