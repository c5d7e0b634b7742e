//! Raw charter -> validated `Charter`. Every problem found is collected with its place
//! in the file, so one run of `rhythm charter check` shows them all.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{NaiveDate, Weekday};
use toml::Spanned;
use toml::value::Datetime;

use super::raw::*;
use super::*;
use crate::calendar;

/// Import kinds whose freshness the charter may limit.
pub const IMPORT_KINDS: [&str; 7] = [
    "channels",
    "kpis",
    "plan",
    "deliveries",
    "usage",
    "nps",
    "reconciliation",
];

const UNITS: [&str; 7] = [
    "usd", "count", "ratio", "fraction", "days", "months", "score",
];

/// Fewer words than this cannot say what is counted, from which system, and when.
const MIN_DEFINITION_WORDS: usize = 8;

pub(super) struct Ctx<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    pub(super) fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_column(self.text, span.start);
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    fn nonempty(&mut self, value: &Spanned<String>, what: &str) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.at(value.span(), format!("{what} is empty"));
        }
        text.to_string()
    }

    /// A number within `range`, or the default when absent.
    pub(super) fn number(
        &mut self,
        value: &Option<Spanned<f64>>,
        name: &str,
        default: f64,
        range: Range<f64>,
        unit_hint: &str,
    ) -> f64 {
        let Some(v) = value else { return default };
        let x = *v.get_ref();
        if !x.is_finite() || x < range.start || x > range.end {
            self.at(
                v.span(),
                format!(
                    "{name} = {x} is out of range: expected {} to {}{unit_hint}",
                    range.start, range.end
                ),
            );
        }
        x
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub(super) fn to_date(value: &Spanned<Datetime>, ctx: &mut Ctx, name: &str) -> Option<NaiveDate> {
    let dt = value.get_ref();
    let date = match (dt.date, dt.time) {
        (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
        _ => None,
    };
    if date.is_none() {
        ctx.at(
            value.span(),
            format!("{name} must be a date like 2025-01-01, found {dt}"),
        );
    }
    date
}

pub fn parse(text: &str) -> Result<Charter, Vec<Problem>> {
    let raw: RawCharter = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
            return Err(vec![Problem {
                line,
                column,
                message: e.message().trim().to_string(),
            }]);
        }
    };
    let mut ctx = Ctx {
        text,
        problems: Vec::new(),
    };
    let charter = convert(raw, &mut ctx);
    if ctx.problems.is_empty() {
        Ok(charter)
    } else {
        ctx.problems.sort_by_key(|p| (p.line, p.column));
        Err(ctx.problems)
    }
}

/// Checks ids of one section are unique and returns them.
fn unique_ids<'a, T>(
    ctx: &mut Ctx,
    section: &str,
    items: &'a [Spanned<T>],
    id: impl Fn(&'a T) -> &'a Spanned<String>,
) -> HashSet<String> {
    let mut seen = HashSet::new();
    for item in items {
        let id = id(item.get_ref());
        let value = id.get_ref().trim();
        if value.is_empty() {
            ctx.at(id.span(), format!("[[{section}]] id is empty"));
        } else if !seen.insert(value.to_string()) {
            ctx.at(
                id.span(),
                format!("duplicate {section} id '{value}': ids must be unique"),
            );
        }
    }
    seen
}

pub(super) fn refs(
    ctx: &mut Ctx,
    values: &[Spanned<String>],
    known: &HashSet<String>,
    what: &str,
    owner: &str,
) -> Vec<String> {
    values
        .iter()
        .map(|v| reference(ctx, v, known, what, owner))
        .collect()
}

pub(super) fn reference(
    ctx: &mut Ctx,
    value: &Spanned<String>,
    known: &HashSet<String>,
    what: &str,
    owner: &str,
) -> String {
    let id = value.get_ref().trim().to_string();
    if !known.contains(&id) {
        ctx.at(
            value.span(),
            format!("{owner} refers to {what} '{id}', which the charter does not define"),
        );
    }
    id
}

fn cadence(ctx: &mut Ctx, value: &Spanned<String>) -> Cadence {
    Cadence::parse(value.get_ref()).unwrap_or_else(|| {
        ctx.at(
            value.span(),
            format!(
                "unknown cadence '{}': use weekly, monthly, quarterly or annual",
                value.get_ref()
            ),
        );
        Cadence::Monthly
    })
}

