//! What the KPI definitions and controls would otherwise leave open (seed 002: no soft
//! terms): the window each control and KPI is measured over, what counts as a marketing
//! channel, which target governs, the business-day calendar, what an NPS wave is.
//! The types, and their validation from the raw charter with the place of each problem.

use std::sync::Arc;

use chrono::NaiveDate;
use toml::Spanned;

use super::raw::{RawControls, RawDefinitions};
use super::validate::{Ctx, to_date};

/// The stretch of time a control or KPI is measured over, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The fiscal quarter holding the date, from its first day through the date.
    Quarter,
    /// The calendar month holding the date, from its first day through the date.
    Month,
    /// The N complete weeks (of the charter's week start) ending with the last week that
    /// is over by the end of the date.
    Weeks(u32),
    /// The N days ending with the date (the date included).
    Days(u32),
}

/// Which forms of window a field accepts.
#[derive(Debug, Clone, Copy)]
pub struct Forms {
    pub quarter: bool,
    pub month: bool,
    pub weeks: bool,
    pub days: bool,
}

impl Forms {
    pub const ANY: Forms = Forms {
        quarter: true,
        month: true,
        weeks: true,
        days: true,
    };
    pub const WEEKS: Forms = Forms {
        quarter: false,
        month: false,
        weeks: true,
        days: false,
    };

    fn expected(self) -> String {
        let mut forms = Vec::new();
        if self.quarter {
            forms.push("\"quarter\"");
        }
        if self.month {
            forms.push("\"month\"");
        }
        if self.weeks {
            forms.push("\"N weeks\"");
        }
        if self.days {
            forms.push("\"N days\"");
        }
        forms.join(" or ")
    }
}

impl Window {
    /// Parses "quarter", "month", "13 weeks", "90 days" (or "1 week", "1 day").
    pub fn parse(text: &str, forms: Forms) -> Result<Window, String> {
        let t = text.trim().to_ascii_lowercase();
        let bad = || format!("window '{text}' is not one of {}", forms.expected());
        let window = match t.as_str() {
            "quarter" => Window::Quarter,
            "month" => Window::Month,
            _ => {
                let (n, unit) = t.split_once(' ').ok_or_else(bad)?;
                let n: u32 = n.parse().map_err(|_| bad())?;
                match unit.trim() {
                    "week" | "weeks" if (1..=520).contains(&n) => Window::Weeks(n),
                    "day" | "days" if (1..=3650).contains(&n) => Window::Days(n),
                    "week" | "weeks" | "day" | "days" => {
                        return Err(format!(
                            "window '{text}' is out of range: 1 to 520 weeks or 1 to 3650 days"
                        ));
                    }
                    _ => return Err(bad()),
                }
            }
        };
        let allowed = match window {
            Window::Quarter => forms.quarter,
            Window::Month => forms.month,
            Window::Weeks(_) => forms.weeks,
            Window::Days(_) => forms.days,
        };
        if allowed { Ok(window) } else { Err(bad()) }
    }

    /// The window as the charter writes it: "quarter", "13 weeks".
    pub fn describe(&self) -> String {
        match self {
            Window::Quarter => "quarter".into(),
            Window::Month => "month".into(),
            Window::Weeks(n) => format!("{n} weeks"),
            Window::Days(n) => format!("{n} days"),
        }
    }
}

/// What "a marketing channel" means in the KPI definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketingChannels {
    /// Every channel in the channel file, paid or not (organic, referral and direct too).
    All,
    /// Only paid channels: those the charter lists with `paid = true`, and channels the
    /// charter does not list (the channel file names them; nothing says they are unpaid).
    Paid,
}

/// Which target a month's figure is judged against when the imported plan and the
/// charter's KPI both set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetPrecedence {
    /// The plan's target for the month; the KPI's target where the plan sets none.
    Plan,
    /// Always the KPI's target in the charter; the plan's targets are shown, not judged.
    Charter,
}

