//! Test helpers shared by the demo's files: the default-seed sample, generated once, and
//! its files parsed.

use std::sync::OnceLock;

use super::generate::{DEFAULT_SEED, SAMPLE_TODAY, generate};
use super::truth::CHANNELS;

/// The default-seed files, generated once for all tests.
pub(super) fn sample() -> &'static [(&'static str, String)] {
    static SAMPLE: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(DEFAULT_SEED, SAMPLE_TODAY))
}

/// A parsed sample file.
pub(super) struct Table {
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
}

impl Table {
    /// The default-seed sample's file `name`.
    pub(super) fn of(name: &str) -> Table {
        let text = &sample()
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a sample file")
            .1;
        Table::parse(text)
    }

    /// CSV text, parsed.
    pub(super) fn parse(text: &str) -> Table {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        Table { header, rows }
    }

    pub(super) fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

impl Table {
    /// Of a channels.csv: one channel's column over the 104 weeks, in week order.
    pub(super) fn series(&self, channel: &str, column: &str) -> Vec<f64> {
        let (c, v) = (self.col("channel"), self.col(column));
        self.rows
            .iter()
            .filter(|r| r[c] == channel)
            .map(|r| r[v].parse().unwrap_or(0.0))
            .collect()
    }

    /// Of a channels.csv: the sum over channels of a column, per week.
    pub(super) fn weekly_totals(&self, column: &str) -> Vec<f64> {
        let v = self.col(column);
        self.rows
            .chunks(CHANNELS.len())
            .map(|week| week.iter().map(|r| r[v].parse::<f64>().unwrap()).sum())
            .collect()
    }

    /// As `weekly_totals`, an empty cell (no sessions) counting 0.
    pub(super) fn weekly_totals_or_zero(&self, column: &str) -> Vec<f64> {
        let v = self.col(column);
        self.rows
            .chunks(CHANNELS.len())
            .map(|week| {
                week.iter()
                    .map(|r| r[v].parse::<f64>().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }
}

pub(super) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

pub(super) fn median(xs: &[f64]) -> f64 {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0
}

/// Sum over channels of a column of the sample, per week.
pub(super) fn weekly_totals(column: &str) -> Vec<f64> {
    Table::of("channels.csv").weekly_totals(column)
}
