//! The cockpit shows what the report shows: the alerts pane scrolls and opens an alert
//! in full, the tables by channel have every channel, the executive summary keeps every
//! line at 80×24, Esc closes what is open before it quits, and every review view ends
//! in the "what to do" line its report's recommendations open with; and what else each
//! report says is on screen, in a table that scrolls or one Enter away, in its words.

mod common;

use common::cockpit::{
    app, at, charter, demo, model, popup_lines, popup_text, press, screen, snapshot_at,
};
use ratatui::crossterm::event::KeyCode;
use rhythm::cli::report_cmd::{Format, render};
use rhythm::present::{advice, alerts};
use rhythm::rhythm::clock::{Clock, Review};
use rhythm::tui::app::{App, Tab, TableId};

/// The sizes the report's contents are checked at: the smallest and a large terminal.
const SMALL_AND_LARGE: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The Markdown report of `review` as of `at()`, as `rhythm report` writes it.
fn report(review: Review) -> String {
    let charter = charter();
    render(
        &charter,
        &demo().1,
        review,
        &Clock::end_of(&charter, at()),
        false,
        Format::Md,
    )
    .unwrap()
}

/// The cells of the rows of the report's table under `heading`.
fn report_rows(md: &str, heading: &str) -> Vec<Vec<String>> {
    let section = md.split(&format!("## {heading}\n\n")).nth(1).unwrap();
    section
        .lines()
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The items of the report's list under `heading`.
fn report_items(md: &str, heading: &str) -> Vec<String> {
    let section = md.split(&format!("## {heading}\n\n")).nth(1).unwrap();
    section
        .lines()
        .take_while(|l| l.starts_with("- "))
        .map(|l| l[2..].to_string())
        .collect()
}

/// The screen's text with the borders taken out and the lines joined: a wrapped
/// paragraph of a pane as wide as the screen reads as one.
fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `cells` appear on one line of `lines`, in order.
fn on_one_line(lines: &[String], cells: &[String]) -> bool {
    lines.iter().any(|l| {
        let mut rest = l.as_str();
        cells.iter().all(|c| match rest.find(c.as_str()) {
            Some(i) => {
                rest = &rest[i + c.len()..];
                true
            }
            None => false,
        })
    })
}

/// Each row of the focused table opened in turn (the detail follows the selection):
/// its popup has each of the report's cells after its column's name.
fn every_row_opens_whole(app: &mut App, header: &[&str], rows: &[Vec<String>]) {
    press(app, KeyCode::Char('g'));
    press(app, KeyCode::Enter);
    assert!(app.detail);
    for (i, cells) in rows.iter().enumerate() {
        for (w, h) in SMALL_AND_LARGE {
            let lines = popup_lines(&screen(app, w, h));
            for (label, cell) in header.iter().zip(cells) {
                assert!(
                    on_one_line(&lines, &[label.to_string(), cell.clone()]),
                    "row {i} at {w}×{h}: {label} {cell} in {lines:#?}"
                );
            }
        }
        press(app, KeyCode::Char('j'));
    }
    press(app, KeyCode::Enter);
    assert!(!app.detail);
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (160, 48)];

/// The lines from "What to do:" to the hint bar, joined: the line a review view ends in.
fn what_to_do(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("What to do: "))
        .unwrap_or_else(|| panic!("no what-to-do line:\n{screen}"));
    // The last line is the hint bar.
    lines[start..lines.len() - 1]
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_alerts_pane_scrolls_and_enter_opens_an_alert_in_full() {
    let mut app = app();
    let week = snapshot_at(at()).weekly.clone();
    let n = week.alerts.len();
    assert!(n > 3, "the demo week has more alerts than 80×24 shows: {n}");
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.table(), TableId::Alerts);
    press(&mut app, KeyCode::Char('G'));
    let text = screen(&app, 80, 24);
    let last = alerts::sentence(&week.alerts[n - 1]);
    let start: String = last.chars().take(40).collect();
    assert!(text.contains(&start), "the last alert is on screen: {text}");
    assert!(
        text.contains(&format!("{}–{n} of {n}", n - 2)),
        "the pane says which alerts it shows: {text}"
    );

    // Each alert, opened (the detail follows the selection): its whole sentence and
    // every one of its figures, at every size.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Enter);
    assert!(app.detail);
    for (i, a) in week.alerts.iter().enumerate() {
        for (w, h) in SIZES {
            let popup = popup_text(&screen(&app, w, h));
            assert!(
                popup.contains(&alerts::sentence(a)),
                "alert {i} at {w}×{h}: the whole sentence in {popup:?}"
            );
            for (label, value) in alerts::figures(a, &charter()) {
                assert!(
                    popup.contains(label) && popup.contains(&value),
                    "alert {i} at {w}×{h}: {label} {value} in {popup:?}"
                );
            }
        }
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!("alert_detail_80x24", screen(&app, 80, 24));
}

/// Steps through every row of the focused table, checking each is on screen.
fn every_row_on_screen(app: &mut App, names: &[String], w: u16, h: u16) {
    press(app, KeyCode::Char('g'));
    for (i, name) in names.iter().enumerate() {
        let text = screen(app, w, h);
        assert!(
            text.contains(name.as_str()),
            "{w}×{h} row {i} {name}: {text}"
        );
        press(app, KeyCode::Char('j'));
    }
    assert_eq!(app.selected(), names.len() - 1, "no row past the last");
}

#[test]
fn the_funnel_and_lead_quality_have_every_channel() {
    let snap = snapshot_at(at());
    let charter = charter();
    let name = |id: &str| {
        charter
            .channel(id)
            .map_or(id.to_string(), |c| c.name.clone())
    };
    let funnel: Vec<String> = snap
        .reviews
        .as_ref()
        .expect("every view")
        .monthly
        .funnel
        .by_channel
        .iter()
        .map(|c| name(&c.channel))
        .collect();
    assert!(funnel.len() >= 10, "{funnel:?}");
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    // Tall, the funnel shows every channel without a key.
    let text = screen(&app, 160, 48);
    for c in &funnel {
        assert!(text.contains(c.as_str()), "{c}: {text}");
    }
    // Short, the funnel takes the channels' place while it has the focus, and scrolls.
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(
        app.table(),
        TableId::Funnel,
        "h wraps round to the last table"
    );
    insta::assert_snapshot!("monthly_funnel_80x24", screen(&app, 80, 24));
    for (w, h) in SIZES {
        every_row_on_screen(&mut app, &funnel, w, h);
    }

    // Quarterly's lead quality: the narrow pane cuts names to 12 characters.
    let quality: Vec<String> = snap
        .reviews
        .as_ref()
        .expect("every view")
        .quarterly
        .lead_quality
        .iter()
        .map(|l| name(&l.channel).chars().take(12).collect())
        .collect();
    assert!(quality.len() >= 10, "{quality:?}");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.table(), TableId::LeadQuality);
    for (w, h) in SIZES {
        every_row_on_screen(&mut app, &quality, w, h);
    }
}

