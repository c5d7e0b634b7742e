//! Hostile text through every command's human output: terminal escapes, C1 controls,
//! bidi overrides, NUL, Markdown that would split a table or inject a heading, and a huge
//! value. None of it may reach the terminal raw, break a report's tables or start a line
//! of Markdown; a huge value is cut; JSON still carries the exact string.

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{describe, rhythm_in};
use common::workspace::demo_workspace;

/// Retitles and clears the terminal; a C1 CSI; a right-to-left override; Markdown that
/// splits a table and injects a heading.
const HOSTILE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\u{2066} a|b\n## heading";

/// `HOSTILE` as a TOML basic string's contents, with a NUL too (argv cannot carry one).
const HOSTILE_TOML: &str =
    "x\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eevil\\u2066 a|b\\n## heading\\u0000";

/// What must never reach a terminal raw: C0 controls but newline, DEL, C1, bidi
/// embeddings, overrides and isolates.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        panic!(
            "{what}: raw {:?} at byte {at}: …{}…",
            c,
            &text[text.floor_char_boundary(at.saturating_sub(60))..at]
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("## heading"),
            "{what}: user text started a heading: {line}"
        );
    }
}

/// The cells of a Markdown table row, split where GitHub's table parser splits: at every
/// `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in row.trim().chars() {
        if c == '|' && !escaped {
            n += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    n - 1
}

/// Every table in `md` has as many cells in each row as in its header.
fn assert_tables_whole(what: &str, md: &str) {
    let mut width = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            let expected = *width.get_or_insert(n);
            assert_eq!(
                n, expected,
                "{what}: a row with {n} cells, not {expected}: {line}"
            );
        } else {
            width = None;
        }
    }
}