/// Which fiscal quarter an NPS survey wave belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveQuarter {
    /// The quarter of the wave's first response.
    FirstResponse,
    /// The quarter of the wave's last response.
    LastResponse,
}

/// The `[definitions]` section.
#[derive(Debug, Clone)]
pub struct Definitions {
    pub marketing_channels: MarketingChannels,
    pub target_precedence: TargetPrecedence,
    /// Days that are not business days although they fall Monday to Friday, sorted.
    /// Business-day due rules (`BD3`) skip them; weekday rules (`mon 12:00`) do not move.
    pub holidays: Arc<[NaiveDate]>,
    /// A wave holds every response dated within this many days of its first response
    /// (the first day counts as day 0).
    pub nps_wave_days: u32,
    pub nps_wave_quarter: WaveQuarter,
    /// Whether `channels` and `plan` imports take a channel the charter does not list
    /// (by id or alias) as a new channel; if not, such a row is a bad row.
    pub accept_new_channels: bool,
}

impl Default for Definitions {
    fn default() -> Self {
        Definitions {
            marketing_channels: MarketingChannels::All,
            target_precedence: TargetPrecedence::Plan,
            holidays: Arc::from(Vec::new()),
            nps_wave_days: 30,
            nps_wave_quarter: WaveQuarter::FirstResponse,
            accept_new_channels: false,
        }
    }
}

/// A word from a fixed list, or the default; an unknown word is a problem at its place.
fn choice<T: Copy>(
    ctx: &mut Ctx,
    value: &Option<Spanned<String>>,
    name: &str,
    options: &[(&str, T)],
    default: T,
) -> T {
    let Some(v) = value else { return default };
    let word = v.get_ref().trim();
    match options.iter().find(|(w, _)| *w == word) {
        Some((_, t)) => *t,
        None => {
            let words: Vec<String> = options.iter().map(|(w, _)| format!("\"{w}\"")).collect();
            ctx.at(
                v.span(),
                format!("{name} = \"{word}\" must be {}", words.join(" or ")),
            );
            default
        }
    }
}

pub(super) fn convert_definitions(
    raw: Option<&Spanned<RawDefinitions>>,
    ctx: &mut Ctx,
) -> Definitions {
    let Some(d) = raw.map(|d| d.get_ref()) else {
        return Definitions::default();
    };
    let default = Definitions::default();
    let mut holidays: Vec<NaiveDate> = Vec::new();
    for h in &d.holidays {
        if let Some(day) = to_date(h, ctx, "holidays") {
            if holidays.contains(&day) {
                ctx.at(h.span(), format!("holiday {day} is listed twice"));
            }
            holidays.push(day);
        }
    }
    holidays.sort_unstable();
    holidays.dedup();
    let nps_wave_days = match &d.nps_wave_days {
        None => default.nps_wave_days,
        Some(v) => {
            let n = *v.get_ref();
            if !(0..=91).contains(&n) {
                ctx.at(
                    v.span(),
                    format!("nps_wave_days = {n} is out of range: expected 0 to 91 days"),
                );
            }
            n.clamp(0, 91) as u32
        }
    };
    Definitions {
        marketing_channels: choice(
            ctx,
            &d.marketing_channels,
            "marketing_channels",
            &[
                ("all", MarketingChannels::All),
                ("paid", MarketingChannels::Paid),
            ],
            default.marketing_channels,
        ),
        target_precedence: choice(
            ctx,
            &d.target_precedence,
            "target_precedence",
            &[
                ("plan", TargetPrecedence::Plan),
                ("charter", TargetPrecedence::Charter),
            ],
            default.target_precedence,
        ),
        holidays: Arc::from(holidays),
        nps_wave_days,
        nps_wave_quarter: choice(
            ctx,
            &d.nps_wave_quarter,
            "nps_wave_quarter",
            &[
                ("first-response", WaveQuarter::FirstResponse),
                ("last-response", WaveQuarter::LastResponse),
            ],
            default.nps_wave_quarter,
        ),
        accept_new_channels: d
            .accept_new_channels
            .as_ref()
            .map_or(default.accept_new_channels, |v| *v.get_ref()),
    }
}

