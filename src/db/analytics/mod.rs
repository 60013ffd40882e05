//! The SQL of the sales analytics (`crate::analytics`): the roll-ups kept in step with the
//! lines ([`rollup`]), the grouped sums every widget reads from them ([`sales`]), the reads of
//! the insights and the map ([`insights`]), the export of lines ([`export`]) and the analytics API
//! tokens ([`tokens`]). The filters themselves are plain types in `crate::analytics::filter`;
//! [`conditions`] is where they become SQL.

pub mod export;
pub mod insights;
pub mod rollup;
pub mod sales;
pub mod tokens;

use super::{Param, Where};
use crate::analytics::compute::period::Period;
use crate::analytics::filter::SalesFilter;

/// The conditions of `filter` on `s` (a roll-up), `r` (resellers) and `p` (products), tenant
/// first; the caller joins `r`/`p` when [`SalesFilter::on_reseller_attributes`] /
/// [`SalesFilter::on_product_attributes`] say so. `period` is separate from the filter's own
/// because comparisons query the previous period with the same other filters.
pub fn conditions(filter: &SalesFilter, tenant_id: i64, period: Option<Period>) -> Where {
    let mut w = Where::new();
    w.and("s.tenant_id = {}", Param::I64(tenant_id));
    if let Some(p) = period {
        w.and("s.day >= {}", Param::Date(p.from()));
        w.and("s.day <= {}", Param::Date(p.to()));
    }
    let text = |w: &mut Where, sql: &str, v: &Option<String>| {
        if let Some(v) = v {
            w.and(sql, Param::Text(v.clone()));
        }
    };
    text(&mut w, "r.region = {}", &filter.region);
    text(&mut w, "r.reseller_type = {}", &filter.reseller_type);
    text(
        &mut w,
        "r.brand_organisation = {}",
        &filter.brand_organisation,
    );
    text(&mut w, "r.potential = {}", &filter.potential);
    if let Some(m) = filter.manager_id {
        w.and("r.manager_id = {}", Param::I64(m));
    }
    if let Some(id) = filter.reseller_id {
        w.and("s.reseller_id = {}", Param::I64(id));
    }
    text(&mut w, "p.sku = {}", &filter.sku);
    text(&mut w, "p.category = {}", &filter.category);
    text(&mut w, "s.customer_type = {}", &filter.customer_type);
    text(&mut w, "s.channel = {}", &filter.channel);
    w
}
