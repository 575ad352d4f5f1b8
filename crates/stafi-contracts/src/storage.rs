use alloy::primitives::{B256, keccak256};

/// The StafiStorage key of a contract's address: `keccak256(abi.encodePacked("contract.address", name))`.
pub fn storage_key(contract_name: &str) -> B256 {
    let mut buf = Vec::with_capacity(16 + contract_name.len());
    buf.extend_from_slice(b"contract.address");
    buf.extend_from_slice(contract_name.as_bytes());
    keccak256(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_names_give_different_keys() {
        assert_ne!(storage_key("stafiSuperNode"), storage_key("stafiUserDeposit"));
        assert_eq!(storage_key("a"), keccak256(b"contract.addressa"));
    }
}
