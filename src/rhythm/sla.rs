//! The SLA engine: which deliveries the charter expects, whether each came on time, late
//! or not at all, and who owns a breach on the escalation path.
//!
//! A delivery is on time up to `grace_hours` after its due moment; after that it is late.
//! Nothing delivered once due + grace has passed is missing; before that it is pending,
//! and pending items are not counted in any rate.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Serialize, Serializer};

use crate::charter::{Cadence, Charter, Deliverable, Direction};
use crate::facts::Delivery;
use crate::rhythm::status::{Status, judge};

/// How far short of the charter's on-time target (as a fraction of the target) still warns.
pub const SLA_WARN_TOLERANCE: f64 = 0.05;

/// One delivery the charter expects: a deliverable in one period of its cadence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// Deliverable id.
    pub deliverable: String,
    #[serde(serialize_with = "cadence_name")]
    pub cadence: Cadence,
    /// First day of the period the delivery is for.
    pub period_start: NaiveDate,
    /// When it is due (UTC).
    pub due_at: NaiveDateTime,
    /// Hours after `due_at` that still count as on time.
    pub grace_hours: u32,
}

impl Expected {
    /// The last moment a delivery still counts as on time: due + grace.
    pub fn deadline(&self) -> NaiveDateTime {
        self.due_at + Duration::hours(i64::from(self.grace_hours))
    }
}

/// Where one expected delivery stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeliveryState {
    /// Delivered no later than due + grace (early counts as on time).
    OnTime,
    /// Delivered after due + grace; `hours_late` is hours after `due_at`.
    Late { hours_late: f64 },
    /// Due + grace has passed and nothing was delivered; `hours_overdue` is hours since
    /// `due_at`.
    Missing { hours_overdue: f64 },
    /// Nothing delivered yet, and not yet past due + grace.
    Pending,
}

impl DeliveryState {
    /// `on_time`, `late`, `missing` or `pending`.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryState::OnTime => "on_time",
            DeliveryState::Late { .. } => "late",
            DeliveryState::Missing { .. } => "missing",
            DeliveryState::Pending => "pending",
        }
    }

    /// True for late and missing deliveries.
    pub fn is_breach(&self) -> bool {
        matches!(
            self,
            DeliveryState::Late { .. } | DeliveryState::Missing { .. }
        )
    }
}

/// The escalation level that owns a breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationRef {
    pub level: u32,
    /// Stakeholder id.
    pub owner: String,
    /// Escalation level id in the charter.
    pub id: String,
}

/// An expected delivery and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub expected: Expected,
    /// When it was delivered (UTC), if it was by `now`.
    pub delivered_at: Option<NaiveDateTime>,
    #[serde(flatten)]
    pub state: DeliveryState,
    /// Who owns a late or missing delivery, by its age in whole days past due + grace.
    pub escalation: Option<EscalationRef>,
}

/// Counts of settled (not pending) expected deliveries and how they went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Settled expected deliveries: on time + late + missing.
    pub expected: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    /// Not yet settled; not counted in `expected`.
    pub pending: u32,
    /// on_time / expected as a fraction 0..1; None when nothing is settled.
    pub on_time_rate: Option<f64>,
    /// Mean hours after due of the late deliveries; None when none was late.
    pub mean_hours_late: Option<f64>,
}

/// SLA compliance of one deliverable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliverableSla {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "cadence_name")]
    pub cadence: Cadence,
    #[serde(flatten)]
    pub tally: Tally,
}

/// SLA compliance of all deliverables of one cadence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CadenceSla {
    #[serde(serialize_with = "cadence_name")]
    pub cadence: Cadence,
    #[serde(flatten)]
    pub tally: Tally,
}

/// SLA compliance over a window, per deliverable, per cadence and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaReport {
    /// First day of the window.
    pub from: NaiveDate,
    /// The moment the report is as of (UTC).
    pub now: NaiveDateTime,
    /// One row per charter deliverable, in charter order.
    pub deliverables: Vec<DeliverableSla>,
    /// One row per cadence the charter has deliverables of.
    pub cadences: Vec<CadenceSla>,
    pub overall: Tally,
    /// The charter's on-time target, fraction 0..1.
    pub target: f64,
    /// Overall on-time rate judged against the target (no_data when nothing settled).
    pub status: Status,
    /// Late and missing deliveries, newest due first.
    pub breaches: Vec<Outcome>,
}

