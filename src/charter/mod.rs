//! The partnership charter: what analytics delivers, when, against which KPI
//! definitions and success metrics. Loaded from `charter/partnership.toml`, validated,
//! and handed to the rest of the program as plain typed values.

mod controls;
mod delivery;
mod due;
mod funnel;
mod raw;
mod survey;
mod terms;
mod validate;

pub use delivery::{
    DEFAULT_WEBHOOK_ENV, DeliveryChannel, DigestDelivery, DigestKind, looks_like_address,
};
pub use due::{Cadence, DueRule};
pub use funnel::{CampaignPattern, Funnel, Prefer, UNMAPPED, Unmapped, key};
pub use survey::NpsSurvey;
pub use terms::{Definitions, MarketingChannels, TargetPrecedence, WaveQuarter, Window};

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};

/// A validated partnership charter.
#[derive(Debug, Clone)]
pub struct Charter {
    pub partnership: Partnership,
    pub controls: Controls,
    pub privacy: Privacy,
    /// What the KPI definitions and controls leave open, settled (`[definitions]`).
    pub definitions: Definitions,
    /// Which questions of a survey tool's export hold the NPS answer (`[nps]`).
    pub nps: NpsSurvey,
    /// How the funnel's records are read (`[funnel]`).
    pub funnel: Funnel,
    pub objectives: Vec<Objective>,
    pub kpis: Vec<Kpi>,
    pub deliverables: Vec<Deliverable>,
    pub stakeholders: Vec<Stakeholder>,
    pub channels: Vec<Channel>,
    pub escalation: Vec<EscalationLevel>,
    pub raci: Vec<Raci>,
    /// Who gets which digest over which channel (`[[delivery]]`).
    pub delivery: Vec<DigestDelivery>,
}

#[derive(Debug, Clone)]
pub struct Partnership {
    pub name: String,
    pub company: String,
    /// Stakeholder id of the analytics lead.
    pub analytics_lead: String,
    /// Stakeholder id of the marketing lead.
    pub marketing_lead: String,
    pub effective_date: NaiveDate,
    /// How often the charter itself is reviewed.
    pub review_cadence: Cadence,
    pub last_reviewed: Option<NaiveDate>,
    pub week_start: Weekday,
    /// The zone the partnership's days are in (IANA name): `--at D` is the end of day D
    /// here, due rules and stored times are read in it. UTC when the charter names none.
    pub timezone: chrono_tz::Tz,
    /// 1–12.
    pub fiscal_year_start_month: u32,
    pub currency: String,
    /// Company revenue per year, in currency; for spend as % of revenue.
    pub annual_revenue: Option<f64>,
    pub attribution_method: Option<String>,
}

/// Thresholds of the success metrics and controls. Fractions are 0..1, not percent.
#[derive(Debug, Clone)]
pub struct Controls {
    pub sla_on_time_target: f64,
    pub nps_target: f64,
    pub dashboard_adoption_target: f64,
    pub insight_to_action_max_days: f64,
    pub forecast_tolerance: f64,
    pub allocation_variance_max: f64,
    pub reconciliation_tolerance: f64,
    pub cac_ltv_max_share: f64,
    /// Customer lifetime value in currency, if the charter states one.
    pub ltv: Option<f64>,
    pub roi_hurdle: f64,
    pub contingency_reserve: f64,
    /// Robust z-score (median/MAD) at which an anomaly alert fires.
    pub anomaly_threshold: f64,
    /// Minimum relative move vs baseline for an alert, as a fraction.
    pub anomaly_min_change: f64,
    pub forecast_variance_review: f64,
    /// SLA on-time delivery is measured over this window, in `rhythm check` and in the
    /// quarterly review alike.
    pub sla_window: Window,
    /// Insight-to-action time in `rhythm check`: the insights delivered in this window.
    pub insight_to_action_window: Window,
    /// Weekly dashboard adoption in `rhythm check`: the weeks of this window, averaged.
    pub adoption_window: Window,
    /// MAP vs CRM reconciliation: every complete week of this window is judged.
    pub reconciliation_window: Window,
    /// The CAC-within-LTV ceiling: blended and per-channel CAC over this window.
    pub cac_ltv_window: Window,
    /// A channel with fewer closed-won customers than this in the CAC window is not
    /// judged against the ceiling (and is listed as not judged).
    pub cac_min_customers: u32,
    /// A channel-week with fewer MQLs than this is not judged for an MQL→SQL conversion
    /// shift (and is listed as not judged).
    pub alert_min_mqls: u32,
    /// A channel-week with fewer leads than this is not judged for creative fatigue
    /// (leads per session).
    pub alert_min_leads: u32,
    /// Max age in days of the newest import, per import kind.
    pub freshness_max_days: Vec<(String, u32)>,
}

