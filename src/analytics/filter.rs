//! The one filter model of every analytics view (pages, JSON API, exports): parsed from the
//! query string and kept in links; `crate::db::analytics::conditions` turns it into SQL
//! conditions on the roll-ups.
//!
//! An empty value means "not filtered". Without `from`/`to` the range is the last 30 days
//! ending today; `period=all` clears it to all time. Unknown codes are ignored rather than
//! refused, like the network list's filters: a stale bookmark still opens.

use super::compute::period::Period;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days in the default range.
pub const DEFAULT_DAYS: i64 = 30;

/// The filters as they appear in the query string.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct FilterQuery {
    /// Inclusive ISO dates.
    pub from: String,
    pub to: String,
    /// `all` for all time (when `from` and `to` are empty).
    pub period: String,
    pub region: String,
    #[serde(rename = "type")]
    pub reseller_type: String,
    /// `mono_brand` / `multi_brand` (or the stored `mono` / `multi`).
    pub organisation: String,
    /// `a`, `b` or `c`.
    pub potential: String,
    /// A manager's user id.
    pub manager: String,
    /// A product SKU.
    pub product: String,
    pub category: String,
    pub customer_type: String,
    pub channel: String,
}

impl FilterQuery {
    /// The query pairs of the applied filters (for links that keep them).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("period", &self.period),
            ("region", &self.region),
            ("type", &self.reseller_type),
            ("organisation", &self.organisation),
            ("potential", &self.potential),
            ("manager", &self.manager),
            ("product", &self.product),
            ("category", &self.category),
            ("customer_type", &self.customer_type),
            ("channel", &self.channel),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    /// Resolves the query into the filter applied to data, `today` in the tenant's time zone.
    pub fn resolve(&self, today: NaiveDate) -> SalesFilter {
        let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let (from, to) = (date(&self.from), date(&self.to));
        let period = match (from, to) {
            (None, None) if self.period == "all" => None,
            (None, None) => Some((today - Duration::days(DEFAULT_DAYS - 1), today)),
            (Some(f), None) => Some((f, today.max(f))),
            (None, Some(t)) => Some((NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(t).min(t), t)),
            (Some(f), Some(t)) => Some((f.min(t), t.max(f))),
        };
        let keep = |s: &str, allowed: &[&str]| {
            let s = s.trim();
            allowed.contains(&s).then(|| s.to_string())
        };
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        SalesFilter {
            period: period.and_then(|(f, t)| Period::new(f, t).ok()),
            region: text(&self.region),
            reseller_type: keep(
                &self.reseller_type,
                &["distributor", "reseller", "franchisee"],
            ),
            brand_organisation: match self.organisation.trim() {
                "mono" | "mono_brand" => Some("mono".into()),
                "multi" | "multi_brand" => Some("multi".into()),
                _ => None,
            },
            potential: keep(&self.potential.to_uppercase(), &["A", "B", "C"]),
            manager_id: self.manager.trim().parse().ok(),
            sku: text(&self.product),
            category: text(&self.category),
            customer_type: keep(
                &self.customer_type,
                &["individual", "landscaper", "local_authority", "business"],
            ),
            channel: keep(&self.channel, &["store", "online"]),
            reseller_id: None,
        }
    }
}

/// The filter applied to the data. `reseller_id` is never taken from the URL: handlers set
/// it to scope a reseller's own views.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesFilter {
    /// `None` is all time.
    pub period: Option<Period>,
    pub region: Option<String>,
    pub reseller_type: Option<String>,
    pub brand_organisation: Option<String>,
    pub potential: Option<String>,
    pub manager_id: Option<i64>,
    pub sku: Option<String>,
    pub category: Option<String>,
    pub customer_type: Option<String>,
    pub channel: Option<String>,
    pub reseller_id: Option<i64>,
}

impl SalesFilter {
    pub fn all_time() -> Self {
        SalesFilter::default()
    }

    pub fn on_reseller_attributes(&self) -> bool {
        self.region.is_some()
            || self.reseller_type.is_some()
            || self.brand_organisation.is_some()
            || self.potential.is_some()
            || self.manager_id.is_some()
            || self.reseller_id.is_some()
    }

    pub fn on_product_attributes(&self) -> bool {
        self.sku.is_some() || self.category.is_some()
    }

    pub fn on_line_attributes(&self) -> bool {
        self.customer_type.is_some() || self.channel.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn default_is_the_last_30_days_and_all_clears_it() {
        let today = d("2026-03-31");
        let f = FilterQuery::default().resolve(today);
        let p = f.period.unwrap();
        assert_eq!((p.from(), p.to()), (d("2026-03-02"), today));
        let all = FilterQuery {
            period: "all".into(),
            ..Default::default()
        }
        .resolve(today);
        assert_eq!(all.period, None);
    }

    #[test]
    fn unknown_codes_are_ignored_and_swapped_dates_repaired() {
        let q = FilterQuery {
            from: "2026-02-10".into(),
            to: "2026-02-01".into(),
            channel: "fax".into(),
            organisation: "mono_brand".into(),
            potential: "a".into(),
            ..Default::default()
        };
        let f = q.resolve(d("2026-03-31"));
        let p = f.period.unwrap();
        assert_eq!((p.from(), p.to()), (d("2026-02-01"), d("2026-02-10")));
        assert_eq!(f.channel, None);
        assert_eq!(f.brand_organisation.as_deref(), Some("mono"));
        assert_eq!(f.potential.as_deref(), Some("A"));
    }
}
