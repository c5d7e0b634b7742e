//! Pseudonymised usage logs (seed 001: GDPR and CCPA). When the charter's `[privacy]`
//! section sets `pseudonymise_usage = true`, BI user names are stored as a keyed hash:
//! the same person gets the same pseudonym in every import made with the same key, and
//! nobody without the key can tell who it is. The charter's stakeholder mapping still
//! works by hashing the charter's `bi_users` with the same key (`pseudonym`).

use std::fmt::Write;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::charter::Charter;

/// What every pseudonym starts with.
pub const PSEUDONYM_PREFIX: &str = "anon:";

/// The stored form of a BI user name: `anon:` and the first 8 bytes (16 hex digits) of
/// HMAC-SHA256(key, the trimmed, lower-cased name). Case and surrounding spaces do not
/// matter, as they do not when the charter's `bi_users` are matched.
pub fn pseudonym(key: &[u8], user: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(user.trim().to_lowercase().as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(PSEUDONYM_PREFIX.len() + 16);
    out.push_str(PSEUDONYM_PREFIX);
    for byte in &digest[..8] {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Whether `user` already is a pseudonym (a file exported from a pseudonymised store).
pub fn is_pseudonym(user: &str) -> bool {
    user.strip_prefix(PSEUDONYM_PREFIX)
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The charter pseudonymises usage, but its key's environment variable is not set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the charter's [privacy] section sets pseudonymise_usage = true, but the environment variable {var} is not set (or is empty): set it to the team's pseudonymisation key — the same secret for every import and for everything that reads usage (the cockpit, check, reports) — and keep it out of the repository"
)]
pub struct MissingPseudonymKey {
    pub var: String,
}

/// The pseudonymisation key the charter asks for, from the environment variable it
/// names (`pseudonym_key_env`); `None` when the charter does not pseudonymise usage.
/// A missing or empty variable is an error: importing names in clear would break the
/// charter's promise.
pub fn pseudonym_key(charter: &Charter) -> Result<Option<Vec<u8>>, MissingPseudonymKey> {
    let privacy = &charter.privacy;
    if !privacy.pseudonymise_usage {
        return Ok(None);
    }
    match std::env::var_os(&privacy.pseudonym_key_env) {
        Some(key) if !key.is_empty() => Ok(Some(key.into_encoded_bytes())),
        _ => Err(MissingPseudonymKey {
            var: privacy.pseudonym_key_env.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_stable_and_ignore_case() {
        let a = pseudonym(b"k1", "Dana.Whitfield@atlas-eor.com");
        assert_eq!(a, pseudonym(b"k1", " dana.whitfield@ATLAS-EOR.com "));
        assert_ne!(a, pseudonym(b"k2", "dana.whitfield@atlas-eor.com"));
        assert_ne!(a, pseudonym(b"k1", "sam.okafor@atlas-eor.com"));
        assert!(is_pseudonym(&a), "{a}");
        assert_eq!(a.len(), 5 + 16);
        assert!(!is_pseudonym("anon:xyz"));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(hex.starts_with("5bdcc146bf60754e"), "{hex}");
        assert_eq!(
            pseudonym(b"Jefe", "what do ya want for nothing?"),
            "anon:5bdcc146bf60754e"
        );
    }
}