fn convert(raw: RawCharter, ctx: &mut Ctx) -> Charter {
    let kpi_ids = unique_ids(ctx, "kpi", &raw.kpi, |k| &k.id);
    let stakeholder_ids = unique_ids(ctx, "stakeholder", &raw.stakeholder, |s| &s.id);
    unique_ids(ctx, "objective", &raw.objective, |o| &o.id);
    unique_ids(ctx, "deliverable", &raw.deliverable, |d| &d.id);
    unique_ids(ctx, "channel", &raw.channel, |c| &c.id);
    unique_ids(ctx, "escalation", &raw.escalation, |e| &e.id);
    unique_ids(ctx, "raci", &raw.raci, |r| &r.id);
    unique_ids(ctx, "delivery", &raw.delivery, |d| &d.id);

    let partnership = convert_partnership(&raw.partnership, ctx, &stakeholder_ids);
    let controls = super::controls::convert_controls(raw.controls.as_ref(), ctx);
    let privacy = super::controls::convert_privacy(raw.privacy.as_ref(), ctx);
    let definitions = super::terms::convert_definitions(raw.definitions.as_ref(), ctx);
    let nps = super::survey::convert(raw.nps.as_ref(), ctx);

    let objectives = raw
        .objective
        .iter()
        .map(|o| {
            let o = o.get_ref();
            let id = o.id.get_ref().trim().to_string();
            let owner_label = format!("objective '{id}'");
            if o.kpis.is_empty() {
                ctx.at(
                    o.id.span(),
                    format!("{owner_label} is tied to no KPI: list at least one in kpis"),
                );
            }
            Objective {
                statement: ctx.nonempty(&o.statement, "objective statement"),
                kpis: refs(ctx, &o.kpis, &kpi_ids, "KPI", &owner_label),
                owner: o
                    .owner
                    .as_ref()
                    .map(|s| reference(ctx, s, &stakeholder_ids, "stakeholder", &owner_label)),
                id,
            }
        })
        .collect();

    let kpis = raw
        .kpi
        .iter()
        .map(|k| convert_kpi(k.get_ref(), ctx))
        .collect();

    let deliverables: Vec<Deliverable> = raw
        .deliverable
        .iter()
        .map(|d| {
            let d = d.get_ref();
            let id = d.id.get_ref().trim().to_string();
            let label = format!("deliverable '{id}'");
            let cadence = cadence(ctx, &d.cadence);
            let due = DueRule::parse(d.due.get_ref(), cadence)
                .map(|rule| rule.with_holidays(&definitions.holidays))
                .unwrap_or_else(|e| {
                    ctx.at(d.due.span(), format!("{label}: {e}"));
                    DueRule::BusinessDay {
                        n: 1,
                        time: chrono::NaiveTime::MIN,
                        holidays: Default::default(),
                    }
                });
            let grace = *d.grace_hours.get_ref();
            if !(0..=24 * 31).contains(&grace) {
                ctx.at(
                    d.grace_hours.span(),
                    format!("{label}: grace_hours = {grace} is out of range: expected 0 to 744"),
                );
            }
            Deliverable {
                name: ctx.nonempty(&d.name, "deliverable name"),
                cadence,
                due,
                owner: reference(ctx, &d.owner, &stakeholder_ids, "stakeholder", &label),
                audience: refs(ctx, &d.audience, &stakeholder_ids, "stakeholder", &label),
                grace_hours: grace.clamp(0, 744) as u32,
                kpis: refs(ctx, &d.kpis, &kpi_ids, "KPI", &label),
                id,
            }
        })
        .collect();

    let stakeholders = convert_stakeholders(&raw.stakeholder, ctx);

    let aliases = channel_aliases(ctx, &raw.channel);
    let vocabulary = super::funnel::channel_vocabulary(ctx, &raw.channel);
    let channels: Vec<Channel> = raw
        .channel
        .iter()
        .zip(aliases)
        .zip(vocabulary)
        .map(|((c, aliases), (lead_sources, utm, campaigns))| {
            let c = c.get_ref();
            let id = c.id.get_ref().trim().to_string();
            let label = format!("channel '{id}'");
            let floor = c
                .floor
                .as_ref()
                .map(|f| nonnegative(ctx, f, &label, "floor"));
            let cap = c.cap.as_ref().map(|f| nonnegative(ctx, f, &label, "cap"));
            if let (Some(lo), Some(hi), Some(cap_span)) = (floor, cap, c.cap.as_ref())
                && lo > hi
            {
                ctx.at(
                    cap_span.span(),
                    format!("{label}: cap {hi} is below floor {lo}"),
                );
            }
            Channel {
                name: ctx.nonempty(&c.name, "channel name"),
                paid: c.paid,
                owner: c
                    .owner
                    .as_ref()
                    .map(|o| reference(ctx, o, &stakeholder_ids, "stakeholder", &label)),
                floor,
                cap,
                strategic: c.strategic,
                aliases,
                lead_sources,
                utm,
                campaigns,
                id,
            }
        })
        .collect();

    let mut escalation: Vec<EscalationLevel> = raw
        .escalation
        .iter()
        .map(|e| {
            let e = e.get_ref();
            let id = e.id.get_ref().trim().to_string();
            let label = format!("escalation '{id}'");
            let level = *e.level.get_ref();
            if !(1..=10).contains(&level) {
                ctx.at(
                    e.level.span(),
                    format!("{label}: level {level} is out of range: expected 1 to 10"),
                );
            }
            let days = *e.after_days.get_ref();
            if !(0..=365).contains(&days) {
                ctx.at(
                    e.after_days.span(),
                    format!("{label}: after_days {days} is out of range: expected 0 to 365"),
                );
            }
            EscalationLevel {
                level: level.clamp(1, 10) as u32,
                owner: reference(ctx, &e.owner, &stakeholder_ids, "stakeholder", &label),
                after_days: days.clamp(0, 365) as u32,
                action: ctx.nonempty(&e.action, "escalation action"),
                id,
            }
        })
        .collect();
    escalation.sort_by_key(|l| l.level);
    for pair in escalation.windows(2) {
        if pair[1].after_days < pair[0].after_days || pair[1].level == pair[0].level {
            let span = raw
                .escalation
                .iter()
                .find(|e| e.get_ref().id.get_ref().trim() == pair[1].id)
                .map_or(0..0, |e| e.get_ref().level.span());
            ctx.at(span, format!(
                "escalation '{}': each level must be higher than the one before and start no earlier (level {} after {} days follows level {} after {} days)",
                pair[1].id, pair[1].level, pair[1].after_days, pair[0].level, pair[0].after_days
            ));
        }
    }

    let raci = raw
        .raci
        .iter()
        .map(|r| {
            let r = r.get_ref();
            let id = r.id.get_ref().trim().to_string();
            let label = format!("raci '{id}'");
            if r.responsible.is_empty() {
                ctx.at(r.id.span(), format!("{label}: nobody is responsible"));
            }
            Raci {
                workstream: ctx.nonempty(&r.workstream, "raci workstream"),
                responsible: refs(ctx, &r.responsible, &stakeholder_ids, "stakeholder", &label),
                accountable: reference(
                    ctx,
                    &r.accountable,
                    &stakeholder_ids,
                    "stakeholder",
                    &label,
                ),
                consulted: refs(ctx, &r.consulted, &stakeholder_ids, "stakeholder", &label),
                informed: refs(ctx, &r.informed, &stakeholder_ids, "stakeholder", &label),
                id,
            }
        })
        .collect();

    let delivery = super::delivery::convert(&raw.delivery, &deliverables, &stakeholder_ids, ctx);
    Charter {
        delivery,
        partnership,
        controls,
        privacy,
        definitions,
        nps,
        objectives,
        kpis,
        deliverables,
        stakeholders,
        funnel: super::funnel::convert(raw.funnel.as_ref(), &channels, ctx),
        channels,
        escalation,
        raci,
    }
}

