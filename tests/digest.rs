//! The digest: golden files of the weekly digest on the demo workspace in every format
//! (Markdown, Slack Block Kit, email text and HTML), and hostile text from the charter
//! and the session's records escaped in each.
//! After an intended change: `UPDATE_GOLDEN=1 cargo test --test digest` and review the diff.

mod common;

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use rhythm::charter::{Charter, DigestKind};
use rhythm::facts::{ActionItem, Dataset, Dispute};
use rhythm::present::digest;
use rhythm::rhythm::clock::Clock;

/// The date the goldens are taken at: the reports' goldens' Monday.
fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn golden(name: &str, actual: &str) {
    common::golden("digest", name, actual);
}

#[test]
fn the_weekly_digest_matches_its_golden_files_in_every_format() {
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    let clock = Clock::end_of(&charter, at());
    let d = rhythm::rhythm::digest::digest(&charter, &data, DigestKind::Weekly, &clock);
    let md = digest::markdown(&charter, &d);
    // At most ten lines of content: three parts of at most three or four lines each.
    let items = md.lines().filter(|l| l.starts_with("- ")).count();
    assert!((3..=10).contains(&items), "{md}");
    // Every line says where its figure is defined.
    assert!(
        md.lines()
            .filter(|l| l.starts_with("- "))
            .all(|l| l.contains("_(definition: "))
    );
    // The cockpit's what-to-do line is the digest's plan line, word for word.
    let plan = rhythm::present::markdown::allocation_sentence(&d.plan);
    assert!(md.contains(&rhythm::text::md_line(&plan)), "{md}");
    golden("digest_weekly.md", &md);
    let slack = digest::slack(&charter, &d);
    let blocks = slack["blocks"].as_array().unwrap();
    assert!(blocks.len() <= digest::MAX_SLACK_BLOCKS);
    assert_eq!(blocks[0]["type"], "header");
    assert!(slack["text"].as_str().unwrap().contains("What to do"));
    golden(
        "digest_weekly.slack.json",
        &(serde_json::to_string_pretty(&slack).unwrap() + "\n"),
    );
    let (subject, text, html) = digest::email(&charter, &d);
    assert_eq!(
        subject,
        "Weekly digest — week of 2026-11-16 · Atlas EOR marketing-analytics partnership"
    );
    golden("digest_weekly.txt", &text);
    golden("digest_weekly.html", &html);
    let json = digest::json(&charter, &d);
    assert_eq!(json["kind"], "weekly");
    assert_eq!(json["period_start"], "2026-11-16");
}

#[test]
fn the_monthly_digest_sums_up_the_last_complete_month() {
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    let clock = Clock::end_of(&charter, at());
    let d = rhythm::rhythm::digest::digest(&charter, &data, DigestKind::Monthly, &clock);
    assert_eq!(
        d.period.start,
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
    );
    let md = digest::markdown(&charter, &d);
    assert!(md.starts_with("# Monthly digest — October 2026\n"), "{md}");
    assert!(md.contains("Budget model"), "{md}");
    golden("digest_monthly.md", &md);
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

const HOSTILE: &str = "<!channel> & <script>alert(1)</script> *bold* \u{1b}[31m";

/// A charter and records carrying markup and controls where users type text: every
/// format escapes it for its reader.
#[test]
fn hostile_text_is_escaped_in_every_format() {
    let text = common::CHARTER.replacen(
        "name = \"Atlas EOR marketing-analytics partnership\"",
        &format!("name = \"{}\"", HOSTILE.replace('\u{1b}', "\\u001b")),
        1,
    );
    assert_ne!(
        text,
        common::CHARTER,
        "the test edits the partnership's name"
    );
    let charter = Charter::parse(&text, Path::new("partnership.toml")).unwrap();
    let mut data = Dataset::default();
    data.session.actions.push(ActionItem {
        id: 7,
        text: HOSTILE.into(),
        owner: "dana".into(),
        due: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        insight_id: None,
        week: None,
        agenda_item: None,
        created_at: t("2026-10-20 09:00"),
        done_at: None,
    });
    data.session.disputes.push(Dispute {
        id: 3,
        metric: HOSTILE.into(),
        period: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        figure_a: 1.0,
        source_a: "crm".into(),
        figure_b: 2.0,
        source_b: "map".into(),
        raised_by: "dana".into(),
        week: None,
        opened_at: t("2026-09-01 09:00"),
        resolved_at: None,
        resolution: None,
    });
    let clock = Clock::end_of(&charter, at());
    let d = rhythm::rhythm::digest::digest(&charter, &data, DigestKind::Weekly, &clock);
    assert_eq!(d.late_actions.len(), 1);
    assert_eq!(
        d.escalated_disputes.len(),
        1,
        "opened 83 days ago: past its first level"
    );
    assert!(!d.has_data);

    let md = digest::markdown(&charter, &d);
    assert!(md.contains("No channel data for this period"), "{md}");
    assert!(!md.contains('\u{1b}'), "{md}");
    assert!(
        md.contains("\\<script>"),
        "no HTML tag opens in Markdown: {md}"
    );
    assert_eq!(md.matches('<').count(), md.matches("\\<").count(), "{md}");

    let slack = serde_json::to_string(&digest::slack(&charter, &d)).unwrap();
    assert!(!slack.contains("<!channel>"), "{slack}");
    assert!(!slack.contains("<script>"), "{slack}");
    assert!(
        slack.contains("&lt;!channel&gt; &amp; &lt;script&gt;"),
        "{slack}"
    );
    assert!(
        !slack.contains('\u{1b}') && !slack.contains("\\u001b"),
        "{slack}"
    );

    let (subject, text, html) = digest::email(&charter, &d);
    assert!(
        !subject.contains('\u{1b}') && !subject.contains('\n'),
        "{subject}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        !html.contains("<script>") && !html.contains("<!channel>"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );

    let json = digest::json(&charter, &d).to_string();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    let late: Vec<&str> = back["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["part"] == "late")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    // JSON keeps the text as typed (its reader escapes it for wherever it shows it).
    assert_eq!(late.len(), 3, "{late:?}");
    assert!(
        late[1].starts_with("1 action item past due: “<!channel> & "),
        "{late:?}"
    );
    assert!(late[2].contains("escalation L4"), "{late:?}");
}
