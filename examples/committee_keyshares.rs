//! A committee from the SSV API and keyshares for it, with `ssv-api`, `operator-selection` and
//! `keyshare`: every operator is read from an SSV API (the devnet's local fake, which speaks the
//! real API's JSON), a committee is chosen with the reason for each operator, and validator 0's
//! key is split into keyshares for it, signed for the owner's next nonce and verified.
//!
//! An operator's key is taken from the API here; the router checks each against the key the
//! chain registered (`OperatorAdded`) before it encrypts anything to it.
//!
//! Needs anvil (`scripts/install-tools.sh`; `source <(scripts/tool-env.sh)`).
//! Run: `cargo run -p stafi-router-examples --example committee_keyshares`

use devnet::{Devnet, FakeSsvApi, devnet_operators};
use keygen::Mnemonic;
use keyshare::{KeysharesBuilder, Operator, ValidatorSecret, Verifier};
use operator_selection::{Candidate, Policy, SelectionInput, select};
use ssv_api::{OperatorsQuery, SsvApiClient, SsvNetwork};

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let devnet = Devnet::spawn().await?;
    let api = FakeSsvApi::devnet_builder(&devnet)
        .operators(devnet_operators(&devnet))
        .spawn()
        .await?;
    let owner = devnet.accounts.ssv_owner;

    // Every operator, page by page.
    let client = SsvApiClient::builder(SsvNetwork::Mainnet)
        .base_url(api.network_url())
        .build()?;
    let operators = client
        .all_operators(&OperatorsQuery::new().per_page(100))
        .await?;
    println!("{} operators from {}", operators.len(), client.base_url());

    // As selection candidates: those with an ETH fee (SSV v2), with what diversity needs.
    let candidates: Vec<Candidate> = operators
        .iter()
        .filter_map(|op| {
            Some(Candidate {
                owner_address: op.owner_address.unwrap_or_default(),
                is_private: op.is_private.unwrap_or(false),
                setup_provider: op.setup_provider.clone().filter(|s| !s.is_empty()),
                location: op.location.clone().filter(|s| !s.is_empty()),
                el_client: op.eth1_node_client.clone().filter(|s| !s.is_empty()),
                cl_client: op.eth2_node_client.clone().filter(|s| !s.is_empty()),
                ..Candidate::new(op.id, op.public_key.clone(), op.eth_fee?)
            })
        })
        .collect();
    let selection = select(
        &SelectionInput::new(candidates.clone(), owner),
        &Policy::default(),
    )?;
    println!("committee {:?}", selection.committee);
    for report in &selection.reasons {
        println!("  operator {}: {}", report.id, report.verdict);
    }

    // Keyshares of validator 0 (a throwaway mnemonic) for that committee, nonce 0.
    let seed = Mnemonic::generate()?.to_seed("");
    let committee = candidates
        .iter()
        .filter(|c| selection.committee.contains(&c.id))
        .map(|c| Operator::from_base64(c.id, &c.public_key))
        .collect::<Result<Vec<_>, _>>()?;
    let secret = ValidatorSecret::from_bytes(&seed.signing_key(0).to_bytes())?;
    let file = KeysharesBuilder::new(committee, owner)?
        .nonce(0)
        .build(&[secret])?;
    let verdict = Verifier::new()
        .owner(owner)
        .nonce(0)
        .verify_file(&file)
        .remove(0);
    assert!(verdict.is_ok(), "{:?}", verdict.failures);
    println!(
        "keyshares for operators {:?}: {} bytes of sharesData, verified",
        file.items[0].operator_ids,
        file.items[0].shares_data.len()
    );
    Ok(())
}