impl Controls {
    /// The freshness limit for an import kind, if the charter sets one.
    pub fn freshness_limit(&self, kind: &str) -> Option<u32> {
        self.freshness_max_days
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, d)| *d)
    }
}

#[derive(Debug, Clone)]
pub struct Privacy {
    /// Usage and NPS rows older than this many days are purged.
    pub retention_days: Option<u32>,
    pub pseudonymise_usage: bool,
    /// Environment variable holding the pseudonymisation key.
    pub pseudonym_key_env: String,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: String,
    pub statement: String,
    pub kpis: Vec<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiSource {
    /// Computed by rhythm from channel (or usage, NPS, delivery) data.
    Derived,
    /// Loaded with `rhythm import kpis`.
    Imported,
}

#[derive(Debug, Clone)]
pub struct Kpi {
    pub id: String,
    pub name: String,
    pub definition: String,
    /// usd | count | ratio | fraction | days | months | score
    pub unit: String,
    pub direction: Direction,
    pub cadence: Cadence,
    /// Target per cadence period, in `unit`.
    pub target: f64,
    /// How far past target, as a fraction of target, still counts as warn.
    pub tolerance: f64,
    pub source: KpiSource,
    /// The stretch a derived KPI is computed over when its definition states one
    /// ("13 weeks": the 13 complete weeks ending with the period's last); None: the
    /// period itself.
    pub window: Option<Window>,
}

#[derive(Debug, Clone)]
pub struct Deliverable {
    pub id: String,
    pub name: String,
    pub cadence: Cadence,
    pub due: DueRule,
    /// Stakeholder id.
    pub owner: String,
    pub audience: Vec<String>,
    pub grace_hours: u32,
    pub kpis: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Stakeholder {
    pub id: String,
    pub name: String,
    pub role: String,
    pub team: String,
    pub marketing_leader: bool,
    /// User names under which this person appears in BI usage logs.
    pub bi_users: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub paid: bool,
    pub owner: Option<String>,
    /// Weekly spend floor in currency.
    pub floor: Option<f64>,
    /// Weekly spend cap in currency.
    pub cap: Option<f64>,
    /// Never cut below the current run-rate.
    pub strategic: bool,
    /// Other names of this channel in `channels` and `plan` files, matched like the id
    /// (ignoring case and surrounding spaces); rows are stored under the id.
    pub aliases: Vec<String>,
    /// The CRM/MAP lead-source values that name this channel (see `funnel`).
    pub lead_sources: Vec<String>,
    /// UTM source/medium pairs that name this channel.
    pub utm: Vec<String>,
    /// The ad spend that belongs to this channel, by platform and campaign.
    pub campaigns: Vec<CampaignPattern>,
}

#[derive(Debug, Clone)]
pub struct EscalationLevel {
    pub id: String,
    pub level: u32,
    pub owner: String,
    /// Age in days of an open breach or dispute at which this level takes over.
    pub after_days: u32,
    pub action: String,
}

#[derive(Debug, Clone)]
pub struct Raci {
    pub id: String,
    pub workstream: String,
    pub responsible: Vec<String>,
    pub accountable: String,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
}

/// The text of the charter rhythm ships, `charter/partnership.toml`, compiled in.
pub const SHIPPED: &str = include_str!("../../charter/partnership.toml");

impl Charter {
    /// The charter rhythm ships (`SHIPPED`): the demo's, and the unit tests'.
    pub fn shipped() -> Charter {
        Charter::parse(SHIPPED, std::path::Path::new("charter/partnership.toml"))
            .expect("the shipped charter is valid")
    }

    /// Reads and validates a charter file: a regular file (never a FIFO, a device or a
    /// folder, which could block or stream forever) of at most [`MAX_CHARTER_BYTES`],
    /// in UTF-8.
    pub fn load(path: &Path) -> Result<Charter, CharterError> {
        let bytes = read_limited(path)?;
        Self::from_bytes(&bytes, path)
    }

