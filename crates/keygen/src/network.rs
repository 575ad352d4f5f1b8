use std::str::FromStr;

use crate::KeygenError;
use crate::wire::NetworkConfig;

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

    /// A network that is not built in (a local devnet), from configuration. The name must not
    /// shadow a built-in network; fork versions are 4 bytes and the root 32 bytes, in hex.
    pub fn custom(config: &NetworkConfig) -> Result<Self, KeygenError> {
        let bad = |reason: String| KeygenError::InvalidNetwork {
            name: config.name.clone(),
            reason,
        };
        let name = config.name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(bad("the name must be one non-empty word".to_owned()));
        }
        if Self::known_names().any(|k| k.eq_ignore_ascii_case(name)) {
            return Err(bad("the name is taken by a built-in network".to_owned()));
        }
        Ok(Network {
            name: name.to_owned(),
            chain_id: config.chain_id,
            genesis_fork_version: fixed_hex("genesis_fork_version", &config.genesis_fork_version)
                .map_err(&bad)?,
            capella_fork_version: fixed_hex("capella_fork_version", &config.capella_fork_version)
                .map_err(&bad)?,
            genesis_validators_root: fixed_hex(
                "genesis_validators_root",
                &config.genesis_validators_root,
            )
            .map_err(&bad)?,
        })
    }

    /// A built-in network, or one of `custom` with that name (case-insensitive).
    pub fn resolve(name: &str, custom: &[Network]) -> Result<Self, KeygenError> {
        if let Some(n) = custom.iter().find(|n| n.name.eq_ignore_ascii_case(name)) {
            return Ok(n.clone());
        }
        Self::by_name(name).map_err(|err| match err {
            KeygenError::UnknownNetwork { name, known } if !custom.is_empty() => {
                let extra: Vec<&str> = custom.iter().map(|n| n.name.as_str()).collect();
                KeygenError::UnknownNetwork {
                    name,
                    known: format!("{known}, {}", extra.join(", ")),
                }
            }
            other => other,
        })
    }
}

fn fixed_hex<const N: usize>(field: &str, value: &str) -> Result<[u8; N], String> {
    let digits = value.strip_prefix("0x").unwrap_or(value);
    let bytes = hex::decode(digits).map_err(|err| format!("{field} is not hex: {err}"))?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| format!("{field} has {} bytes, expected {N}", bytes.len()))
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
        // Values from ethstaker-deposit 1.3.1 (`ethstaker_deposit/settings.py` GENESIS_FORK_VERSION);
        // holesky, which 1.3.1 dropped, from the eth-clients/holesky network config.
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

    fn devnet() -> NetworkConfig {
        NetworkConfig {
            name: "devnet".to_owned(),
            chain_id: 31_337,
            genesis_fork_version: "0x10000038".to_owned(),
            capella_fork_version: "40000038".to_owned(),
            genesis_validators_root: format!("0x{}", "ab".repeat(32)),
        }
    }

    #[test]
    fn custom_network_from_config() {
        let n = Network::custom(&devnet()).unwrap();
        assert_eq!(n.genesis_fork_version, [0x10, 0, 0, 0x38]);
        assert_eq!(n.capella_fork_version, [0x40, 0, 0, 0x38]);
        assert_eq!(n.genesis_validators_root, [0xab; 32]);
        let resolved = Network::resolve("DEVNET", std::slice::from_ref(&n)).unwrap();
        assert_eq!(resolved, n);
        assert_eq!(Network::resolve("hoodi", &[n]).unwrap().chain_id, 560_048);
    }

    #[test]
    fn custom_network_errors_name_the_field() {
        let mut c = devnet();
        c.genesis_fork_version = "0x100000".to_owned();
        let msg = Network::custom(&c).unwrap_err().to_string();
        assert!(msg.contains("genesis_fork_version has 3 bytes"), "{msg}");
        let mut c = devnet();
        c.genesis_validators_root = "zz".to_owned();
        let msg = Network::custom(&c).unwrap_err().to_string();
        assert!(msg.contains("genesis_validators_root is not hex"), "{msg}");
        let mut c = devnet();
        c.name = "Mainnet".to_owned();
        let msg = Network::custom(&c).unwrap_err().to_string();
        assert!(msg.contains("built-in"), "{msg}");
        let n = Network::custom(&devnet()).unwrap();
        let msg = Network::resolve("kiln", &[n]).unwrap_err().to_string();
        assert!(msg.contains("\"kiln\"") && msg.contains("devnet"), "{msg}");
    }

    #[test]
    fn capella_versions_and_roots_match_the_deposit_tool() {
        // ethstaker-deposit 1.3.1 settings.py (EXIT_FORK_VERSION, GENESIS_VALIDATORS_ROOT);
        // holesky, which 1.3.1 dropped, from the eth-clients/holesky network config
        // (CAPELLA_FORK_VERSION and the genesis validators root).
        let cases = [
            (
                "mainnet",
                "03000000",
                "4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
            ),
            (
                "hoodi",
                "40000910",
                "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
            ),
            (
                "sepolia",
                "90000072",
                "d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
            ),
            (
                "holesky",
                "04017000",
                "9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
            ),
        ];
        for (name, capella, root) in cases {
            let n = Network::by_name(name).unwrap();
            assert_eq!(hex::encode(n.capella_fork_version), capella, "{name}");
            assert_eq!(hex::encode(n.genesis_validators_root), root, "{name}");
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(Network::by_name("MAINNET").unwrap().chain_id, 1);
    }
}
