//! `/network`: the manufacturer's resellers — list with filters, a reseller's page, add and edit.

use super::analytics::download::DownloadQuery;
use super::ctx::Staff;
use super::error::{AppError, AppResult};
use super::views::{self, today};
use super::{chrome_for, flash_redirect, AppState};
use crate::analytics::filter::FilterQuery;
use crate::db::{self, audit, network::ResellerFilter, network::ResellerInput};
use crate::domain::network::{BrandOrganisation, Potential, ResellerStatus, ResellerType};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::Markup;
use relais_templates::components::{FieldError, FieldErrors, Pager};
use relais_templates::pages::{
    self, FormMode, NetworkFilters, ResellerFormValues, ResellerFormView,
};
use serde::Deserialize;

const PER_PAGE: u32 = 50;

pub fn router() -> axum::Router<AppState> {
    Router::new()
        .route("/network", get(list))
        .route("/network/new", get(new_form).post(create))
        .route("/network/{code}", get(detail))
        .route("/network/{code}/edit", get(edit_form).post(update))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(filters): Query<NetworkFilters>,
    Query(pq): Query<PageQuery>,
) -> AppResult<Markup> {
    let t = &staff.tenant;
    let page = pq.page.unwrap_or(1).max(1);
    let filter = ResellerFilter {
        reseller_type: ResellerType::parse(&filters.reseller_type).map(|v| v.as_str().to_string()),
        brand_organisation: BrandOrganisation::parse_any(&filters.organisation)
            .map(|v| v.as_str().to_string()),
        region: Some(filters.region.clone()).filter(|r| !r.is_empty()),
        potential: Potential::parse(&filters.potential).map(|v| v.as_str().to_string()),
        status: ResellerStatus::parse(&filters.status).map(|v| v.as_str().to_string()),
        manager_id: filters.manager.parse().ok(),
        q: Some(filters.q.clone()),
    };
    let (rows, total) = db::network::list(
        &state.db,
        t.id,
        &filter,
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let day = today(&t.time_zone);
    let view = pages::NetworkListView {
        filters,
        region_options: db::network::regions(&state.db, t.id)
            .await?
            .into_iter()
            .map(|r| (r.clone(), r))
            .collect(),
        manager_options: manager_options(&state, t.id).await?,
        rows: rows.iter().map(|r| views::reseller_row(r, day)).collect(),
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
        can_edit: true,
    };
    Ok(pages::network_list(&chrome_for(&staff.ctx), &view))
}

async fn manager_options(state: &AppState, tenant_id: i64) -> AppResult<Vec<(String, String)>> {
    Ok(db::network::managers(&state.db, tenant_id)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.id.to_string(),
                if m.name.is_empty() { m.email } else { m.name },
            )
        })
        .collect())
}

