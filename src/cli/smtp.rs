//! Email delivery: the SMTP transport behind `rhythm send email`. It sends one message,
//! multipart/alternative (the digest as plain text and as HTML), to the given recipients.
//!
//! Settings and credentials come from the environment only — never the charter (which is
//! in git) nor the command line (which is in the shell history and `ps`):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `RHYTHM_SMTP_HOST` | the server's host name or IP address | required |
//! | `RHYTHM_SMTP_FROM` | the sender, `name@example.com` or `Name <name@example.com>` | required |
//! | `RHYTHM_SMTP_TLS` | `starttls`, `tls` (implicit TLS) or `none` (only for a server on this machine) | `starttls` |
//! | `RHYTHM_SMTP_PORT` | the server's port | 587 for starttls, 465 for tls, 25 for none |
//! | `RHYTHM_SMTP_USER`, `RHYTHM_SMTP_PASSWORD` | the login, both or neither | no login |
//! | `RHYTHM_SMTP_TIMEOUT_SECS` | seconds to wait for the connection and for each reply, 1 to 600 | 30 |
//!
//! The password is never printed: [`SmtpSettings`]'s `Debug` redacts it and no error
//! quotes it. TLS is rustls with the Mozilla roots (webpki-roots), so the host name must
//! match the server's certificate.

use std::env::VarError;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::text;

/// The server's host name or IP address.
pub const HOST: &str = "RHYTHM_SMTP_HOST";
/// The server's port.
pub const PORT: &str = "RHYTHM_SMTP_PORT";
/// The login's user name.
pub const USER: &str = "RHYTHM_SMTP_USER";
/// The login's password.
pub const PASSWORD: &str = "RHYTHM_SMTP_PASSWORD";
/// The sender's mailbox.
pub const FROM: &str = "RHYTHM_SMTP_FROM";
/// `starttls`, `tls` or `none`.
pub const TLS: &str = "RHYTHM_SMTP_TLS";
/// Seconds to wait for the connection and for each of the server's replies.
pub const TIMEOUT_SECS: &str = "RHYTHM_SMTP_TIMEOUT_SECS";

/// The timeout when `RHYTHM_SMTP_TIMEOUT_SECS` is not set, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// The longest timeout accepted, in seconds.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte, "implicit TLS" or SMTPS (port 465).
    Tls,
    /// No encryption: allowed only for a server on this machine (a local relay, a test sink).
    None,
}

impl SmtpTls {
    fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The port a server listens on for this mode when none is given.
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
}

