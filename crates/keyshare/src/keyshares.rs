//! Keyshares files: one item per validator, read from and written to the JSON in `wire`.

use crate::KeyshareError;
use crate::wire::{DataJson, FileJson, ItemJson, OperatorJson, PayloadJson};

/// The version this crate writes: the one npm ssv-keys 1.1.0, ssv-sdk and the SSV web app
/// all accept.
pub const WRITE_VERSION: &str = "v1.1.0";

/// A keyshares file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysharesFile {
    /// `version`, e.g. `v1.1.0`; v1.1.x and v1.2.0 are read.
    pub version: String,
    /// `createdAt`: when the file was written, ISO-8601 UTC (e.g. `2024-10-21T09:56:54.354Z`);
    /// empty if the file has none.
    pub created_at: String,
    /// `shares`: one item per validator, in file order.
    pub items: Vec<KeysharesItem>,
}

/// One validator's registration data, as stored in the file (not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysharesItem {
    /// The owner address as written (any case; the signature uses the checksummed form).
    pub owner_address: String,
    /// `data.ownerNonce`: the owner's SSV nonce the ownership signature covers.
    pub owner_nonce: u64,
    /// `data.publicKey`.
    pub public_key: [u8; 48],
    /// `data.operators`.
    pub operators: Vec<OperatorJson>,
    /// `payload.publicKey`.
    pub payload_public_key: [u8; 48],
    /// `payload.operatorIds`.
    pub operator_ids: Vec<u64>,
    /// `payload.sharesData`, raw bytes.
    pub shares_data: Vec<u8>,
}

/// v1.1.x (ssv-keys, ssv-sdk, the web app) and v1.2.0 (ssv-dkg).
fn version_supported(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    numeric && parts[0] == "1" && (parts[1] == "1" || (parts[1] == "2" && parts[2] == "0"))
}

fn decode_hex(text: &str, field: &'static str) -> Result<Vec<u8>, KeyshareError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|source| KeyshareError::Hex { field, source })
}

fn decode_pubkey(text: &str, field: &'static str) -> Result<[u8; 48], KeyshareError> {
    let bytes = decode_hex(text, field)?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| KeyshareError::FieldLength {
            field,
            expected: 48,
            actual: b.len(),
        })
}

fn to_0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

impl KeysharesFile {
    /// Parses a keyshares file. Structure, hex and version are checked here; whether the
    /// registration would be accepted is what [`crate::Verifier`] checks.
    pub fn from_json(text: &str) -> Result<Self, KeyshareError> {
        let file: FileJson = serde_json::from_str(text)?;
        if !version_supported(&file.version) {
            return Err(KeyshareError::UnsupportedVersion(file.version));
        }
        if file.shares.is_empty() {
            return Err(KeyshareError::EmptyFile);
        }
        let items = file
            .shares
            .into_iter()
            .map(KeysharesItem::from_wire)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            version: file.version,
            created_at: file.created_at,
            items,
        })
    }

    /// Pretty-printed JSON in the ssv-keys layout.
    pub fn to_json(&self) -> String {
        let file = FileJson {
            version: self.version.clone(),
            created_at: self.created_at.clone(),
            shares: self.items.iter().map(KeysharesItem::to_wire).collect(),
        };
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }
}

impl KeysharesItem {
    fn from_wire(item: ItemJson) -> Result<Self, KeyshareError> {
        Ok(Self {
            public_key: decode_pubkey(&item.data.public_key, "data.publicKey")?,
            payload_public_key: decode_pubkey(&item.payload.public_key, "payload.publicKey")?,
            shares_data: decode_hex(&item.payload.shares_data, "payload.sharesData")?,
            owner_address: item.data.owner_address,
            owner_nonce: item.data.owner_nonce,
            operators: item.data.operators,
            operator_ids: item.payload.operator_ids,
        })
    }

    fn to_wire(&self) -> ItemJson {
        ItemJson {
            data: DataJson {
                owner_nonce: self.owner_nonce,
                owner_address: self.owner_address.clone(),
                public_key: to_0x(&self.public_key),
                operators: self.operators.clone(),
            },
            payload: PayloadJson {
                public_key: to_0x(&self.payload_public_key),
                operator_ids: self.operator_ids.clone(),
                shares_data: to_0x(&self.shares_data),
            },
        }
    }
}

/// Current UTC time as ISO-8601 with milliseconds, e.g. `2024-10-21T09:56:54.354Z`.
pub(crate) fn now_iso8601() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        for ok in ["v1.1.0", "v1.1.7", "v1.2.0"] {
            assert!(version_supported(ok), "{ok}");
        }
        for bad in ["v1.2.1", "v2.0.0", "1.1.0", "v1.0.1", "v1.1", "v1.1.x", ""] {
            assert!(!version_supported(bad), "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_017), (2024, 10, 21));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
