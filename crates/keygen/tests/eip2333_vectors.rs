//! EIP-2333 test vectors, from the EIP text (ethereum/ERCs `ERCS/erc-2333.md`, "Test cases"), and
//! BIP-39 seed checks.

use keygen::{Mnemonic, Seed};

struct Vector {
    seed: &'static str,
    master_sk: &'static str,
    child_index: u32,
    child_sk: &'static str,
}

const VECTORS: [Vector; 4] = [
    Vector {
        seed: "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
        master_sk: "0d7359d57963ab8fbbde1852dcf553fedbc31f464d80ee7d40ae683122b45070",
        child_index: 0,
        child_sk: "2d18bd6c14e6d15bf8b5085c9b74f3daae3b03cc2014770a599d8c1539e50f8e",
    },
    Vector {
        seed: "3141592653589793238462643383279502884197169399375105820974944592",
        master_sk: "41c9e07822b092a93fd6797396338c3ada4170cc81829fdfce6b5d34bd5e7ec7",
        child_index: 3_141_592_653,
        child_sk: "384843fad5f3d777ea39de3e47a8f999ae91f89e42bffa993d91d9782d152a0f",
    },
    Vector {
        seed: "0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
        master_sk: "3cfa341ab3910a7d00d933d8f7c4fe87c91798a0397421d6b19fd5b815132e80",
        child_index: 4_294_967_295,
        child_sk: "40e86285582f35b28821340f6a53b448588efa575bc4d88c32ef8567b8d9479b",
    },
    Vector {
        seed: "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
        master_sk: "2a0e28ffa5fbbe2f8e7aad4ed94f745d6bf755c51182e119bb1694fe61d3afca",
        child_index: 42,
        child_sk: "455c0dc9fccb3395825d92a60d2672d69416be1c2578a87a7a3d3ced11ebb88d",
    },
];

#[test]
fn all_four_eip2333_vectors() {
    for (i, v) in VECTORS.iter().enumerate() {
        let seed = Seed::from_bytes(&hex::decode(v.seed).unwrap()).unwrap();
        let master = seed.master_key();
        assert_eq!(
            hex::encode(*master.to_bytes()),
            v.master_sk,
            "vector {i} master"
        );
        let child = master.derive_child(v.child_index);
        assert_eq!(
            hex::encode(*child.to_bytes()),
            v.child_sk,
            "vector {i} child"
        );
    }
}

#[test]
fn vector_0_seed_is_the_bip39_seed_of_abandon_about_with_trezor() {
    let m = Mnemonic::parse(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .unwrap();
    assert_eq!(hex::encode(m.to_seed("TREZOR").as_bytes()), VECTORS[0].seed);
}

#[test]
fn seed_shorter_than_32_bytes_is_refused() {
    let err = Seed::from_bytes(&[7u8; 31]).unwrap_err();
    assert!(err.to_string().contains("31 bytes"), "{err}");
}