/// A window field, or its default.
pub(super) fn window(
    ctx: &mut Ctx,
    value: &Option<Spanned<String>>,
    name: &str,
    forms: Forms,
    default: Window,
) -> Window {
    let Some(v) = value else { return default };
    Window::parse(v.get_ref(), forms).unwrap_or_else(|e| {
        ctx.at(v.span(), format!("{name}: {e}"));
        default
    })
}

/// The windows and minimum volume of `[controls]`.
#[derive(Debug, Clone, Copy)]
pub struct ControlWindows {
    pub sla: Window,
    pub insight_to_action: Window,
    pub adoption: Window,
    pub reconciliation: Window,
    pub cac_ltv: Window,
    pub cac_min_customers: u32,
    pub alert_min_mqls: u32,
    pub alert_min_leads: u32,
}

/// A minimum count of `[controls]`: 0 to 10000, `default` when absent.
fn minimum(ctx: &mut Ctx, v: &Option<Spanned<i64>>, name: &str, default: u32) -> u32 {
    match v {
        None => default,
        Some(v) => {
            let n = *v.get_ref();
            if !(0..=10_000).contains(&n) {
                ctx.at(
                    v.span(),
                    format!("{name} = {n} is out of range: expected 0 to 10000"),
                );
            }
            n.clamp(0, 10_000) as u32
        }
    }
}

pub(super) fn control_windows(c: &RawControls, ctx: &mut Ctx) -> ControlWindows {
    let cac_min_customers = minimum(ctx, &c.cac_min_customers, "cac_min_customers", 10);
    let alert_min_mqls = minimum(ctx, &c.alert_min_mqls, "alert_min_mqls", 5);
    let alert_min_leads = minimum(ctx, &c.alert_min_leads, "alert_min_leads", 10);
    ControlWindows {
        sla: window(
            ctx,
            &c.sla_window,
            "sla_window",
            Forms {
                quarter: true,
                month: true,
                weeks: false,
                days: true,
            },
            Window::Quarter,
        ),
        insight_to_action: window(
            ctx,
            &c.insight_to_action_window,
            "insight_to_action_window",
            Forms::ANY,
            Window::Days(90),
        ),
        adoption: window(
            ctx,
            &c.adoption_window,
            "adoption_window",
            Forms::WEEKS,
            Window::Weeks(4),
        ),
        reconciliation: window(
            ctx,
            &c.reconciliation_window,
            "reconciliation_window",
            Forms::WEEKS,
            Window::Weeks(4),
        ),
        cac_ltv: window(
            ctx,
            &c.cac_ltv_window,
            "cac_ltv_window",
            Forms::WEEKS,
            Window::Weeks(13),
        ),
        cac_min_customers,
        alert_min_mqls,
        alert_min_leads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_in_the_forms_a_field_accepts() {
        assert_eq!(Window::parse("13 weeks", Forms::ANY), Ok(Window::Weeks(13)));
        assert_eq!(Window::parse(" Quarter ", Forms::ANY), Ok(Window::Quarter));
        assert_eq!(Window::parse("1 day", Forms::ANY), Ok(Window::Days(1)));
        assert!(
            Window::parse("quarter", Forms::WEEKS)
                .unwrap_err()
                .contains("\"N weeks\"")
        );
        assert!(
            Window::parse("0 weeks", Forms::ANY)
                .unwrap_err()
                .contains("out of range")
        );
        assert!(Window::parse("13 fortnights", Forms::ANY).is_err());
        assert!(Window::parse("weeks", Forms::ANY).is_err());
        assert_eq!(Window::Weeks(13).describe(), "13 weeks");
    }
}
