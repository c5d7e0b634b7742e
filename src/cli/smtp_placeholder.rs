//! A placeholder for the SMTP transport (`cli/smtp.rs`, built on another branch) with its
//! interface, so `rhythm send email` is wired end to end: every call fails with "email
//! transport not built". Replace the `#[path]` line in `cli/mod.rs` with `mod smtp;` when
//! the transport is merged, and delete this file.

/// The SMTP settings, read from the environment by the real transport.
#[derive(Debug)]
pub struct SmtpSettings(());

impl SmtpSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        anyhow::bail!("email transport not built: this rhythm has no SMTP transport yet")
    }
}

pub fn send(
    _settings: &SmtpSettings,
    _to: &[String],
    _subject: &str,
    _text: &str,
    _html: &str,
) -> anyhow::Result<()> {
    anyhow::bail!("email transport not built: this rhythm has no SMTP transport yet")
}
