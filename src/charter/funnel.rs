//! How the systems of record's values name the charter's channels, and `[funnel]`: what
//! the funnel's records settle (an unmapped value, which of records and the channels
//! file wins, the lead-response SLA, the data-quality threshold, which system is the MAP
//! and which the CRM).
//!
//! A lead or opportunity names its channel by its lead-source value: a channel's id, an
//! alias, one of its `lead_sources`, or one of its `utm` source/medium pairs, matched
//! ignoring case and runs of white space. A day of ad spend names it by platform and
//! campaign: a channel's `campaigns` entry is `platform` (all its spend) or
//! `platform:pattern`, `*` standing for any text; the most specific entry wins (one
//! without `*`, then the one with the most literal text), a tie going to the channel
//! listed first.

use toml::Spanned;

use super::raw::{RawChannel, RawFunnel};
use super::validate::Ctx;
use super::{Channel, Charter};

/// The channel records that no mapping names are filed under when `[funnel] unmapped =
/// "bucket"`.
pub const UNMAPPED: &str = "unmapped";

/// What an import does with a source value no channel names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unmapped {
    /// The file is refused, each value listed with its count and the closest channel.
    #[default]
    Refuse,
    /// The rows are kept under [`UNMAPPED`], a data-quality item in every review.
    Bucket,
}

/// Which figure a week and channel takes when both the records and the `channels` file
/// have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The records (the systems of record) win.
    #[default]
    Records,
    /// The `channels` file wins.
    Channels,
}

/// `[funnel]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub unmapped: Unmapped,
    pub prefer: Prefer,
    /// The lead-response SLA: a lead's first response within this many minutes of its
    /// creation. `None`: no SLA.
    pub response_minutes: Option<u32>,
    /// The channels the SLA applies to (inbound web leads); empty: every channel.
    pub response_channels: Vec<String>,
    /// The data-quality control fails when more than this share of records has a problem.
    pub quality_max_share: f64,
    /// The marketing-automation system's name as records carry it (`system`).
    pub map_system: Option<String>,
    /// The CRM's name as records carry it.
    pub crm_system: Option<String>,
}

impl Default for Funnel {
    fn default() -> Self {
        Funnel {
            unmapped: Unmapped::default(),
            prefer: Prefer::default(),
            response_minutes: None,
            response_channels: Vec::new(),
            quality_max_share: 0.02,
            map_system: None,
            crm_system: None,
        }
    }
}

/// A name as matched: lower case, runs of white space as one space, trimmed, and no space
/// around a `/` (so `google / cpc` is `google/cpc`).
pub fn key(text: &str) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    spaced.replace(" /", "/").replace("/ ", "/").to_lowercase()
}

/// One `campaigns` entry, matched on keys.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignPattern {
    pub platform: String,
    /// `None`: every campaign of the platform.
    pub pattern: Option<String>,
}

impl CampaignPattern {
    pub fn parse(text: &str) -> Option<CampaignPattern> {
        let (platform, pattern) = match text.split_once(':') {
            Some((p, c)) => (key(p), Some(key(c))),
            None => (key(text), None),
        };
        if platform.is_empty() || pattern.as_deref() == Some("") {
            return None;
        }
        Some(CampaignPattern { platform, pattern })
    }

    /// How specific a match is: higher wins. `None`: no match.
    fn rank(&self, platform: &str, campaign: &str) -> Option<usize> {
        if self.platform != platform {
            return None;
        }
        match &self.pattern {
            None => Some(0),
            Some(p) if !p.contains('*') => (p == campaign).then_some(usize::MAX),
            Some(p) => glob(p, campaign).then(|| 1 + p.chars().filter(|&c| c != '*').count()),
        }
    }
}

/// Whether `text` matches `pattern`, `*` standing for any text (both keys).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

impl Charter {
    /// The channel a lead-source value names, if any.
    pub fn channel_for_source(&self, source: &str) -> Option<&str> {
        let k = key(source);
        self.channels
            .iter()
            .find(|c| {
                key(&c.id) == k
                    || c.aliases.iter().any(|a| key(a) == k)
                    || c.lead_sources.iter().any(|s| key(s) == k)
                    || c.utm.iter().any(|u| key(u) == k)
            })
            .map(|c| c.id.as_str())
    }

    /// The channel a day of ad spend on `platform`'s `campaign` belongs to, if any.
    pub fn channel_for_spend(&self, platform: &str, campaign: &str) -> Option<&str> {
        let (p, c) = (key(platform), key(campaign));
        let mut best: Option<(usize, &Channel)> = None;
        for channel in &self.channels {
            for pattern in &channel.campaigns {
                if let Some(rank) = pattern.rank(&p, &c)
                    && best.is_none_or(|(r, _)| rank > r)
                {
                    best = Some((rank, channel));
                }
            }
        }
        best.map(|(_, c)| c.id.as_str())
    }

