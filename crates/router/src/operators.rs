//! SSV operators as selection candidates: the SSV API's metadata (fees, status, performance,
//! provider, location, clients) mapped onto `operator-selection`'s `Candidate`, then checked
//! against the chain: the RSA key a share is encrypted to is the one the operator registered on
//! SSVNetwork (`OperatorAdded`), and an API key that differs excludes the operator.

use alloy::primitives::Address;
use alloy::sol_types::SolValue;
use operator_selection::{Candidate, ExistingCluster, FeeToken, OperatorStatus};
use serde::Serialize;
use ssv_api::wire;
use ssv_sync::Index;

/// SSV API operators as selection candidates; the ids of operators without an ETH fee are
/// returned apart.
pub fn candidates_from_api(operators: &[wire::Operator]) -> (Vec<Candidate>, Vec<u64>) {
    let mut skipped = Vec::new();
    let candidates = operators
        .iter()
        .filter_map(|op| {
            let Some(eth_fee) = op.eth_fee else {
                skipped.push(op.id);
                return None;
            };
            Some(candidate_from_api(op, eth_fee))
        })
        .collect();
    (candidates, skipped)
}

fn candidate_from_api(op: &wire::Operator, eth_fee: u128) -> Candidate {
    let status = match op.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("active") => OperatorStatus::Active,
        Some("inactive") => OperatorStatus::Inactive,
        Some("no validators") => OperatorStatus::NoValidators,
        Some("removed") => OperatorStatus::Removed,
        None if op.is_active == Some(true) => OperatorStatus::Active,
        Some(_) | None => OperatorStatus::Unknown,
    };
    let text = |s: &Option<String>| {
        s.as_ref()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let performance = op.performance.unwrap_or_default();
    Candidate {
        id: op.id,
        public_key: op.public_key.clone(),
        eth_fee,
        ssv_fee: op.fee,
        validator_count: u32::try_from(op.validators_count.unwrap_or(0)).unwrap_or(u32::MAX),
        is_active: op.is_active.unwrap_or(matches!(
            status,
            OperatorStatus::Active | OperatorStatus::NoValidators
        )),
        status,
        removed: op.is_removed(),
        is_private: op.is_private.unwrap_or(false),
        whitelist: op.whitelist(),
        verified: op.is_verified(),
        performance_24h: performance.day,
        performance_30d: performance.month,
        setup_provider: text(&op.setup_provider),
        location: text(&op.location),
        el_client: text(&op.eth1_node_client),
        cl_client: text(&op.eth2_node_client),
        mev_relays: op.mev_relays.clone().unwrap_or_default(),
        owner_address: op.owner_address.unwrap_or(Address::ZERO),
        dkg_endpoint: text(&op.dkg_address),
    }
}

/// An SSV API cluster as an existing cluster selection may reuse (liquidated ones are left out).
pub fn cluster_from_api(cluster: &wire::Cluster) -> Option<ExistingCluster> {
    let operator_ids = cluster.operators.clone()?;
    if cluster.is_liquidated == Some(true) {
        return None;
    }
    Some(ExistingCluster {
        operator_ids,
        validator_count: u32::try_from(cluster.validator_count.unwrap_or(0)).unwrap_or(u32::MAX),
        validators: Vec::new(),
        fee_token: FeeToken::Eth,
    })
}

/// The base64 PEM key an operator registered: `OperatorAdded.publicKey` carries it ABI-encoded as
/// a string (as SSV's tools register it), or as the raw string.
pub fn registered_key(public_key: &[u8]) -> Option<String> {
    String::abi_decode(public_key)
        .ok()
        .or_else(|| std::str::from_utf8(public_key).ok().map(str::to_owned))
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
}

/// Why a candidate was excluded before selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Exclusion {
    /// The chain has no `OperatorAdded` for this id (or indexing started after it).
    NotOnChain,
    /// The operator was removed on chain.
    RemovedOnChain,
    /// The API serves another RSA key than the one registered on chain: shares are never
    /// encrypted to it.
    KeyDiffers,
}

