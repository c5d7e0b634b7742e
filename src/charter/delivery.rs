//! `[[delivery]]`: who gets which digest, over which channel, and which deliverable a
//! send counts as — so `rhythm send --due` from cron delivers what the charter promises
//! and the SLA measures it. The webhook's URL and the mail server's credentials are never
//! here: a Slack delivery names the environment variable that holds its URL.

use std::collections::HashSet;

use toml::Spanned;

use super::Cadence;
use super::Deliverable;
use super::raw::RawDelivery;
use super::validate::{Ctx, reference, refs};

/// The environment variable a Slack delivery reads its webhook URL from by default.
pub const DEFAULT_WEBHOOK_ENV: &str = "RHYTHM_SLACK_WEBHOOK";

/// Which digest a delivery sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestKind {
    Weekly,
    Monthly,
}

impl DigestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestKind::Weekly => "weekly",
            DigestKind::Monthly => "monthly",
        }
    }
}

/// Where a delivery goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryChannel {
    /// A Slack incoming webhook whose URL is in this environment variable.
    Slack { webhook_env: String },
    /// Email to these addresses (SMTP settings from the environment).
    Email { to: Vec<String> },
}

impl DeliveryChannel {
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryChannel::Slack { .. } => "slack",
            DeliveryChannel::Email { .. } => "email",
        }
    }
}

/// One `[[delivery]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestDelivery {
    pub id: String,
    pub kind: DigestKind,
    /// Stakeholder ids the digest is for.
    pub audience: Vec<String>,
    pub channel: DeliveryChannel,
    /// How often it is sent: the cadence of the deliverable it counts as.
    pub cadence: Cadence,
    /// The deliverable id a send is recorded as a delivery of.
    pub deliverable: String,
}

pub(super) fn convert(
    raw: &[Spanned<RawDelivery>],
    deliverables: &[Deliverable],
    stakeholders: &HashSet<String>,
    ctx: &mut Ctx,
) -> Vec<DigestDelivery> {
    let deliverable_ids: HashSet<String> = deliverables.iter().map(|d| d.id.clone()).collect();
    raw.iter()
        .map(|d| {
            let d = d.get_ref();
            let id = d.id.get_ref().trim().to_string();
            let label = format!("delivery '{id}'");
            let kind = match d.kind.get_ref().trim() {
                "weekly" => DigestKind::Weekly,
                "monthly" => DigestKind::Monthly,
                other => {
                    ctx.at(
                        d.kind.span(),
                        format!("{label}: unknown digest kind '{other}': use weekly or monthly"),
                    );
                    DigestKind::Weekly
                }
            };
            let cadence = Cadence::parse(d.cadence.get_ref()).unwrap_or_else(|| {
                ctx.at(
                    d.cadence.span(),
                    format!(
                        "{label}: unknown cadence '{}': use weekly or monthly",
                        d.cadence.get_ref()
                    ),
                );
                Cadence::Weekly
            });
            let deliverable = reference(ctx, &d.deliverable, &deliverable_ids, "deliverable", &label);
            if let Some(target) = deliverables.iter().find(|x| x.id == deliverable)
                && target.cadence != cadence
            {
                ctx.at(
                    d.deliverable.span(),
                    format!(
                        "{label}: cadence '{}' differs from deliverable '{deliverable}', which is {}: a send is recorded as a delivery of that deliverable's period, so give both the same cadence",
                        cadence.as_str(),
                        target.cadence.as_str()
                    ),
                );
            }
            if d.audience.is_empty() {
                ctx.at(
                    d.id.span(),
                    format!("{label} has no audience: list the stakeholder ids it is for"),
                );
            }
            let audience = refs(ctx, &d.audience, stakeholders, "stakeholder", &label);
            let channel = match d.channel.get_ref().trim() {
                "slack" => {
                    if !d.to.is_empty() {
                        ctx.at(
                            d.to[0].span(),
                            format!("{label}: `to` is for email; a Slack delivery posts to the webhook in webhook_env"),
                        );
                    }
                    let var = d
                        .webhook_env
                        .as_ref()
                        .map_or(DEFAULT_WEBHOOK_ENV.to_string(), |v| v.get_ref().trim().to_string());
                    if let Some(v) = &d.webhook_env
                        && !is_env_name(v.get_ref().trim())
                    {
                        ctx.at(
                            v.span(),
                            format!("{label}: webhook_env must name an environment variable (letters, digits, _), not hold the URL: put the URL in that variable"),
                        );
                    }
                    DeliveryChannel::Slack { webhook_env: var }
                }
                "email" => {
                    if d.to.is_empty() {
                        ctx.at(
                            d.channel.span(),
                            format!("{label}: an email delivery needs `to`, the addresses to send to"),
                        );
                    }
                    for a in &d.to {
                        if !looks_like_address(a.get_ref()) {
                            ctx.at(
                                a.span(),
                                format!("{label}: '{}' is not an email address", a.get_ref()),
                            );
                        }
                    }
                    if let Some(v) = &d.webhook_env {
                        ctx.at(v.span(), format!("{label}: webhook_env is for Slack deliveries"));
                    }
                    DeliveryChannel::Email {
                        to: d.to.iter().map(|a| a.get_ref().trim().to_string()).collect(),
                    }
                }
                other => {
                    ctx.at(
                        d.channel.span(),
                        format!("{label}: unknown channel '{other}': use slack or email"),
                    );
                    DeliveryChannel::Slack {
                        webhook_env: DEFAULT_WEBHOOK_ENV.into(),
                    }
                }
            };
            DigestDelivery {
                id,
                kind,
                audience,
                channel,
                cadence,
                deliverable,
            }
        })
        .collect()
}

fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An address with one `@` between a local part and a dotted domain, and no spaces or
/// angle brackets: enough to catch a stakeholder id or a name written where an address
/// belongs; the mail server judges the rest.
pub fn looks_like_address(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_checked_for_its_shape() {
        assert!(looks_like_address("cmo@example.com"));
        assert!(!looks_like_address("cmo"));
        assert!(!looks_like_address("Dana <cmo@example.com>"));
        assert!(!looks_like_address("a@b"));
    }

    #[test]
    fn an_env_name_is_not_a_url() {
        assert!(is_env_name("RHYTHM_SLACK_WEBHOOK"));
        assert!(!is_env_name("https://hooks.slack.com/services/T/B/x"));
        assert!(!is_env_name("1VAR"));
    }
}
