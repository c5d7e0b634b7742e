//! Pseudonymised usage logs (seed 001: GDPR and CCPA). When the charter's `[privacy]`
//! section sets `pseudonymise_usage = true`, BI user names are stored as a keyed hash:
//! the same person gets the same pseudonym in every import made with the same key, and
//! nobody without the key can tell who it is. The charter's stakeholder mapping still
//! works by hashing the charter's `bi_users` with the same key (`pseudonym`).

use std::fmt::Write;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use rusqlite::OptionalExtension;

use super::{Store, StoreError};
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

/// What the key's fingerprint is the HMAC of: a fixed label, so the fingerprint says
/// whether two keys are the same without keeping the key (or anything made from a
/// person's name) in the store.
const FINGERPRINT_LABEL: &[u8] = b"rhythm pseudonym key fingerprint v1";

/// The `store_meta` key the fingerprint is kept under.
const FINGERPRINT_META: &str = "pseudonym_key_fingerprint";

/// The fingerprint of a pseudonymisation key: HMAC-SHA256(key, a fixed label), its last
/// 8 bytes in hex — never the pseudonym of a user who happens to bear the label's name,
/// which is the first 8.
pub fn key_fingerprint(key: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(FINGERPRINT_LABEL);
    mac.finalize().into_bytes()[24..]
        .iter()
        .fold(String::with_capacity(16), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

impl Store {
    /// The fingerprint of the key this store's usage was pseudonymised with, once a
    /// pseudonymised import recorded it.
    pub fn pseudonym_key_fingerprint(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM store_meta WHERE key = ?1",
                [FINGERPRINT_META],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Refuses `key` (from the environment variable `var`) when the store's usage was
    /// pseudonymised with another key: imports would give everyone new pseudonyms, and
    /// reads would find nobody (adoption 0%). A store with no key on record accepts any.
    pub fn check_pseudonym_key(&self, key: &[u8], var: &str) -> Result<(), StoreError> {
        let given = key_fingerprint(key);
        match self.pseudonym_key_fingerprint()? {
            Some(stored) if stored != given => Err(StoreError::KeyMismatch {
                var: var.to_string(),
                stored,
                given,
            }),
            _ => Ok(()),
        }
    }

    /// Records `key`'s fingerprint after a pseudonymised import, if the store has none
    /// yet; refuses a key other than the one on record, as [`Self::check_pseudonym_key`].
    pub fn record_pseudonym_key(&self, key: &[u8], var: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO store_meta (key, value) VALUES (?1, ?2)",
            [FINGERPRINT_META, &key_fingerprint(key)],
        )?;
        self.check_pseudonym_key(key, var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_keeps_the_first_keys_fingerprint_and_refuses_another() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        // No key on record: any key passes.
        store.check_pseudonym_key(b"first", "K").unwrap();
        store.record_pseudonym_key(b"first", "K").unwrap();
        store.record_pseudonym_key(b"first", "K").unwrap();
        store.check_pseudonym_key(b"first", "K").unwrap();
        assert_eq!(
            store.pseudonym_key_fingerprint().unwrap(),
            Some(key_fingerprint(b"first"))
        );
        let err = store.check_pseudonym_key(b"second", "K").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("$K is not the one"), "{text}");
        assert!(text.contains(&key_fingerprint(b"first")), "{text}");
        assert!(text.contains(&key_fingerprint(b"second")), "{text}");
        assert!(store.record_pseudonym_key(b"second", "K").is_err());
        // The key itself is nowhere in the store's meta.
        let values: Vec<String> = store
            .conn
            .prepare("SELECT key || value FROM store_meta")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(values.iter().all(|v| !v.contains("first")), "{values:?}");
    }

    #[test]
    fn fingerprints_differ_by_key_and_are_not_pseudonyms() {
        assert_eq!(key_fingerprint(b"k"), key_fingerprint(b"k"));
        assert_ne!(key_fingerprint(b"k"), key_fingerprint(b"k2"));
        assert_eq!(key_fingerprint(b"k").len(), 16);
        let namesake = pseudonym(b"k", std::str::from_utf8(FINGERPRINT_LABEL).unwrap());
        assert_ne!(
            format!("{PSEUDONYM_PREFIX}{}", key_fingerprint(b"k")),
            namesake
        );
    }

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
