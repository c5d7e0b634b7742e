//! The cockpit shows what the report shows: the alerts pane scrolls and opens an alert
//! in full, the tables by channel have every channel, the executive summary keeps every
//! line at 80×24, Esc closes what is open before it quits, and every review view ends
//! in the "what to do" line its report's recommendations open with.

mod common;

use common::cockpit::{app, at, charter, demo, model, press, screen, snapshot_at};
use ratatui::crossterm::event::KeyCode;
use rhythm::cli::report_cmd::{Format, render};
use rhythm::present::{advice, alerts};
use rhythm::rhythm::clock::{Clock, Review};
use rhythm::tui::app::{App, Tab, TableId};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (160, 48)];

/// The text inside the detail popup on `screen`, its lines joined with spaces.
fn popup_text(screen: &str) -> String {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = lines
        .iter()
        .position(|l| l.iter().collect::<String>().contains("Enter or Esc closes"))
        .expect("a detail popup");
    // The popup's corners are the ones nearest its title (it sits over the panes).
    let title = lines[top].iter().position(|c| *c == '—').unwrap();
    let left = lines[top][..title].iter().rposition(|c| *c == '┌').unwrap();
    let right = title + lines[top][title..].iter().position(|c| *c == '┐').unwrap();
    let mut words = Vec::new();
    for line in &lines[top + 1..] {
        if line.get(left) == Some(&'└') {
            break;
        }
        let inner: String = line[left + 1..right.min(line.len())].iter().collect();
        words.push(inner.trim().to_string());
    }
    words.join(" ")
}

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
    assert_eq!(app.table(), TableId::Alerts);
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
    let quarterly = advice::quarterly(&charter, &snap.quarterly);
    let annual = advice::annual(&snap.annual);
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
