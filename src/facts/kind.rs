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
}

impl Kind {
    pub const ALL: [Kind; 7] = [
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
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
