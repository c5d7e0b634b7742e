//! Charter validation: every rule reports where it was broken.

use std::path::Path;

use super::*;

fn problems(text: &str) -> Vec<Problem> {
    match Charter::parse(text, Path::new("charter.toml")) {
        Ok(_) => panic!("charter was accepted"),
        Err(CharterError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// The 1-based line holding the first occurrence of `needle` after `after` in the shipped charter.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle present");
    text[..at].matches('\n').count() + 1
}

#[test]
fn the_shipped_charter_is_valid_and_complete() {
    let c = Charter::parse(SHIPPED, Path::new("partnership.toml")).expect("valid");
    assert!(c.kpis.len() >= 18);
    assert!(c.stakeholders.len() >= 10);
    for cadence in Cadence::ALL {
        assert!(
            c.deliverables.iter().any(|d| d.cadence == cadence),
            "{cadence}"
        );
    }
    assert!(c.channels.iter().any(|ch| ch.strategic));
    assert_eq!(c.escalation_for_age(5).unwrap().owner, "priya");
    assert_eq!(c.escalation_for_age(30).unwrap().level, 4);
    assert_eq!(c.stakeholder_for_bi_user("DWHITFIELD").unwrap().id, "dana");
    assert_eq!(c.controls.freshness_limit("usage"), Some(3));
}

#[test]
fn a_duplicate_id_is_reported_at_the_second_one() {
    let text = SHIPPED.replacen("id = \"sqls\"", "id = \"mqls\"", 1);
    let p = problems(&text);
    // the duplicate, and every reference to the id that no longer exists
    assert!(
        p.iter().any(|p| p.message.contains("refers to KPI 'sqls'")),
        "{p:?}"
    );
    let dup = p
        .iter()
        .find(|p| p.message.contains("duplicate kpi id 'mqls'"))
        .unwrap();
    assert_eq!(dup.line, line_of(&text, "id = \"mqls\"\nname = \"Sales"));
    assert_eq!(dup.column, 6);
}

#[test]
fn dangling_references_name_the_missing_id() {
    let text = SHIPPED.replacen("owner = \"alex\"", "owner = \"nobody\"", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message.contains("stakeholder 'nobody'"),
        "{}",
        p[0].message
    );
    assert_eq!(p[0].line, line_of(&text, "owner = \"nobody\""));

    let text = SHIPPED.replacen(
        "kpis = [\"pipeline\", \"pipeline-coverage\"",
        "kpis = [\"pipelin\", \"pipeline-coverage\"",
        1,
    );
    let p = problems(&text);
    assert!(
        p[0].message
            .contains("objective 'grow-pipeline' refers to KPI 'pipelin'"),
        "{}",
        p[0].message
    );

    let text = SHIPPED.replacen("accountable = \"dana\"", "accountable = \"ghost\"", 1);
    assert!(
        problems(&text)[0]
            .message
            .contains("raci 'kpi-definitions'")
    );
}

#[test]
fn a_kpi_without_a_definition_is_rejected_with_its_place() {
    let start = SHIPPED.find("definition = \"Count of leads whose").unwrap();
    let end = start + SHIPPED[start..].find('\n').unwrap() + 1;
    let text = format!("{}{}", &SHIPPED[..start], &SHIPPED[end..]);
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message.contains("missing field `definition`"),
        "{}",
        p[0].message
    );
    assert!(p[0].line > 1);

    let text = SHIPPED.replacen(
        "definition = \"Count of leads whose lead score",
        "definition = \"Good leads.\"\nx_removed = \"",
        1,
    );
    // unknown field after the vague definition: both are reported by the parser first
    assert!(!problems(&text).is_empty());
    let text = SHIPPED.replacen(
        "Count of leads whose lead score first reached 65 (the MQL threshold agreed with sales) in the period, deduplicated by person; counted in the week the threshold was crossed.",
        "Good leads from marketing.",
        1,
    );
    let p = problems(&text);
    assert!(p[0].message.contains("too vague"), "{}", p[0].message);
    assert_eq!(p[0].line, line_of(&text, "Good leads from marketing."));
}

#[test]
fn unknown_cadences_and_malformed_due_rules_are_rejected() {
    let text = SHIPPED.replacen(
        "cadence = \"weekly\"\ndue = \"mon 12:00\"",
        "cadence = \"fortnightly\"\ndue = \"mon 12:00\"",
        1,
    );
    let p = problems(&text);
    assert!(
        p.iter()
            .any(|p| p.message.contains("unknown cadence 'fortnightly'")),
        "{p:?}"
    );

    let text = SHIPPED.replacen("due = \"BD3 17:00\"", "due = \"third day\"", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("deliverable 'performance-review'"));
    assert_eq!(p[0].line, line_of(&text, "due = \"third day\""));
}

#[test]
fn thresholds_out_of_range_are_rejected() {
    let text = SHIPPED.replacen("sla_on_time_target = 0.90", "sla_on_time_target = 90", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message
            .contains("sla_on_time_target = 90 is out of range")
    );
    assert_eq!(
        (p[0].line, p[0].column),
        (line_of(&text, "sla_on_time_target = 90"), 22)
    );

    let text = SHIPPED.replacen("usage = 3", "usage = 0", 1);
    assert!(
        problems(&text)[0]
            .message
            .contains("freshness_max_days.usage")
    );
}

#[test]
fn toml_syntax_errors_carry_line_and_column() {
    let text = SHIPPED.replacen("week_start = \"monday\"", "week_start = monday", 1);
    let p = problems(&text);
    assert_eq!(p[0].line, line_of(&text, "week_start = monday"));
}

#[test]
fn errors_render_as_file_line_column() {
    let text = SHIPPED.replacen("nps_target = 50.0", "nps_target = 500.0", 1);
    let err = Charter::parse(&text, Path::new("charter/partnership.toml")).unwrap_err();
    let line = line_of(&text, "nps_target = 500.0");
    assert!(
        err.to_string()
            .starts_with(&format!("charter/partnership.toml:{line}:14: nps_target")),
        "{err}"
    );
}

#[test]
fn the_time_zone_is_an_iana_name() {
    let text = SHIPPED.replacen("timezone = \"UTC\"", "timezone = \"Mars/Olympus\"", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, line_of(&text, "timezone = \"Mars/Olympus\""));
    assert!(p[0].message.contains("not an IANA time zone name"), "{p:?}");
    let text = SHIPPED.replacen("timezone = \"UTC\"", "timezone = \"Europe/Berlin\"", 1);
    let c = Charter::parse(&text, Path::new("charter/partnership.toml")).unwrap();
    assert_eq!(c.partnership.timezone, chrono_tz::Europe::Berlin);
    // A charter without one is read in UTC.
    let text = SHIPPED.replacen("timezone = \"UTC\"", "", 1);
    let c = Charter::parse(&text, Path::new("charter/partnership.toml")).unwrap();
    assert_eq!(c.partnership.timezone, chrono_tz::UTC);
}

#[test]
fn the_shipped_charter_states_its_windows_and_definitions() {
    let c = Charter::shipped();
    assert_eq!(c.controls.sla_window, Window::Quarter);
    assert_eq!(c.controls.insight_to_action_window, Window::Days(90));
    assert_eq!(c.controls.adoption_window, Window::Weeks(4));
    assert_eq!(c.controls.reconciliation_window, Window::Weeks(4));
    assert_eq!(c.controls.cac_ltv_window, Window::Weeks(13));
    assert_eq!(c.controls.cac_min_customers, 10);
    assert_eq!(
        c.kpi("marketing-roi").unwrap().window,
        Some(Window::Weeks(13))
    );
    assert_eq!(c.kpi("pipeline").unwrap().window, None);
    let d = &c.definitions;
    assert_eq!(d.marketing_channels, MarketingChannels::All);
    assert_eq!(d.target_precedence, TargetPrecedence::Plan);
    assert_eq!(d.nps_wave_quarter, WaveQuarter::FirstResponse);
    assert_eq!(d.nps_wave_days, 30);
    let new_year = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    assert!(d.holidays.contains(&new_year));
    // The deliverables' business-day rules count in that calendar.
    let review = c.deliverable("performance-review").unwrap();
    assert!(
        matches!(&review.due, DueRule::BusinessDay { holidays, .. } if holidays.contains(&new_year))
    );
}

#[test]
fn a_charter_without_the_new_fields_gets_the_documented_defaults() {
    let start = SHIPPED.find("[definitions]").unwrap();
    let end = start + SHIPPED[start..].find("# ── Shared objectives").unwrap();
    let text = format!("{}{}", &SHIPPED[..start], &SHIPPED[end..]);
    let text = text
        .lines()
        .filter(|l| !l.contains("_window = ") && !l.starts_with("cac_min_customers"))
        .collect::<Vec<_>>()
        .join("\n");
    let c = Charter::parse(&text, Path::new("charter.toml")).expect("valid");
    assert_eq!(c.controls.sla_window, Window::Quarter);
    assert_eq!(c.controls.cac_ltv_window, Window::Weeks(13));
    assert_eq!(c.controls.cac_min_customers, 10);
    assert_eq!(c.definitions.marketing_channels, MarketingChannels::All);
    assert!(c.definitions.holidays.is_empty());
}

#[test]
fn bad_windows_and_definitions_are_rejected_with_their_place() {
    let text = SHIPPED.replacen(
        "reconciliation_window = \"4 weeks\"",
        "reconciliation_window = \"quarter\"",
        1,
    );
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].message
            .contains("reconciliation_window: window 'quarter' is not one of \"N weeks\""),
        "{}",
        p[0].message
    );
    assert_eq!(
        (p[0].line, p[0].column),
        (line_of(&text, "reconciliation_window = \"quarter\""), 25)
    );

    let text = SHIPPED.replacen(
        "sla_window = \"quarter\"",
        "sla_window = \"13 fortnights\"",
        1,
    );
    assert!(problems(&text)[0].message.contains("sla_window"));

    let text = SHIPPED.replacen(
        "marketing_channels = \"all\"",
        "marketing_channels = \"most\"",
        1,
    );
    let p = problems(&text);
    assert!(
        p[0].message
            .contains("marketing_channels = \"most\" must be \"all\" or \"paid\""),
        "{}",
        p[0].message
    );
    assert_eq!(p[0].line, line_of(&text, "marketing_channels = \"most\""));

    let text = SHIPPED.replacen("2025-05-26, 2025-07-04", "2025-05-26, 2025-05-26", 1);
    let p = problems(&text);
    assert!(
        p[0].message.contains("holiday 2025-05-26 is listed twice"),
        "{}",
        p[0].message
    );

    let text = SHIPPED.replacen(
        "2025-01-01, 2025-05-26",
        "2025-01-01T09:00:00, 2025-05-26",
        1,
    );
    assert!(
        problems(&text)[0]
            .message
            .contains("holidays must be a date")
    );

    let text = SHIPPED.replacen("nps_wave_days = 30", "nps_wave_days = 400", 1);
    let p = problems(&text);
    assert!(
        p[0].message.contains("nps_wave_days = 400 is out of range"),
        "{}",
        p[0].message
    );
    assert_eq!(p[0].line, line_of(&text, "nps_wave_days = 400"));

    // A window on an imported KPI: its value comes as imported.
    let text = SHIPPED.replacen(
        "source = \"imported\"",
        "source = \"imported\"\nwindow = \"13 weeks\"",
        1,
    );
    let p = problems(&text);
    assert!(
        p[0].message
            .contains("only a derived KPI can state a window"),
        "{}",
        p[0].message
    );
    assert_eq!(
        p[0].line,
        line_of(&text, "window = \"13 weeks\"\n\n[[kpi]]\nid = \"spend-pct")
    );
}

