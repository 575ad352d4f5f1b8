//! Human-readable amounts. All maths stays in integer wei; `rust_decimal` only formats.

use alloy_primitives::U256;
use rust_decimal::Decimal;

use crate::AccountingError;
use crate::types::ClusterVersion;

/// Decimals of both ETH and the SSV token.
pub const TOKEN_DECIMALS: u32 = 18;

/// Ethereum blocks per day at 12-second slots.
pub const BLOCKS_PER_DAY: u64 = 7_200;

/// `wei` as a whole-token decimal (18 decimals), trailing zeros removed.
pub fn wei_to_decimal(wei: U256) -> Result<Decimal, AccountingError> {
    let mantissa = i128::try_from(wei).map_err(|_| AccountingError::AmountTooLarge { wei })?;
    Decimal::try_from_i128_with_scale(mantissa, TOKEN_DECIMALS)
        .map(|d| d.normalize())
        .map_err(|_| AccountingError::AmountTooLarge { wei })
}

/// `wei` of the fee token of `version`, e.g. `"0.0003248625999 ETH"`.
pub fn format_amount(wei: U256, version: ClusterVersion) -> Result<String, AccountingError> {
    let symbol = match version {
        ClusterVersion::Ssv => "SSV",
        ClusterVersion::Eth => "ETH",
    };
    Ok(format!("{} {symbol}", wei_to_decimal(wei)?))
}

/// `blocks` in days at [`BLOCKS_PER_DAY`], rounded to two decimals.
pub fn blocks_to_days(blocks: u64) -> Decimal {
    (Decimal::from(blocks) / Decimal::from(BLOCKS_PER_DAY)).round_dp(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_wei_exactly() {
        assert_eq!(
            format_amount(U256::from(324_862_599_900_000u64), ClusterVersion::Eth).unwrap(),
            "0.0003248625999 ETH"
        );
        assert_eq!(
            format_amount(
                U256::from(10u64).pow(U256::from(18u64)),
                ClusterVersion::Ssv
            )
            .unwrap(),
            "1 SSV"
        );
        assert_eq!(
            wei_to_decimal(U256::from(1u64)).unwrap().to_string(),
            "0.000000000000000001"
        );
        assert_eq!(
            wei_to_decimal(U256::MAX),
            Err(AccountingError::AmountTooLarge { wei: U256::MAX })
        );
    }

    #[test]
    fn days_round_to_two_decimals() {
        assert_eq!(blocks_to_days(7_200).to_string(), "1");
        assert_eq!(blocks_to_days(42_960).to_string(), "5.97");
    }
}