#[test]
fn the_executive_summary_keeps_every_line_at_every_size() {
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    for (w, h) in SIZES {
        let text = screen(&app, w, h);
        for line in ["Pipeline ", "MQLs ", "SQLs ", "Blended CAC ", "Spend "] {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("│{line}"))),
                "{w}×{h}: {line}\n{text}"
            );
        }
    }
}

#[test]
fn esc_closes_what_is_open_before_it_quits() {
    let mut app = app();
    // A detail over a table that has the focus by h/l: the detail, then the focus.
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Enter);
    assert!(app.detail);
    press(&mut app, KeyCode::Esc);
    assert!(!app.detail && !app.quit);
    assert_eq!(app.table(), TableId::Alerts);
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit);
    assert_eq!(app.table(), TableId::Campaign);

    // The filter being typed, then the filter kept.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.editing_filter && !app.quit);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.filter(), "x");
    press(&mut app, KeyCode::Esc);
    assert!(app.filter().is_empty() && !app.quit);

    // Help; the budget pane; a review entry's form.
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.help && !app.quit);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    assert!(app.budget_shown());
    press(&mut app, KeyCode::Char('l'));
    assert!(app.budget_shown(), "h/l do not leave the budget pane");
    press(&mut app, KeyCode::Esc);
    assert!(!app.budget_shown() && !app.quit);
    assert_eq!(app.table(), TableId::Executive);
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('a'));
    assert!(app.form.is_some());
    press(&mut app, KeyCode::Esc);
    assert!(app.form.is_none() && !app.quit);

    // Nothing open: Esc quits.
    press(&mut app, KeyCode::Esc);
    assert!(app.quit);
}