#[test]
fn channel_aliases_may_name_one_channel_only() {
    let with_aliases = |paid_search: &str, linkedin: &str| {
        SHIPPED
            .replacen(
                "id = \"paid-search\"\n",
                &format!("id = \"paid-search\"\naliases = {paid_search}\n"),
                1,
            )
            .replacen(
                "id = \"linkedin\"\n",
                &format!("id = \"linkedin\"\naliases = {linkedin}\n"),
                1,
            )
    };
    let c = Charter::parse(
        &with_aliases(r#"["Paid Search", " PAID_SEARCH "]"#, r#"["LinkedIn Ads"]"#),
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(
        c.channel("paid-search").unwrap().aliases,
        vec!["Paid Search", "PAID_SEARCH"]
    );
    assert!(!c.definitions.accept_new_channels);

    // Another channel's alias, ignoring case: reported at the second one.
    let text = with_aliases(r#"["Paid Search"]"#, r#"["paid search"]"#);
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].message.contains(
            "channel 'linkedin': alias 'paid search' already names channel 'paid-search'"
        ),
        "{}",
        p[0].message
    );
    assert_eq!(p[0].line, line_of(&text, "aliases = [\"paid search\"]"));
    assert_eq!(p[0].column, 12);

    // Another channel's id, and an empty alias.
    // LINKEDIN is also linkedin's lead source: that is reported too.
    let text = with_aliases(r#"["LINKEDIN"]"#, r#"[""]"#);
    let p = problems(&text);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(
        p[2].message
            .contains("lead_sources 'LinkedIn' already names channel 'paid-search'")
    );
    assert!(
        p[0].message
            .contains("alias 'LINKEDIN' already names channel 'linkedin'")
    );
    assert!(
        p[1].message
            .contains("channel 'linkedin': an alias is empty")
    );

    // Ids that differ only in case.
    let text = SHIPPED.replacen("id = \"direct\"", "id = \"Organic\"", 1);
    let p = problems(&text);
    assert!(
        p.iter().any(|p| p
            .message
            .contains("channel id 'Organic' differs from channel 'organic' only in case")),
        "{p:?}"
    );
}

#[test]
fn accepting_new_channels_is_a_stated_choice() {
    let text = SHIPPED.replacen(
        "accept_new_channels = false",
        "accept_new_channels = true",
        1,
    );
    let c = Charter::parse(&text, Path::new("c.toml")).unwrap();
    assert!(c.definitions.accept_new_channels);
    assert!(c.covers_channel("tiktok"));
    assert!(!Charter::shipped().covers_channel("tiktok"));
    assert!(Charter::shipped().covers_channel("abm"));
    let text = SHIPPED.replacen(
        "accept_new_channels = false",
        "accept_new_channels = \"yes\"",
        1,
    );
    let p = problems(&text);
    assert_eq!(p[0].line, line_of(&text, "accept_new_channels"));
    assert!(p[0].message.contains("bool"), "{}", p[0].message);
}

#[test]
fn the_shipped_charter_delivers_the_weekly_digest_by_slack_and_email() {
    let c = Charter::parse(SHIPPED, Path::new("partnership.toml")).expect("valid");
    let channels: Vec<&str> = c.delivery.iter().map(|d| d.channel.as_str()).collect();
    assert_eq!(channels, ["slack", "email"]);
    assert!(c.delivery.iter().all(|d| d.deliverable == "anomaly-alerts"));
    assert_eq!(
        c.delivery[0].channel,
        DeliveryChannel::Slack {
            webhook_env: "RHYTHM_SLACK_WEBHOOK".into()
        }
    );
}

#[test]
fn a_bad_delivery_is_refused_where_it_is_written() {
    let cases = [
        (
            "kind = \"weekly\"",
            "kind = \"daily\"",
            "unknown digest kind 'daily'",
        ),
        (
            "channel = \"slack\"",
            "channel = \"fax\"",
            "unknown channel 'fax'",
        ),
        (
            "deliverable = \"anomaly-alerts\"\n\n[[delivery]]",
            "deliverable = \"performance-review\"\n\n[[delivery]]",
            "differs from deliverable 'performance-review', which is monthly",
        ),
        (
            "audience = [\"dana\", \"sam\"]",
            "audience = [\"dana\", \"nobody\"]",
            "refers to stakeholder 'nobody'",
        ),
        (
            "webhook_env = \"RHYTHM_SLACK_WEBHOOK\"",
            "webhook_env = \"https://hooks.slack.com/services/T/B/x\"",
            "webhook_env must name an environment variable",
        ),
        (
            "to = [\"dana@example.com\"]",
            "to = [\"dana\"]",
            "'dana' is not an email address",
        ),
    ];
    for (from, to, message) in cases {
        let text = SHIPPED.replacen(from, to, 1);
        assert_ne!(text, SHIPPED, "{from}");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains(message), "{}", p[0].message);
        assert!(
            p[0].message.starts_with("delivery 'cmo-weekly-"),
            "{}",
            p[0].message
        );
        let written = to.lines().next().unwrap();
        assert_eq!(p[0].line, line_of(&text, written), "{}", p[0].message);
    }
}