/// Where and how to send email, read from the environment by [`SmtpSettings::from_env`].
#[derive(Clone)]
pub struct SmtpSettings {
    host: String,
    port: u16,
    tls: SmtpTls,
    from: Mailbox,
    login: Option<(String, String)>,
    timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("from", &self.from.to_string())
            .field("user", &self.login.as_ref().map(|(user, _)| user))
            .field("password", &self.login.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpSettings {
    /// The settings from the process environment (the variables in the module's table).
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_vars(|name| std::env::var(name))
    }

    /// The settings from `var`, which looks a variable up by name as [`std::env::var`]
    /// does. A variable set to blanks counts as not set.
    pub fn from_vars(var: impl Fn(&str) -> Result<String, VarError>) -> anyhow::Result<Self> {
        let get = |name: &str| -> anyhow::Result<Option<String>> {
            match var(name) {
                Ok(value) if value.trim().is_empty() => Ok(None),
                Ok(value) => Ok(Some(value)),
                Err(VarError::NotPresent) => Ok(None),
                Err(VarError::NotUnicode(_)) => {
                    bail!("{name} is not valid UTF-8: set it again as plain text")
                }
            }
        };
        let host = get(HOST)?.ok_or_else(|| {
            anyhow!(
                "{HOST} is not set: set it to the SMTP server's host name, e.g. smtp.example.com"
            )
        })?;
        let host = parse_host(host.trim())?;
        let tls = match get(TLS)? {
            None => SmtpTls::StartTls,
            Some(value) => SmtpTls::parse(&value).ok_or_else(|| {
                anyhow!(
                    "{TLS} \"{}\" is not one of starttls, tls, none: use starttls for port 587, \
                     tls for port 465",
                    text::field(&value)
                )
            })?,
        };
        if tls == SmtpTls::None && !is_this_machine(&host) {
            bail!(
                "{TLS}=none would send the login and the digest unencrypted to \"{}\": none is \
                 allowed only for a server on this machine (localhost, 127.0.0.1, ::1); use \
                 starttls or tls",
                text::field(&host)
            );
        }
        let port = match get(PORT)? {
            None => tls.default_port(),
            Some(value) => match value.trim().parse::<u16>() {
                Ok(port) if port > 0 => port,
                _ => bail!(
                    "{PORT} \"{}\" is not a port: use a number from 1 to 65535 (587 for \
                     starttls, 465 for tls)",
                    text::field(&value)
                ),
            },
        };
        let from = get(FROM)?.ok_or_else(|| {
            anyhow!(
                "{FROM} is not set: set it to the sender's address, e.g. \
                 \"Analytics <analytics@example.com>\""
            )
        })?;
        let from = from.trim().parse::<Mailbox>().map_err(|e| {
            anyhow!(
                "{FROM} \"{}\" is not an email address ({e}): write it as name@example.com or \
                 \"Name <name@example.com>\"",
                text::field(&from)
            )
        })?;
        let login = match (get(USER)?, get(PASSWORD)?) {
            (Some(user), Some(password)) => Some((user.trim().to_owned(), password)),
            (None, None) => None,
            (Some(_), None) => bail!(
                "{USER} is set but {PASSWORD} is not: set both, or neither for a server that \
                 needs no login"
            ),
            (None, Some(_)) => bail!(
                "{PASSWORD} is set but {USER} is not: set both, or neither for a server that \
                 needs no login"
            ),
        };
        let timeout = match get(TIMEOUT_SECS)? {
            None => Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            Some(value) => match value.trim().parse::<u64>() {
                Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Duration::from_secs(secs),
                _ => bail!(
                    "{TIMEOUT_SECS} \"{}\" is not a number of seconds from 1 to \
                     {MAX_TIMEOUT_SECS}",
                    text::field(&value)
                ),
            },
        };
        Ok(Self {
            host,
            port,
            tls,
            from,
            login,
            timeout,
        })
    }

    /// The server's host name or IP address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is protected.
    pub fn tls(&self) -> SmtpTls {
        self.tls
    }

    /// How long to wait for the connection and for each of the server's replies.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The login's user name, if the server needs a login.
    pub fn user(&self) -> Option<&str> {
        self.login.as_ref().map(|(user, _)| user.as_str())
    }

    fn server(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => format!("[{}]:{}", self.host, self.port),
            _ => format!("{}:{}", self.host, self.port),
        }
    }

