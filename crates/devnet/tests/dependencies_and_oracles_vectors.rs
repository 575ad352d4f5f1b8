//! deposit_data_root vector: the reference output of ethstaker-deposit 1.3.1 (PyPI,
//! `Credential.deposit_datum_dict`) for mainnet, 32 ETH, 0x01 to 0x1111…1111.

use alloy::primitives::{Address, b256, hex};
use devnet::{deposit_data_root, withdrawal_credentials};

#[test]
fn mainnet_deposit_data_root() {
    let pubkey = hex!(
        "b3e445d43871965d890a398f719348a1405ac72e35b92727cc570026f54471af7ea7b2040622a8fd0b5bfb2a209b5911"
    );
    let signature = hex!(
        "ab16095a05f4a59c67c7bce1b1446df67e5dc8bf58e151d6ef429d7cab542e2030595c70d5ee4c836da752b7a2b2216013920e19dc69a74d598a5cef6a214026f7fab2fa8c4ec3dea9a840f17b9393180b12100638b0fab63bc6696ec247eae7"
    );
    let wc = withdrawal_credentials(Address::repeat_byte(0x11));
    assert_eq!(
        wc,
        hex!("0100000000000000000000001111111111111111111111111111111111111111")
    );
    assert_eq!(
        deposit_data_root(&pubkey, &wc, 32_000_000_000, &signature),
        b256!("2bf5e19730af00ba7252ad9928e1fe8a9ae7f598bd3f1ad96ea094663f40c946")
    );
}
