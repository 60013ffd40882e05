//! `GET /api/v1/analytics/…`: every dashboard widget as JSON for other tools, with the same
//! filters as the pages (query string), behind an analytics-scope bearer token (a staff
//! user's, see `relais token create`). Amounts are decimals in the tenant's currency.
//!
//! The shapes of `best-sellers`, `sales-by-rep` and `recency` are a published contract
//! (other tools read them): change them only by adding fields.

use crate::analytics::compute::weekly::WeekRow;
use crate::analytics::filter::{FilterQuery, SalesFilter};
use crate::analytics::{dashboard, map};
use crate::db::{self, tenants::Tenant, users::User};
use crate::domain::network::Role;
use crate::http::error::{AppError, AppResult};
use crate::http::views::today;
use crate::http::AppState;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::{header, request::Parts};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/analytics/best-sellers", get(best_sellers))
        .route("/api/v1/analytics/sales-by-rep", get(sales_by_rep))
        .route("/api/v1/analytics/recency", get(recency))
        .route("/api/v1/analytics/weekly", get(weekly))
        .route("/api/v1/analytics/self-service", get(self_service))
        .route("/api/v1/analytics/dashboard", get(whole_dashboard))
}

/// A staff user acting through an analytics token. Reseller tokens are refused: this API
/// shows the whole network's figures.
pub struct ApiAnalyst {
    pub tenant: Tenant,
    pub user: User,
}

impl FromRequestParts<AppState> for ApiAnalyst {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::LoginRequired)?;
        let (tenant_id, user_id) = crate::analytics::tokens::owner(&state.db, token)
            .await?
            .ok_or(AppError::LoginRequired)?;
        let user = db::users::by_id(&state.db, user_id)
            .await?
            .ok_or(AppError::LoginRequired)?;
        let staff = Role::parse(&user.role).is_some_and(|r| r.is_staff());
        if user.disabled || !staff || user.tenant_id != Some(tenant_id) {
            return Err(AppError::Forbidden);
        }
        let tenant = db::tenants::by_id(&state.db, tenant_id)
            .await?
            .ok_or(AppError::LoginRequired)?;
        Ok(ApiAnalyst { tenant, user })
    }
}

impl ApiAnalyst {
    fn filter(&self, q: &FilterQuery) -> SalesFilter {
        q.resolve(today(&self.tenant.time_zone))
    }
}