/// Each channel's aliases, checked: not empty, and no name (id or alias, ignoring case and
/// surrounding spaces) may belong to two channels, so every name in a `channels` or
/// `plan` file maps to one channel.
fn channel_aliases(ctx: &mut Ctx, channels: &[Spanned<RawChannel>]) -> Vec<Vec<String>> {
    // lowercased name -> the channel it names
    let mut owner: std::collections::HashMap<String, String> = Default::default();
    for c in channels {
        let id = c.get_ref().id.get_ref().trim();
        let key = id.to_lowercase();
        match owner.get(&key) {
            Some(other) if other != id => ctx.at(
                c.get_ref().id.span(),
                format!(
                    "channel id '{id}' differs from channel '{other}' only in case: channel names are matched ignoring case, so rename one"
                ),
            ),
            _ => {
                owner.entry(key).or_insert_with(|| id.to_string());
            }
        }
    }
    channels
        .iter()
        .map(|c| {
            let c = c.get_ref();
            let id = c.id.get_ref().trim();
            let mut aliases = Vec::new();
            for a in &c.aliases {
                let alias = a.get_ref().trim();
                if alias.is_empty() {
                    ctx.at(a.span(), format!("channel '{id}': an alias is empty"));
                    continue;
                }
                let key = alias.to_lowercase();
                match owner.get(&key) {
                    Some(other) if other != id => ctx.at(
                        a.span(),
                        format!(
                            "channel '{id}': alias '{alias}' already names channel '{other}' (ids and aliases are matched ignoring case): remove it from one of them"
                        ),
                    ),
                    _ => {
                        owner.insert(key, id.to_string());
                    }
                }
                aliases.push(alias.to_string());
            }
            aliases
        })
        .collect()
}