impl SlaReport {
    /// The deliverables with a delivery that fell due or is pending in the window.
    pub fn deliverables_due(&self) -> impl Iterator<Item = &DeliverableSla> {
        self.deliverables
            .iter()
            .filter(|d| d.tally.expected + d.tally.pending > 0)
    }
}

fn cadence_name<S: Serializer>(cadence: &Cadence, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(cadence.as_str())
}

/// Every delivery the charter expects with a due moment from `from` (00:00) up to and
/// including `until`, never before the charter's effective date; ordered by due moment.
pub fn expected_deliveries(
    charter: &Charter,
    from: NaiveDate,
    until: NaiveDateTime,
) -> Vec<Expected> {
    expected_between(charter, from.and_time(NaiveTime::MIN), until)
}

/// `from` is the start of a local day (or a local time): as a UTC instant.
fn from_local(charter: &Charter, local: NaiveDateTime) -> NaiveDateTime {
    super::clock::local_to_utc(charter, local)
}

/// The deliveries due from `from` (a local time) to `until` (UTC).
fn expected_between(charter: &Charter, from: NaiveDateTime, until: NaiveDateTime) -> Vec<Expected> {
    let effective = charter.partnership.effective_date.and_time(NaiveTime::MIN);
    let from = from_local(charter, from.max(effective));
    let mut all: Vec<Expected> = charter
        .deliverables
        .iter()
        .flat_map(|d| periods_due(charter, d, from, until))
        .collect();
    all.sort_by_key(|e| e.due_at);
    all
}

