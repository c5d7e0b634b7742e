//! The funnel section of `report monthly` and the Monthly view's cohort funnel of a
//! channel: words and cells only, every figure from `rhythm::funnel`.

use std::fmt::Write;

use crate::format;
use crate::rhythm::funnel::{Cohort, FunnelReview, Maturity, Stages, Velocity};
use crate::rhythm::funnel_response::{Decay, ResponseSla};
use crate::text;

/// The cohort table's header.
pub const COHORT_HEADER: [&str; 8] = [
    "cohort", "", "leads", "→MQL", "→SQL", "→opp", "→won", "Δ→SQL",
];

/// The legend under a cohort table.
pub const COHORT_LEGEND: &str = "* partial or maturing cohort: conversions so far, not final, and not in the trend (Δ: change from the month before, both mature)";

fn rate(v: Option<f64>) -> String {
    v.map_or("no data".into(), format::percent)
}

fn count(n: u64) -> String {
    format::thousands(n as i64)
}

/// A cohort's maturity in a word.
pub fn maturity(m: Maturity) -> &'static str {
    match m {
        Maturity::Partial => "partial",
        Maturity::Maturing => "maturing",
        Maturity::Mature => "mature",
    }
}

/// One cohort's row: month, maturity, leads, the four conversions (marked `*` while the
/// cohort is not mature), and the lead→SQL change from the month before.
pub fn cohort_row(c: &Cohort) -> Vec<String> {
    let mark = if c.maturity == Maturity::Mature {
        ""
    } else {
        "*"
    };
    let cell = |v: Option<f64>| v.map_or("—".into(), |v| format!("{}{mark}", format::percent(v)));
    let s = &c.stages;
    vec![
        c.month.format("%Y-%m").to_string(),
        maturity(c.maturity).into(),
        count(s.leads),
        cell(s.lead_to_mql),
        cell(s.mql_to_sql),
        cell(s.sql_to_opportunity),
        cell(s.opportunity_to_won),
        c.trend
            .and_then(|t| t.mql_to_sql)
            .map_or("—".into(), |d| format!("{:+.1} pt", d * 100.0)),
    ]
}

fn days(v: Option<Velocity>) -> String {
    v.map_or("no data".into(), |v| {
        format!("{:.1} / {:.1} (n {})", v.median_days, v.p80_days, v.n)
    })
}

/// The stages of one segment as rows: stage, count, conversion to the next stage, days
/// to the next stage (median / p80).
pub fn stage_rows(s: &Stages) -> Vec<Vec<String>> {
    vec![
        vec![
            "Lead".into(),
            count(s.leads),
            rate(s.lead_to_mql),
            days(s.lead_to_mql_days),
        ],
        vec![
            "MQL".into(),
            count(s.mqls),
            rate(s.mql_to_sql),
            days(s.mql_to_sql_days),
        ],
        vec![
            "SQL".into(),
            count(s.sqls),
            rate(s.sql_to_opportunity),
            "not linked".into(),
        ],
        vec![
            "Opportunity".into(),
            count(s.opportunities),
            rate(s.opportunity_to_won),
            days(s.opportunity_to_won_days),
        ],
        vec!["Won".into(), count(s.won), String::new(), String::new()],
    ]
}

fn segment_row(name: &str, s: &Stages) -> Vec<String> {
    vec![
        name.to_string(),
        count(s.leads),
        count(s.mqls),
        count(s.sqls),
        count(s.opportunities),
        count(s.won),
        rate(s.lead_to_mql),
        rate(s.mql_to_sql),
        rate(s.sql_to_opportunity),
        rate(s.opportunity_to_won),
    ]
}

/// The lead-response SLA in a sentence.
pub fn sla_sentence(s: &ResponseSla) -> String {
    let on = if s.channels.is_empty() {
        "every channel".to_string()
    } else {
        s.channels.join(", ")
    };
    match s.share {
        None => format!(
            "no data: {} of the {} leads judged from {} to {} ({on}) carry a first response; the SLA needs a first_response_at and at least {} leads judged",
            s.answered,
            s.judged,
            s.from,
            s.to,
            crate::rhythm::funnel::MIN_BASE
        ),
        Some(share) => format!(
            "{} of {} leads from {} to {} ({on}) had a first response within {} min, target {} — {}",
            count(s.within),
            count(s.judged),
            s.from,
            s.to,
            s.minutes,
            format::percent(s.target),
            format::percent(share),
        ),
    }
}

