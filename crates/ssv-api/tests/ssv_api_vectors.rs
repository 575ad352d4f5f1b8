//! SSV's published API examples decode to the values they show: the operator object of
//! `GET /api/v4/hoodi/operators/1` printed in ssvlabs/gitbook-docs `docs/developers/README.md`
//! (`fixtures/operator_1.json`), and a pagination block captured from a real
//! `GET /api/v4/holesky/validators/in_operator/{id}` response in Commit-Boost/commit-boost-client
//! `tests/data/ssv_valid_public.json` (`fixtures/pagination.json`).

use alloy_primitives::address;
use ssv_api::wire::{Operator, Pagination};

#[test]
fn documented_operator_object_decodes() {
    let op: Operator = serde_json::from_str(include_str!("fixtures/operator_1.json")).unwrap();
    assert_eq!(op.id, 1);
    assert_eq!(op.fee, Some(382_640_000_000));
    assert_eq!(op.declared_fee, Some(0));
    assert_eq!(op.eth_fee, None, "the example predates eth_fee");
    assert!(
        op.public_key
            .starts_with("LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t")
    );
    assert_eq!(
        op.owner_address,
        Some(address!("0x3187a42658417a4d60866163A4534Ce00D40C0C8"))
    );
    assert_eq!(op.is_private, Some(true));
    assert_eq!(
        op.whitelist(),
        vec![address!("0x5E33db0b37622F7E6b2f0654aA7B985D854EA9Cb")]
    );
    assert_eq!(op.location.as_deref(), Some("United States of America"));
    assert_eq!(op.setup_provider.as_deref(), Some("AWS"));
    assert_eq!(op.eth1_node_client.as_deref(), Some("Geth"));
    assert_eq!(op.eth2_node_client.as_deref(), Some("Prysm"));
    assert_eq!(op.mev_relays, Some(vec![]));
    assert_eq!(op.dkg_address.as_deref(), Some(""));
    let perf = op.performance.unwrap();
    assert_eq!(perf.day, Some(100.0));
    assert!((perf.month.unwrap() - 99.867_989_618_410_79).abs() < 1e-9);
    assert_eq!(op.is_active, Some(true));
    assert_eq!(op.is_deleted, Some(false));
    assert!(!op.is_removed());
    assert!(!op.is_verified());
    assert_eq!(op.status.as_deref(), Some("Active"));
    assert_eq!(op.validators_count, Some(143));
    assert_eq!(op.network.as_deref(), Some("mainnet"));
}

#[test]
fn captured_pagination_block_decodes() {
    #[derive(serde::Deserialize)]
    struct Wrapper {
        pagination: Pagination,
    }
    let w: Wrapper = serde_json::from_str(include_str!("fixtures/pagination.json")).unwrap();
    assert_eq!(w.pagination.total, Some(3));
    assert_eq!(w.pagination.page_count(), 1);
    assert_eq!(w.pagination.per_page, Some(10));
    assert_eq!(w.pagination.page, Some(1));
    // Missing or zero pages count as one page (ssv-web `getPaginatedAccountOperators`).
    let zero: Pagination = serde_json::from_str(r#"{"pages": 0}"#).unwrap();
    assert_eq!(zero.page_count(), 1);
}
