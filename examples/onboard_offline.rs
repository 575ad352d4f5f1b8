//! One validator from mnemonic to SSV registration, offline, with the four pure crates:
//!
//! 1. `keygen`: derive validator 0 and its 1 ETH StaFi pre-deposit data;
//! 2. `operator-selection`: choose a committee from candidates and say why;
//! 3. `keyshare`: split the key for that committee, signed for the owner's next nonce;
//! 4. `cluster-accounting`: how much ETH `registerValidator` must carry for 30 days of runway.
//!
//! Run: `cargo run -p stafi-router-examples --example onboard_offline`

use alloy_primitives::{Address, U256};
use cluster_accounting::{
    Action, Cluster, ClusterIndices, ClusterState, ClusterVersion, FeeSnapshot, Horizon,
    LiquidationParams, NetworkState, OperatorState, VUnits, format_amount, plan,
};
use keygen::{DepositPlan, Mnemonic, WithdrawalTarget, parse_withdrawal_address};
use keyshare::{KeysharesBuilder, Operator, OperatorPublicKey, ValidatorSecret, Verifier};
use operator_selection::{Candidate, Policy, SelectionInput, select};

type Error = Box<dyn std::error::Error>;

/// Blocks per day at 12 s slots.
const BLOCKS_PER_DAY: u64 = 7_200;

fn main() -> Result<(), Error> {
    // A throwaway mnemonic: a real router keeps its own encrypted (`keygen::MnemonicStore`).
    let mnemonic = Mnemonic::generate()?;
    let seed = mnemonic.to_seed("");
    let stafi_withdraw = parse_withdrawal_address("0x1111111111111111111111111111111111111111")?;
    let owner: Address = "0x2222222222222222222222222222222222222222".parse()?;

    // 1. Validator 0 and StaFi's 1 ETH pre-deposit.
    let deposit = DepositPlan::new(
        "hoodi".parse()?,
        WithdrawalTarget::Execution(stafi_withdraw),
    )
    .amount_gwei(1_000_000_000)
    .start_index(0)
    .count(1)
    .run(&seed)?
    .remove(0);
    println!("validator 0: {}", deposit.pubkey);
    println!(
        "  1 ETH deposit_data_root 0x{}",
        hex::encode(deposit.deposit_data_root)
    );

    // 2. Eight candidates: fees, providers and owners differ; one is private.
    let mut candidates = Vec::new();
    for id in 1..=8u64 {
        let rsa = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)?;
        let key = OperatorPublicKey::from_rsa(rsa.to_public_key())?;
        candidates.push(Candidate {
            owner_address: Address::with_last_byte(u8::try_from(id)?),
            setup_provider: Some(["AWS", "Hetzner", "OVH", "bare metal"][(id % 4) as usize].into()),
            location: Some(["DE", "US", "SG", "FR"][(id % 4) as usize].into()),
            el_client: Some(["Geth", "Nethermind", "Besu", "Reth"][(id % 4) as usize].into()),
            is_private: id == 2,
            ..Candidate::new(
                id,
                key.encoded(),
                900_000_000 + 40_000_000 * u128::from(id % 5),
            )
        });
    }
    let selection = select(
        &SelectionInput::new(candidates.clone(), owner),
        &Policy::default(),
    )?;
    println!("committee {:?}", selection.committee);
    for report in &selection.reasons {
        println!("  operator {}: {}", report.id, report.verdict);
    }

    // 3. Keyshares for the committee, signed for the owner's next nonce (0 for a new owner).
    let operators = candidates
        .iter()
        .filter(|c| selection.committee.contains(&c.id))
        .map(|c| Operator::from_base64(c.id, &c.public_key))
        .collect::<Result<Vec<_>, _>>()?;
    let secret = ValidatorSecret::from_bytes(&seed.signing_key(0).to_bytes())?;
    let file = KeysharesBuilder::new(operators, owner)?
        .nonce(0)
        .build(&[secret])?;
    let verdict = Verifier::new()
        .owner(owner)
        .nonce(0)
        .verify_file(&file)
        .remove(0);
    assert!(verdict.is_ok(), "{:?}", verdict.failures);
    println!(
        "keyshares: {} bytes of sharesData for operators {:?}",
        file.items[0].shares_data.len(),
        file.items[0].operator_ids
    );

    // 4. ETH to send with registerValidator: fees set at block 1,000, tx lands within 20 blocks,
    //    then 30 days of runway. The network fee is mainnet's, as set by the SSV Network v2.0.0
    //    upgrade (ssvlabs/ssv-network `deployments/mainnet/multisig-batch.json`, `updateNetworkFee`).
    let block = 1_000;
    let operator_states: Vec<OperatorState> = candidates
        .iter()
        .filter(|c| selection.committee.contains(&c.id))
        .map(|c| {
            Ok(OperatorState {
                id: c.id,
                ssv: FeeSnapshot::default(),
                eth: FeeSnapshot::new(ClusterVersion::Eth.pack(U256::from(c.eth_fee))?, block),
                removed: false,
            })
        })
        .collect::<Result<_, Error>>()?;
    let network = NetworkState {
        eth: FeeSnapshot::new(
            ClusterVersion::Eth.pack(U256::from(3_366_600_000u64))?,
            block,
        ),
        ..NetworkState::default()
    };
    let at = ClusterIndices::compute(ClusterVersion::Eth, block, &operator_states, &network)?;
    let new_cluster = ClusterState {
        version: ClusterVersion::Eth,
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let horizon = Horizon {
        inclusion_blocks: 20,
        runway_blocks: 30 * BLOCKS_PER_DAY,
    };
    let p = plan(
        &new_cluster,
        &at,
        &LiquidationParams::MAINNET_ETH,
        &Action::AddValidators { count: 1 },
        horizon,
    )?;
    println!(
        "registerValidator value: {} (liquidatable from block {:?} at constant fees)",
        format_amount(p.amount, p.token)?,
        p.liquidation_block
    );
    Ok(())
}
