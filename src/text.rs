//! How text someone else wrote is shown to people: the one sanitiser for every
//! human-facing output (the command line, Markdown reports and minutes, error messages,
//! the cockpit). Charter text, CSV values, channel ids, dashboard names, dispute and
//! action text reach a terminal or a document; none of it may move the cursor, retitle
//! the terminal, reorder what is read (bidi overrides), start a Markdown block or split a
//! table. A leaf: it uses nothing else of the crate, so every floor may use it.
//!
//! - [`visible`]: control characters (C0, DEL, C1 — ESC, BEL, NUL, CSI …) and invisible
//!   format characters (bidi embeddings, overrides and isolates, zero-width spaces, BOM,
//!   tags) written as visible escapes, `\x1b`, `\u{202e}`; newline and tab kept.
//! - [`one_line`]: the same, newline, carriage return and tab escaped too: for a value
//!   placed inside a line (a table cell, a listing, an error).
//! - [`cut`]: a long value cut to its first characters, an ellipsis and its length.
//! - [`md_inline`], [`md_cell`]: a value placed in Markdown text or a table cell: one
//!   line, cut, no leading block marker, no raw HTML; in a cell `|` escaped.
//! - [`json_safe`]: JSON text as serde wrote it, with the characters serde leaves raw
//!   (DEL, C1, format characters) written as `\u` escapes: the same value, read back.
//!
//! Limits: a backslash the user wrote is not doubled, so a literal `\x1b` typed in a CSV
//! reads the same as an escaped ESC; zero-width joiners (U+200C, U+200D) are kept, as
//! scripts and emoji need them; Markdown emphasis (`*`, `_`) and backticks in user text
//! still style the text, but cannot start a block or split a table.

use std::borrow::Cow;
use std::fmt::Write;

/// Values longer than this many characters are cut where text is placed in a line.
pub const MAX_CHARS: usize = 500;

/// True for a character that must not reach a terminal or a document raw: a control
/// character (C0, DEL, C1) or an invisible format character that hides or reorders text.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every hidden character written as a visible escape (`\x1b`, `\x9b`,
/// `\u{202e}`), newlines and tabs kept: for whole blocks of output.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && c != '\t' && is_hidden(c))
}

/// `text` as one line: like [`visible`], with newline, carriage return and tab escaped
/// too (`\n`, `\r`, `\t`), so the value cannot break the line it is placed in.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape_where(text, is_hidden)
}