fn ok(what: &str, out: &Output) -> String {
    assert!(out.status.success(), "{what}: {}", describe(out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_clean(&format!("{what} (stderr)"), &stderr);
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn human(ws: &Path, args: &[&str], max_len: usize) -> String {
    let what = args.join(" ");
    let text = ok(&what, &rhythm_in(ws, args));
    assert_clean(&what, &text);
    assert!(
        text.len() <= max_len,
        "{what}: {} bytes of output, more than {max_len}",
        text.len()
    );
    text
}

/// The demo workspace with hostile names in its charter (partnership, channel,
/// stakeholder, KPI, deliverable), a hostile dashboard in its usage and a hostile
/// reconciliation metric.
fn hostile_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, ws) = demo_workspace();
    let path = ws.join("charter/partnership.toml");
    let charter = std::fs::read_to_string(&path).unwrap();
    let charter = charter
        .replacen(
            "name = \"Atlas EOR marketing-analytics partnership\"",
            &format!("name = \"{HOSTILE_TOML}\""),
            1,
        )
        .replacen(
            "name = \"Paid Search\"",
            &format!("name = \"{HOSTILE_TOML}\""),
            1,
        )
        .replacen(
            "name = \"Dana Whitfield\"",
            &format!("name = \"{HOSTILE_TOML}\""),
            1,
        )
        .replacen(
            "name = \"Marketing-sourced pipeline\"",
            &format!("name = \"{HOSTILE_TOML}\""),
            1,
        );
    std::fs::write(&path, charter).unwrap();
    let check = rhythm_in(&ws, &["charter", "check"]);
    assert!(check.status.success(), "{}", describe(&check));

    let dashboard = format!("{}{}", HOSTILE.replace('\n', " "), "d".repeat(500));
    let usage = ws.join("hostile-usage.csv");
    std::fs::write(
        &usage,
        format!(
            "timestamp,user,dashboard,source\n2026-11-20T09:00:00Z,dana@atlas-eor.com,\"{dashboard}\",looker\n2026-08-20T09:00:00Z,dana@atlas-eor.com,\"{dashboard} old\",looker\n"
        ),
    )
    .unwrap();
    ok(
        "import usage",
        &rhythm_in(&ws, &["import", "usage", usage.to_str().unwrap()]),
    );
    let reconciliation = ws.join("hostile-reconciliation.csv");
    std::fs::write(
        &reconciliation,
        format!("week,metric,map_count,crm_count\n2026-11-16,\"{HOSTILE}\",100,140\n"),
    )
    .unwrap();
    ok(
        "import reconciliation",
        &rhythm_in(
            &ws,
            &["import", "reconciliation", reconciliation.to_str().unwrap()],
        ),
    );
    // Without the CRM's lead records `check` judges the typed counts, whose metric is
    // the hostile one: leave only the MAP's records.
    common::store::open_db(&common::store::db_path(&ws))
        .execute("DELETE FROM lead WHERE system = 'salesforce'", [])
        .unwrap();
    (tmp, ws)
}

#[test]
fn hostile_text_reaches_no_human_output_raw() {
    let (_tmp, ws) = hostile_workspace();
    let huge = format!("{HOSTILE} {}", "h".repeat(100_000));
    let due = "2026-11-30";
    for text in [HOSTILE, huge.as_str()] {
        human(
            &ws,
            &["action", "add", text, "--owner", "dana", "--due", due],
            2_000,
        );
        human(
            &ws,
            &[
                "dispute",
                "open",
                "--metric",
                text,
                "--period",
                "2026-11-16",
                "--figure-a",
                "1",
                "--source-a",
                HOSTILE,
                "--figure-b",
                "2",
                "--source-b",
                "CRM",
                "--raised-by",
                "dana",
            ],
            3_000,
        );
    }

    let at = ["--at", "2026-11-23"];
    for review in ["weekly", "monthly", "quarterly", "annual"] {
        let mut args = vec!["report", review];
        args.extend(at);
        let md = human(&ws, &args, 60_000);
        assert_tables_whole(review, &md);
        assert!(
            md.contains("\\x1b]0;pwned\\x07"),
            "{review} shows the text escaped"
        );
    }
    let minutes = human(&ws, &["review", "minutes", "--week", "2026-11-23"], 20_000);
    assert_tables_whole("minutes", &minutes);
    assert!(
        minutes.contains("chars)"),
        "the huge action is cut: {minutes}"
    );

    // `check` exits 1 on a breach: its report is printed all the same.
    let check = rhythm_in(&ws, &["check", "--at", "2026-11-23"]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("pwned"),
        "the hostile metric is shown: {text}"
    );
    assert_clean("check", &text);
    assert_clean("check (stderr)", &String::from_utf8_lossy(&check.stderr));

    for args in [
        &["recommend", "--as-of", "2026-11-23"][..],
        &["model"],
        &["backtest", "--at", "2026-11-23"],
        &["dispute", "list"],
        &["action", "list"],
        &["charter", "show"],
        &["purge", "--dry-run", "--at", "2026-11-23"],
    ] {
        let text = human(&ws, args, 30_000);
        if matches!(args[0], "dispute" | "action" | "charter") {
            assert!(
                text.contains("pwned"),
                "{args:?} shows the hostile text: {text}"
            );
        }
    }
    let backup = ws.join("copy.db");
    human(&ws, &["backup", backup.to_str().unwrap()], 2_000);
}

#[test]
fn json_carries_the_exact_string() {
    let (_tmp, ws) = hostile_workspace();
    ok(
        "action add",
        &rhythm_in(
            &ws,
            &[
                "action",
                "add",
                HOSTILE,
                "--owner",
                "dana",
                "--due",
                "2026-11-30",
            ],
        ),
    );
    let out = ok(
        "action list --json",
        &rhythm_in(&ws, &["action", "list", "--json"]),
    );
    assert_clean("action list --json", &out);
    let actions: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["text"] == HOSTILE),
        "{out}"
    );
    // `check` exits 1 on a breach; its JSON is printed all the same.
    let out = String::from_utf8(rhythm_in(&ws, &["check", "--json", "--at", "2026-11-23"]).stdout)
        .unwrap();
    assert!(out.contains("\\u001b]0;pwned\\u0007"), "{out}");
    assert!(out.contains("\\u009b31m\\u202eevil\\u2066"), "{out}");
    let report = ok(
        "report quarterly json",
        &rhythm_in(
            &ws,
            &[
                "report",
                "quarterly",
                "--format",
                "json",
                "--at",
                "2026-11-23",
            ],
        ),
    );
    assert_clean("report json", &report);
    let parsed: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(
        parsed
            .to_string()
            .contains(&serde_json::to_string(HOSTILE).unwrap()[1..20]),
        "the quarterly JSON carries the hostile text"
    );
}

#[test]
fn a_huge_hostile_header_gives_a_short_error() {
    let (_tmp, ws) = demo_workspace();
    let file = ws.join("huge-header.csv");
    let header = format!("week,{HOSTILE_ONE_LINE}{}\n", "c".repeat(3_000_000));
    std::fs::write(&file, format!("{header}2026-11-16,1\n")).unwrap();
    let out = rhythm_in(&ws, &["import", "reconciliation", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_clean("import error", &stderr);
    assert!(stderr.len() < 2_000, "{} bytes on stderr", stderr.len());
    // Past the 1 MiB row limit the header is refused at line 1 without being echoed.
    assert!(stderr.contains("line 1"), "the error says where: {stderr}");
    assert!(out.stdout.len() < 2_000);
}

/// `HOSTILE` without its newline, as one header cell.
const HOSTILE_ONE_LINE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\u{2066}";