fn nonnegative(ctx: &mut Ctx, value: &Spanned<f64>, label: &str, name: &str) -> f64 {
    let x = *value.get_ref();
    if !x.is_finite() || x < 0.0 {
        ctx.at(
            value.span(),
            format!("{label}: {name} = {x} must be zero or more (currency per week)"),
        );
    }
    x
}

fn convert_partnership(
    raw: &Spanned<RawPartnership>,
    ctx: &mut Ctx,
    stakeholders: &HashSet<String>,
) -> Partnership {
    let p = raw.get_ref();
    let week_start = match &p.week_start {
        None => Weekday::Mon,
        Some(w) => calendar::parse_weekday(w.get_ref()).unwrap_or_else(|| {
            ctx.at(
                w.span(),
                format!(
                    "week_start '{}' is not a weekday (monday … sunday)",
                    w.get_ref()
                ),
            );
            Weekday::Mon
        }),
    };
    let timezone = match &p.timezone {
        None => chrono_tz::UTC,
        Some(z) => z.get_ref().parse::<chrono_tz::Tz>().unwrap_or_else(|_| {
            ctx.at(
                z.span(),
                format!(
                    "timezone '{}' is not an IANA time zone name (e.g. \"Europe/London\", \"America/New_York\", \"UTC\")",
                    z.get_ref()
                ),
            );
            chrono_tz::UTC
        }),
    };
    let fy = match &p.fiscal_year_start_month {
        None => 1,
        Some(m) => {
            let v = *m.get_ref();
            if !(1..=12).contains(&v) {
                ctx.at(
                    m.span(),
                    format!("fiscal_year_start_month = {v} is out of range: expected 1 to 12"),
                );
            }
            v.clamp(1, 12) as u32
        }
    };
    let revenue = p.annual_revenue.as_ref().map(|r| {
        let x = *r.get_ref();
        if !(x.is_finite() && x > 0.0) {
            ctx.at(
                r.span(),
                format!("annual_revenue = {x} must be more than zero"),
            );
        }
        x
    });
    Partnership {
        name: ctx.nonempty(&p.name, "partnership name"),
        company: p
            .company
            .as_ref()
            .map(|c| c.get_ref().clone())
            .unwrap_or_default(),
        analytics_lead: reference(
            ctx,
            &p.analytics_lead,
            stakeholders,
            "stakeholder",
            "analytics_lead",
        ),
        marketing_lead: reference(
            ctx,
            &p.marketing_lead,
            stakeholders,
            "stakeholder",
            "marketing_lead",
        ),
        effective_date: to_date(&p.effective_date, ctx, "effective_date").unwrap_or_default(),
        review_cadence: cadence(ctx, &p.review_cadence),
        last_reviewed: p
            .last_reviewed
            .as_ref()
            .and_then(|d| to_date(d, ctx, "last_reviewed")),
        week_start,
        timezone,
        fiscal_year_start_month: fy,
        currency: p
            .currency
            .as_ref()
            .map_or("USD".into(), |c| c.get_ref().clone()),
        annual_revenue: revenue,
        attribution_method: p.attribution_method.as_ref().map(|a| a.get_ref().clone()),
    }
}

