//! The demo: the generated history behind `rhythm demo` and data/sample/ (`generate`, one
//! file per CSV it writes, all simulated by `model::simulate` and `model::adstock`, and
//! `dates`, which moves it to the day the demo is built), and a store at scale for the
//! benchmarks (`scale`).

pub mod generate;
pub mod scale;

mod channels;
#[cfg(test)]
mod current;
mod dates;
mod deliveries;
mod kpis;
mod media;
mod nps;
mod plan;
mod reconciliation;
mod records;
mod spend;
#[cfg(test)]
mod testing;
mod truth;
mod usage;
mod world;
