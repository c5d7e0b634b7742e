//! Pass / warn / fail / no data: how a figure stands against its charter target.

use serde::Serialize;

use crate::charter::{Direction, Kpi};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fail,
    Warn,
    NoData,
    Pass,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::NoData => "no_data",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Judges `value` against `target`: at or past the target passes; short of it by no more
/// than `tolerance` (a fraction of the target's size) warns; beyond that fails.
pub fn judge(value: Option<f64>, target: f64, direction: Direction, tolerance: f64) -> Status {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return Status::NoData;
    };
    let band = target.abs() * tolerance;
    let shortfall = match direction {
        Direction::HigherIsBetter => target - v,
        Direction::LowerIsBetter => v - target,
    };
    if shortfall <= 0.0 {
        Status::Pass
    } else if shortfall <= band {
        Status::Warn
    } else {
        Status::Fail
    }
}

/// A figure as the charter defines it: which KPI, its value (None = no data), its
/// target and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The charter KPI whose definition this figure follows.
    pub kpi: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub status: Status,
}

impl Figure {
    /// Judges `value` against the KPI's own target, direction and tolerance.
    pub fn of(kpi: &Kpi, value: Option<f64>) -> Figure {
        Figure::against(kpi, value, kpi.target)
    }

    /// Judges `value` against another target (e.g. the plan's) with the KPI's direction
    /// and tolerance.
    pub fn against(kpi: &Kpi, value: Option<f64>, target: f64) -> Figure {
        let value = value.filter(|v| v.is_finite());
        Figure {
            kpi: kpi.id.clone(),
            value,
            target: Some(target),
            status: judge(value, target, kpi.direction, kpi.tolerance),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judging_honours_direction_and_tolerance() {
        use Direction::*;
        assert_eq!(judge(Some(0.95), 0.9, HigherIsBetter, 0.1), Status::Pass);
        assert_eq!(judge(Some(0.85), 0.9, HigherIsBetter, 0.1), Status::Warn);
        assert_eq!(judge(Some(0.7), 0.9, HigherIsBetter, 0.1), Status::Fail);
        assert_eq!(judge(Some(15.0), 14.0, LowerIsBetter, 0.15), Status::Warn);
        assert_eq!(judge(Some(20.0), 14.0, LowerIsBetter, 0.15), Status::Fail);
        assert_eq!(judge(None, 14.0, LowerIsBetter, 0.15), Status::NoData);
        assert_eq!(
            judge(Some(f64::NAN), 14.0, LowerIsBetter, 0.15),
            Status::NoData
        );
    }
}