fn convert_kpi(k: &RawKpi, ctx: &mut Ctx) -> Kpi {
    let id = k.id.get_ref().trim().to_string();
    let definition = k.definition.get_ref().trim().to_string();
    if definition.split_whitespace().count() < MIN_DEFINITION_WORDS {
        ctx.at(k.definition.span(), format!(
            "kpi '{id}': definition is too vague ({} words): say precisely what is counted, from which system and when",
            definition.split_whitespace().count()
        ));
    }
    let unit = k.unit.get_ref().trim().to_ascii_lowercase();
    if !UNITS.contains(&unit.as_str()) {
        ctx.at(
            k.unit.span(),
            format!(
                "kpi '{id}': unknown unit '{unit}': use one of {}",
                UNITS.join(", ")
            ),
        );
    }
    let direction = match k.direction.get_ref().trim() {
        "higher" => Direction::HigherIsBetter,
        "lower" => Direction::LowerIsBetter,
        other => {
            ctx.at(k.direction.span(), format!("kpi '{id}': direction '{other}' must be \"higher\" or \"lower\" (which is better)"));
            Direction::HigherIsBetter
        }
    };
    let source = match k.source.get_ref().trim() {
        "derived" => KpiSource::Derived,
        "imported" => KpiSource::Imported,
        other => {
            ctx.at(
                k.source.span(),
                format!("kpi '{id}': source '{other}' must be \"derived\" or \"imported\""),
            );
            KpiSource::Imported
        }
    };
    let target = *k.target.get_ref();
    let target_range = match unit.as_str() {
        "fraction" => -1.0..=1.0,
        "score" => -100.0..=100.0,
        _ => 0.0..=1e15,
    };
    if !target.is_finite() || !target_range.contains(&target) {
        ctx.at(
            k.target.span(),
            format!(
                "kpi '{id}': target {target} is out of range for unit {unit}: expected {} to {}",
                target_range.start(),
                target_range.end()
            ),
        );
    }
    let tolerance = *k.tolerance.get_ref();
    if !(0.0..=1.0).contains(&tolerance) {
        ctx.at(k.tolerance.span(), format!("kpi '{id}': tolerance {tolerance} is out of range: expected 0 to 1 (a fraction of target)"));
    }
    let window = k.window.as_ref().map(|w| {
        super::terms::window(
            ctx,
            &Some(w.clone()),
            &format!("kpi '{id}': window"),
            super::terms::Forms::WEEKS,
            super::terms::Window::Weeks(13),
        )
    });
    if window.is_some() && source == KpiSource::Imported {
        ctx.at(
            k.window.as_ref().map_or(0..0, |w| w.span()),
            format!("kpi '{id}': an imported KPI comes with its value; only a derived KPI can state a window"),
        );
    }
    Kpi {
        name: ctx.nonempty(&k.name, "kpi name"),
        window,
        definition,
        unit,
        direction,
        cadence: cadence(ctx, &k.cadence),
        target,
        tolerance,
        source,
        id,
    }
}

fn convert_stakeholders(raw: &[Spanned<RawStakeholder>], ctx: &mut Ctx) -> Vec<Stakeholder> {
    let mut bi_seen: Vec<(String, String)> = Vec::new();
    raw.iter()
        .map(|s| {
            let s = s.get_ref();
            let id = s.id.get_ref().trim().to_string();
            let mut bi_users = Vec::new();
            for u in &s.bi_users {
                let name = u.get_ref().trim().to_ascii_lowercase();
                if let Some((_, other)) = bi_seen.iter().find(|(n, _)| *n == name) {
                    ctx.at(
                        u.span(),
                        format!("BI user '{name}' is already listed for stakeholder '{other}'"),
                    );
                }
                bi_seen.push((name, id.clone()));
                bi_users.push(u.get_ref().trim().to_string());
            }
            Stakeholder {
                name: ctx.nonempty(&s.name, "stakeholder name"),
                role: s.role.get_ref().trim().to_string(),
                team: s
                    .team
                    .as_ref()
                    .map(|t| t.get_ref().clone())
                    .unwrap_or_default(),
                marketing_leader: s.marketing_leader,
                bi_users,
                id,
            }
        })
        .collect()
}
