use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::facts::{Lead, Opportunity, Records};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