/// Cents as a decimal of the currency (two decimals; JSON number).
pub fn decimal(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A percentage rounded to two decimals for JSON.
fn pct(p: f64) -> f64 {
    (p * 100.0).round() / 100.0
}

async fn best_sellers(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
) -> AppResult<Json<Value>> {
    let rows = dashboard::best_sellers(&state.db, api.tenant.id, &api.filter(&q)).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|b| {
            json!({
                "sku": b.sku, "name": b.name, "quantity": b.quantity, "amount": decimal(b.amount_cents),
                "share": pct(b.share), "category": b.category, "quantity_share": pct(b.quantity_share),
                "previous_amount": b.previous_amount_cents.map(decimal), "change_pct": b.change_pct.map(pct),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn sales_by_rep(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
) -> AppResult<Json<Value>> {
    let rows = dashboard::sales_by_rep(&state.db, api.tenant.id, &api.filter(&q)).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| json!({ "manager_email": r.manager_email, "amount": decimal(r.amount_cents), "share": pct(r.share) }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AsOf {
    as_of: String,
}

/// `as_of` from the query string; today when absent, 400 when not an ISO date.
pub fn as_of(raw: &str, tenant: &Tenant) -> AppResult<NaiveDate> {
    match raw.trim() {
        "" => Ok(today(&tenant.time_zone)),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest("as_of must be an ISO date (YYYY-MM-DD)".into())),
    }
}

async fn recency(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
    Query(a): Query<AsOf>,
) -> AppResult<Json<Value>> {
    let day = as_of(&a.as_of, &api.tenant)?;
    let rows = map::recency(&state.db, api.tenant.id, &api.filter(&q), day).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| json!({ "code": r.code, "status": r.recency.colour(), "last_sale": r.last_sale }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

fn week_json(w: &WeekRow) -> Value {
    json!({
        "week_start": w.week_start, "iso_year": w.iso_year, "iso_week": w.iso_week, "days": w.days_in_period,
        "amount": decimal(w.amount), "previous_year_amount": w.previous_year_amount.map(decimal),
    })
}

async fn weekly(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
) -> AppResult<Json<Value>> {
    let rows = dashboard::weekly(&state.db, api.tenant.id, &api.filter(&q)).await?;
    Ok(Json(
        json!({ "items": rows.iter().map(week_json).collect::<Vec<_>>() }),
    ))
}

async fn self_service(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
) -> AppResult<Json<Value>> {
    let s = dashboard::self_service(&state.db, api.tenant.id, &api.filter(&q)).await?;
    Ok(Json(serde_json::to_value(s).map_err(anyhow::Error::from)?))
}

async fn whole_dashboard(
    State(state): State<AppState>,
    api: ApiAnalyst,
    Query(q): Query<FilterQuery>,
) -> AppResult<Json<Value>> {
    let d = dashboard::dashboard(&state.db, api.tenant.id, &api.filter(&q)).await?;
    Ok(Json(serde_json::to_value(d).map_err(anyhow::Error::from)?))
}

/// The analytics part of the OpenAPI document: `(paths, schemas)`.
pub fn openapi() -> (Value, Value) {
    let filters: Vec<Value> = [
        ("from", "First day (inclusive, YYYY-MM-DD). Default: 29 days before `to`."),
        ("to", "Last day (inclusive, YYYY-MM-DD). Default: today."),
        ("period", "`all` for all time when from/to are absent (default: the last 30 days)."),
        ("region", "Reseller region."),
        ("type", "Reseller type: distributor, reseller, franchisee."),
        ("organisation", "mono_brand or multi_brand."),
        ("potential", "a, b or c."),
        ("manager", "Channel manager user id."),
        ("product", "Product SKU."),
        ("category", "Product category."),
        ("customer_type", "individual, landscaper, local_authority, business."),
        ("channel", "store or online."),
    ]
    .iter()
    .map(|(name, d)| json!({ "name": name, "in": "query", "required": false, "description": d, "schema": { "type": "string" } }))
    .collect();
    let as_of = json!({ "name": "as_of", "in": "query", "required": false,
        "description": "Day the recency is computed for (YYYY-MM-DD), default today.", "schema": { "type": "string", "format": "date" } });
    let op = |summary: &str, schema: &str, params: Vec<Value>| {
        json!({ "get": {
            "tags": ["analytics"], "summary": summary, "parameters": params,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } },
                "401": { "description": "Missing, unknown or revoked token." },
                "403": { "description": "Not an analytics (staff user) token." }
            }
        }})
    };
    let mut recency_params = filters.clone();
    recency_params.push(as_of);
    let paths = json!({
        "/api/v1/analytics/best-sellers": op("Products by amount, share in percent of the total amount", "BestSellers", filters.clone()),
        "/api/v1/analytics/sales-by-rep": op("Sales by channel manager", "SalesByRep", filters.clone()),
        "/api/v1/analytics/recency": op("Resellers by recency of their last declared sale", "Recency", recency_params),
        "/api/v1/analytics/weekly": op("Weekly amounts with the previous year's same weeks", "Weekly", filters.clone()),
        "/api/v1/analytics/self-service": op("Lines declared by resellers themselves vs by staff", "SelfService", filters.clone()),
        "/api/v1/analytics/dashboard": op("Every dashboard widget (amounts in cents)", "Dashboard", filters),
    });
    let items = |props: Value, required: &[&str]| {
        json!({ "type": "object", "required": ["items"], "properties": { "items": { "type": "array",
            "items": { "type": "object", "required": required, "properties": props } } } })
    };
    let schemas = json!({
        "BestSellers": items(json!({
            "sku": { "type": "string" }, "name": { "type": "string" }, "quantity": { "type": "integer" },
            "amount": { "type": "number", "description": "Decimal in the tenant currency" },
            "share": { "type": "number", "description": "Percent of the total amount" } }),
            &["sku", "name", "quantity", "amount", "share"]),
        "SalesByRep": items(json!({
            "manager_email": { "type": ["string", "null"] }, "amount": { "type": "number" }, "share": { "type": "number" } }),
            &["manager_email", "amount", "share"]),
        "Recency": items(json!({
            "code": { "type": "string" },
            "status": { "type": "string", "enum": ["green", "yellow", "red", "purple", "blue"] },
            "last_sale": { "type": ["string", "null"], "format": "date" } }),
            &["code", "status", "last_sale"]),
        "Weekly": items(json!({
            "week_start": { "type": "string", "format": "date" }, "amount": { "type": "number" },
            "previous_year_amount": { "type": ["number", "null"] } }), &["week_start", "amount"]),
        "SelfService": { "type": "object" },
        "Dashboard": { "type": "object" },
    });
    (paths, schemas)
}