    /// Validates charter bytes: text that is not UTF-8 is refused at the line and
    /// column of its first invalid byte; `path` is only used in error messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Charter, CharterError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::parse(text, path),
            Err(e) => Err(CharterError::Invalid {
                path: path.to_path_buf(),
                problems: vec![not_utf8(bytes, e.valid_up_to())],
            }),
        }
    }

    /// Validates charter text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Charter, CharterError> {
        validate::parse(text).map_err(|problems| CharterError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }

    pub fn kpi(&self, id: &str) -> Option<&Kpi> {
        self.kpis.iter().find(|k| k.id == id)
    }

    pub fn deliverable(&self, id: &str) -> Option<&Deliverable> {
        self.deliverables.iter().find(|d| d.id == id)
    }

    pub fn stakeholder(&self, id: &str) -> Option<&Stakeholder> {
        self.stakeholders.iter().find(|s| s.id == id)
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// Whether channel `id` is "a marketing channel" in the KPI definitions
    /// (`[definitions] marketing_channels`). A channel the charter does not list counts
    /// as paid.
    pub fn is_marketing_channel(&self, id: &str) -> bool {
        match self.definitions.marketing_channels {
            MarketingChannels::All => true,
            MarketingChannels::Paid => self.channel(id).is_none_or(|c| c.paid),
        }
    }

    /// Whether rows of channel `id` count as the charter's channels: it lists the channel,
    /// or `[definitions] accept_new_channels` takes any. Rows an older import stored
    /// under a name the charter does not list are not coverage of a week.
    pub fn covers_channel(&self, id: &str) -> bool {
        self.definitions.accept_new_channels
            || self.channel(id).is_some()
            || (id == UNMAPPED && self.funnel.unmapped == Unmapped::Bucket)
    }

    /// The stakeholder a BI user name belongs to (case-insensitive).
    pub fn stakeholder_for_bi_user(&self, user: &str) -> Option<&Stakeholder> {
        self.stakeholders
            .iter()
            .find(|s| s.bi_users.iter().any(|u| u.eq_ignore_ascii_case(user)))
    }

    /// The escalation level that owns an issue open for `age_days`.
    pub fn escalation_for_age(&self, age_days: i64) -> Option<&EscalationLevel> {
        self.escalation
            .iter()
            .filter(|l| i64::from(l.after_days) <= age_days)
            .max_by_key(|l| l.level)
    }
}

/// The largest charter file rhythm reads (1 MiB; the shipped one is about 20 KiB).
pub const MAX_CHARTER_BYTES: u64 = 1 << 20;

/// The file's bytes, if it is a regular file of at most [`MAX_CHARTER_BYTES`]. The kind
/// is checked before opening (opening a FIFO blocks until a writer comes) and again on
/// the open file; the read stops one byte past the limit whatever the size claims.
fn read_limited(path: &Path) -> Result<Vec<u8>, CharterError> {
    use std::io::Read;
    let io = |source| CharterError::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = |meta: &std::fs::Metadata| CharterError::NotRegular {
        path: path.to_path_buf(),
        kind: file_kind(meta),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let too_big = || CharterError::TooBig {
        path: path.to_path_buf(),
        limit: MAX_CHARTER_BYTES,
    };
    if meta.len() > MAX_CHARTER_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_CHARTER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CHARTER_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// What a path that is not a regular file is, in words.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The problem of bytes that are valid UTF-8 up to `valid` only: the line and column
/// (in characters) of the first bad byte, and its value.
fn not_utf8(bytes: &[u8], valid: usize) -> Problem {
    let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Problem {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message: format!(
            "byte 0x{:02X} (file offset {valid}) is not UTF-8 — the charter was saved in another encoding (Latin-1, Windows-1252, UTF-16 …): save it as UTF-8 and run again",
            bytes[valid]
        ),
    }
}

/// One thing wrong with a charter, at a place in the file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CharterError {
    #[error("{}: cannot read the charter: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: the charter is {kind}, not a regular file: rhythm reads the charter only from a regular file — pass --charter PATH to the charter's .toml file",
        path.display()
    )]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error(
        "{}: the charter is larger than {} KiB, the most rhythm reads: is this the charter? pass --charter PATH to the partnership's .toml file",
        path.display(),
        limit / 1024
    )]
    TooBig { path: PathBuf, limit: u64 },
    #[error("{}", render_problems(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}:{}:{}: {}",
            path.display(),
            p.line,
            p.column,
            p.message
        ));
    }
    out
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