/// The periods of `deliverable` whose due moment lies in `from..=until`.
fn periods_due(
    charter: &Charter,
    deliverable: &Deliverable,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Vec<Expected> {
    let p = &charter.partnership;
    let cadence = deliverable.cadence;
    // A due moment never precedes its period's start, so starting one period before the
    // one holding `from` cannot miss any.
    let first = cadence.period_start(from.date(), p.week_start, p.fiscal_year_start_month);
    let mut start = cadence.previous_period(first);
    let mut out = Vec::new();
    while start <= until.date() {
        // Due rules are wall-clock times in the charter's zone.
        let due_at = from_local(charter, deliverable.due.due_at(start));
        if due_at >= from && due_at <= until {
            out.push(Expected {
                deliverable: deliverable.id.clone(),
                cadence,
                period_start: start,
                due_at,
                grace_hours: deliverable.grace_hours,
            });
        }
        start = cadence.next_period(start);
    }
    out
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

/// Where `expected` stands at `now`, given when (if at all) it was delivered.
fn state_of(
    expected: &Expected,
    delivered_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> DeliveryState {
    let deadline = expected.deadline();
    match delivered_at {
        Some(at) if at <= deadline => DeliveryState::OnTime,
        Some(at) => DeliveryState::Late {
            hours_late: hours(at - expected.due_at),
        },
        None if now > deadline => DeliveryState::Missing {
            hours_overdue: hours(now - expected.due_at),
        },
        None => DeliveryState::Pending,
    }
}

/// The escalation level owning a breach, by whole days past due + grace (up to `now`
/// for a missing delivery, up to the delivery for a late one).
fn escalation_of(
    charter: &Charter,
    expected: &Expected,
    delivered_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<EscalationRef> {
    let age_days = (delivered_at.unwrap_or(now) - expected.deadline()).num_days();
    escalation_at(charter, age_days)
}

/// The charter's escalation level that owns an issue `age_days` old: the highest whose
/// `after_days` have passed. None before the first level's `after_days`: the issue is
/// not escalated yet (it stays with whoever raised it and the figure's owners); the
/// shipped charter's first level starts on day 0, so it always has an owner.
pub fn escalation_at(charter: &Charter, age_days: i64) -> Option<EscalationRef> {
    charter.escalation_for_age(age_days).map(|l| EscalationRef {
        level: l.level,
        owner: l.owner.clone(),
        id: l.id.clone(),
    })
}

/// The earliest delivery per (deliverable, period start), counting only deliveries made
/// by `now` so that a report as of a past moment sees what was known then.
fn deliveries_by_period<'a>(
    charter: &Charter,
    deliveries: &'a [Delivery],
    now: NaiveDateTime,
) -> HashMap<(&'a str, NaiveDate), NaiveDateTime> {
    let p = &charter.partnership;
    let mut map: HashMap<(&str, NaiveDate), NaiveDateTime> = HashMap::new();
    for d in deliveries.iter().filter(|d| d.delivered_at <= now) {
        let period = match charter.deliverable(&d.deliverable) {
            Some(def) => {
                def.cadence
                    .period_start(d.period_start, p.week_start, p.fiscal_year_start_month)
            }
            None => d.period_start,
        };
        let at = map
            .entry((d.deliverable.as_str(), period))
            .or_insert(d.delivered_at);
        *at = (*at).min(d.delivered_at);
    }
    map
}

fn outcomes(
    charter: &Charter,
    expected: Vec<Expected>,
    deliveries: &[Delivery],
    now: NaiveDateTime,
) -> Vec<Outcome> {
    let delivered = deliveries_by_period(charter, deliveries, now);
    expected
        .into_iter()
        .map(|e| {
            let delivered_at = delivered
                .get(&(e.deliverable.as_str(), e.period_start))
                .copied();
            let state = state_of(&e, delivered_at, now);
            let escalation = state
                .is_breach()
                .then(|| escalation_of(charter, &e, delivered_at, now))
                .flatten();
            Outcome {
                expected: e,
                delivered_at,
                state,
                escalation,
            }
        })
        .collect()
}

/// The deliveries falling due from `from` to `to` (inclusive; wall-clock times in the
/// charter's zone) and where each stands at `now` (UTC) — e.g. "due this week". Ordered
/// by due moment.
pub fn due_between(
    charter: &Charter,
    deliveries: &[Delivery],
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
) -> Vec<Outcome> {
    outcomes(
        charter,
        expected_between(charter, from, from_local(charter, to)),
        deliveries,
        now,
    )
}

fn tally<'a>(list: impl IntoIterator<Item = &'a Outcome>) -> Tally {
    let mut t = Tally::default();
    let mut hours_late = Vec::new();
    for o in list {
        match o.state {
            DeliveryState::OnTime => t.on_time += 1,
            DeliveryState::Late { hours_late: h } => {
                t.late += 1;
                hours_late.push(h);
            }
            DeliveryState::Missing { .. } => t.missing += 1,
            DeliveryState::Pending => t.pending += 1,
        }
    }
    t.expected = t.on_time + t.late + t.missing;
    t.on_time_rate = (t.expected > 0).then(|| f64::from(t.on_time) / f64::from(t.expected));
    t.mean_hours_late = crate::rhythm::stats::mean(&hours_late);
    t
}

/// SLA compliance of every deliverable due from `from` (00:00) up to `now`.
pub fn evaluate(
    charter: &Charter,
    deliveries: &[Delivery],
    from: NaiveDate,
    now: NaiveDateTime,
) -> SlaReport {
    let all = outcomes(
        charter,
        expected_deliveries(charter, from, now),
        deliveries,
        now,
    );
    let deliverables = charter
        .deliverables
        .iter()
        .map(|d| DeliverableSla {
            id: d.id.clone(),
            name: d.name.clone(),
            cadence: d.cadence,
            tally: tally(all.iter().filter(|o| o.expected.deliverable == d.id)),
        })
        .collect();
    let cadences = Cadence::ALL
        .into_iter()
        .filter(|c| charter.deliverables.iter().any(|d| d.cadence == *c))
        .map(|cadence| CadenceSla {
            cadence,
            tally: tally(all.iter().filter(|o| o.expected.cadence == cadence)),
        })
        .collect();
    let mut overall = tally(&all);
    if deliveries.is_empty() {
        // No delivery was ever recorded: the store has no delivery data, which is not
        // the same as every deliverable missing.
        overall.on_time_rate = None;
    }
    let target = charter.controls.sla_on_time_target;
    let status = judge(
        overall.on_time_rate,
        target,
        Direction::HigherIsBetter,
        SLA_WARN_TOLERANCE,
    );
    SlaReport {
        from,
        now,
        deliverables,
        cadences,
        overall,
        target,
        status,
        breaches: breaches(all),
    }
}

/// Late and missing outcomes, newest due first.
fn breaches(all: Vec<Outcome>) -> Vec<Outcome> {
    let mut list: Vec<Outcome> = all.into_iter().filter(|o| o.state.is_breach()).collect();
    list.sort_by(|a, b| {
        b.expected
            .due_at
            .cmp(&a.expected.due_at)
            .then_with(|| a.expected.deliverable.cmp(&b.expected.deliverable))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::shipped()
    }

    /// The shipped charter with only the named deliverables.
    fn charter_with(ids: &[&str]) -> Charter {
        let mut c = charter();
        c.deliverables.retain(|d| ids.contains(&d.id.as_str()));
        assert_eq!(c.deliverables.len(), ids.len());
        c
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    fn delivery(id: &str, period: NaiveDate, when: NaiveDateTime) -> Delivery {
        Delivery {
            deliverable: id.into(),
            period_start: period,
            delivered_at: when,
            link: None,
        }
    }

    #[test]
    fn business_days_skip_weekends() {
        let c = charter_with(&["performance-review"]);
        // November 2025 starts on a Saturday: BD1 Mon 3rd, BD2 Tue 4th, BD3 Wed 5th.
        let list = expected_deliveries(&c, d(2025, 11, 1), at(2025, 11, 30, 23, 59));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].period_start, d(2025, 11, 1));
        assert_eq!(list[0].due_at, at(2025, 11, 5, 17, 0));
        assert_eq!(list[0].grace_hours, 24);
    }

    #[test]
    fn nothing_is_expected_before_the_effective_date() {
        let c = charter_with(&["campaign-snapshot"]);
        // Effective 2025-01-01 (a Wednesday): the week of Mon 2024-12-30 fell due before it.
        let list = expected_deliveries(&c, d(2024, 12, 1), at(2025, 1, 13, 12, 0));
        let due: Vec<_> = list.iter().map(|e| e.due_at).collect();
        assert_eq!(due, vec![at(2025, 1, 6, 12, 0), at(2025, 1, 13, 12, 0)]);
    }

    #[test]
    fn the_window_bounds_the_due_moment() {
        let c = charter_with(&["campaign-snapshot", "mmm"]);
        // Mondays 3, 10, 17 March due at 12:00; until 11:59 on the 17th excludes that one.
        let list = expected_deliveries(&c, d(2025, 3, 3), at(2025, 3, 17, 11, 59));
        assert_eq!(list.len(), 2);
        // The annual MMM falls due on 31 October of the fiscal year.
        let year = expected_deliveries(&c, d(2025, 1, 1), at(2025, 12, 31, 23, 59));
        let mmm: Vec<_> = year.iter().filter(|e| e.deliverable == "mmm").collect();
        assert_eq!(mmm.len(), 1);
        assert_eq!(mmm[0].due_at, at(2025, 10, 31, 17, 0));
        assert_eq!(mmm[0].period_start, d(2025, 1, 1));
    }

    /// Weekly snapshot (Mon 12:00, 4 h grace) over March 2025 and the monthly review
    /// (BD3 17:00, 24 h grace; 1 March is a Saturday so BD3 is Wed 5 March).
    fn march() -> SlaReport {
        let c = charter_with(&["campaign-snapshot", "performance-review"]);
        let snap = "campaign-snapshot";
        let deliveries = vec![
            delivery(snap, d(2025, 3, 3), at(2025, 3, 3, 11, 0)), // early: on time
            delivery(snap, d(2025, 3, 10), at(2025, 3, 10, 15, 30)), // in grace: on time
            delivery(snap, d(2025, 3, 17), at(2025, 3, 17, 19, 0)), // 7 h after due: late
            // 24 March: nothing -> missing; 31 March: nothing, still in grace -> pending
            delivery("performance-review", d(2025, 3, 1), at(2025, 3, 6, 10, 0)), // in grace
        ];
        evaluate(&c, &deliveries, d(2025, 3, 3), at(2025, 3, 31, 14, 0))
    }

    #[test]
    fn outcomes_on_time_late_missing_pending() {
        let r = march();
        let snap = &r.deliverables[0];
        assert_eq!(snap.id, "campaign-snapshot");
        assert_eq!(
            (
                snap.tally.expected,
                snap.tally.on_time,
                snap.tally.late,
                snap.tally.missing,
                snap.tally.pending
            ),
            (4, 2, 1, 1, 1)
        );
        assert_eq!(snap.tally.on_time_rate, Some(0.5));
        assert_eq!(snap.tally.mean_hours_late, Some(7.0));
        let review = &r.deliverables[1];
        assert_eq!((review.tally.expected, review.tally.on_time), (1, 1));
        assert_eq!(review.tally.mean_hours_late, None);
    }

    #[test]
    fn on_time_rate_by_hand() {
        let r = march();
        // 3 on time (2 weekly + 1 monthly) of 5 settled; the pending one is not counted.
        assert_eq!(r.overall.expected, 5);
        assert_eq!(r.overall.on_time_rate, Some(0.6));
        assert_eq!(r.cadences.len(), 2);
        assert_eq!(r.cadences[0].cadence, Cadence::Weekly);
        assert_eq!(r.cadences[0].tally.on_time_rate, Some(0.5));
        assert_eq!(r.cadences[1].tally.on_time_rate, Some(1.0));
        // 0.6 is more than 5% short of the 0.90 target.
        assert_eq!(r.status, Status::Fail);
    }

    #[test]
    fn breaches_newest_first_with_their_escalation() {
        let r = march();
        assert_eq!(r.breaches.len(), 2);
        let missing = &r.breaches[0];
        assert_eq!(missing.expected.period_start, d(2025, 3, 24));
        // Due Mon 24th 12:00, now Mon 31st 14:00: 170 hours.
        assert_eq!(
            missing.state,
            DeliveryState::Missing {
                hours_overdue: 170.0
            }
        );
        // Past due + grace (24th 16:00) by 6 days 22 hours: 6 whole days -> level 2.
        assert_eq!(missing.escalation.as_ref().unwrap().level, 2);
        assert_eq!(missing.escalation.as_ref().unwrap().owner, "priya");
        let late = &r.breaches[1];
        assert_eq!(late.state, DeliveryState::Late { hours_late: 7.0 });
        // 3 hours past due + grace: 0 whole days -> working level.
        assert_eq!(late.escalation.as_ref().unwrap().id, "working-level");
    }

    #[test]
    fn late_by_hours_beyond_grace() {
        let c = charter_with(&["anomaly-alerts"]); // Tue 10:00, 24 h grace
        let week = d(2025, 3, 3);
        let window = (at(2025, 3, 4, 0, 0), at(2025, 3, 4, 23, 59));
        let state_when = |delivered: NaiveDateTime| {
            let list = due_between(
                &c,
                &[delivery("anomaly-alerts", week, delivered)],
                window.0,
                window.1,
                at(2025, 3, 20, 0, 0),
            );
            list[0].state.clone()
        };
        assert_eq!(state_when(at(2025, 3, 5, 10, 0)), DeliveryState::OnTime);
        assert_eq!(
            state_when(at(2025, 3, 5, 15, 30)),
            DeliveryState::Late { hours_late: 29.5 }
        );
    }

    #[test]
    fn escalation_level_by_age_of_a_missing_delivery() {
        let c = charter_with(&["campaign-snapshot"]);
        // Due Mon 3 March 12:00, 4 h grace: the clock starts at 16:00.
        let level_at = |now: NaiveDateTime| {
            let list = due_between(&c, &[], at(2025, 3, 3, 0, 0), at(2025, 3, 3, 23, 59), now);
            assert_eq!(list.len(), 1);
            list[0].escalation.as_ref().map(|e| e.level)
        };
        assert_eq!(level_at(at(2025, 3, 3, 16, 0)), None); // still on time: pending
        assert_eq!(level_at(at(2025, 3, 3, 16, 1)), Some(1));
        assert_eq!(level_at(at(2025, 3, 6, 15, 59)), Some(1)); // 2 days 23:59
        assert_eq!(level_at(at(2025, 3, 6, 16, 0)), Some(2)); // 3 days
        assert_eq!(level_at(at(2025, 3, 10, 16, 0)), Some(3)); // 7 days
        assert_eq!(level_at(at(2025, 3, 17, 16, 0)), Some(4)); // 14 days
    }

    #[test]
    fn a_delivery_after_now_is_not_yet_known() {
        let c = charter_with(&["campaign-snapshot"]);
        let later = [delivery(
            "campaign-snapshot",
            d(2025, 3, 3),
            at(2025, 3, 3, 11, 0),
        )];
        let list = due_between(
            &c,
            &later,
            at(2025, 3, 3, 0, 0),
            at(2025, 3, 3, 23, 59),
            at(2025, 3, 3, 10, 0),
        );
        assert_eq!(list[0].state, DeliveryState::Pending);
        assert_eq!(list[0].delivered_at, None);
    }

    #[test]
    fn nothing_settled_is_no_data() {
        let c = charter_with(&["campaign-snapshot"]);
        let r = evaluate(&c, &[], d(2025, 3, 3), at(2025, 3, 3, 13, 0));
        assert_eq!(r.overall.pending, 1);
        assert_eq!(r.overall.on_time_rate, None);
        assert_eq!(r.status, Status::NoData);
    }

    #[test]
    fn serialises_states_and_cadences_as_words() {
        let r = march();
        let json = serde_json::to_value(&r.breaches[1]).unwrap();
        assert_eq!(json["state"], "late");
        assert_eq!(json["hours_late"], 7.0);
        assert_eq!(json["expected"]["cadence"], "weekly");
        assert_eq!(serde_json::to_value(&r).unwrap()["status"], "fail");
    }
}
