use std::fmt;

use alloy::primitives::{Address, U256};
use thiserror::Error;

use crate::bindings::ssv_network::SSVNetwork::SSVNetworkErrors;

alloy::sol! {
    /// Errors the deployed SSV Network v2.0.0 raises from its modules (OpenZeppelin's
    /// `ReentrancyGuard`, SSV's safe casts) that its published ABI (`abi/SSVNetwork.json`) does not
    /// list, so the generated [`SSVNetworkErrors`] cannot decode them.
    #[derive(Debug, PartialEq, Eq)]
    interface SSVNetworkUnlisted {
        error ReentrancyGuardReentrantCall();
        error SafeCastOverflow();
    }
}

pub use SSVNetworkUnlisted::SSVNetworkUnlistedErrors;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ContractsError {
    /// StafiStorage has no address registered under this contract name.
    #[error("StafiStorage has no address for contract {name:?}")]
    UnregisteredContract {
        /// The contract name looked up (`stafiSuperNode`, …).
        name: String,
    },
    /// A contract call reverted; `reason` is the decoded custom error, revert string or panic.
    #[error("{call} reverted{}: {reason}", ClusterSuffix(cluster.as_ref()))]
    Reverted {
        /// The call, as `Contract.function`.
        call: &'static str,
        /// The cluster the call was about, if any.
        cluster: Option<ClusterRef>,
        /// The decoded revert.
        reason: RevertReason,
    },
    /// The call failed without revert data (transport, signing or decoding of the return value).
    #[error("{call} failed{}: {source}", ClusterSuffix(cluster.as_ref()))]
    Call {
        /// The call, as `Contract.function`.
        call: &'static str,
        /// The cluster the call was about, if any.
        cluster: Option<ClusterRef>,
        /// What alloy reported.
        #[source]
        source: Box<alloy::contract::Error>,
    },
    /// No preset is known for this network name.
    #[error("unknown network {name:?}; known networks: mainnet, hoodi")]
    UnknownNetwork {
        /// The name given.
        name: String,
    },
}

impl ContractsError {
    /// Wraps a failed contract call, decoding revert data into a named [`RevertReason`].
    pub fn from_call(
        call: &'static str,
        cluster: Option<ClusterRef>,
        source: alloy::contract::Error,
    ) -> Self {
        match source.as_revert_data() {
            Some(data) => Self::Reverted {
                call,
                cluster,
                reason: RevertReason::decode(&data),
            },
            None => Self::Call {
                call,
                cluster,
                source: Box::new(source),
            },
        }
    }

    /// The SSV custom error this call reverted with, if any.
    pub fn ssv_error(&self) -> Option<&SSVNetworkErrors> {
        match self {
            Self::Reverted {
                reason: RevertReason::Ssv { error, .. },
                ..
            } => Some(error),
            _ => None,
        }
    }
}

/// The cluster a failed call was about: its owner and (sorted) operator ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterRef {
    /// The cluster owner.
    pub owner: Address,
    /// Its operator ids, ascending.
    pub operator_ids: Vec<u64>,
}

impl fmt::Display for ClusterRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cluster of {} with operators {:?}",
            self.owner, self.operator_ids
        )
    }
}

struct ClusterSuffix<'a>(Option<&'a ClusterRef>);

impl fmt::Display for ClusterSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(c) => write!(f, " for {c}"),
            None => Ok(()),
        }
    }
}

/// Why a call reverted, decoded from its revert data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevertReason {
    /// An SSV Network custom error of the published v2.0.0 ABI, with its arguments.
    Ssv {
        /// The error's name in the ABI.
        name: &'static str,
        /// The decoded error with its arguments.
        error: Box<SSVNetworkErrors>,
    },
    /// An error SSV Network v2.0.0 raises that its published ABI does not list.
    SsvUnlisted {
        /// The error's name in SSV Network's sources.
        name: &'static str,
        /// The decoded error.
        error: SSVNetworkUnlistedErrors,
    },
    /// A `require` message (`Error(string)`), as the StaFi contracts and ERC-20 tokens use.
    Message(String),
    /// A Solidity panic (`Panic(uint256)`), e.g. 0x11 for arithmetic overflow.
    Panic {
        /// The panic code.
        code: U256,
    },
    /// A custom error this crate does not know.
    UnknownSelector {
        /// The first four bytes of the revert data.
        selector: [u8; 4],
    },
    /// The call reverted without data.
    Empty,
}

