//! BIP-39 mnemonics (English word list) and their seeds.

use std::fmt;

use bip39::Language;
use sha2::Sha512;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::KeygenError;
use crate::bls::SecretKey;
use crate::derivation::Seed;

/// Words in a freshly generated mnemonic.
pub const NEW_MNEMONIC_WORDS: usize = 24;

/// A valid English BIP-39 mnemonic. The word indices are zeroized on drop; `Debug` never shows
/// them.
#[derive(Clone, PartialEq, Eq)]
pub struct Mnemonic(bip39::Mnemonic);

impl Mnemonic {
    /// Parses a phrase: NFKD, lowercased, any whitespace between words. Checks the word count
    /// (12, 15, 18, 21 or 24), every word and the checksum.
    pub fn parse(phrase: &str) -> Result<Self, KeygenError> {
        let normalized: Zeroizing<String> = Zeroizing::new(phrase.nfkd().collect());
        let lowered = Zeroizing::new(normalized.to_lowercase());
        let words: Vec<&str> = lowered.split_whitespace().collect();
        let joined = Zeroizing::new(words.join(" "));
        bip39::Mnemonic::parse_in_normalized(Language::English, &joined)
            .map(Self)
            .map_err(|err| match err {
                bip39::Error::UnknownWord(i) => {
                    KeygenError::MnemonicUnknownWord { position: i + 1 }
                }
                bip39::Error::InvalidChecksum => KeygenError::MnemonicChecksum,
                _ => KeygenError::MnemonicWordCount { count: words.len() },
            })
    }

    /// A new 24-word mnemonic from 256 bits of OS randomness.
    pub fn generate() -> Result<Self, KeygenError> {
        let mut entropy = Zeroizing::new([0u8; 32]);
        getrandom::fill(entropy.as_mut()).map_err(|source| KeygenError::Entropy { source })?;
        let m = bip39::Mnemonic::from_entropy_in(Language::English, entropy.as_ref())
            .expect("32 bytes is valid BIP-39 entropy");
        Ok(Self(m))
    }

    /// The phrase, words separated by single spaces.
    pub fn phrase(&self) -> Zeroizing<String> {
        let words: Vec<&str> = self.0.words().collect();
        Zeroizing::new(words.join(" "))
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512(NFKD phrase, "mnemonic" + NFKD passphrase, 2048).
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        let phrase = self.phrase();
        let salt: Zeroizing<String> =
            Zeroizing::new(format!("mnemonic{passphrase}").nfkd().collect());
        let mut seed = Zeroizing::new([0u8; 64]);
        pbkdf2::pbkdf2_hmac::<Sha512>(phrase.as_bytes(), salt.as_bytes(), 2048, seed.as_mut());
        Seed::from_bytes(seed.as_ref()).expect("64-byte seed")
    }

    /// Signing key of validator `index` with an empty passphrase (what the router uses).
    pub fn signing_key(&self, index: u32) -> SecretKey {
        self.to_seed("").signing_key(index)
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnemonic(<{} words redacted>)", self.word_count())
    }
}
