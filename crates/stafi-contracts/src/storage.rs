use alloy::primitives::{Address, B256, keccak256};
use alloy::providers::Provider;

use crate::ContractsError;
use crate::bindings::stafi_storage::StafiStorage;

/// The StafiStorage key of a contract's address: `keccak256(abi.encodePacked("contract.address", name))`.
pub fn storage_key(contract_name: &str) -> B256 {
    let mut buf = Vec::with_capacity(16 + contract_name.len());
    buf.extend_from_slice(b"contract.address");
    buf.extend_from_slice(contract_name.as_bytes());
    keccak256(buf)
}

/// The StaFi contracts the router uses, as registered in StafiStorage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StafiAddresses {
    /// `stafiSuperNode`: deposit, stake, the super node's keys.
    pub super_node: Address,
    /// `stafiUserDeposit`: the pool.
    pub user_deposit: Address,
    /// `stafiNetworkSettings`.
    pub network_settings: Address,
    /// `stafiWithdraw` (the proxy): withdrawal credentials and ejections.
    pub withdraw: Address,
    /// `stafiSuperNodeFeePool`: the SSV fee recipient.
    pub super_node_fee_pool: Address,
}

impl StafiAddresses {
    /// StafiStorage names of the contracts, in field order.
    pub const NAMES: [&'static str; 5] = [
        "stafiSuperNode",
        "stafiUserDeposit",
        "stafiNetworkSettings",
        "stafiWithdraw",
        "stafiSuperNodeFeePool",
    ];

    /// Reads every address from StafiStorage; a zero address is [`ContractsError::UnregisteredContract`].
    pub async fn resolve<P: Provider>(
        provider: P,
        storage: Address,
    ) -> Result<Self, ContractsError> {
        let storage = StafiStorage::new(storage, provider);
        let mut found = [Address::ZERO; 5];
        for (slot, name) in found.iter_mut().zip(Self::NAMES) {
            let address = storage
                .getAddress(storage_key(name))
                .call()
                .await
                .map_err(|e| ContractsError::from_call("StafiStorage.getAddress", None, e))?;
            if address.is_zero() {
                return Err(ContractsError::UnregisteredContract {
                    name: name.to_owned(),
                });
            }
            *slot = address;
        }
        let [
            super_node,
            user_deposit,
            network_settings,
            withdraw,
            super_node_fee_pool,
        ] = found;
        Ok(Self {
            super_node,
            user_deposit,
            network_settings,
            withdraw,
            super_node_fee_pool,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_names_give_different_keys() {
        assert_ne!(
            storage_key("stafiSuperNode"),
            storage_key("stafiUserDeposit")
        );
        assert_eq!(storage_key("a"), keccak256(b"contract.addressa"));
    }
}
