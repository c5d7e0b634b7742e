//! What an import says beside its counts: the rows it skipped, and where the `channels`
//! file and the funnel records meet, which wins.

use std::collections::BTreeMap;

use super::Kind;
use crate::charter::Charter;

/// When the `channels` file and the funnel records cover the same weeks, which wins
/// there (`[funnel] prefer`), said at the import that makes them meet.
pub(super) fn overlap_notice(
    tx: &rusqlite::Transaction,
    charter: &Charter,
) -> rusqlite::Result<Option<String>> {
    // The span below scans every record (no index on `created`): a store without a
    // `channels` file, the usual one for records, has nothing to overlap and skips it.
    let any_channel_week: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM channel_week)", [], |r| {
            r.get(0)
        })?;
    if !any_channel_week {
        return Ok(None);
    }
    let (weeks, first, last): (i64, Option<String>, Option<String>) = tx.query_row(
        "WITH span AS (
             SELECT MIN(d) AS a, MAX(d) AS b FROM (
                 SELECT substr(created, 1, 10) AS d FROM lead
                 UNION ALL SELECT substr(created, 1, 10) FROM opportunity
                 UNION ALL SELECT date FROM spend))
         SELECT COUNT(DISTINCT week), MIN(week), MAX(week) FROM channel_week, span
         WHERE week >= date(span.a, '-6 days') AND week <= span.b",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(None);
    };
    let rule = match charter.funnel.prefer {
        crate::charter::Prefer::Records => {
            "the records win ([funnel] prefer = \"records\"): spend from spend records, leads, MQLs and SQLs from lead records, pipeline, opportunities and closed-won from opportunity records, each where its records cover the week"
        }
        crate::charter::Prefer::Channels => {
            "the channels file wins ([funnel] prefer = \"channels\"): the records count only in weeks and channels it does not have"
        }
    };
    Ok((weeks > 0).then(|| {
        format!(
            "the channels file and the funnel records both cover {weeks} week{} ({first} to {last}): where both have a week and channel, {rule}",
            if weeks == 1 { "" } else { "s" }
        )
    }))
}

/// "skipped 12 rows that are not dashboard views: Activity = ExportReport (9), …" (nps:
/// "responses that give no NPS answer").
pub(super) fn skipped_notice(kind: Kind, skipped: &BTreeMap<String, u64>) -> String {
    const SHOWN: usize = 6;
    let total: u64 = skipped.values().sum();
    let mut by_count: Vec<(&String, &u64)> = skipped.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = by_count
        .iter()
        .take(SHOWN)
        .map(|(label, n)| format!("{label} ({n})"))
        .collect();
    if by_count.len() > SHOWN {
        parts.push(format!("{} more kinds", by_count.len() - SHOWN));
    }
    let (one, many) = if kind == Kind::Nps {
        (
            "response that gives no NPS answer",
            "responses that give no NPS answer",
        )
    } else if kind == Kind::Spend {
        (
            "summary row (its cost is already in the rows above it)",
            "summary rows (their cost is already in the rows above them)",
        )
    } else if matches!(kind, Kind::Leads | Kind::Opportunities) {
        ("line that is not a record", "lines that are not records")
    } else {
        (
            "row that is not a dashboard view",
            "rows that are not dashboard views",
        )
    };
    format!(
        "skipped {total} {}: {}",
        if total == 1 { one } else { many },
        parts.join(", ")
    )
}