/// The reseller's attributes, users and sales analytics (filters in the query string; a
/// `download` parameter returns one of the analytics' charts or tables instead).
async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Query(q): Query<FilterQuery>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let t = &staff.tenant;
    let r = db::network::by_code(&state.db, t.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let analytics = match super::analytics::profile::section(&state, &staff, &r, q, &dl).await? {
        Ok(section) => section,
        Err(file) => return Ok(file),
    };
    let users = db::users::list_for_reseller(&state.db, t.id, r.id).await?;
    let view = pages::ResellerDetailView {
        reseller: views::reseller_attributes(&r, today(&t.time_zone)),
        users: users
            .iter()
            .map(|u| views::org_user(u, &t.time_zone))
            .collect(),
        can_edit: true,
    };
    Ok(pages::reseller_detail(&chrome_for(&staff.ctx), &view, analytics).into_response())
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> AppResult<Markup> {
    let values = ResellerFormValues {
        country: "FR".into(),
        status: "active".into(),
        potential: "b".into(),
        organisation: "multi_brand".into(),
        reseller_type: "reseller".into(),
        ..Default::default()
    };
    render_form(&state, &staff, FormMode::Create, values, FieldErrors::new()).await
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> AppResult<Markup> {
    let r = db::network::by_code(&state.db, staff.tenant.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let coord = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let values = ResellerFormValues {
        code: r.code.clone(),
        name: r.name.clone(),
        reseller_type: r.reseller_type.clone(),
        organisation: views::brand_organisation(&r.brand_organisation)
            .as_str()
            .to_string(),
        country: r.country.clone(),
        region: r.region.clone(),
        city: r.city.clone(),
        postal_code: r.postal_code.clone(),
        latitude: coord(r.latitude),
        longitude: coord(r.longitude),
        potential: r.potential.to_lowercase(),
        status: r.status.clone(),
        manager: r.manager_id.map(|m| m.to_string()).unwrap_or_default(),
        contact_email: r.contact_email.clone(),
    };
    render_form(
        &state,
        &staff,
        FormMode::Edit { code },
        values,
        FieldErrors::new(),
    )
    .await
}

async fn render_form(
    state: &AppState,
    staff: &Staff,
    mode: FormMode,
    values: ResellerFormValues,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let view = ResellerFormView {
        mode,
        values,
        manager_options: manager_options(state, staff.tenant.id).await?,
        errors,
    };
    Ok(pages::reseller_form(&chrome_for(&staff.ctx), &view))
}

/// Checks the typed values; returns the input to store or the errors by field.
async fn validate(
    state: &AppState,
    tenant_id: i64,
    v: &ResellerFormValues,
) -> AppResult<Result<ResellerInput, FieldErrors>> {
    let mut errors = FieldErrors::new();
    let code = v.code.trim().to_string();
    if code.is_empty() {
        errors.add("code", FieldError::Required);
    } else if code.chars().count() > 40 {
        errors.add("code", FieldError::TooLong { max: 40 });
    } else if code.contains(['/', '?', '#', '%']) {
        errors.add("code", FieldError::InvalidChoice);
    }
    let name = v.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", FieldError::Required);
    } else if name.chars().count() > 200 {
        errors.add("name", FieldError::TooLong { max: 200 });
    }
    let reseller_type = ResellerType::parse_any(&v.reseller_type);
    if reseller_type.is_none() {
        errors.add("type", FieldError::InvalidChoice);
    }
    let brand = BrandOrganisation::parse_any(&v.organisation);
    if brand.is_none() {
        errors.add("organisation", FieldError::InvalidChoice);
    }
    let potential = Potential::parse(&v.potential);
    if potential.is_none() {
        errors.add("potential", FieldError::InvalidChoice);
    }
    let status = ResellerStatus::parse_any(&v.status);
    if status.is_none() {
        errors.add("status", FieldError::InvalidChoice);
    }
    let mut coordinate = |field: &str, raw: &str, limit: i64| -> Option<f64> {
        let raw = raw.trim().replace(',', ".");
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= limit as f64 => Some(x),
            Ok(_) => {
                errors.add(
                    field,
                    FieldError::OutOfRange {
                        min: -limit,
                        max: limit,
                    },
                );
                None
            }
            Err(_) => {
                errors.add(field, FieldError::InvalidNumber);
                None
            }
        }
    };
    let latitude = coordinate("latitude", &v.latitude, 90);
    let longitude = coordinate("longitude", &v.longitude, 180);
    let manager_id = match v.manager.trim() {
        "" => None,
        m => {
            let managers = db::network::managers(&state.db, tenant_id).await?;
            let id = m
                .parse::<i64>()
                .ok()
                .filter(|id| managers.iter().any(|x| x.id == *id));
            if id.is_none() {
                errors.add("manager", FieldError::InvalidChoice);
            }
            id
        }
    };
    let contact_email = v.contact_email.trim().to_lowercase();
    if !contact_email.is_empty() && !crate::accounts::valid_email(&contact_email) {
        errors.add("contact_email", FieldError::InvalidEmail);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(ResellerInput {
        code,
        name,
        reseller_type: reseller_type.map(|x| x.as_str()).unwrap_or_default().into(),
        brand_organisation: brand.map(|x| x.as_str()).unwrap_or_default().into(),
        country: v.country.trim().to_uppercase().chars().take(2).collect(),
        region: v.region.trim().into(),
        city: v.city.trim().into(),
        postal_code: v.postal_code.trim().into(),
        latitude,
        longitude,
        potential: potential.map(|x| x.as_str()).unwrap_or_default().into(),
        status: status.map(|x| x.as_str()).unwrap_or_default().into(),
        manager_id,
        contact_email,
    }))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(values): Form<ResellerFormValues>,
) -> AppResult<Response> {
    let tenant_id = staff.tenant.id;
    let input = match validate(&state, tenant_id, &values).await? {
        Ok(i) => i,
        Err(errors) => return form_error(&state, &staff, FormMode::Create, values, errors).await,
    };
    let mut tx = state.db.begin().await?;
    let id = match db::network::create(&mut tx, tenant_id, None, &input).await {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            let mut errors = FieldErrors::new();
            errors.add("code", FieldError::AlreadyTaken);
            return form_error(&state, &staff, FormMode::Create, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(&mut tx, audit_entry(&staff, "reseller.create", id, &input)).await?;
    tx.commit().await?;
    Ok(flash_redirect(
        &state,
        &format!("/network/{}", input.code),
        "success",
        staff.ctx.t("reseller.saved"),
    ))
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(values): Form<ResellerFormValues>,
) -> AppResult<Response> {
    let tenant_id = staff.tenant.id;
    let existing = db::network::by_code(&state.db, tenant_id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let mode = FormMode::Edit { code: code.clone() };
    let input = match validate(&state, tenant_id, &values).await? {
        Ok(i) => i,
        Err(errors) => return form_error(&state, &staff, mode, values, errors).await,
    };
    let mut tx = state.db.begin().await?;
    match db::network::update(&mut tx, tenant_id, existing.id, &input).await {
        Ok(()) => {}
        Err(e) if db::is_unique_violation(&e) => {
            let mut errors = FieldErrors::new();
            errors.add("code", FieldError::AlreadyTaken);
            return form_error(&state, &staff, mode, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        audit_entry(&staff, "reseller.update", existing.id, &input),
    )
    .await?;
    tx.commit().await?;
    Ok(flash_redirect(
        &state,
        &format!("/network/{}", input.code),
        "success",
        staff.ctx.t("reseller.saved"),
    ))
}

async fn form_error(
    state: &AppState,
    staff: &Staff,
    mode: FormMode,
    values: ResellerFormValues,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = render_form(state, staff, mode, values, errors).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn audit_entry<'a>(
    staff: &Staff,
    action: &'a str,
    id: i64,
    input: &ResellerInput,
) -> audit::Entry<'a> {
    audit::Entry {
        tenant_id: Some(staff.tenant.id),
        user_id: Some(staff.user.id),
        action,
        entity: "reseller",
        entity_id: id.to_string(),
        detail: serde_json::json!({
            "code": input.code, "name": input.name, "type": input.reseller_type,
            "organisation": input.brand_organisation, "region": input.region, "potential": input.potential,
            "status": input.status, "manager_id": input.manager_id,
        }),
    }
}