/// A channel's lead decay on one line: each delay bucket's lead→SQL conversion.
pub fn decay_line(d: &Decay) -> String {
    let parts: Vec<String> = d
        .buckets
        .iter()
        .map(|b| format!("{} {}", b.label, rate(b.to_sql)))
        .collect();
    format!("Lead→SQL by first response: {}", parts.join(" · "))
}

fn decay_rows(d: &Decay) -> Vec<Vec<String>> {
    d.buckets
        .iter()
        .map(|b| {
            vec![
                d.channel.clone(),
                b.label.to_string(),
                count(b.leads),
                rate(b.to_mql),
                rate(b.to_sql),
            ]
        })
        .collect()
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| text::md_cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// The funnel section of the monthly report.
pub fn markdown(f: &FunnelReview) -> String {
    if f.channel_cohorts.is_empty() {
        return format!(
            "## Funnel by cohort — leads created in {}\n\nno data: no lead or opportunity records in the 12 months to its end (rhythm import leads FILE.csv, rhythm import opportunities FILE.csv)\n\n",
            f.month.format("%B %Y")
        );
    }
    let mut out = format!(
        "## Funnel by cohort — leads created in {}\n\n_Cohort: records created in the month; opportunities are matched to leads by channel (or geo) and month, not lead by lead; a conversion over fewer than {} records is no data. The cohort is {} as of {} (a cohort matures {} days after its month ends)._\n\n",
        f.month.format("%B %Y"),
        f.min_base,
        maturity(f.overall.maturity),
        f.as_of,
        f.maturity_days,
    );
    table(
        &mut out,
        &[
            "stage",
            "count",
            "to next stage",
            "days to next: median / p80",
        ],
        &stage_rows(&f.overall.stages),
    );
    let header = [
        "", "leads", "MQLs", "SQLs", "opps", "won", "→MQL", "→SQL", "→opp", "→won",
    ];
    out.push_str("### By channel\n\n");
    if f.by_channel.is_empty() {
        out.push_str("no data: no lead or opportunity records in the cohort\n\n");
    } else {
        let rows: Vec<_> = f
            .by_channel
            .iter()
            .map(|s| segment_row(&s.name, &s.stages))
            .collect();
        table(&mut out, &header, &rows);
    }
    out.push_str("### By geo\n\n");
    if f.by_geo.is_empty() {
        out.push_str("no data: no lead or opportunity records in the cohort\n\n");
    } else {
        let rows: Vec<_> = f
            .by_geo
            .iter()
            .map(|s| segment_row(&s.name, &s.stages))
            .collect();
        table(&mut out, &header, &rows);
    }
    out.push_str("### Cohort trend, all channels\n\n");
    let rows: Vec<_> = f.cohorts.iter().map(cohort_row).collect();
    table(&mut out, &COHORT_HEADER, &rows);
    let _ = writeln!(out, "{COHORT_LEGEND}\n");
    let _ = writeln!(
        out,
        "### Lead decay by first-response delay (leads created since {})\n",
        f.response.from
    );
    let rows: Vec<_> = f.response.decay.iter().flat_map(decay_rows).collect();
    if rows.is_empty() {
        out.push_str("no data: no lead records\n\n");
    } else {
        table(
            &mut out,
            &["channel", "delay", "leads", "→MQL", "→SQL"],
            &rows,
        );
        let none: Vec<String> = f
            .response
            .decay
            .iter()
            .filter(|d| d.no_response + d.invalid > 0)
            .map(|d| {
                format!(
                    "{} {} without a first response, {} answered before created",
                    d.channel,
                    count(d.no_response),
                    count(d.invalid)
                )
            })
            .collect();
        if !none.is_empty() {
            let _ = writeln!(out, "Not bucketed: {}\n", text::md_line(&none.join("; ")));
        }
    }
    let _ = writeln!(
        out,
        "**Lead-response SLA:** {}\n",
        f.response.sla.as_ref().map_or(
            "the charter sets none ([funnel] response_minutes)".into(),
            sla_sentence
        )
    );
    out
}