/// `text` without its hidden characters (newline and tab kept): for the cockpit, which
/// lays text out cell by cell, so an escape would not fit where the character sat.
pub fn strip_hidden(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| c != '\n' && c != '\t' && is_hidden(c);
    if text.chars().any(hidden) {
        Cow::Owned(text.chars().filter(|&c| !hidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` cut to its first `max` characters followed by "… (12,345 chars)" when longer;
/// cuts on a character boundary.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!(
            "{}… ({} chars)",
            &text[..at],
            thousands(text.chars().count())
        )),
    }
}

/// A value for a line of plain text (a listing's cell, a line of feedback, an error):
/// cut to [`MAX_CHARS`], then [`one_line`].
pub fn field(text: &str) -> String {
    one_line(&cut(text, MAX_CHARS)).into_owned()
}

/// A line of Markdown text the crate wrote around others' values (a sentence naming a
/// channel or a dashboard): on one line, and a leading block marker (`#`, `>`, `|`, a
/// list bullet `- `, `1.`, a rule `---`, a fence ```` ``` ````, `~~~`) escaped, so it
/// cannot start a heading, a quote, a list, a code block or a table. Not cut: the crate's
/// own words are kept whole.
pub fn md_line(text: &str) -> String {
    let line = one_line(text.trim_start());
    let mut chars = line.chars();
    let first = chars.next();
    let second = chars.next();
    let ends_marker = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let marker = match first {
        Some('#' | '>' | '|') => true,
        Some(c @ ('-' | '*' | '+' | '_' | '=')) => ends_marker(second) || second == Some(c),
        Some(c @ ('`' | '~')) => second == Some(c),
        _ => false,
    };
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0
        && matches!(line[digits..].chars().next(), Some('.' | ')'))
        && ends_marker(line[digits + 1..].chars().next());
    let mut out = String::with_capacity(line.len() + 2);
    if marker {
        out.push('\\');
    }
    for (i, c) in line.char_indices() {
        if numbered && i == digits {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A value placed in Markdown text: cut to [`MAX_CHARS`], then [`md_line`], with `<`
/// escaped too (no raw HTML), so the value cannot start a block wherever it is placed.
pub fn md_inline(text: &str) -> String {
    let line = md_line(&cut(text.trim_start(), MAX_CHARS));
    if line.contains('<') {
        line.replace('<', "\\<")
    } else {
        line
    }
}

/// A value placed in a Markdown table cell: cut to [`MAX_CHARS`], on one line, `<` and
/// `|` escaped, so it stays one cell of one row. (A cell cannot start a block: the row
/// starts with `|`.)
pub fn md_cell(text: &str) -> String {
    let line = field(text);
    if !line.contains(['|', '<']) {
        return line;
    }
    let mut out = String::with_capacity(line.len() + 4);
    let mut escaped = false;
    for c in line.chars() {
        if (c == '|' || c == '<') && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// Text for Slack's mrkdwn: `&`, `<` and `>` written as Slack's entities (as its
/// formatting reference asks), so a value cannot open a link, a mention or a command.
pub fn slack(text: &str) -> String {
    entities(text, false)
}

/// Text for HTML element content or a quoted attribute: `& < > " '` as entities.
pub fn html(text: &str) -> String {
    entities(text, true)
}

/// `& < >` as entities, and with `quotes` `" '` too.
fn entities(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text (as serde_json writes it) safe for a terminal: serde escapes C0 controls
/// itself but leaves DEL, C1 and format characters raw; they are written here as `\u`
/// escapes, which read back as the same string. Outside strings JSON text has none.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_hidden) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_hidden(c) && c != '\n' {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terminal_escapes_are_written_visibly() {
        assert_eq!(
            visible("a\x1b]0;pwned\x07\x1b[2J\nb\tc"),
            "a\\x1b]0;pwned\\x07\\x1b[2J\nb\tc"
        );
        assert_eq!(visible("\u{9b}31m \0 \x7f"), "\\x9b31m \\x00 \\x7f");
        assert_eq!(
            visible("abc\u{202e}fed\u{2066}"),
            "abc\\u{202e}fed\\u{2066}"
        );
        assert_eq!(one_line("a\r\nb\tc"), "a\\r\\nb\\tc");
        assert!(matches!(visible("plain — ✓ 🔴"), Cow::Borrowed(_)));
        assert_eq!(strip_hidden("a\x1b[2Jb\u{202e}c\u{9b}"), "a[2Jbc");
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(cut("abcdef", 6), "abcdef");
        assert_eq!(cut("abcdefg", 3), "abc… (7 chars)");
        assert_eq!(cut(&"é".repeat(12_345), 2), "éé… (12,345 chars)");
        assert!(field(&"x".repeat(100_000)).len() < MAX_CHARS + 40);
    }

    #[test]
    fn markdown_values_cannot_start_a_block_or_split_a_table() {
        assert_eq!(md_inline("a|b\n## heading"), "a|b\\n## heading");
        assert_eq!(md_cell("a|b\n## heading"), "a\\|b\\n## heading");
        assert_eq!(md_inline("## heading"), "\\## heading");
        assert_eq!(md_inline("  > quote"), "\\> quote");
        assert_eq!(md_inline("12. item"), "12\\. item");
        assert_eq!(md_inline("<img src=x>"), "\\<img src=x>");
        assert_eq!(md_line("- not a list <b>"), "\\- not a list <b>");
        assert_eq!(md_cell("already \\| escaped"), "already \\| escaped");
        assert_eq!(md_cell("Paid search"), "Paid search");
        assert_eq!(md_cell("-2% 16.1x"), "-2% 16.1x");
        assert_eq!(
            md_line("16.1x, -2%, **bold**, 3) ok"),
            "16.1x, -2%, **bold**, 3) ok"
        );
        assert_eq!(md_line("---"), "\\---");
        assert_eq!(md_line("* item"), "\\* item");
        assert_eq!(md_line("```rust"), "\\```rust");
    }

    #[test]
    fn json_keeps_the_exact_string() {
        let s = "a\u{9b}b\u{202e}c\x7f\x1b\u{e0041}";
        let json = serde_json::to_string(s).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.chars().any(is_hidden));
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), s);
    }

    proptest! {
        #[test]
        fn no_hidden_character_survives(s in any::<String>()) {
            prop_assert!(!visible(&s).chars().any(|c| c != '\n' && c != '\t' && is_hidden(c)));
            prop_assert!(!one_line(&s).chars().any(is_hidden));
            prop_assert!(!strip_hidden(&s).chars().any(|c| c != '\n' && c != '\t' && is_hidden(c)));
            prop_assert!(!md_cell(&s).chars().any(is_hidden));
            let safe = json_safe(&serde_json::to_string(&s).unwrap()).into_owned();
            prop_assert!(!safe.chars().any(is_hidden));
            prop_assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), s);
        }

        #[test]
        fn cutting_respects_char_boundaries(s in any::<String>(), max in 0usize..40) {
            let c = cut(&s, max);
            let n = s.chars().count();
            if n <= max {
                prop_assert_eq!(c.as_ref(), s.as_str());
            } else {
                let kept: String = s.chars().take(max).collect();
                prop_assert!(c.starts_with(&kept));
                let length = format!("({} chars)", thousands(n));
                prop_assert!(c.ends_with(&length));
            }
        }

        #[test]
        fn a_markdown_cell_has_no_unescaped_pipe_and_one_line(s in any::<String>()) {
            let cell = md_cell(&s);
            prop_assert!(!cell.contains('\n'));
            let mut escaped = false;
            for c in cell.chars() {
                prop_assert!(c != '|' || escaped);
                escaped = c == '\\' && !escaped;
            }
        }
    }
}
