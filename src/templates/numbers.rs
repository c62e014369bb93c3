//! The numbers of headings, items, tables and figures, counted as the templates write the
//! source: `heading_number(level)`, `item_number(k)`, `next_number("table" | "figure")`,
//! `restart_headings()`. Typst's own counters would do the same, but their values settle only
//! in a later layout pass, and every document would be laid out once more for them.

use std::sync::Mutex;

use minijinja::value::{Object, Value};
use minijinja::{Environment, Error, ErrorKind, State};

use super::numerals;
use crate::model::Numerals;
use crate::thai;

/// Makes the numbering functions available to every template.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_function("heading_number", heading_number);
    env.add_function("item_number", item_number);
    env.add_function("next_number", next_number);
    env.add_function("restart_headings", restart_headings);
}

/// The numbers handed out so far in one rendering: the heading numbers at the current point
/// (`[3, 1]` after "๓.๑") and the last table and figure numbers. Kept as a temp of the
/// render, so every included template and macro shares it and each PDF starts afresh.
#[derive(Debug, Default)]
struct Numbers(Mutex<Counts>);

#[derive(Debug, Default)]
struct Counts {
    headings: Vec<u64>,
    tables: u64,
    figures: u64,
}

impl Object for Numbers {}

fn with_counts<T>(state: &State, f: impl FnOnce(&mut Counts) -> T) -> T {
    let numbers = state.get_or_set_temp_object("ita_numbers", Numbers::default);
    let mut counts = numbers
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut counts)
}

/// "๓.๑" for `[3, 1]`; a top-level number ends in a full stop ("๓.").
fn dotted(numbers: &[u64], n: Numerals) -> String {
    let joined = numbers
        .iter()
        .map(|k| thai::digits(&k.to_string(), n))
        .collect::<Vec<_>>()
        .join(".");
    if numbers.len() == 1 {
        joined + "."
    } else {
        joined
    }
}

fn level_of(level: i64) -> Result<usize, Error> {
    match usize::try_from(level) {
        Ok(l @ 1..=6) => Ok(l),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("a heading level is 1 to 6, got {level}"),
        )),
    }
}

/// The number of the next heading at `level`, counted as Typst counts headings: deeper
/// levels start again under it, missing ones count as 0.
fn heading_number(state: &State, level: i64) -> Result<String, Error> {
    let level = level_of(level)?;
    let numbers = with_counts(state, |c| {
        c.headings.resize(c.headings.len().max(level), 0);
        c.headings[level - 1] += 1;
        c.headings.truncate(level);
        c.headings.clone()
    });
    Ok(dotted(&numbers, numerals(state)))
}

/// The number of the `k`-th item under the current heading ("๓.๑.๒").
fn item_number(state: &State, k: i64) -> Result<String, Error> {
    let k = u64::try_from(k).ok().filter(|&k| k > 0).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("an item number counts from 1, got {k}"),
        )
    })?;
    let mut numbers = with_counts(state, |c| {
        if c.headings.is_empty() {
            vec![0]
        } else {
            c.headings.clone()
        }
    });
    numbers.push(k);
    Ok(dotted(&numbers, numerals(state)))
}

/// The next number of a numbered kind: `"table"` (ตารางที่) or `"figure"` (ภาพที่). Both run
/// through the whole PDF, as in the provincial reports.
fn next_number(state: &State, kind: &str) -> Result<String, Error> {
    let n = with_counts(state, |c| {
        let count = match kind {
            "table" => &mut c.tables,
            "figure" => &mut c.figures,
            _ => return None,
        };
        *count += 1;
        Some(*count)
    });
    let n = n.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`next_number` counts \"table\" or \"figure\", got {kind:?}"),
        )
    })?;
    Ok(thai::digits(&n.to_string(), numerals(state)))
}

/// Starts heading numbers again (a document that does not continue the one before it).
fn restart_headings(state: &State) -> Value {
    with_counts(state, |c| c.headings.clear());
    Value::from(())
}