    fn transport(&self) -> anyhow::Result<SmtpTransport> {
        let tls = match self.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(self.tls_parameters()?),
            SmtpTls::Tls => Tls::Wrapper(self.tls_parameters()?),
        };
        let mut builder = SmtpTransport::builder_dangerous(self.host.as_str())
            .port(self.port)
            .tls(tls)
            .timeout(Some(self.timeout));
        if let Some((user, password)) = &self.login {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    fn tls_parameters(&self) -> anyhow::Result<TlsParameters> {
        TlsParameters::new(self.host.clone())
            .with_context(|| format!("could not set up TLS for {}", text::field(&self.host)))
    }

    /// The error a failed send is reported with: where, what the server said, what to do.
    fn explain(&self, error: SmtpError) -> anyhow::Error {
        let server = text::field(&self.server());
        let said = text::field(&error.to_string());
        if is_timeout(&error) {
            anyhow!(
                "the SMTP server {server} did not answer within {} s ({said}): check {HOST} and \
                 {PORT}, or raise {TIMEOUT_SECS}; the email was not sent",
                self.timeout.as_secs()
            )
        } else if error.is_transient() {
            anyhow!(
                "the SMTP server {server} refused the email for now with {said}: try again later; \
                 the email was not sent"
            )
        } else if error.is_permanent() {
            anyhow!(
                "the SMTP server {server} refused the email with {said}: check the recipients, \
                 {FROM} and the login; the email was not sent"
            )
        } else if error.is_tls() {
            anyhow!(
                "TLS with the SMTP server {server} failed ({said}): check {TLS} (starttls for \
                 port 587, tls for 465) and that {HOST} is the name on the server's certificate"
            )
        } else {
            let hint = match self.tls {
                SmtpTls::StartTls if said.contains("STARTTLS") => format!(
                    "the server does not offer STARTTLS, and rhythm never sends the login or \
                     the digest unencrypted: set {TLS}=tls if the server speaks TLS from the \
                     start (port 465)"
                ),
                SmtpTls::Tls => format!(
                    "check {HOST} and {PORT}: {TLS}=tls is for a port that speaks TLS from the \
                     start (465); for port 587 set {TLS}=starttls"
                ),
                _ => format!("check {HOST}, {PORT} and {TLS}"),
            };
            anyhow!(
                "sending the email through {server} failed ({said}): {hint}; the email was not \
                 sent"
            )
        }
    }
}

/// Sends one email to `to` through the server in `settings`: `subject` on one line, and
/// `text` and `html` as the two parts of a multipart/alternative body (mail readers show
/// the HTML, or the text where HTML is off). Every address is checked before connecting.
/// On failure the error names the server and quotes its reply.
pub fn send(
    settings: &SmtpSettings,
    to: &[String],
    subject: &str,
    text: &str,
    html: &str,
) -> anyhow::Result<()> {
    let recipients = parse_recipients(to)?;
    let mut message = Message::builder()
        .from(settings.from.clone())
        .subject(one_line_subject(subject))
        .message_id(None);
    for recipient in recipients {
        message = message.to(recipient);
    }
    let message = message
        .multipart(MultiPart::alternative_plain_html(
            text.to_owned(),
            html.to_owned(),
        ))
        .context("could not build the email")?;
    settings
        .transport()?
        .send(&message)
        .map_err(|e| settings.explain(e))?;
    Ok(())
}

/// The recipients as mailboxes, each once, or an error naming the first that is not an
/// address.
fn parse_recipients(to: &[String]) -> anyhow::Result<Vec<Mailbox>> {
    let mut recipients: Vec<Mailbox> = Vec::with_capacity(to.len());
    for (i, address) in to.iter().enumerate() {
        let mailbox = address.trim().parse::<Mailbox>().map_err(|e| {
            anyhow!(
                "recipient {} \"{}\" is not an email address ({e}): write it as \
                 name@example.com or \"Name <name@example.com>\"",
                i + 1,
                text::field(address)
            )
        })?;
        if !recipients.iter().any(|m| m.email == mailbox.email) {
            recipients.push(mailbox);
        }
    }
    if recipients.is_empty() {
        bail!("no recipient: give at least one address to send the email to");
    }
    Ok(recipients)
}

/// A subject is one line: line breaks become a space, other hidden characters visible
/// escapes (as everywhere rhythm shows others' text). The header encoding (RFC 2047) is
/// lettre's, which also keeps a raw line break out of the header.
fn one_line_subject(subject: &str) -> String {
    let joined = subject
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\t', " ");
    text::one_line(&joined).into_owned()
}

/// True for `localhost` and loopback addresses: the only hosts `none` may reach.
fn is_this_machine(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host as given, if it is a host name or an IP address (no scheme, no port).
fn parse_host(host: &str) -> anyhow::Result<String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return Ok(bare.to_owned());
    }
    let name_like = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !name_like || host.starts_with(['.', '-']) {
        bail!(
            "{HOST} \"{}\" is not a host name: give the name alone, e.g. smtp.example.com, with \
             the port in {PORT} and the encryption in {TLS}",
            text::field(host)
        );
    }
    Ok(host.to_owned())
}

/// True when the send failed because the server did not answer in time. A socket read
/// timeout is `TimedOut` on some systems and `WouldBlock` on Unix.
fn is_timeout(error: &SmtpError) -> bool {
    if error.is_timeout() {
        return true;
    }
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            );
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_one_line_with_hidden_characters_escaped() {
        assert_eq!(
            one_line_subject("Weekly\r\nBcc: x@evil.example\t\u{202e}!"),
            "Weekly Bcc: x@evil.example \\u{202e}!"
        );
    }

    #[test]
    fn only_this_machine_may_go_unencrypted() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1"] {
            assert!(is_this_machine(host), "{host}");
        }
        for host in [
            "smtp.example.com",
            "10.0.0.1",
            "localhost.example.com",
            "::2",
        ] {
            assert!(!is_this_machine(host), "{host}");
        }
    }

    #[test]
    fn a_host_is_a_name_or_an_address_alone() {
        assert_eq!(parse_host("smtp.example.com").unwrap(), "smtp.example.com");
        assert_eq!(parse_host("[::1]").unwrap(), "::1");
        for bad in [
            "smtp.example.com:587",
            "smtps://smtp.example.com",
            "a b",
            "-x",
        ] {
            let error = parse_host(bad).unwrap_err().to_string();
            assert!(error.contains(HOST) && error.contains(PORT), "{error}");
        }
    }
}
