//! What the sales roll-ups are told when lines change: the [`Scope`] of a change, and the
//! [`Added`] sums of a commit's new approved lines, gathered while they are written. The SQL
//! that keeps the roll-ups is `crate::db::analytics::rollup`.

use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};

/// Which lines changed.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A reseller's lines dated in `[from, to]` (a commit, a replaced period).
    Range {
        reseller_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Every line of an import (an undo).
    Import(i64),
    /// Lines by id (a review decision).
    Lines(&'a [i64]),
}

/// Quantity, amount and line count of a group of lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub quantity: i64,
    pub amount_cents: i64,
    pub lines: i64,
}

impl Sums {
    pub fn add(&mut self, o: Sums) {
        self.quantity += o.quantity;
        self.amount_cents += o.amount_cents;
        self.lines += o.lines;
    }
}

/// A `sales_daily` key within one reseller and source: day, product, customer type (an index
/// into `Added::types`) and channel (`""` when unknown, as in the table).
type DailyKey = (NaiveDate, i64, u32, &'static str);

/// The approved lines that one commit adds, summed as `sales_daily` groups them. Memory is
/// bounded: past `max_groups` groups (or distinct customer types) it stops counting and
/// [`Added::is_complete`] turns false, and the caller refreshes the range from the lines.
#[derive(Debug)]
pub struct Added {
    types: Vec<String>,
    type_index: HashMap<String, u32>,
    sums: HashMap<DailyKey, Sums>,
    max_groups: usize,
    overflow: bool,
}

/// The default bound on groups: about 20 MB of sums. A month of 5,000 products sold to four
/// kinds of customers in two channels is well inside it.
pub const MAX_GROUPS: usize = 250_000;

impl Default for Added {
    fn default() -> Self {
        Added::with_limit(MAX_GROUPS)
    }
}

impl Added {
    pub fn with_limit(max_groups: usize) -> Self {
        Added {
            types: Vec::new(),
            type_index: HashMap::new(),
            sums: HashMap::new(),
            max_groups,
            overflow: false,
        }
    }

    /// Counts one approved line.
    pub fn line(
        &mut self,
        day: NaiveDate,
        product_id: i64,
        customer_type: Option<&str>,
        channel: Option<&'static str>,
        quantity: i64,
        amount_cents: i64,
    ) {
        if self.overflow {
            return;
        }
        let t = customer_type.unwrap_or("");
        let ty = match self.type_index.get(t) {
            Some(&i) => i,
            None => {
                let i = self.types.len() as u32;
                self.types.push(t.to_string());
                self.type_index.insert(t.to_string(), i);
                i
            }
        };
        let key = (day, product_id, ty, channel.unwrap_or(""));
        self.sums.entry(key).or_default().add(Sums {
            quantity,
            amount_cents,
            lines: 1,
        });
        if self.sums.len() + self.types.len() > self.max_groups {
            // Give the memory back at once: the caller will read the lines instead.
            *self = Added {
                overflow: true,
                ..Added::with_limit(self.max_groups)
            };
        }
    }

    /// False when there were too many groups to keep: refresh from the lines instead.
    pub fn is_complete(&self) -> bool {
        !self.overflow
    }

    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// The groups in key order (a stable order of upserts, so that concurrent commits on
    /// PostgreSQL lock shared rows in the same order).
    pub fn groups(&self) -> Vec<(NaiveDate, i64, &str, &'static str, Sums)> {
        let mut g: Vec<_> = self
            .sums
            .iter()
            .map(|(&(d, p, t, c), &s)| (d, p, self.types[t as usize].as_str(), c, s))
            .collect();
        g.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn added_lines_are_summed_by_roll_up_key_in_key_order() {
        let mut a = Added::default();
        a.line(day(2), 7, Some("individual"), Some("store"), 2, 500);
        a.line(day(1), 7, None, None, 1, 100);
        a.line(day(2), 7, Some("individual"), Some("store"), 3, 700);
        a.line(day(2), 7, Some("business"), Some("store"), 1, 10);
        let groups = a.groups();
        let keys: Vec<_> = groups.iter().map(|g| (g.0, g.1, g.2, g.3)).collect();
        assert_eq!(
            keys,
            [
                (day(1), 7, "", ""),
                (day(2), 7, "business", "store"),
                (day(2), 7, "individual", "store"),
            ]
        );
        let s = Sums {
            quantity: 5,
            amount_cents: 1200,
            lines: 2,
        };
        assert_eq!(groups[2].4, s);
        assert!(a.is_complete() && !a.is_empty());
    }

    #[test]
    fn added_gives_up_past_its_bound_and_stays_given_up() {
        // Two groups and one customer type fill a bound of three.
        let mut a = Added::with_limit(3);
        for p in 0..2 {
            a.line(day(1), p, Some("individual"), None, 1, 1);
            assert!(a.is_complete(), "{p}");
        }
        a.line(day(1), 2, Some("individual"), None, 1, 1);
        assert!(!a.is_complete());
        assert!(a.is_empty());
        a.line(day(1), 0, Some("individual"), None, 1, 1);
        assert!(!a.is_complete() && a.is_empty());
    }
}
