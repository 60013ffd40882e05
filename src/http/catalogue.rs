//! `/catalogue`: the manufacturer's products, searchable, and their import.

use super::ctx::Staff;
use super::error::{AppError, AppResult};
use super::{chrome_for, AppState};
use crate::db;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use relais_templates::components::Pager;
use relais_templates::pages::{self, CatalogueFilters, ProductRow};
use serde::Deserialize;

const PER_PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(list))
        .route("/catalogue/{sku}", get(detail))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    page: Option<u32>,
}

fn row(p: &db::products::Product) -> ProductRow {
    ProductRow {
        sku: p.sku.clone(),
        name: p.name.clone(),
        category: p.category.clone(),
        brand: p.brand.clone(),
        ean: p.ean.clone(),
        unit: p.unit.clone(),
        list_price_cents: Some(p.list_price_cents),
        active: p.active,
    }
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(filters): Query<CatalogueFilters>,
    Query(pq): Query<PageQuery>,
) -> AppResult<Markup> {
    let t = &staff.tenant;
    let page = pq.page.unwrap_or(1).max(1);
    let (rows, total) = db::products::list(
        &state.db,
        t.id,
        Some(filters.q.as_str()),
        Some(filters.category.as_str()),
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let view = pages::CatalogueListView {
        category_options: db::products::categories(&state.db, t.id)
            .await?
            .into_iter()
            .map(|c| (c.clone(), c))
            .collect(),
        filters,
        rows: rows.iter().map(row).collect(),
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
        currency: t.currency.clone(),
        can_edit: true,
    };
    Ok(pages::catalogue_list(&chrome_for(&staff.ctx), &view))
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(sku): Path<String>,
) -> AppResult<Markup> {
    let p = db::products::by_sku(&state.db, staff.tenant.id, &sku)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = pages::ProductDetailView {
        product: row(&p),
        description: None,
        currency: staff.tenant.currency.clone(),
    };
    Ok(pages::product_detail(&chrome_for(&staff.ctx), &view))
}
