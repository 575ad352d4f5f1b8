use alloy_primitives::Address;

use crate::{Candidate, Policy, Rejection, report::Window};

/// The first per-operator filter of `policy` that `candidate` fails, checked in a fixed order:
/// state, key, allow/deny, privacy, verification, DKG, MEV, performance, capacity, fee.
pub fn check_candidate(
    candidate: &Candidate,
    owner: Address,
    validators_per_operator_limit: u32,
    policy: &Policy,
) -> Result<(), Rejection> {
    if candidate.is_removed() {
        return Err(Rejection::Removed);
    }
    if !candidate.is_running() {
        return Err(Rejection::NotActive {
            status: candidate.status,
        });
    }
    if candidate.public_key.trim().is_empty() {
        return Err(Rejection::NoPublicKey);
    }
    if policy.deny.contains(&candidate.id) {
        return Err(Rejection::Denied);
    }
    if !policy.allow.is_empty()
        && !policy.allow.contains(&candidate.id)
        && !policy.pinned.contains(&candidate.id)
    {
        return Err(Rejection::NotAllowed);
    }
    if candidate.is_private && !(policy.private_when_whitelisted && candidate.accepts_owner(owner))
    {
        return Err(Rejection::PrivateNotWhitelisted);
    }
    if policy.verified_only && !candidate.verified {
        return Err(Rejection::NotVerified);
    }
    if policy.require_dkg_endpoint
        && !candidate
            .dkg_endpoint
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    {
        return Err(Rejection::NoDkgEndpoint);
    }
    if !policy.require_any_mev_relay.is_empty()
        && !candidate.mev_relays.iter().any(|relay| {
            policy
                .require_any_mev_relay
                .iter()
                .any(|wanted| wanted.trim().eq_ignore_ascii_case(relay.trim()))
        })
    {
        return Err(Rejection::NoRequiredMevRelay);
    }
    check_performance(candidate, policy)?;
    check_capacity(
        candidate,
        validators_per_operator_limit,
        policy.capacity_headroom,
    )?;
    if let Some(cap) = policy.max_fee_per_operator
        && candidate.eth_fee > cap
    {
        return Err(Rejection::FeeAboveCap {
            fee: candidate.eth_fee,
            cap,
        });
    }
    Ok(())
}

/// The performance floors of `policy`.
pub fn check_performance(candidate: &Candidate, policy: &Policy) -> Result<(), Rejection> {
    for (window, value, min) in [
        (
            Window::Month,
            candidate.performance_30d,
            policy.min_performance_30d,
        ),
        (
            Window::Day,
            candidate.performance_24h,
            policy.min_performance_24h,
        ),
    ] {
        match value.filter(|v| v.is_finite()) {
            None if policy.require_performance_data => {
                return Err(Rejection::NoPerformanceData { window });
            }
            Some(actual) if actual < min => {
                return Err(Rejection::PerformanceBelow {
                    window,
                    actual,
                    min,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// `validator_count + headroom <= limit`.
pub fn check_capacity(candidate: &Candidate, limit: u32, headroom: u32) -> Result<(), Rejection> {
    if u64::from(candidate.validator_count) + u64::from(headroom) > u64::from(limit) {
        return Err(Rejection::OverCapacity {
            validator_count: candidate.validator_count,
            headroom,
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OperatorStatus;

    fn check(c: &Candidate, policy: &Policy) -> Result<(), Rejection> {
        check_candidate(c, Address::repeat_byte(0xaa), 3000, policy)
    }

    #[test]
    fn each_filter_names_its_reason() {
        let policy = Policy {
            verified_only: true,
            max_fee_per_operator: Some(100),
            ..Policy::default()
        };
        let ok = Candidate {
            verified: true,
            ..Candidate::new(1, "key", 100)
        };
        assert_eq!(check(&ok, &policy), Ok(()));
        let cases = [
            (
                Candidate {
                    status: OperatorStatus::Removed,
                    ..ok.clone()
                },
                Rejection::Removed,
            ),
            (
                Candidate {
                    is_active: false,
                    ..ok.clone()
                },
                Rejection::NotActive {
                    status: OperatorStatus::Active,
                },
            ),
            (Candidate::new(1, "", 1), Rejection::NoPublicKey),
            (
                Candidate {
                    is_private: true,
                    ..ok.clone()
                },
                Rejection::PrivateNotWhitelisted,
            ),
            (
                Candidate {
                    verified: false,
                    ..ok.clone()
                },
                Rejection::NotVerified,
            ),
            (
                Candidate {
                    performance_30d: None,
                    ..ok.clone()
                },
                Rejection::NoPerformanceData {
                    window: Window::Month,
                },
            ),
            (
                Candidate {
                    performance_24h: Some(79.9),
                    ..ok.clone()
                },
                Rejection::PerformanceBelow {
                    window: Window::Day,
                    actual: 79.9,
                    min: 80.0,
                },
            ),
            (
                Candidate {
                    validator_count: 2996,
                    ..ok.clone()
                },
                Rejection::OverCapacity {
                    validator_count: 2996,
                    headroom: 5,
                    limit: 3000,
                },
            ),
            (
                Candidate {
                    eth_fee: 101,
                    ..ok.clone()
                },
                Rejection::FeeAboveCap { fee: 101, cap: 100 },
            ),
        ];
        for (candidate, want) in cases {
            assert_eq!(check(&candidate, &policy), Err(want));
        }
        // Exactly at the capacity bound is fine.
        let at_bound = Candidate {
            validator_count: 2995,
            ..ok
        };
        assert_eq!(check(&at_bound, &policy), Ok(()));
    }

    #[test]
    fn private_operators_need_our_owner_on_the_whitelist() {
        let policy = Policy::default();
        let mut c = Candidate {
            is_private: true,
            whitelist: vec![Address::repeat_byte(0xbb)],
            ..Candidate::new(1, "key", 1)
        };
        assert_eq!(check(&c, &policy), Err(Rejection::PrivateNotWhitelisted));
        c.whitelist.push(Address::repeat_byte(0xaa));
        assert_eq!(check(&c, &policy), Ok(()));
        let never = Policy {
            private_when_whitelisted: false,
            ..Policy::default()
        };
        assert_eq!(check(&c, &never), Err(Rejection::PrivateNotWhitelisted));
    }

    #[test]
    fn allow_deny_dkg_and_mev_lists() {
        let c = Candidate {
            mev_relays: vec!["Flashbots".into()],
            dkg_endpoint: Some("http://insecure".into()),
            ..Candidate::new(7, "key", 1)
        };
        let deny = Policy {
            deny: vec![7],
            ..Policy::default()
        };
        assert_eq!(check(&c, &deny), Err(Rejection::Denied));
        let allow = Policy {
            allow: vec![8],
            ..Policy::default()
        };
        assert_eq!(check(&c, &allow), Err(Rejection::NotAllowed));
        let dkg = Policy {
            require_dkg_endpoint: true,
            ..Policy::default()
        };
        assert_eq!(check(&c, &dkg), Err(Rejection::NoDkgEndpoint));
        let mev = Policy {
            require_any_mev_relay: vec!["flashbots ".into()],
            ..Policy::default()
        };
        assert_eq!(check(&c, &mev), Ok(()));
        let other_mev = Policy {
            require_any_mev_relay: vec!["Ultra Sound".into()],
            ..Policy::default()
        };
        assert_eq!(check(&c, &other_mev), Err(Rejection::NoRequiredMevRelay));
    }
}
