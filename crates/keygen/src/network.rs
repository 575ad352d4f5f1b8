use std::str::FromStr;

use crate::KeygenError;

/// One Ethereum network: what deposit data, exits and the contracts need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// Short lowercase name, as the deposit tool writes it in `network_name`.
    pub name: String,
    /// Execution-layer chain id.
    pub chain_id: u64,
    /// `GENESIS_FORK_VERSION`, used by the deposit domain.
    pub genesis_fork_version: [u8; 4],
    /// `CAPELLA_FORK_VERSION`, used by voluntary exits since EIP-7044.
    pub capella_fork_version: [u8; 4],
    /// `genesis_validators_root` of the beacon chain.
    pub genesis_validators_root: [u8; 32],
}

/// Hex to fixed bytes for the constants below; panics only on a typo in this file.
const fn h32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("bad hex constant"),
    }
}

struct Preset {
    name: &'static str,
    chain_id: u64,
    genesis_fork_version: [u8; 4],
    capella_fork_version: [u8; 4],
    genesis_validators_root: [u8; 32],
}

// Sources: consensus-specs configs and each network's published config.yaml / genesis.
const PRESETS: &[Preset] = &[
    Preset {
        name: "mainnet",
        chain_id: 1,
        genesis_fork_version: [0x00, 0x00, 0x00, 0x00],
        capella_fork_version: [0x03, 0x00, 0x00, 0x00],
        genesis_validators_root: h32(
            "4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
        ),
    },
    Preset {
        name: "hoodi",
        chain_id: 560_048,
        genesis_fork_version: [0x10, 0x00, 0x09, 0x10],
        capella_fork_version: [0x40, 0x00, 0x09, 0x10],
        genesis_validators_root: h32(
            "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
        ),
    },
    Preset {
        name: "holesky",
        chain_id: 17_000,
        genesis_fork_version: [0x01, 0x01, 0x70, 0x00],
        capella_fork_version: [0x04, 0x01, 0x70, 0x00],
        genesis_validators_root: h32(
            "9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
        ),
    },
    Preset {
        name: "sepolia",
        chain_id: 11_155_111,
        genesis_fork_version: [0x90, 0x00, 0x00, 0x69],
        capella_fork_version: [0x90, 0x00, 0x00, 0x72],
        genesis_validators_root: h32(
            "d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
        ),
    },
];

impl Network {
    /// Names of the built-in networks.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|p| p.name)
    }

    /// A built-in network by name (case-insensitive).
    pub fn by_name(name: &str) -> Result<Self, KeygenError> {
        PRESETS
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| Network {
                name: p.name.to_owned(),
                chain_id: p.chain_id,
                genesis_fork_version: p.genesis_fork_version,
                capella_fork_version: p.capella_fork_version,
                genesis_validators_root: p.genesis_validators_root,
            })
            .ok_or_else(|| KeygenError::UnknownNetwork {
                name: name.to_owned(),
                known: Self::known_names().collect::<Vec<_>>().join(", "),
            })
    }
}

impl FromStr for Network {
    type Err = KeygenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::by_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_versions_match_the_deposit_tool() {
        // Values from ethstaker-deposit 1.3.1 (shared spec, dependencies-and-oracles §9.2).
        let cases = [
            ("mainnet", "00000000"),
            ("hoodi", "10000910"),
            ("sepolia", "90000069"),
            ("holesky", "01017000"),
        ];
        for (name, fork) in cases {
            let n = Network::by_name(name).unwrap();
            assert_eq!(hex::encode(n.genesis_fork_version), fork, "{name}");
        }
    }

    #[test]
    fn unknown_network_is_named_in_the_error() {
        let err = Network::by_name("goerli").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"goerli\""), "{msg}");
        assert!(msg.contains("mainnet"), "{msg}");
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(Network::by_name("MAINNET").unwrap().chain_id, 1);
    }
}