#[test]
fn each_view_keeps_its_focus_and_h_l_go_round() {
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    let order: Vec<TableId> = (0..4)
        .map(|_| {
            press(&mut app, KeyCode::Char('l'));
            app.table()
        })
        .collect();
    assert_eq!(
        order,
        [
            TableId::Mix,
            TableId::BudgetVsActual,
            TableId::Funnel,
            TableId::Executive
        ]
    );
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Left);
    assert_eq!(
        app.table(),
        TableId::Due,
        "Left wraps round to the last table"
    );
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.table(), TableId::Mix, "Monthly kept its focus");
    // A view with one table has no focus key.
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.table(), TableId::KpiDictionary);
    assert!(!screen(&app, 160, 48).contains("h/l focus"));
    press(&mut app, KeyCode::Char('1'));
    assert!(screen(&app, 160, 48).contains("h/l focus"));
}

#[test]
fn every_review_view_ends_in_its_reports_what_to_do_line() {
    let snap = snapshot_at(at());
    let charter = charter();
    let plan = advice::plan(Ok(&model().recommendation));
    let reviews = snap.reviews.as_ref().expect("every view");
    let quarterly = advice::quarterly(&charter, &reviews.quarterly);
    let annual = advice::annual(&reviews.annual);
    let mut app = app();
    for (tab, line) in [
        (Tab::Weekly, &plan),
        (Tab::Monthly, &plan),
        (Tab::Quarterly, &quarterly),
        (Tab::Annual, &annual),
        (Tab::Session, &plan),
    ] {
        app.tab = tab;
        for (w, h) in SIZES {
            assert_eq!(
                what_to_do(&screen(&app, w, h)),
                format!("What to do: {line}"),
                "{tab:?} at {w}×{h}"
            );
        }
    }
    // The same sentences open the reports' recommendations.
    let data = &demo().1;
    for (review, line) in [
        (Review::Weekly, &plan),
        (Review::Quarterly, &quarterly),
        (Review::Annual, &annual),
    ] {
        let md = render(
            &charter,
            data,
            review,
            &Clock::end_of(&charter, at()),
            false,
            Format::Md,
        )
        .unwrap();
        assert!(
            md.contains(&format!("## Recommendations\n\n- {line}\n")),
            "{review:?}: {md}"
        );
    }

    // Until the model is fitted the plan's line says where the fit stands.
    let mut fitting = App::new("rhythm-demo".into(), at());
    fitting.loaded(snap);
    let text = screen(&fitting, 80, 24);
    assert!(
        what_to_do(&text).starts_with("What to do: Budget model: fitting"),
        "{text}"
    );
}

#[test]
fn weekly_the_numbers_that_matter_vs_last_week_are_in_the_channel_detail() {
    let md = report(Review::Weekly);
    let rows = report_rows(&md, "The numbers that matter");
    assert_eq!(rows.len(), 4, "{md}");
    let mut app = app();
    // The all-channels line of the campaign snapshot is the report's total.
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Enter);
    for (w, h) in SMALL_AND_LARGE {
        let lines = popup_lines(&screen(&app, w, h));
        let header: Vec<String> = ["this week", "vs last week", "vs 8-week median"]
            .map(String::from)
            .to_vec();
        assert!(on_one_line(&lines, &header), "{w}×{h}: {lines:#?}");
        for row in &rows {
            assert!(on_one_line(&lines, row), "{w}×{h}: {row:?} in {lines:#?}");
        }
    }
}

#[test]
fn weekly_the_deliverables_due_are_a_table_at_80_columns() {
    let md = report(Review::Weekly);
    let rows = report_rows(&md, "Deliverables due");
    assert!(rows.len() >= 4, "{md}");
    let mut app = app();
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.table(), TableId::Due);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Deliverables due"), "{text}");
    assert!(text.contains(&rows[0][1]), "the report's due time: {text}");
    every_row_opens_whole(&mut app, &["deliverable", "due", "state"], &rows);
}

