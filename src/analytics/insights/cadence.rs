//! Declaration cadence per reseller and the list of cadence alerts.
//!
//! A declaration day is the day (in the tenant's time zone) a declaration holding at least
//! one approved line was submitted: cadence is about when a reseller declares, not about its
//! sale dates (a monthly declarer sells every day). Only the reseller attributes of the
//! filter apply; product, customer and channel filters say nothing about that rhythm.

use crate::analytics::compute::cadence::{cadence, Cadence, ALERT_FACTOR};
use crate::analytics::filter::SalesFilter;
use crate::db::analytics::insights::declarations_with_approved_lines;
use crate::db::network::{reseller_labels, ResellerLabel};
use crate::db::Db;
use chrono::{DateTime, Days, NaiveDate};
use std::collections::HashMap;

/// Each reseller's declaration days (sorted, distinct) up to now.
pub async fn declaration_days(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    time_zone: &str,
) -> Result<HashMap<i64, Vec<NaiveDate>>, sqlx::Error> {
    let on_resellers = SalesFilter {
        region: filter.region.clone(),
        reseller_type: filter.reseller_type.clone(),
        brand_organisation: filter.brand_organisation.clone(),
        potential: filter.potential.clone(),
        manager_id: filter.manager_id,
        reseller_id: filter.reseller_id,
        ..SalesFilter::default()
    };
    let rows = declarations_with_approved_lines(db, tenant_id, &on_resellers).await?;
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let mut days: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (reseller, ts) in rows {
        let Some(at) = DateTime::from_timestamp(ts, 0) else {
            continue;
        };
        let day = at.with_timezone(&tz).date_naive();
        let list = days.entry(reseller).or_default();
        if list.last() != Some(&day) {
            list.push(day);
        }
    }
    Ok(days)
}

/// A reseller's cadence as of `today`.
pub async fn of_reseller(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    today: NaiveDate,
    time_zone: &str,
) -> Result<Cadence, sqlx::Error> {
    let filter = SalesFilter {
        reseller_id: Some(reseller_id),
        ..SalesFilter::default()
    };
    let days = declaration_days(db, tenant_id, &filter, time_zone).await?;
    Ok(cadence(
        days.get(&reseller_id).map_or(&[][..], Vec::as_slice),
        today,
    ))
}

/// The first day the current gap exceeded twice the usual one.
pub fn alert_since(c: &Cadence) -> Option<NaiveDate> {
    let (last, median) = (c.last_declaration?, c.median_gap_days?);
    let days = (median * ALERT_FACTOR).floor() as u64 + 1;
    last.checked_add_days(Days::new(days))
}

#[derive(Debug, Clone)]
pub struct CadenceAlert {
    pub reseller: ResellerLabel,
    pub cadence: Cadence,
    pub since: Option<NaiveDate>,
}

/// Resellers late against their own cadence, the newest alerts first.
pub async fn alerts(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    today: NaiveDate,
    time_zone: &str,
) -> Result<Vec<CadenceAlert>, sqlx::Error> {
    let days = declaration_days(db, tenant_id, filter, time_zone).await?;
    let labels = reseller_labels(db, tenant_id).await?;
    let mut list: Vec<CadenceAlert> = days
        .iter()
        .filter_map(|(id, days)| {
            let c = cadence(days, today);
            let reseller = labels.get(id).filter(|_| c.alert)?.clone();
            Some(CadenceAlert {
                reseller,
                since: alert_since(&c),
                cadence: c,
            })
        })
        .collect();
    list.sort_by(|a, b| {
        b.since
            .cmp(&a.since)
            .then_with(|| a.reseller.code.cmp(&b.reseller.code))
    });
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn alert_starts_the_first_day_the_gap_exceeds_twice_the_usual_one() {
        let days = [d("2026-03-01"), d("2026-03-08"), d("2026-03-15")];
        let c = cadence(&days, d("2026-04-10"));
        // Usual 7 days: 14 days after the 15th is still on time, the 30th is late.
        assert_eq!(alert_since(&c), Some(d("2026-03-30")));
        assert!(!cadence(&days, d("2026-03-29")).alert);
        assert!(cadence(&days, d("2026-03-30")).alert);
        // Half-day medians round the threshold down: 2 × 7.5 = 15, late from day 16.
        let days = [d("2026-03-01"), d("2026-03-08"), d("2026-03-16")];
        assert_eq!(
            alert_since(&cadence(&days, d("2026-05-01"))),
            Some(d("2026-04-01"))
        );
    }
}