/// Keeps the candidates whose registered key the chain confirms, taking fee and removal from the
/// chain; returns the excluded ones with the reason.
pub fn confirm_with_chain(
    candidates: Vec<Candidate>,
    index: &Index,
) -> (Vec<Candidate>, Vec<(u64, Exclusion)>) {
    let mut kept = Vec::with_capacity(candidates.len());
    let mut excluded = Vec::new();
    for mut c in candidates {
        let Some(on_chain) = index.operator(c.id) else {
            excluded.push((c.id, Exclusion::NotOnChain));
            continue;
        };
        if on_chain.removed.is_some() {
            excluded.push((c.id, Exclusion::RemovedOnChain));
            continue;
        }
        match on_chain.public_key.as_ref().and_then(|k| registered_key(k)) {
            Some(key) if key == c.public_key.trim() => {}
            Some(_) => {
                tracing::warn!(
                    operator = c.id,
                    "the SSV API serves another key than the chain registered; operator excluded"
                );
                excluded.push((c.id, Exclusion::KeyDiffers));
                continue;
            }
            None => {
                excluded.push((c.id, Exclusion::NotOnChain));
                continue;
            }
        }
        c.eth_fee = u128::try_from(on_chain.fee).unwrap_or(c.eth_fee);
        c.is_private |= on_chain.private;
        c.owner_address = on_chain.owner;
        kept.push(c);
    }
    (kept, excluded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{B256, Bytes, U256};
    use ssv_sync::{IndexConfig, Position, SsvEvent, SsvLog};

    fn wire_operator(json: serde_json::Value) -> wire::Operator {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn maps_api_operators_to_candidates() {
        let op = wire_operator(serde_json::json!({
            "id": 7, "public_key": "a2V5", "fee": "382640000000", "eth_fee": "1770000000",
            "validators_count": 143, "is_active": 1, "status": "No Validators",
            "is_private": true, "whitelist_addresses": ["0x5E33db0b37622F7E6b2f0654aA7B985D854EA9Cb"],
            "type": "verified_operator", "performance": {"24h": 100, "30d": 99.5},
            "setup_provider": " AWS ", "location": "", "eth1_node_client": "Geth",
            "eth2_node_client": "Prysm", "mev_relays": "Flashbots, Aestus",
            "owner_address": "0x3187a42658417a4d60866163A4534Ce00D40C0C8", "dkg_address": ""
        }));
        let removed = wire_operator(serde_json::json!({
            "id": 8, "public_key": "a2V5", "eth_fee": "1", "is_deleted": true, "is_active": 0,
            "status": "Removed"
        }));
        let legacy = wire_operator(serde_json::json!({"id": 9, "public_key": "a2V5", "fee": "1"}));
        let (candidates, skipped) = candidates_from_api(&[op, removed, legacy]);
        assert_eq!(skipped, vec![9]);
        let c = &candidates[0];
        assert_eq!(
            (c.id, c.eth_fee, c.ssv_fee),
            (7, 1_770_000_000, Some(382_640_000_000))
        );
        assert_eq!(c.status, OperatorStatus::NoValidators);
        assert!(c.is_running() && c.is_private && c.verified);
        assert_eq!(c.whitelist.len(), 1);
        assert_eq!(c.setup_provider.as_deref(), Some("AWS"));
        assert_eq!(c.location, None);
        assert_eq!(
            c.mev_relays,
            vec!["Flashbots".to_owned(), "Aestus".to_owned()]
        );
        assert_eq!(c.dkg_endpoint, None);
        assert_eq!(
            (c.performance_24h, c.performance_30d),
            (Some(100.0), Some(99.5))
        );
        assert!(candidates[1].is_removed() && !candidates[1].is_running());
    }

    #[test]
    fn the_chain_decides_the_key_and_the_fee() {
        let mut index = Index::new(IndexConfig::new(Address::repeat_byte(1))).unwrap();
        for (id, key) in [(1u64, "a2V5"), (2, "b3RoZXI="), (3, "a2V5")] {
            index
                .apply(SsvLog {
                    position: Position {
                        block: id,
                        transaction_index: 0,
                        log_index: 0,
                    },
                    block_hash: B256::ZERO,
                    transaction_hash: B256::ZERO,
                    event: SsvEvent::OperatorAdded {
                        operator_id: id,
                        owner: Address::repeat_byte(u8::try_from(id).unwrap()),
                        public_key: Bytes::from(key.to_owned().abi_encode()),
                        fee: U256::from(2_000_000_000u64),
                    },
                })
                .unwrap();
        }
        index
            .apply(SsvLog {
                position: Position {
                    block: 9,
                    transaction_index: 0,
                    log_index: 0,
                },
                block_hash: B256::ZERO,
                transaction_hash: B256::ZERO,
                event: SsvEvent::OperatorRemoved { operator_id: 3 },
            })
            .unwrap();
        let api: Vec<wire::Operator> = (1..=4)
            .map(|id| {
                wire_operator(serde_json::json!({
                    "id": id, "public_key": "a2V5", "eth_fee": "1000000000", "status": "Active"
                }))
            })
            .collect();
        let (candidates, _) = candidates_from_api(&api);
        let (kept, excluded) = confirm_with_chain(candidates, &index);
        assert_eq!(kept.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1]);
        assert_eq!(kept[0].eth_fee, 2_000_000_000, "the chain's fee wins");
        assert_eq!(kept[0].owner_address, Address::repeat_byte(1));
        assert_eq!(
            excluded,
            vec![
                (2, Exclusion::KeyDiffers),
                (3, Exclusion::RemovedOnChain),
                (4, Exclusion::NotOnChain)
            ]
        );
    }
}
