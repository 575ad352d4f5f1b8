//! Selectors and event topics of SSV Network's functions, views, custom errors and events, computed
//! with foundry's `cast sig` / `cast keccak` from their signatures (v1.2.0: ssvlabs/ssv-network@583b7b7
//! `contracts/interfaces/ISSVNetworkCore.sol`, `ISSVClusters.sol`, `ISSVOperators.sol`,
//! `ISSVViews.sol`; v2.0.0: the deployed mainnet ABI, ssvlabs/ssv-scanner@8f075cd
//! `src/shared/abi/prod.v4.mainnet.abi.json`), checked against the bindings generated from `abi/`.

use alloy::primitives::{b256, hex};
use alloy::sol_types::{SolCall, SolError, SolEvent};
use stafi_contracts::ssv_network::{SSVNetwork as E, SSVNetwork as N};
use stafi_contracts::ssv_network_views::SSVNetworkViews as V;

#[test]
fn v2_write_function_selectors() {
    let cases: [([u8; 4], [u8; 4], &str); 13] = [
        (
            N::registerValidatorCall::SELECTOR,
            hex!("b84319fd"),
            "registerValidator",
        ),
        (
            N::bulkRegisterValidatorCall::SELECTOR,
            hex!("a1b483ca"),
            "bulkRegisterValidator",
        ),
        (
            N::removeValidatorCall::SELECTOR,
            hex!("12b3fc19"),
            "removeValidator",
        ),
        (
            N::bulkRemoveValidatorCall::SELECTOR,
            hex!("5aed1142"),
            "bulkRemoveValidator",
        ),
        (
            N::exitValidatorCall::SELECTOR,
            hex!("3877322b"),
            "exitValidator",
        ),
        (
            N::bulkExitValidatorCall::SELECTOR,
            hex!("32afd02f"),
            "bulkExitValidator",
        ),
        (N::depositCall::SELECTOR, hex!("45f47188"), "deposit"),
        (N::withdrawCall::SELECTOR, hex!("686e682c"), "withdraw"),
        (N::reactivateCall::SELECTOR, hex!("ea7844ff"), "reactivate"),
        (N::liquidateCall::SELECTOR, hex!("bf0f2fb2"), "liquidate"),
        (
            N::liquidateSSVCall::SELECTOR,
            hex!("8c1d3d03"),
            "liquidateSSV",
        ),
        (
            N::migrateClusterToETHCall::SELECTOR,
            hex!("36e87b12"),
            "migrateClusterToETH",
        ),
        (
            N::setFeeRecipientAddressCall::SELECTOR,
            hex!("dbcdc2cc"),
            "setFeeRecipientAddress",
        ),
    ];
    for (got, want, name) in cases {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn view_selectors() {
    assert_eq!(V::getBurnRateCall::SELECTOR, hex!("ca162e5e"));
    assert_eq!(V::isLiquidatableCall::SELECTOR, hex!("16cff008"));
    assert_eq!(V::isLiquidatedCall::SELECTOR, hex!("a694695b"));
    assert_eq!(V::getBalanceCall::SELECTOR, hex!("eb8ecfa7"));
    assert_eq!(V::getNetworkFeeCall::SELECTOR, hex!("fc043830"));
    assert_eq!(
        V::getLiquidationThresholdPeriodCall::SELECTOR,
        hex!("9040f7c3")
    );
    assert_eq!(
        V::getMinimumLiquidationCollateralCall::SELECTOR,
        hex!("5ba3d62a")
    );
    assert_eq!(V::getOperatorByIdCall::SELECTOR, hex!("be3f058e"));
    assert_eq!(V::getOperatorFeeCall::SELECTOR, hex!("9ad3c745"));
    // The deployed v2.0.0 view (there is no `getClusterVersion`).
    assert_eq!(V::getClusterAssetTypeCall::SELECTOR, hex!("648e4714"));
}

#[test]
fn custom_error_selectors() {
    let cases: [([u8; 4], [u8; 4], &str); 21] = [
        (
            E::CallerNotOwnerWithData::SELECTOR,
            hex!("8907fc65"),
            "CallerNotOwnerWithData",
        ),
        (
            E::CallerNotWhitelistedWithData::SELECTOR,
            hex!("b7f529fe"),
            "CallerNotWhitelistedWithData",
        ),
        (
            E::OperatorDoesNotExist::SELECTOR,
            hex!("961e3e8c"),
            "OperatorDoesNotExist",
        ),
        (
            E::InsufficientBalance::SELECTOR,
            hex!("f4d678b8"),
            "InsufficientBalance",
        ),
        (
            E::ValidatorDoesNotExist::SELECTOR,
            hex!("e51315d2"),
            "ValidatorDoesNotExist",
        ),
        (
            E::ClusterNotLiquidatable::SELECTOR,
            hex!("60300a8d"),
            "ClusterNotLiquidatable",
        ),
        (
            E::InvalidPublicKeyLength::SELECTOR,
            hex!("637297a4"),
            "InvalidPublicKeyLength",
        ),
        (
            E::InvalidOperatorIdsLength::SELECTOR,
            hex!("38186224"),
            "InvalidOperatorIdsLength",
        ),
        (
            E::ClusterAlreadyEnabled::SELECTOR,
            hex!("3babafd2"),
            "ClusterAlreadyEnabled",
        ),
        (
            E::ClusterIsLiquidated::SELECTOR,
            hex!("95a0cf33"),
            "ClusterIsLiquidated",
        ),
        (
            E::ClusterDoesNotExist::SELECTOR,
            hex!("25d92f88"),
            "ClusterDoesNotExist (v2)",
        ),
        (
            E::IncorrectClusterState::SELECTOR,
            hex!("12e04c87"),
            "IncorrectClusterState",
        ),
        (
            E::UnsortedOperatorsList::SELECTOR,
            hex!("dd020e25"),
            "UnsortedOperatorsList",
        ),
        (
            E::ExceedValidatorLimitWithData::SELECTOR,
            hex!("639f5851"),
            "ExceedValidatorLimitWithData",
        ),
        (
            E::OperatorsListNotUnique::SELECTOR,
            hex!("a5a1ff5d"),
            "OperatorsListNotUnique",
        ),
        (
            E::IncorrectValidatorStateWithData::SELECTOR,
            hex!("89307938"),
            "IncorrectValidatorStateWithData",
        ),
        (
            E::ValidatorAlreadyExistsWithData::SELECTOR,
            hex!("388e7999"),
            "ValidatorAlreadyExistsWithData",
        ),
        (
            E::IncorrectClusterVersion::SELECTOR,
            hex!("f6749746"),
            "IncorrectClusterVersion",
        ),
        (
            E::ETHTransferFailed::SELECTOR,
            hex!("b12d13eb"),
            "ETHTransferFailed",
        ),
        (
            E::ValidatorAlreadyRegistered::SELECTOR,
            hex!("75106a26"),
            "ValidatorAlreadyRegistered",
        ),
        (
            E::MaxPrecisionExceeded::SELECTOR,
            hex!("24756546"),
            "MaxPrecisionExceeded",
        ),
    ];
    for (got, want, name) in cases {
        assert_eq!(got, want, "{name}");
    }
    assert_eq!(E::ExceedValidatorLimit::SELECTOR, hex!("8ddf7de4"));
    assert_eq!(E::EBBelowMinimum::SELECTOR, hex!("9fecdce5"));
    assert_eq!(E::InvalidOperatorFeeRange::SELECTOR, hex!("44b0758c"));
}

#[test]
fn event_topics() {
    let cases = [
        (
            N::ValidatorAdded::SIGNATURE_HASH,
            b256!("48a3ea0796746043948f6341d17ff8200937b99262a0b48c2663b951ed7114e5"),
        ),
        (
            N::ValidatorRemoved::SIGNATURE_HASH,
            b256!("ccf4370403e5fbbde0cd3f13426479dcd8a5916b05db424b7a2c04978cf8ce6e"),
        ),
        (
            N::ClusterLiquidated::SIGNATURE_HASH,
            b256!("1fce24c373e07f89214e9187598635036111dbb363e99f4ce498488cdc66e688"),
        ),
        (
            N::ClusterReactivated::SIGNATURE_HASH,
            b256!("c803f8c01343fcdaf32068f4c283951623ef2b3fa0c547551931356f456b6859"),
        ),
        (
            N::ClusterDeposited::SIGNATURE_HASH,
            b256!("2bac1912f2481d12f0df08647c06bee174967c62d3a03cbc078eb215dc1bd9a2"),
        ),
        (
            N::ClusterWithdrawn::SIGNATURE_HASH,
            b256!("39d1320bbda24947e77f3560661323384aa0a1cb9d5e040e617e5cbf50b6dbe0"),
        ),
        (
            N::ValidatorExited::SIGNATURE_HASH,
            b256!("b4b20ffb2eb1f020be3df600b2287914f50c07003526d3a9d89a9dd12351828c"),
        ),
        (
            N::FeeRecipientAddressUpdated::SIGNATURE_HASH,
            b256!("259235c230d57def1521657e7c7951d3b385e76193378bc87ef6b56bc2ec3548"),
        ),
        (
            N::OperatorAdded::SIGNATURE_HASH,
            b256!("d839f31c14bd632f424e307b36abff63ca33684f77f28e35dc13718ef338f7f4"),
        ),
        (
            N::OperatorRemoved::SIGNATURE_HASH,
            b256!("0e0ba6c2b04de36d6d509ec5bd155c43a9fe862f8052096dd54f3902a74cca3e"),
        ),
        (
            N::OperatorFeeExecuted::SIGNATURE_HASH,
            b256!("513e931ff778ed01e676d55880d8db185c29b0094546ff2b3e9f5b6920d16bef"),
        ),
        (
            N::OperatorFeeDeclared::SIGNATURE_HASH,
            b256!("796204296f2eb56d7432fa85961e9750d0cb21741873ebf7077e28263e327358"),
        ),
        (
            N::NetworkFeeUpdated::SIGNATURE_HASH,
            b256!("8f49a76c5d617bd72673d92d3a019ff8f04f204536aae7a3d10e7ca85603f3cc"),
        ),
        (
            N::OperatorWithdrawn::SIGNATURE_HASH,
            b256!("178bf78bdd8914b8483d640b4a4f84e20943b5eb6b639b7474286364c7651d60"),
        ),
        (
            N::ClusterBalanceUpdated::SIGNATURE_HASH,
            b256!("0cc301d13799ab915796eed462da724756a969f8e05d69ad2405eb3da7036b55"),
        ),
        (
            N::ClusterMigratedToETH::SIGNATURE_HASH,
            b256!("6dc71e7231318932a8a7f99bac76f94ffe24cac147843e0c285ce4cf290c803a"),
        ),
        (
            N::NetworkFeeUpdatedSSV::SIGNATURE_HASH,
            b256!("67b4581d242b51c956246a35859809bc259dfd07d622b4bc0a9858641a6297fb"),
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
}
