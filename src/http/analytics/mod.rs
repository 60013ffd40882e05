//! The analytics pages: `/dashboard` (with a rep's page, the live widgets and their event
//! stream), `/map`, the action lists under `/insights/…`, a reseller's analytics (its profile
//! section and `/my/insights`). Every page takes the same filters ([`FilterQuery`]) from the URL.

mod catalogue;
mod cross_sell;
mod dashboard;
pub mod download;
mod insights;
mod map;
pub mod profile;
mod report;

use super::error::AppResult;
use super::AppState;
use crate::analytics::compute::period::Period;
use crate::analytics::filter::FilterQuery;
use crate::db;
use axum::routing::get;
use axum::Router;
use relais_templates::components::FilterField;
use relais_templates::i18n::{date, t, Lang};
use relais_templates::vocab;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/widgets", get(dashboard::widgets))
        .route("/dashboard/events", get(dashboard::events))
        .route("/dashboard/rep/{id}", get(dashboard::rep))
        .route("/map", get(map::page))
        .merge(insights::router())
        .merge(profile::router())
}

/// The filter bar's fields with their current values and the tenant's options.
pub async fn filter_fields(
    state: &AppState,
    tenant_id: i64,
    lang: Lang,
    q: &FilterQuery,
) -> AppResult<Vec<FilterField>> {
    let pairs = |v: Vec<String>| v.into_iter().map(|x| (x.clone(), x)).collect::<Vec<_>>();
    let managers = db::network::managers(&state.db, tenant_id)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.id.to_string(),
                if m.name.is_empty() { m.email } else { m.name },
            )
        })
        .collect();
    let products = crate::db::products::product_labels(&state.db, tenant_id).await?;
    let mut products: Vec<(String, String)> = products
        .into_values()
        .map(|p| (p.sku.clone(), format!("{} — {}", p.sku, p.name)))
        .collect();
    products.sort();
    let period_options = vec![("all".to_string(), t(lang, "analytics.all_time").to_string())];
    Ok(vec![
        FilterField::select(
            "period",
            t(lang, "analytics.period"),
            &q.period,
            period_options,
        ),
        FilterField::date("from", t(lang, "analytics.from"), &q.from),
        FilterField::date("to", t(lang, "analytics.to"), &q.to),
        FilterField::select(
            "region",
            t(lang, "field.region"),
            &q.region,
            pairs(db::network::regions(&state.db, tenant_id).await?),
        ),
        FilterField::select(
            "type",
            t(lang, "field.reseller_type"),
            &q.reseller_type,
            vocab::ResellerType::options(lang),
        ),
        FilterField::select(
            "organisation",
            t(lang, "field.organisation"),
            &q.organisation,
            vocab::BrandOrganisation::options(lang),
        ),
        FilterField::select(
            "potential",
            t(lang, "field.potential"),
            &q.potential,
            vocab::Potential::options(lang),
        ),
        FilterField::select("manager", t(lang, "field.manager"), &q.manager, managers),
        FilterField::select(
            "product",
            t(lang, "analytics.product"),
            &q.product,
            products,
        ),
        FilterField::select(
            "category",
            t(lang, "analytics.category"),
            &q.category,
            pairs(db::products::categories(&state.db, tenant_id).await?),
        ),
        FilterField::select(
            "customer_type",
            t(lang, "analytics.customer_type"),
            &q.customer_type,
            vocab::CustomerType::options(lang),
        ),
        FilterField::select(
            "channel",
            t(lang, "analytics.channel"),
            &q.channel,
            vocab::Channel::options(lang),
        ),
    ])
}

/// "1 March 2026 – 30 March 2026", or "All time".
pub fn period_label(lang: Lang, period: Option<Period>) -> String {
    match period {
        Some(p) => format!("{} – {}", date(p.from(), lang), date(p.to(), lang)),
        None => t(lang, "analytics.all_time").to_string(),
    }
}
