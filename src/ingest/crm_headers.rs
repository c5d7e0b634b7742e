//! The CRM and MAP exports' header names, per vendor and kind (sources in
//! `tests/fixtures/crm/README.md`), and how each value is read.

use super::crm_exports::System;

/// How a file field becomes a cell of the kind's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    /// The record's id, stored as `system:id`.
    Id,
    /// A timestamp (created, stage dates), in UTC.
    Timestamp,
    /// The earliest of every listed timestamp column the export has (first response:
    /// the first call or the first email, whichever came first).
    EarliestTimestamp,
    /// A calendar date (close date): no zone shift.
    Date,
    Text,
    Email,
    /// An amount: plain, or currency text in the charter's currency.
    Money,
    /// A yes/no column (Salesforce's `Won`).
    Flag,
    /// Won from the stage's name: Closed Won 1, Closed Lost 0, other stages open (empty).
    WonFromStage,
    /// The vendor's opportunity type, mapped to new business / renewal / expansion.
    DealType,
}

/// The names a vendor writes for one of the kind's columns (normalised, see
/// [`bi_exports::normalise`](super::bi_exports::normalise)), and how the value is read.
pub(super) type Wanted = (&'static str, &'static [&'static str], Read);

const HUBSPOT_CONTACTS: &[Wanted] = &[
    ("id", &["record id", "contact id"], Read::Id),
    ("created", &["create date"], Read::Timestamp),
    ("source", &["original source"], Read::Text),
    (
        "mql_at",
        &["became a marketing qualified lead date"],
        Read::Timestamp,
    ),
    (
        "sql_at",
        &["became a sales qualified lead date"],
        Read::Timestamp,
    ),
    ("geo", &["country region", "country"], Read::Text),
    ("segment", SEGMENT, Read::Text),
    (
        "first_response_at",
        &["first outreach date", "first engagement date"],
        Read::EarliestTimestamp,
    ),
    ("email", &["email"], Read::Email),
];

/// No vendor ships a segment property: accounts that keep one add it under this name.
const SEGMENT: &[&str] = &["segment", "market segment"];

const HUBSPOT_DEALS: &[Wanted] = &[
    ("id", &["record id", "deal id"], Read::Id),
    ("created", &["create date"], Read::Timestamp),
    ("amount", &["amount"], Read::Money),
    (
        "source",
        &["original source", "original source type", "source"],
        Read::Text,
    ),
    ("stage", &["deal stage"], Read::Text),
    ("close_date", &["close date"], Read::Date),
    ("won", &["deal stage"], Read::WonFromStage),
    ("type", &["deal type"], Read::DealType),
];

const SALESFORCE_LEADS: &[Wanted] = &[
    ("id", &["lead id"], Read::Id),
    ("created", &["create date", "created date"], Read::Timestamp),
    ("source", &["lead source"], Read::Text),
    ("geo", &["country"], Read::Text),
    ("segment", SEGMENT, Read::Text),
    (
        "first_response_at",
        &[
            "first call date",
            "first call date time",
            "first email date",
            "first email date time",
        ],
        Read::EarliestTimestamp,
    ),
    ("email", &["email"], Read::Email),
];

const SALESFORCE_OPPORTUNITIES: &[Wanted] = &[
    ("id", &["opportunity id"], Read::Id),
    ("created", &["created date", "create date"], Read::Timestamp),
    ("amount", &["amount"], Read::Money),
    ("source", &["lead source"], Read::Text),
    ("stage", &["stage"], Read::Text),
    ("close_date", &["close date"], Read::Date),
    ("won", &["won"], Read::Flag),
    ("type", &["type"], Read::DealType),
    ("geo", &["billing country"], Read::Text),
];

const MARKETO_LEADS: &[Wanted] = &[
    ("id", &["id"], Read::Id),
    ("created", &["created at", "createdat"], Read::Timestamp),
    ("source", &["lead source", "leadsource"], Read::Text),
    ("mql_at", &["mql date"], Read::Timestamp),
    ("sql_at", &["sql date"], Read::Timestamp),
    ("geo", &["country"], Read::Text),
    ("segment", SEGMENT, Read::Text),
    ("email", &["email address", "email"], Read::Email),
];

/// The exports of each kind, most specific first: (system, name, the columns that
/// identify it, its mapping).
pub(super) type Candidate = (
    System,
    &'static str,
    &'static [&'static str],
    &'static [Wanted],
);

pub(super) const LEAD_EXPORTS: &[Candidate] = &[
    (
        System::HubSpot,
        "HubSpot contacts export",
        &["create date", "original source"],
        HUBSPOT_CONTACTS,
    ),
    (
        System::Salesforce,
        "Salesforce lead report",
        &["lead id", "lead source"],
        SALESFORCE_LEADS,
    ),
    (
        System::Marketo,
        "Marketo lead export",
        &["id", "lead source"],
        MARKETO_LEADS,
    ),
];

pub(super) const OPPORTUNITY_EXPORTS: &[Candidate] = &[
    (
        System::HubSpot,
        "HubSpot deals export",
        &["deal stage"],
        HUBSPOT_DEALS,
    ),
    (
        System::Salesforce,
        "Salesforce opportunity report",
        &["opportunity id", "stage"],
        SALESFORCE_OPPORTUNITIES,
    ),
];
