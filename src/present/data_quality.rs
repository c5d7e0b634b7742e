//! The words of the record-level MAP-vs-CRM reconciliation, the data-quality control and
//! the revenue metrics from the records: `rhythm check`, the quarterly report and the
//! Quarterly view say them with these functions.

use crate::format::{money, percent};
use crate::rhythm::quality::{Problem, Quality};
use crate::rhythm::record_recon::{Ids, RecordRecon, STAGE_TOLERANCE_DAYS, Stage, StageGap};
use crate::rhythm::revenue::{LTV_CAC_NEEDS, Revenue};
use crate::text::one_line;

/// How many ids a sentence names before "and N more".
pub const SHOWN: usize = 5;

/// "a, b, c and 4 more".
fn capped(ids: &[String], count: usize) -> String {
    let shown: Vec<String> = ids
        .iter()
        .take(SHOWN)
        .map(|i| one_line(i).into_owned())
        .collect();
    let rest = count.saturating_sub(shown.len());
    let mut out = shown.join(", ");
    if rest > 0 {
        out.push_str(&format!(" and {rest} more"));
    }
    out
}

fn ids(list: &Ids) -> String {
    capped(&list.ids, list.count)
}

fn stage(s: Stage) -> &'static str {
    match s {
        Stage::Mql => "MQL",
        Stage::Sql => "SQL",
    }
}

fn gap(g: &StageGap) -> String {
    let at =
        |t: Option<chrono::NaiveDateTime>| t.map_or("none".to_string(), |t| t.date().to_string());
    format!(
        "{}/{} {} {} vs {}",
        one_line(&g.map_id),
        one_line(&g.crm_id),
        stage(g.stage),
        at(g.map_at),
        at(g.crm_at)
    )
}

/// The record-level reconciliation in one sentence.
pub fn record_recon(r: &RecordRecon, tolerance: f64) -> String {
    let (map, crm) = (one_line(&r.map_system), one_line(&r.crm_system));
    let mut out = format!(
        "record by record ({map} vs {crm}, {} to {}): {} {map} and {} {crm} leads, {} matched ({} by email)",
        r.from, r.to, r.map_leads, r.crm_leads, r.matched, r.matched_by_email
    );
    if r.only_map.count > 0 {
        out.push_str(&format!("; missing in {crm}: {}", ids(&r.only_map)));
    }
    if r.only_crm.count > 0 {
        out.push_str(&format!("; missing in {map}: {}", ids(&r.only_crm)));
    }
    if r.gap_count > 0 {
        let shown: Vec<String> = r.stage_gaps.iter().take(SHOWN).map(gap).collect();
        let rest = r.gap_count - shown.len();
        out.push_str(&format!(
            "; stage dates more than {STAGE_TOLERANCE_DAYS} day apart (or on one side only): {}{}",
            shown.join(", "),
            if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            }
        ));
    }
    if let Some(share) = r.problem_share {
        out.push_str(&format!(
            "; {} of persons with a problem (tolerance {})",
            percent(share),
            percent(tolerance)
        ));
    }
    out
}

/// Every problem with a count, as (label, count, examples).
pub fn problems(q: &Quality) -> Vec<(&'static str, &Problem)> {
    [
        ("duplicate email", &q.duplicate_email),
        ("duplicate id", &q.duplicate_id),
        ("missing source", &q.missing_source),
        ("unmapped source", &q.unmapped_source),
        ("SQL before MQL", &q.sql_before_mql),
        ("MQL before created", &q.mql_before_created),
        ("won without amount", &q.won_without_amount),
        ("close before created", &q.close_before_created),
    ]
    .into_iter()
    .filter(|(_, p)| p.count > 0)
    .collect()
}

/// The channel-level findings beside the share, as sentences.
pub fn channel_findings(q: &Quality) -> Vec<String> {
    let mut out = Vec::new();
    if !q.unmapped_values.is_empty() {
        let v: Vec<String> = q
            .unmapped_values
            .iter()
            .map(|(v, n)| format!("'{}' {n}", one_line(v)))
            .collect();
        out.push(format!("unmapped source values: {}", capped(&v, v.len())));
    }
    if !q.unmapped_spend.is_empty() {
        let v: Vec<String> = q
            .unmapped_spend
            .iter()
            .map(|(p, c, x)| format!("{}:{} {}", one_line(p), one_line(c), money(*x)))
            .collect();
        out.push(format!(
            "spend no channel's campaigns name: {}",
            capped(&v, v.len())
        ));
    }
    if !q.leads_without_spend.is_empty() {
        out.push(format!(
            "paid channels with leads but no spend source: {}",
            q.leads_without_spend.join(", ")
        ));
    }
    if !q.spend_without_leads.is_empty() {
        out.push(format!(
            "paid channels with spend but no lead source: {}",
            q.spend_without_leads.join(", ")
        ));
    }
    out
}

