//! Points expiry, oldest first. Each confirmed credit (a lot) carries its own `expires_on` (the
//! challenge's validity or the tenant's, fixed when it was booked); every debit — redemption,
//! reversal, earlier expiry — uses the oldest lots first, as `domain::points::balance::expiring`
//! does with one validity for all. Whatever is left of a lot past its date expires.

use crate::db::points::{self as ledger_db, AccountRow, Exec, NewEntry};
use crate::db::{network, Db};
use chrono::NaiveDate;

/// Points due to expire on `as_of`, per lot: (lot id, points).
///
/// Spending debits (redemptions, reversals) are applied in booking order to the oldest lots
/// still valid on their day; a lot's rest expires on its own date. The expiries already booked
/// are matched to the lots that expired first — never used as spending, or points booked later
/// but expiring sooner would be counted as unspent and expire a second time.
pub fn due(rows: &[AccountRow], as_of: NaiveDate) -> Vec<(i64, i64)> {
    let booked: Vec<&AccountRow> = rows
        .iter()
        .filter(|e| e.booked_on <= as_of && e.state != "pending")
        .collect();
    let mut lots: Vec<(&AccountRow, i64)> = booked
        .iter()
        .filter(|e| e.points > 0)
        .map(|e| (*e, e.points))
        .collect();
    lots.sort_by_key(|(e, _)| (e.booked_on, e.id));
    let mut debits: Vec<&AccountRow> = booked
        .iter()
        .filter(|e| e.points < 0 && e.state != "expired")
        .copied()
        .collect();
    debits.sort_by_key(|e| (e.booked_on, e.id));
    for debit in debits {
        let mut left = -debit.points;
        // Lots valid on the debit's day first; beyond them (a reversal of points that have
        // since expired), any lot.
        for valid_only in [true, false] {
            for (lot, rest) in lots.iter_mut() {
                let valid = lot.booked_on <= debit.booked_on
                    && lot.expires_on.is_none_or(|x| x > debit.booked_on);
                if left == 0 || (valid_only && !valid) {
                    continue;
                }
                let used = (*rest).min(left);
                *rest -= used;
                left -= used;
            }
        }
    }
    let mut expired: i64 = booked
        .iter()
        .filter(|e| e.points < 0 && e.state == "expired")
        .map(|e| -e.points)
        .sum();
    let mut expiring: Vec<(&AccountRow, i64)> = lots
        .into_iter()
        .filter(|(lot, rest)| *rest > 0 && lot.expires_on.is_some_and(|d| d <= as_of))
        .collect();
    expiring.sort_by_key(|(lot, _)| (lot.expires_on, lot.booked_on, lot.id));
    let mut out = Vec::new();
    for (lot, rest) in expiring {
        let already = rest.min(expired);
        expired -= already;
        if rest > already {
            out.push((lot.id, rest - already));
        }
    }
    out
}

/// Books the expiry of every point past its validity on `today` (the tenant's day); returns the
/// points expired. Idempotent: the booked expiries are debits, so a second run finds nothing.
pub async fn expire_due(db: &Db, tenant_id: i64, today: NaiveDate) -> Result<i64, sqlx::Error> {
    let mut total = 0;
    for reseller_id in ledger_db::resellers_with_expiring(db, tenant_id, today).await? {
        let mut tx = db.begin().await?;
        network::lock_resellers(&mut tx, tenant_id, &[reseller_id]).await?;
        let rows = ledger_db::account(Exec::Tx(&mut tx), tenant_id, reseller_id).await?;
        let entries: Vec<NewEntry> = due(&rows, today)
            .into_iter()
            .map(|(_, points)| NewEntry {
                reseller_id,
                challenge_id: None,
                version: None,
                line_id: None,
                kind: "expiry",
                rule_index: None,
                state: "expired",
                points: -points,
                reason: "expired",
                basis: None,
                rate: None,
                factor_permille: None,
                capped_by: None,
                redemption_id: None,
                booked_on: today,
                expires_on: None,
            })
            .collect();
        total += entries.iter().map(|e| -e.points).sum::<i64>();
        ledger_db::insert(&mut tx, tenant_id, &entries).await?;
        tx.commit().await?;
    }
    Ok(total)
}

/// Points of a reseller that will expire within `days` after `as_of` unless spent first.
pub async fn expiring_within(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    as_of: NaiveDate,
    days: u64,
) -> Result<i64, sqlx::Error> {
    let rows = ledger_db::account(Exec::Db(db), tenant_id, reseller_id).await?;
    let horizon = as_of
        .checked_add_days(chrono::Days::new(days))
        .unwrap_or(as_of);
    Ok(due(&rows, horizon).iter().map(|(_, p)| p).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: i64,
        on: (u32, u32),
        points: i64,
        state: &str,
        expires: Option<(u32, u32)>,
    ) -> AccountRow {
        let d = |(m, day): (u32, u32)| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        AccountRow {
            id,
            booked_on: d(on),
            points,
            state: state.into(),
            expires_on: expires.map(d),
        }
    }

    #[test]
    fn debits_use_the_oldest_lots_and_the_rest_expires_on_its_own_date() {
        let rows = vec![
            row(1, (1, 10), 100, "confirmed", Some((4, 10))),
            row(2, (2, 10), 50, "confirmed", Some((3, 1))),
            row(3, (2, 20), -120, "redeemed", None),
            row(4, (2, 21), 40, "pending", None),
        ];
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // The redemption takes lot 1 (100) and 20 of lot 2, whose 30 left expire on 1 March.
        assert_eq!(due(&rows, d(2, 28)), vec![]);
        assert_eq!(due(&rows, d(3, 1)), vec![(2, 30)]);
        let mut after = rows.clone();
        after.push(row(5, (3, 1), -30, "expired", None));
        assert_eq!(due(&after, d(12, 31)), vec![]);
    }

    #[test]
    fn points_booked_later_but_expiring_sooner_expire_once() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let mut rows = vec![
            row(1, (1, 10), 100, "confirmed", Some((12, 1))),
            row(2, (2, 10), 50, "confirmed", Some((3, 1))),
        ];
        assert_eq!(due(&rows, d(3, 1)), vec![(2, 50)]);
        rows.push(row(3, (3, 1), -50, "expired", None));
        // The next day, the booked expiry is not spending of lot 1: nothing more is due.
        assert_eq!(due(&rows, d(3, 2)), vec![]);
        // A redemption on 5 March cannot use the expired lot: it takes lot 1.
        rows.push(row(4, (3, 5), -60, "redeemed", None));
        assert_eq!(due(&rows, d(12, 1)), vec![(1, 40)]);
    }
}
