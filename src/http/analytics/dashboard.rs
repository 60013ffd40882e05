//! `/dashboard`, its live widgets (`/dashboard/widgets`, reloaded when `/dashboard/events`
//! announces new sales) and a channel manager's page (`/dashboard/rep/{id}`).

use super::download::{self, DownloadQuery};
use super::{filter_fields, period_label};
use crate::analytics::dashboard::{self as widgets, BestSeller, Dashboard};
use crate::analytics::events::SalesChanged;
use crate::analytics::filter::FilterQuery;
use crate::http::ctx::Staff;
use crate::http::error::{AppError, AppResult};
use crate::http::views::today;
use crate::http::{chrome_for, AppState};
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use relais_templates::charts::WeekValue;
use relais_templates::components::url_with_query;
use relais_templates::i18n::{iso_week, t, Lang};
use relais_templates::pages::analytics::{
    self as view, BestSellerRow, DashboardView, Downloads, RepPageView, RepRow, SelfServiceRow,
};
use relais_templates::vocab;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// Best-sellers shown on the page (the API and exports have them all).
const TOP_PRODUCTS: usize = 20;

async fn build(state: &AppState, staff: &Staff, q: &FilterQuery) -> AppResult<DashboardView> {
    let t_ = &staff.tenant;
    let lang = staff.ctx.lang;
    let filter = q.resolve(today(&t_.time_zone));
    let d: Dashboard = widgets::dashboard(&state.db, t_.id, &filter).await?;
    let keep: Vec<(&str, String)> = q.pairs();
    let segment = |code: &str| {
        vocab::ResellerType::parse(code).map_or(code.to_string(), |v| v.label(lang).to_string())
    };
    let ss_row = |r: &widgets::SelfServiceRow, label: String| SelfServiceRow {
        label,
        self_service_lines: r.self_service_lines,
        staff_lines: r.staff_lines,
        share: r.share,
    };
    Ok(DashboardView {
        filters: filter_fields(state, t_.id, lang, q).await?,
        currency: t_.currency.clone(),
        period_label: period_label(lang, d.period),
        total_amount_cents: d.total.amount_cents,
        total_quantity: d.total.quantity,
        total_lines: d.total.lines,
        reps: d
            .by_rep
            .iter()
            .map(|r| RepRow {
                name: if r.manager_name.is_empty() {
                    t(lang, "analytics.unassigned").into()
                } else {
                    r.manager_name.clone()
                },
                href: r
                    .manager_id
                    .map(|id| url_with_query(&format!("/dashboard/rep/{id}"), &keep)),
                amount_cents: r.amount_cents,
                share: r.share,
            })
            .collect(),
        best_sellers: d
            .best_sellers
            .iter()
            .take(TOP_PRODUCTS)
            .map(best_seller_row)
            .collect(),
        weeks: d
            .weekly
            .iter()
            .map(|w| WeekValue {
                week: w.week_start,
                value: w.amount,
                previous_year: w.previous_year_amount,
            })
            .collect(),
        self_service: ss_row(&d.self_service.overall, String::new()),
        self_service_weeks: d
            .self_service
            .by_week
            .iter()
            .map(|r| ss_row(r, week_label(&r.key, lang)))
            .collect(),
        self_service_segments: d
            .self_service
            .by_segment
            .iter()
            .map(|r| ss_row(r, segment(&r.key)))
            .collect(),
        widgets_url: url_with_query("/dashboard/widgets", &keep),
        downloads: Downloads {
            path: "/dashboard/widgets".into(),
            query: keep
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        },
    })
}

fn week_label(monday: &str, lang: Lang) -> String {
    chrono::NaiveDate::parse_from_str(monday, "%Y-%m-%d")
        .map_or(monday.to_string(), |d| iso_week(d, lang))
}

pub fn best_seller_row(b: &BestSeller) -> BestSellerRow {
    BestSellerRow {
        sku: b.sku.clone(),
        name: b.name.clone(),
        quantity: b.quantity,
        quantity_share: b.quantity_share,
        amount_cents: b.amount_cents,
        share: b.share,
        previous_amount_cents: b.previous_amount_cents,
        change_pct: b.change_pct,
    }
}

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let v = build(&state, &staff, &q).await?;
    if dl.requested() {
        return download::respond(
            staff.ctx.lang,
            &view::dashboard_exports(staff.ctx.lang, &v),
            &dl,
        )
        .await;
    }
    Ok(view::dashboard(&chrome_for(&staff.ctx), &v).into_response())
}

/// The widgets alone, for the live reload; `?download=ID&format=…` returns one of their
/// charts (PNG, PDF) or tables (CSV, XLSX).
pub async fn widgets(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let v = build(&state, &staff, &q).await?;
    let lang = staff.ctx.lang;
    if dl.requested() {
        return download::respond(lang, &view::dashboard_exports(lang, &v), &dl).await;
    }
    Ok(view::dashboard_widgets(lang, &v).into_response())
}

/// Server-sent events: one `sales` event each time the tenant's sales change.
pub async fn events(
    State(state): State<AppState>,
    staff: Staff,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    let tenant_id = staff.tenant.id;
    let rx = state.events.subscribe();
    let stream = futures::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(SalesChanged { tenant_id: t }) if t == tenant_id => break,
                // Missed events: reloading once covers them all.
                Err(RecvError::Lagged(_)) => break,
                Ok(_) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
        Some((Ok(Event::default().event("sales").data("changed")), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// One channel manager: value, products, regions and end-customer categories.
pub async fn rep(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<FilterQuery>,
) -> AppResult<Markup> {
    let t_ = &staff.tenant;
    let lang = staff.ctx.lang;
    let manager = crate::db::network::managers(&state.db, t_.id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    let mut filter = q.resolve(today(&t_.time_zone));
    filter.manager_id = Some(id);
    let d = widgets::rep_detail(&state.db, t_.id, &filter).await?;
    let customer = |code: String| {
        let label = vocab::CustomerType::parse(&code).map(|c| c.label(lang).to_string());
        label.unwrap_or(if code.is_empty() { "—".into() } else { code })
    };
    let v = RepPageView {
        filters: filter_fields(&state, t_.id, lang, &q).await?,
        action: format!("/dashboard/rep/{id}"),
        name: if manager.name.is_empty() {
            manager.email
        } else {
            manager.name
        },
        currency: t_.currency.clone(),
        period_label: period_label(lang, filter.period),
        amount_cents: d.amount_cents,
        products: d.products.iter().map(best_seller_row).collect(),
        regions: d.regions,
        customer_types: d
            .customer_types
            .into_iter()
            .map(|(c, a, s)| (customer(c), a, s))
            .collect(),
    };
    Ok(view::rep_page(&chrome_for(&staff.ctx), &v))
}
