//! The upsert statements each kind's table is written with, and the natural-key check
//! across a file's rows.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::cells::Cell;
use super::{Kind, KindDef, RowError};

pub(super) fn key_hash(cells: &[Cell]) -> u128 {
    let mut halves = [0u64; 2];
    for (salt, half) in halves.iter_mut().enumerate() {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        for cell in cells {
            match cell {
                Cell::Null => 0u8.hash(&mut h),
                Cell::Int(i) => (1u8, i).hash(&mut h),
                Cell::Real(f) => (2u8, f.to_bits()).hash(&mut h),
                Cell::Text(s) => (3u8, *s).hash(&mut h),
                Cell::Owned(s) => (3u8, s.as_str()).hash(&mut h),
            }
        }
        *half = h.finish();
    }
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

pub(super) fn insert_sql(def: &KindDef) -> String {
    let names: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT OR IGNORE INTO {} ({}) VALUES ({})",
        def.table,
        names.join(", "),
        marks.join(", ")
    )
}

/// Updates the row with the same key only where a value differs, so `changes()` tells
/// updated (1) from unchanged (0).
pub(super) fn update_sql(def: &KindDef) -> String {
    let at = |i: usize| format!("?{}", i + 1);
    let sets: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", c.name, at(def.key_len + i)))
        .collect();
    let keys: Vec<String> = def.columns[..def.key_len]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", c.name, at(i)))
        .collect();
    let differs: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} IS NOT {}", c.name, at(def.key_len + i)))
        .collect();
    format!(
        "UPDATE {} SET {} WHERE {} AND ({})",
        def.table,
        sets.join(", "),
        keys.join(" AND "),
        differs.join(" OR ")
    )
}

/// Rows whose natural key an earlier row of the file already had.
pub(super) fn duplicate_keys(kind: Kind, mut keys: Vec<(u128, u64)>) -> Vec<RowError> {
    keys.sort_unstable();
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| RowError {
            line: w[1].1,
            column: None,
            value: String::new(),
            reason: format!(
                "duplicate natural key ({}): line {} has the same key",
                super::kinds::key_names(kind).join(", "),
                w[0].1
            ),
        })
        .collect()
}
