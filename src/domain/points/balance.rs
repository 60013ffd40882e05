//! A reseller's points account: balance and first-in, first-out expiry.
//!
//! Confirmed credits form lots dated when they were booked; every debit (redemption, reversal, expiry,
//! negative correction) uses the oldest lots first, whatever it was for. Simple to explain ("your oldest
//! points are used first") and it never lets a point be both spent and expired. Pending points cannot be
//! spent and do not age: they start to age when the confirmed entry is booked.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    Pending,
    Confirmed,
    Reversed,
    Expired,
    Redeemed,
}

/// One row of a reseller's points account, across challenges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    pub id: i64,
    pub on: NaiveDate,
    /// Positive for credits, negative for debits.
    pub points: i64,
    pub state: EntryState,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// What can be spent: the sum of every entry that is not pending.
    pub available: i64,
    /// The sum of pending entries; `available + pending` is the sum of all entries.
    pub pending: i64,
    pub redeemed: i64,
    pub expired: i64,
    pub reversed: i64,
}

pub fn balance(entries: &[AccountEntry]) -> Balance {
    let mut b = Balance::default();
    for e in entries {
        match e.state {
            EntryState::Pending => b.pending += e.points,
            EntryState::Confirmed => {}
            EntryState::Reversed => b.reversed -= e.points,
            EntryState::Expired => b.expired -= e.points,
            EntryState::Redeemed => b.redeemed -= e.points,
        }
        if e.state != EntryState::Pending {
            b.available += e.points;
        }
    }
    b
}

/// How long confirmed points stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Days(u32),
    Months(u32),
}

impl Validity {
    /// The first day on which points booked on `on` are expired.
    pub fn expires_on(self, on: NaiveDate) -> NaiveDate {
        match self {
            Validity::Days(n) => on.checked_add_days(Days::new(n.into())),
            Validity::Months(n) => on.checked_add_months(Months::new(n)),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

/// Points of one lot that are due to expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expiring {
    pub lot: i64,
    pub earned_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub points: i64,
}

/// What must expire on `as_of`, lot by lot, given the entries booked up to that day (expiries already
/// booked included, so running it again after booking the result returns nothing).
pub fn expiring(entries: &[AccountEntry], validity: Validity, as_of: NaiveDate) -> Vec<Expiring> {
    let booked = entries
        .iter()
        .filter(|e| e.on <= as_of && e.state != EntryState::Pending);
    let mut lots: Vec<&AccountEntry> = booked.clone().filter(|e| e.points > 0).collect();
    lots.sort_by_key(|e| (e.on, e.id));
    let mut debits: i64 = booked.filter(|e| e.points < 0).map(|e| -e.points).sum();
    let mut due = Vec::new();
    for lot in lots {
        let used = lot.points.min(debits);
        debits -= used;
        let left = lot.points - used;
        let expires_on = validity.expires_on(lot.on);
        if left > 0 && expires_on <= as_of {
            due.push(Expiring {
                lot: lot.id,
                earned_on: lot.on,
                expires_on,
                points: left,
            });
        }
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn e(id: i64, on: NaiveDate, points: i64, state: EntryState) -> AccountEntry {
        AccountEntry {
            id,
            on,
            points,
            state,
        }
    }

    #[test]
    fn balance_sums_everything_but_pending() {
        use EntryState::*;
        let entries = [
            e(1, d(1, 5), 100, Confirmed),
            e(2, d(1, 6), 40, Pending),
            e(3, d(2, 1), -30, Redeemed),
            e(4, d(2, 2), -10, Reversed),
            e(5, d(3, 1), -20, Expired),
        ];
        let b = balance(&entries);
        // 100 − 30 − 10 − 20 = 40 available; 40 pending.
        assert_eq!(
            b,
            Balance {
                available: 40,
                pending: 40,
                redeemed: 30,
                expired: 20,
                reversed: 10
            }
        );
    }

    #[test]
    fn oldest_points_are_spent_first_and_what_is_left_of_them_expires() {
        use EntryState::*;
        let entries = [
            e(1, d(1, 10), 100, Confirmed),
            e(2, d(2, 10), 50, Confirmed),
            e(3, d(3, 1), -120, Redeemed),
            e(4, d(6, 1), 999, Pending),
        ];
        let validity = Validity::Months(3);
        // The redemption uses lot 1 (100) then 20 of lot 2: lot 2 keeps 30, which expires on 10 May.
        assert_eq!(expiring(&entries, validity, d(5, 9)), vec![]);
        let due = expiring(&entries, validity, d(5, 10));
        assert_eq!(
            due,
            vec![Expiring {
                lot: 2,
                earned_on: d(2, 10),
                expires_on: d(5, 10),
                points: 30
            }]
        );
        let mut after = entries.to_vec();
        after.push(e(5, d(5, 10), -30, Expired));
        assert_eq!(expiring(&after, validity, d(12, 31)), vec![]);
        assert_eq!(balance(&after).available, 0);
    }

    #[test]
    fn lots_expire_one_after_another() {
        use EntryState::*;
        let entries = [
            e(1, d(1, 1), 10, Confirmed),
            e(2, d(1, 20), 20, Confirmed),
            e(3, d(1, 25), -5, Reversed),
        ];
        let validity = Validity::Days(30);
        // 1 Jan + 30 days = 31 Jan: lot 1 has 10 − 5 = 5 left; lot 2 (20 Jan + 30 = 19 Feb) not yet.
        let due = expiring(&entries, validity, d(1, 31));
        assert_eq!(
            due.iter().map(|x| (x.lot, x.points)).collect::<Vec<_>>(),
            [(1, 5)]
        );
        let due = expiring(&entries, validity, d(2, 19));
        assert_eq!(
            due.iter().map(|x| (x.lot, x.points)).collect::<Vec<_>>(),
            [(1, 5), (2, 20)]
        );
    }
}