    /// The channel whose names are closest to `value` (fewest edits), to suggest for an
    /// unmapped value.
    pub fn closest_channel(&self, value: &str) -> Option<&str> {
        let k = &key(value);
        self.channels
            .iter()
            .flat_map(|c| {
                std::iter::once(&c.id)
                    .chain(&c.aliases)
                    .chain(&c.lead_sources)
                    .chain(&c.utm)
                    .chain(std::iter::once(&c.name))
                    .map(move |n| (edits(&key(n), k), c.id.as_str()))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, id)| id)
    }
}

/// Levenshtein distance, by characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A channel's `lead_sources`, `utm` and `campaigns`, checked: none empty, no lead-source
/// value or UTM pair naming two channels (or another channel's id or alias), every
/// campaign entry well formed. Returns (lead_sources, utm, campaigns).
pub(super) fn channel_vocabulary(
    ctx: &mut Ctx,
    channels: &[Spanned<RawChannel>],
) -> Vec<(Vec<String>, Vec<String>, Vec<CampaignPattern>)> {
    let mut owner: std::collections::HashMap<String, String> = Default::default();
    for c in channels {
        let c = c.get_ref();
        let id = c.id.get_ref().trim().to_string();
        for n in std::iter::once(&c.id).chain(&c.aliases) {
            owner.entry(key(n.get_ref())).or_insert_with(|| id.clone());
        }
    }
    channels
        .iter()
        .map(|c| {
            let c = c.get_ref();
            let id = c.id.get_ref().trim();
            let mut names = |ctx: &mut Ctx, list: &[Spanned<String>], what: &str| {
                let mut out = Vec::new();
                for v in list {
                    let text = v.get_ref().trim();
                    if text.is_empty() {
                        ctx.at(v.span(), format!("channel '{id}': a {what} value is empty"));
                        continue;
                    }
                    match owner.get(&key(text)) {
                        Some(other) if other != id => ctx.at(
                            v.span(),
                            format!(
                                "channel '{id}': {what} '{text}' already names channel '{other}' (matched ignoring case and spaces): remove it from one of them"
                            ),
                        ),
                        _ => {
                            owner.insert(key(text), id.to_string());
                        }
                    }
                    out.push(text.to_string());
                }
                out
            };
            let lead_sources = names(ctx, &c.lead_sources, "lead_sources");
            let utm = names(ctx, &c.utm, "utm");
            for (u, raw) in utm.iter().zip(&c.utm) {
                if !u.contains('/') {
                    ctx.at(
                        raw.span(),
                        format!("channel '{id}': utm '{u}' is not a source/medium pair: write it like \"google / cpc\""),
                    );
                }
            }
            let campaigns = c
                .campaigns
                .iter()
                .filter_map(|v| {
                    let parsed = CampaignPattern::parse(v.get_ref());
                    if parsed.is_none() {
                        ctx.at(
                            v.span(),
                            format!(
                                "channel '{id}': campaigns entry '{}' is not `platform` or `platform:pattern`: write e.g. \"google-ads\" or \"linkedin:*ABM*\"",
                                v.get_ref()
                            ),
                        );
                    }
                    parsed
                })
                .collect();
            (lead_sources, utm, campaigns)
        })
        .collect()
}