/// The data-quality control in one sentence.
pub fn quality(q: &Quality) -> String {
    let mut out = format!(
        "{} of {} records created {} to {} have a problem ({}; limit {})",
        q.with_problem,
        q.records,
        q.from,
        q.to,
        q.share.map_or("no data".into(), percent),
        percent(q.max_share)
    );
    let listed: Vec<String> = problems(q)
        .into_iter()
        .map(|(label, p)| format!("{label} {} ({})", p.count, capped(&p.examples, p.count)))
        .collect();
    if !listed.is_empty() {
        out.push_str(": ");
        out.push_str(&listed.join("; "));
    }
    for f in channel_findings(q) {
        out.push_str("; ");
        out.push_str(&f);
    }
    out
}

/// The short data-quality line of the weekly and monthly reviews: records under an
/// unmapped source value.
pub fn unmapped_line(records: usize, values: usize) -> String {
    let (records, carry) = match records {
        1 => ("1 record".to_string(), "carries"),
        n => (format!("{n} records"), "carry"),
    };
    let values = match values {
        1 => "1 source value".to_string(),
        n => format!("{n} source values"),
    };
    format!(
        "Data quality: {records} {carry} {values} no channel names (the 'unmapped' bucket) — map them in the charter's lead_sources"
    )
}

/// The revenue metrics from the records, one line each: (label, value, note).
pub fn revenue_rows(r: &Revenue) -> Vec<(String, String, String)> {
    let nd = || "no data".to_string();
    let spend_note = match r.spend {
        Some(s) => format!("new ARR {} / spend {}", money(r.new_arr), money(s)),
        None => format!(
            "only {} of {} weeks have channel data: import the missing weeks",
            r.weeks_with_spend, r.weeks
        ),
    };
    vec![
        (
            "Marketing efficiency ratio".into(),
            r.efficiency.map_or_else(nd, |x| format!("{x:.2}x")),
            format!("from the records: {spend_note}"),
        ),
        (
            "CAC".into(),
            r.cac.map_or_else(nd, money),
            format!("spend / {} won new-business customers", r.customers),
        ),
        (
            "CAC payback".into(),
            r.payback_months
                .map_or_else(nd, |m| format!("{m:.1} months")),
            "CAC / (new ARR per customer / 12): from revenue, the charter sets no gross margin"
                .into(),
        ),
        (
            "LTV:CAC".into(),
            nd(),
            format!("LTV from revenue needs {LTV_CAC_NEEDS}, which the charter does not set"),
        ),
    ]
}

/// The quarterly report's sections on the records: data quality and the revenue metrics
/// (only when the workspace has records).
pub fn quarterly_markdown(out: &mut String, r: &crate::rhythm::quarterly::QuarterlyReview) {
    use crate::text::{md_inline, md_line};
    if let Some(q) = &r.data_quality {
        out.push_str("## Data quality of the records\n\n");
        out.push_str(&format!(
            "{}: {}\n\n",
            q.status().as_str(),
            md_line(&quality(q))
        ));
        let rows: Vec<Vec<String>> = problems(q)
            .into_iter()
            .map(|(label, p)| {
                vec![
                    label.to_string(),
                    p.count.to_string(),
                    md_inline(&capped(&p.examples, p.count)),
                ]
            })
            .collect();
        if !rows.is_empty() {
            super::markdown::table(out, &["problem", "records", "ids"], &rows);
        }
    }
    if let Some(rev) = &r.revenue {
        out.push_str(&format!(
            "## Revenue metrics from the records ({} to {})\n\n",
            rev.from, rev.to
        ));
        let rows: Vec<Vec<String>> = revenue_rows(rev)
            .into_iter()
            .map(|(a, b, c)| vec![a, b, md_inline(&c)])
            .collect();
        super::markdown::table(out, &["metric", "value", "how"], &rows);
    }
}

/// The Quarterly view's data-quality line: status, then the sentence.
pub fn view_line(q: &Quality) -> String {
    let status = match q.status() {
        crate::rhythm::Status::Fail => "FAIL",
        crate::rhythm::Status::Pass => "pass",
        _ => "no data",
    };
    format!("Data quality {status}: {}", quality(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_names_the_first_ids_and_how_many_more() {
        let ids: Vec<String> = (0..8).map(|i| format!("id{i}")).collect();
        assert_eq!(capped(&ids, 120), "id0, id1, id2, id3, id4 and 115 more");
        assert_eq!(capped(&ids[..2], 2), "id0, id1");
    }
}
