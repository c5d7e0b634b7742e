//! Reads that return the facts (`facts::Dataset` and its rows). SQL with bound parameters only.

use chrono::{Duration, NaiveDate, NaiveDateTime, Weekday};
use rusqlite::Row;

use super::{Store, StoreError};
use crate::charter::Charter;
use crate::facts::*;

fn date(row: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(i)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn datetime(row: &Row, i: usize) -> rusqlite::Result<NaiveDateTime> {
    let text: String = row.get(i)?;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn epoch_date(seconds: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

impl Store {
    /// Loads everything the reviews read for `charter`. Usage comes from the aggregates
    /// kept at import: weekly views of the charter's BI users (weeks starting on the
    /// charter's week start), the week's views by everyone, and per dashboard.
    pub fn load_dataset(&self, charter: &Charter) -> Result<Dataset, StoreError> {
        let mut data = self.load_parts(charter, true)?;
        data.records = self.records()?;
        Ok(data)
    }

    /// Everything but the funnel's records (leads, opportunities, spend: on a million
    /// leads, most of a load), and without their kinds' `data_until`: what the cockpit's
    /// first frame reads beside the weekly facts a full load kept (`rhythm::kept`).
    pub fn load_dataset_without_records(&self, charter: &Charter) -> Result<Dataset, StoreError> {
        self.load_parts(charter, false)
    }

    fn load_parts(&self, charter: &Charter, records: bool) -> Result<Dataset, StoreError> {
        let week_start = charter.partnership.week_start;
        let c = &self.conn;
        let channel_weeks = c
            .prepare(
                "SELECT week, channel, SUM(spend), SUM(leads), SUM(mqls), SUM(sqls), SUM(pipeline),
                        SUM(sessions), SUM(opportunities), SUM(closed_won)
                 FROM channel_week GROUP BY week, channel ORDER BY week, channel",
            )?
            .query_map([], |r| {
                Ok(ChannelWeek {
                    week: date(r, 0)?,
                    channel: r.get(1)?,
                    spend: r.get(2)?,
                    leads: r.get(3)?,
                    mqls: r.get(4)?,
                    sqls: r.get(5)?,
                    pipeline: r.get(6)?,
                    sessions: r.get(7)?,
                    opportunities: r.get(8)?,
                    closed_won: r.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let plan = c
            .prepare("SELECT month, channel, budget, pipeline_target, mql_target FROM plan ORDER BY month, channel")?
            .query_map([], |r| {
                Ok(PlanMonth {
                    month: date(r, 0)?,
                    channel: r.get(1)?,
                    budget: r.get(2)?,
                    pipeline_target: r.get(3)?,
                    mql_target: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let kpi_values = c
            .prepare(
                "SELECT kpi, period_start, value, note FROM kpi_value ORDER BY kpi, period_start",
            )?
            .query_map([], |r| {
                Ok(KpiValue {
                    kpi: r.get(0)?,
                    period_start: date(r, 1)?,
                    value: r.get(2)?,
                    note: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let deliveries = c
            .prepare("SELECT deliverable, period_start, delivered_at, link FROM delivery ORDER BY deliverable, period_start")?
            .query_map([], |r| {
                Ok(Delivery {
                    deliverable: r.get(0)?,
                    period_start: date(r, 1)?,
                    delivered_at: datetime(r, 2)?,
                    link: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let nps = c
            .prepare(
                "SELECT date, respondent, score, role FROM nps_response ORDER BY date, respondent",
            )?
            .query_map([], |r| {
                Ok(NpsResponse {
                    date: date(r, 0)?,
                    respondent: r.get(1)?,
                    score: r.get(2)?,
                    role: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let reconciliation = c
            .prepare("SELECT week, metric, map_count, crm_count FROM reconciliation ORDER BY week, metric")?
            .query_map([], |r| {
                Ok(Reconciliation {
                    week: date(r, 0)?,
                    metric: r.get(1)?,
                    map_count: r.get(2)?,
                    crm_count: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut purged = Purged::default();
        let horizons = c
            .prepare("SELECT kind, MAX(before) FROM purge_log GROUP BY kind")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, date(r, 1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (kind, before) in horizons {
            match kind.as_str() {
                "usage" => purged.usage_before = Some(before),
                "nps" => purged.nps_before = Some(before),
                "lead_email" => purged.lead_emails_before = Some(before),
                _ => {}
            }
        }
        Ok(Dataset {
            as_of: None,
            tallies: None,
            purged,
            usage_weeks: self.usage_weeks(charter, week_start)?,
            dashboards: self.dashboards()?,
            freshness: self.freshness_of(records)?,
            session: self.session_records()?,
            recommendations: self.recommendations()?,
            scenarios: self.scenarios()?,
            channel_weeks,
            plan,
            kpi_values,
            deliveries,
            nps,
            reconciliation,
            experiments: self.experiments()?,
            records: Records::default(),
        })
    }

    fn usage_weeks(
        &self,
        charter: &Charter,
        week_start: Weekday,
    ) -> Result<Vec<UsageWeek>, StoreError> {
        // Day 0 of the epoch (1970-01-01) was a Thursday, 3 days after a Monday.
        let shift = (3 - i64::from(week_start.num_days_from_monday())).rem_euclid(7);
        let week_of = |day: i64| day - (day + shift).rem_euclid(7);
        // Users by index (0 = everyone), so the map's keys stay small.
        let mut users: Vec<&str> = vec![""];
        users.extend(
            charter
                .stakeholders
                .iter()
                .flat_map(|s| s.bi_users.iter().map(String::as_str)),
        );
        let mut weeks: std::collections::BTreeMap<(i64, usize), u64> = Default::default();
        let mut by_user = self
            .conn
            .prepare("SELECT day, views FROM usage_day WHERE user = ?1")?;
        // A pseudonymised store holds `anon:…` names: each charter BI user is looked up
        // under the pseudonym its imports gave it; the week keeps the charter's name, so
        // stakeholder_for_bi_user still finds the stakeholder. A missing key is an error,
        // not empty data, which would read as a false 0% adoption.
        let key = super::privacy::pseudonym_key(charter)
            .map_err(|e| StoreError::Privacy(e.to_string()))?;
        if let Some(k) = &key {
            self.check_pseudonym_key(k, &charter.privacy.pseudonym_key_env)?;
        }
        for (i, user) in users.iter().enumerate().skip(1) {
            let stored = match &key {
                Some(k) => super::privacy::pseudonym(k, user),
                None => (*user).to_string(),
            };
            let mut rows = by_user.query([stored])?;
            while let Some(r) = rows.next()? {
                *weeks.entry((week_of(r.get(0)?), i)).or_insert(0) += r.get::<_, i64>(1)? as u64;
            }
        }
        let mut totals = self.conn.prepare("SELECT day, views FROM usage_total")?;
        let mut rows = totals.query([])?;
        while let Some(r) = rows.next()? {
            *weeks.entry((week_of(r.get(0)?), 0)).or_insert(0) += r.get::<_, i64>(1)? as u64;
        }
        Ok(weeks
            .into_iter()
            .map(|((day, i), views)| UsageWeek {
                user: users[i].to_string(),
                week: epoch_date(day * 86_400),
                views,
            })
            .collect())
    }

    /// The imported experiments, by end day then channel (then start).
    fn experiments(&self) -> Result<Vec<Experiment>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT channel, start, \"end\", incremental_pipeline, std_error, kind, note, name
             FROM experiment ORDER BY \"end\", channel, start",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let channel: String = r.get(0)?;
                let start = date(r, 1)?;
                let end = date(r, 2)?;
                let method = match r.get::<_, Option<String>>(5)? {
                    None => None,
                    Some(kind) => Some(ExperimentMethod::parse(&kind).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            5,
                            rusqlite::types::Type::Text,
                            format!("unknown experiment kind {kind}").into(),
                        )
                    })?),
                };
                let name: Option<String> = r.get(7)?;
                Ok(Experiment {
                    name: name.unwrap_or_else(|| Experiment::default_name(&channel, start, end)),
                    channel,
                    method,
                    start,
                    end,
                    incremental_pipeline: r.get(3)?,
                    std_error: r.get(4)?,
                    note: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn dashboards(&self) -> Result<Vec<DashboardDays>, StoreError> {
        let mut out: Vec<DashboardDays> = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT dashboard, day, views FROM dashboard_day ORDER BY dashboard, day")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let day = epoch_date(r.get::<_, i64>(1)? * 86_400);
            let views = r.get::<_, i64>(2)? as u64;
            match out.last_mut() {
                Some(d) if d.dashboard == name => d.days.push((day, views)),
                _ => out.push(DashboardDays {
                    dashboard: name,
                    days: vec![(day, views)],
                }),
            }
        }
        Ok(out)
    }

    /// The newest import per kind, and how far the kind's own data reaches.
    pub fn freshness(&self) -> Result<Vec<Freshness>, StoreError> {
        self.freshness_of(true)
    }

    /// [`Store::freshness`]; without `records`, the records' kinds have no `data_until`.
    fn freshness_of(&self, records: bool) -> Result<Vec<Freshness>, StoreError> {
        let mut out = Vec::new();
        for (kind, loaded_at) in self.last_loaded()? {
            let until_sql = match kind.as_str() {
                "leads" | "opportunities" | "spend" if !records => None,
                "channels" => Some("SELECT MAX(week) FROM channel_week"),
                "kpis" => Some("SELECT MAX(period_start) FROM kpi_value"),
                "plan" => Some("SELECT MAX(month) FROM plan"),
                "deliveries" => Some("SELECT MAX(substr(delivered_at, 1, 10)) FROM delivery"),
                "usage" => Some("SELECT date(MAX(last_viewed), 'unixepoch') FROM dashboard_day"),
                "nps" => Some("SELECT MAX(date) FROM nps_response"),
                "reconciliation" => Some("SELECT MAX(week) FROM reconciliation"),
                // The funnel's records: the day of the newest record (UTC for leads and
                // opportunities, whose times are stored so).
                "leads" => Some("SELECT MAX(substr(created, 1, 10)) FROM lead"),
                "opportunities" => Some("SELECT MAX(substr(created, 1, 10)) FROM opportunity"),
                "spend" => Some("SELECT MAX(date) FROM spend"),
                "experiments" => Some("SELECT MAX(\"end\") FROM experiment"),
                _ => continue,
            };
            let mut data_until = match until_sql {
                Some(sql) => self
                    .conn
                    .query_row(sql, [], |r| r.get::<_, Option<String>>(0))?
                    .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()),
                None => None,
            };
            if matches!(kind.as_str(), "channels" | "reconciliation") {
                // A week's row covers the whole week.
                data_until = data_until.map(|d| d + Duration::days(6));
            }
            out.push(Freshness {
                loaded_at: NaiveDateTime::parse_from_str(&loaded_at, "%Y-%m-%dT%H:%M:%S")
                    .unwrap_or_default(),
                kind,
                data_until,
            });
        }
        Ok(out)
    }

    /// SQLite's `data_version`: it changes when another connection commits, so a
    /// reader can tell its data is stale without reading it again.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The first day of the newest week with channel data, or None before any import.
    pub fn last_channel_week(&self) -> Result<Option<NaiveDate>, StoreError> {
        let week: Option<String> =
            self.conn
                .query_row("SELECT MAX(week) FROM channel_week", [], |r| r.get(0))?;
        Ok(week.and_then(|w| NaiveDate::parse_from_str(&w, "%Y-%m-%d").ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_channel_week_is_the_newest_row_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        assert_eq!(store.last_channel_week().unwrap(), None);
        for (week, channel) in [
            ("2026-11-16", "a"),
            ("2026-11-09", "b"),
            ("2026-11-16", "b"),
        ] {
            store
                .conn
                .execute(
                    "INSERT INTO channel_week (week, channel, spend, leads, mqls, sqls, pipeline)
                     VALUES (?1, ?2, 1, 1, 1, 1, 1)",
                    [week, channel],
                )
                .unwrap();
        }
        assert_eq!(
            store.last_channel_week().unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 16)
        );
    }
}