pub(super) fn convert(
    raw: Option<&Spanned<RawFunnel>>,
    channels: &[Channel],
    ctx: &mut Ctx,
) -> Funnel {
    let mut out = Funnel::default();
    let Some(raw) = raw else {
        return out;
    };
    let raw = raw.get_ref();
    if let Some(v) = &raw.unmapped {
        match v.get_ref().trim() {
            "refuse" => out.unmapped = Unmapped::Refuse,
            "bucket" => out.unmapped = Unmapped::Bucket,
            other => ctx.at(
                v.span(),
                format!("[funnel] unmapped = '{other}': write \"refuse\" or \"bucket\""),
            ),
        }
    }
    if let Some(v) = &raw.prefer {
        match v.get_ref().trim() {
            "records" => out.prefer = Prefer::Records,
            "channels" => out.prefer = Prefer::Channels,
            other => ctx.at(
                v.span(),
                format!("[funnel] prefer = '{other}': write \"records\" or \"channels\""),
            ),
        }
    }
    if let Some(v) = &raw.response_minutes {
        match u32::try_from(*v.get_ref()) {
            Ok(m) if (1..=10_080).contains(&m) => out.response_minutes = Some(m),
            _ => ctx.at(
                v.span(),
                format!(
                    "[funnel] response_minutes = {}: expected 1 to 10080 (a week)",
                    v.get_ref()
                ),
            ),
        }
    }
    for v in &raw.response_channels {
        let id = v.get_ref().trim();
        if channels.iter().any(|c| c.id == id) {
            out.response_channels.push(id.to_string());
        } else {
            ctx.at(
                v.span(),
                format!("[funnel] response_channels: '{id}' is not a channel id of the charter"),
            );
        }
    }
    if let Some(v) = &raw.quality_max_share {
        let x = *v.get_ref();
        if (0.0..=1.0).contains(&x) {
            out.quality_max_share = x;
        } else {
            ctx.at(
                v.span(),
                format!(
                    "[funnel] quality_max_share = {x}: expected a share from 0 to 1 (0.02 is 2%)"
                ),
            );
        }
    }
    let system = |v: &Option<Spanned<String>>| {
        v.as_ref()
            .map(|s| s.get_ref().trim().to_lowercase())
            .filter(|s| !s.is_empty())
    };
    out.map_system = system(&raw.map_system);
    out.crm_system = system(&raw.crm_system);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter(extra: &str) -> Result<Charter, String> {
        let text = super::super::SHIPPED
            .replace("id = \"referral\"", &format!("id = \"referral\"\n{extra}"));
        Charter::parse(&text, std::path::Path::new("c.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn source_values_map_ignoring_case_and_spaces() {
        let c = Charter::shipped();
        assert_eq!(c.channel_for_source("  google   ADS "), Some("paid-search"));
        assert_eq!(c.channel_for_source("Google/CPC"), Some("paid-search"));
        assert_eq!(c.channel_for_source("paid-search"), Some("paid-search"));
        assert_eq!(c.channel_for_source("Organic"), Some("organic"));
        assert_eq!(c.channel_for_source("Trade show"), Some("events"));
        assert_eq!(c.channel_for_source("Billboard"), None);
        assert_eq!(c.closest_channel("Googel Ads"), Some("paid-search"));
    }

    #[test]
    fn the_most_specific_campaign_entry_wins() {
        let text = super::super::SHIPPED.replace(
            "campaigns = [\"6sense\"]",
            "campaigns = [\"6sense\", \"linkedin:*abm*\", \"google-ads:ABM brand\"]",
        );
        let c = Charter::parse(&text, std::path::Path::new("c.toml")).unwrap();
        assert_eq!(
            c.channel_for_spend("LinkedIn", "Q4 Prospecting"),
            Some("linkedin")
        );
        assert_eq!(
            c.channel_for_spend("linkedin", "Q4 ABM tier 1"),
            Some("abm")
        );
        assert_eq!(c.channel_for_spend("google-ads", "ABM brand"), Some("abm"));
        assert_eq!(
            c.channel_for_spend("google-ads", "Brand US"),
            Some("paid-search")
        );
        assert_eq!(
            c.channel_for_spend("meta", "Retargeting"),
            Some("paid-social")
        );
        assert_eq!(c.channel_for_spend("tiktok", "Retargeting"), None);
    }

    #[test]
    fn a_value_naming_two_channels_is_refused_with_its_place() {
        let err = charter("aliases = [\"Organic Search\"]").unwrap_err();
        assert!(
            err.contains(
                "channel 'organic': lead_sources 'Organic Search' already names channel 'referral'"
            ),
            "{err}"
        );
        let err = charter("utm = [\"google\"]").unwrap_err();
        assert!(err.contains("is not a source/medium pair"), "{err}");
        let err = charter("campaigns = [\"google-ads:\"]").unwrap_err();
        assert!(
            err.contains("is not `platform` or `platform:pattern`"),
            "{err}"
        );
    }

    #[test]
    fn funnel_settings_are_checked() {
        let text = super::super::SHIPPED
            .replace("unmapped = \"refuse\"", "unmapped = \"guess\"")
            .replace("response_minutes = 5 ", "response_minutes = 0 ")
            .replace(
                "response_channels = [\"paid-search\"",
                "response_channels = [\"nope\"",
            )
            .replace("quality_max_share = 0.02", "quality_max_share = 2.0");
        let err = Charter::parse(&text, std::path::Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        for part in [
            "unmapped = 'guess'",
            "response_minutes = 0",
            "'nope' is not a channel",
            "quality_max_share = 2",
        ] {
            assert!(err.contains(part), "{part}: {err}");
        }
    }

    #[test]
    fn globs_match_any_text_between_literals() {
        assert!(glob("*abm*", "q4 abm tier 1"));
        assert!(glob("brand*", "brand us"));
        assert!(!glob("brand*", "us brand"));
        assert!(glob("a*b*c", "a-b-c"));
        assert!(!glob("ab*ba", "aba"));
    }
}