impl RevertReason {
    /// Decodes revert data: SSV custom errors, `Error(string)`, `Panic(uint256)`.
    pub fn decode(data: &[u8]) -> Self {
        use alloy::sol_types::{Panic, Revert, SolError, SolInterface};

        let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
            return Self::Empty;
        };
        if selector == Revert::SELECTOR
            && let Ok(r) = Revert::abi_decode(data)
        {
            return Self::Message(r.reason);
        }
        if selector == Panic::SELECTOR
            && let Ok(p) = Panic::abi_decode(data)
        {
            return Self::Panic { code: p.code };
        }
        if let (Some(name), Ok(error)) = (
            SSVNetworkErrors::name_by_selector(selector),
            SSVNetworkErrors::abi_decode(data),
        ) {
            return Self::Ssv {
                name,
                error: Box::new(error),
            };
        }
        match (
            SSVNetworkUnlistedErrors::name_by_selector(selector),
            SSVNetworkUnlistedErrors::abi_decode(data),
        ) {
            (Some(name), Ok(error)) => Self::SsvUnlisted { name, error },
            _ => Self::UnknownSelector { selector },
        }
    }

    /// The error's name (`"InsufficientBalance"`), or `None` for messages, panics and unknown data.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            Self::Ssv { name, .. } | Self::SsvUnlisted { name, .. } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for RevertReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ssv { name, error } => {
                // The generated Debug prints `Name(Name { field: value, .. })`; keep the inner part.
                let debug = format!("{error:?}");
                let inner = debug
                    .strip_prefix(name)
                    .and_then(|s| s.strip_prefix('('))
                    .and_then(|s| s.strip_suffix(')'))
                    .unwrap_or(&debug);
                if inner == *name {
                    f.write_str(name)
                } else {
                    f.write_str(inner)
                }
            }
            Self::SsvUnlisted { name, .. } => f.write_str(name),
            Self::Message(m) => write!(f, "{m:?}"),
            Self::Panic { code } => write!(f, "panic code {code:#x}"),
            Self::UnknownSelector { selector } => write!(
                f,
                "unrecognised custom error with selector 0x{}",
                alloy::hex::encode(selector)
            ),
            Self::Empty => f.write_str("no revert data"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::ssv_network::SSVNetwork;
    use alloy::sol_types::{Revert, SolError};

    #[test]
    fn decodes_ssv_error_with_arguments() {
        let data = SSVNetwork::ExceedValidatorLimitWithData { operatorId: 7 }.abi_encode();
        let reason = RevertReason::decode(&data);
        assert_eq!(reason.name(), Some("ExceedValidatorLimitWithData"));
        assert!(reason.to_string().contains("operatorId: 7"), "{reason}");
    }

    #[test]
    fn decodes_unit_error_by_name() {
        let reason = RevertReason::decode(&alloy::hex!("f4d678b8"));
        assert_eq!(reason.name(), Some("InsufficientBalance"));
        assert_eq!(reason.to_string(), "InsufficientBalance");
    }

    #[test]
    fn decodes_errors_the_published_abi_does_not_list() {
        // keccak256("ReentrancyGuardReentrantCall()")[..4] and keccak256("SafeCastOverflow()")[..4]
        let reason = RevertReason::decode(&alloy::hex!("3ee5aeb5"));
        assert_eq!(reason.name(), Some("ReentrancyGuardReentrantCall"));
        let reason = RevertReason::decode(&alloy::hex!("93dafdf1"));
        assert_eq!(reason.name(), Some("SafeCastOverflow"));
        assert_eq!(reason.to_string(), "SafeCastOverflow");
    }

    #[test]
    fn decodes_revert_string_and_unknown_selector() {
        let data = Revert::from("pubkey status unmatch").abi_encode();
        assert_eq!(
            RevertReason::decode(&data),
            RevertReason::Message("pubkey status unmatch".into())
        );
        assert_eq!(
            RevertReason::decode(&[0xde, 0xad, 0xbe, 0xef]),
            RevertReason::UnknownSelector {
                selector: [0xde, 0xad, 0xbe, 0xef]
            }
        );
        assert_eq!(RevertReason::decode(&[]), RevertReason::Empty);
    }

    #[test]
    fn reverted_error_names_call_and_cluster() {
        let err = ContractsError::Reverted {
            call: "registerValidator",
            cluster: Some(ClusterRef {
                owner: Address::ZERO,
                operator_ids: vec![1, 2, 3, 4],
            }),
            reason: RevertReason::decode(&alloy::hex!("12e04c87")),
        };
        assert_eq!(
            err.to_string(),
            "registerValidator reverted for cluster of 0x0000000000000000000000000000000000000000 \
             with operators [1, 2, 3, 4]: IncorrectClusterState"
        );
    }
}
