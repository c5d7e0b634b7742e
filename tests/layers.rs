//! The floors of `src/` only look down (ARCHITECTURE.md, "Floors"). This test reads every
//! `crate::` path in the source — `use` lines, `use crate::{a, b::c}` groups and paths in
//! expressions — and fails on a reference to a floor that is not below the file's own,
//! then on any circle in the graph that remains.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level module of `src/`, bottom up, and the floors below it that it may use.
/// `calendar` (dates), `format` (numbers as text) and `text` (others' text made safe to
/// show) are leaves every floor may use.
/// Keep in step with ARCHITECTURE.md.
const LAYERS: &[(&str, &[&str])] = &[
    ("calendar", &[]),
    ("format", &[]),
    ("text", &[]),
    ("workspace", &[]),
    ("charter", &[]),
    ("facts", &["charter"]),
    ("model", &["facts", "charter"]),
    ("rhythm", &["model", "facts", "charter"]),
    ("present", &["rhythm", "model", "facts", "charter"]),
    ("store", &["facts", "charter"]),
    ("ingest", &["store", "facts", "charter"]),
    ("demo", &["ingest", "store", "model", "facts", "charter"]),
    (
        "tui",
        &[
            "present",
            "rhythm",
            "model",
            "facts",
            "store",
            "ingest",
            "charter",
            "workspace",
        ],
    ),
    (
        "cli",
        &[
            "tui",
            "demo",
            "present",
            "rhythm",
            "model",
            "facts",
            "store",
            "ingest",
            "charter",
            "workspace",
        ],
    ),
];

/// The leaves: every floor above them may use them; they use nothing.
const LEAVES: &[&str] = &["calendar", "format", "text"];

/// The top-level modules named after `crate::` in `text`, with the line of each. Reads
/// the whole file, so a `use crate::{…}` group split over lines counts; `//` comments do
/// not count.
fn crate_references(text: &str) -> Vec<(usize, String)> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find("crate::") {
        let at = from + i;
        let after = at + "crate::".len();
        from = after;
        let rest = &code[after..];
        let Some(group) = rest.strip_prefix('{') else {
            let name = ident(rest);
            if !name.is_empty() {
                found.push((line_of(at), name));
            }
            continue;
        };
        // `crate::{a::X, b, c::{D, E}}`: the first segment of each top-level item.
        let mut depth = 0;
        let mut item_start = true;
        for (j, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if item_start && (c.is_alphanumeric() || c == '_') => {
                    found.push((line_of(after + 1 + j), ident(&group[j..])));
                    item_start = false;
                }
                c if c.is_whitespace() => {}
                _ => item_start = false,
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to; None for lib.rs and main.rs.
fn floor_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

#[test]
fn no_floor_imports_a_floor_above_it_and_there_are_no_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, BTreeSet<&str>> = LAYERS
        .iter()
        .map(|(m, deps)| {
            let mut may: BTreeSet<&str> = deps.iter().copied().collect();
            if !LEAVES.contains(m) {
                may.extend(LEAVES);
            }
            (*m, may)
        })
        .collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();

    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &files {
        let Some(floor) = floor_of(&src, file) else {
            continue;
        };
        let Some(may_use) = allowed.get(floor.as_str()) else {
            problems.push(format!(
                "{}: module `{floor}` is not in LAYERS",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for (line, target) in crate_references(&text) {
            if target == floor {
                continue;
            }
            graph
                .entry(floor.clone())
                .or_default()
                .insert(target.clone());
            if !may_use.contains(target.as_str()) {
                problems.push(format!(
                    "{}:{line}: `{floor}` uses `crate::{target}`, which is not below it",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }

    // A circle in what the code really does (independent of the table above).
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == n) {
            circles.push(format!("{} -> {n}", stack[at..].join(" -> ")));
            return;
        }
        if !done.insert(n.to_string()) {
            return;
        }
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            visit(m, graph, stack, done, circles);
        }
        stack.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        visit(n, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    problems.extend(circles.into_iter().map(|c| format!("circle: {c}")));
    assert!(
        problems.is_empty(),
        "{} layer problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The types `impl` blocks in `text` are for: `impl X`, `impl Trait for X`, generics and
/// lifetimes stripped.
fn impl_targets(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("impl"))
        .filter(|rest| rest.starts_with([' ', '<']))
        .map(|rest| {
            // Skip the impl's own generics: `impl<'a, T> …`.
            let rest = match rest.strip_prefix('<') {
                Some(r) => r.split_once('>').map_or(r, |(_, after)| after),
                None => rest,
            };
            let target = rest.rsplit(" for ").next().unwrap_or(rest).trim();
            let path = target
                .trim_start_matches('&')
                .split(['<', ' ', '{'])
                .next()
                .unwrap_or("");
            path.rsplit("::").next().unwrap_or("").to_string()
        })
        .collect()
}

/// The structs and enums a text defines.
fn defined_types(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub(super) "))
                .unwrap_or(l);
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("struct ")
                .or_else(|| l.strip_prefix("enum "))
        })
        .map(|r| {
            r.split(['<', ' ', '(', '{', ';'])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn no_floor_adds_methods_or_traits_to_another_floors_types() {
    // A `Display`, a `Serialize` or an inherent method written in one floor for a type of
    // another can be called wherever the type is, without naming that floor: an arrow no
    // `use` shows. So each floor implements only for its own types (and std's).
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let texts: Vec<(std::path::PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let t = fs::read_to_string(&f).unwrap();
            (f, t)
        })
        .collect();
    let mut owner: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &texts {
        if let Some(floor) = floor_of(&src, file) {
            for t in defined_types(text) {
                owner.entry(t).or_default().insert(floor.clone());
            }
        }
    }
    let mut foreign = Vec::new();
    for (file, text) in &texts {
        let Some(floor) = floor_of(&src, file) else {
            continue;
        };
        for target in impl_targets(text) {
            // Types no floor defines (std's, other crates') are not ours to police.
            if let Some(floors) = owner.get(&target)
                && !floors.contains(&floor)
            {
                foreign.push(format!(
                    "{}: `{floor}` implements for `{target}`, a type of {floors:?}",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(foreign.is_empty(), "{}", foreign.join("\n"));
}

#[test]
fn the_impl_reader_names_the_target_type() {
    let text = "impl fmt::Display for DetailText<'_> {\nimpl<'a> Foo for crate::rhythm::Alert {\nimpl Recommendation {\nimpl<T> Wrap<T> {\n";
    assert_eq!(
        impl_targets(text),
        ["DetailText", "Alert", "Recommendation", "Wrap"]
    );
}

#[test]
fn the_reference_reader_sees_groups_and_paths() {
    let text = "use crate::{charter::Charter, model::{self, fit}, rhythm};\nlet x = crate::store::open(); // crate::tui\nuse crate::{\n    present::x,\n    tui,\n};\n";
    let found = crate_references(text);
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        ["charter", "model", "rhythm", "store", "present", "tui"]
    );
    assert_eq!(
        found[4].0, 4,
        "the line of an item in a group split over lines"
    );
}
