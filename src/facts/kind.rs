//! The import kinds: what a CSV file holds. Their columns live in `ingest::kinds`.

/// What a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Channels,
    Kpis,
    Plan,
    Deliveries,
    Usage,
    Nps,
    Reconciliation,
    /// Incrementality experiments (geo-lift, holdout, conversion-lift): evidence for the
    /// budget model, not a recurring feed.
    Experiments,
    /// Leads or contacts as the MAP or CRM holds them, one row per record.
    Leads,
    /// CRM opportunities, one row per record.
    Opportunities,
    /// Ad platform cost by day (or week), platform and campaign.
    Spend,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Channels,
        Kind::Kpis,
        Kind::Plan,
        Kind::Deliveries,
        Kind::Usage,
        Kind::Nps,
        Kind::Reconciliation,
        Kind::Experiments,
        Kind::Leads,
        Kind::Opportunities,
        Kind::Spend,
    ];

    /// The kinds that arrive on a schedule, whose age the data freshness control judges.
    /// Experiments come when a test ends, so an old one is not stale data. The record-level
    /// kinds (leads, opportunities, spend) are optional sources of the weekly channel
    /// facts, so a workspace without them is not stale either.
    pub const FEEDS: [Kind; 7] = [
        Kind::Channels,
        Kind::Kpis,
        Kind::Plan,
        Kind::Deliveries,
        Kind::Usage,
        Kind::Nps,
        Kind::Reconciliation,
    ];

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Channels => "channels",
            Kind::Kpis => "kpis",
            Kind::Plan => "plan",
            Kind::Deliveries => "deliveries",
            Kind::Usage => "usage",
            Kind::Nps => "nps",
            Kind::Reconciliation => "reconciliation",
            Kind::Experiments => "experiments",
            Kind::Leads => "leads",
            Kind::Opportunities => "opportunities",
            Kind::Spend => "spend",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl super::ExperimentMethod {
    pub const ALL: [super::ExperimentMethod; 3] = [
        super::ExperimentMethod::GeoLift,
        super::ExperimentMethod::Holdout,
        super::ExperimentMethod::ConversionLift,
    ];

    /// The method `text` names: `geo-lift`, `holdout` or `conversion-lift`, ignoring case,
    /// with `_` or a space for the hyphen.
    pub fn parse(text: &str) -> Option<super::ExperimentMethod> {
        let text = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            super::ExperimentMethod::GeoLift => "geo-lift",
            super::ExperimentMethod::Holdout => "holdout",
            super::ExperimentMethod::ConversionLift => "conversion-lift",
        }
    }
}