#[test]
fn quarterly_sla_by_deliverable_is_a_table() {
    let md = report(Review::Quarterly);
    let rows = report_rows(&md, "SLA by deliverable");
    assert!(rows.len() >= 10, "{md}");
    let mut app = app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.table(), TableId::SlaDeliverables);
    for (w, h) in SMALL_AND_LARGE {
        let text = screen(&app, w, h);
        assert!(text.contains("SLA by deliverable"), "{w}×{h}: {text}");
    }
    every_row_opens_whole(
        &mut app,
        &[
            "deliverable",
            "cadence",
            "due",
            "on time",
            "late",
            "missing",
            "on-time %",
        ],
        &rows,
    );
}

#[test]
fn quarterly_the_back_test_status_is_under_the_sla() {
    let md = report(Review::Quarterly);
    let section = md
        .split("## Budget recommendation back-test\n\n")
        .nth(1)
        .unwrap();
    let sentence = section.lines().next().unwrap();
    assert!(sentence.starts_with("Status "), "{md}");
    let mut app = app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    for (w, h) in SMALL_AND_LARGE {
        let text = screen(&app, w, h);
        assert!(
            flat(&text).contains(&format!("Budget recommendation back-test: {sentence}")),
            "{w}×{h}: {sentence}\n{text}"
        );
    }
}

#[test]
fn quarterly_the_unused_dashboards_have_their_view_counts() {
    let md = report(Review::Quarterly);
    let items = report_items(&md, "Dashboards nobody opened in 30 days");
    assert!(
        !items.is_empty() && items[0].contains("views in all"),
        "{md}"
    );
    let mut app = app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(app.table(), TableId::UnusedDashboards, "h wraps round");
    for (w, h) in SMALL_AND_LARGE {
        let text = screen(&app, w, h);
        for item in &items {
            assert!(text.contains(item.as_str()), "{w}×{h}: {item}\n{text}");
        }
    }
    press(&mut app, KeyCode::Enter);
    for item in &items {
        for (w, h) in SMALL_AND_LARGE {
            let popup = popup_text(&screen(&app, w, h));
            assert!(popup.contains(item.as_str()), "{w}×{h}: {item} in {popup}");
        }
        press(&mut app, KeyCode::Char('j'));
    }
}

#[test]
fn annual_the_charter_review_items_and_its_dates_are_a_table() {
    let md = report(Review::Annual);
    let sentence = report_items(&md, "Recommendations")
        .into_iter()
        .find(|l| l.starts_with("Charter review "))
        .unwrap_or_else(|| panic!("{md}"));
    let items = report_items(&md, "Due for the annual charter review");
    assert!(items.len() > 10, "{md}");
    let mut app = app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(app.table(), TableId::CharterReview, "h wraps round");
    for (w, h) in SMALL_AND_LARGE {
        let text = screen(&app, w, h);
        assert!(text.contains(&sentence), "{w}×{h}: {sentence}\n{text}");
        every_row_on_screen(&mut app, &items, w, h);
    }
}

#[test]
fn a_long_detail_scrolls_and_says_so_in_its_border() {
    let snap = snapshot_at(at());
    let oldest = snap.weeks[0].0.to_string();
    let newest = snap.weeks.last().unwrap().0.to_string();
    let mut app = app();
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Enter);
    // Large, the total's twelve weeks all fit: nothing to scroll.
    let large = screen(&app, 160, 48);
    assert!(popup_text(&large).contains(&oldest), "{large}");
    assert!(!large.contains("PgUp/PgDn scroll"), "{large}");
    // At 80×24 the popup opens on its top and newest week, and says it scrolls.
    let text = screen(&app, 80, 24);
    let popup = popup_text(&text);
    assert!(
        popup.contains(&newest) && !popup.contains(&oldest),
        "{text}"
    );
    assert!(text.contains("PgUp/PgDn scroll · 1–"), "{text}");
    // PgDn to the end: the oldest week; the selection stays where it was.
    let row = app.selected();
    for _ in 0..3 {
        press(&mut app, KeyCode::PageDown);
        screen(&app, 80, 24);
    }
    let text = screen(&app, 80, 24);
    assert!(popup_text(&text).contains(&oldest), "{text}");
    assert!(!popup_text(&text).contains("vs last week"), "{text}");
    assert_eq!(app.selected(), row);
    // PgUp back to the top.
    for _ in 0..3 {
        press(&mut app, KeyCode::PageUp);
    }
    let text = screen(&app, 80, 24);
    assert!(popup_text(&text).contains("vs last week"), "{text}");
    assert!(text.contains("PgUp/PgDn scroll · 1–"), "{text}");
}
