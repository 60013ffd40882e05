//! `/network/import` and `/catalogue/import`: the manufacturer uploads its network or catalogue.

use super::ctx::Staff;
use super::error::{AppError, AppResult};
use super::{chrome_for, AppState};
use crate::reference_import::{self, PRODUCT_COLUMNS, RESELLER_COLUMNS};
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use relais_templates::components::{FieldError, FieldErrors, RowError};
use relais_templates::pages::{self, ExpectedColumn, ImportKind, ImportView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/network/import", get(network_page).post(network_upload))
        .route(
            "/catalogue/import",
            get(catalogue_page).post(catalogue_upload),
        )
}

/// At most this many row errors are listed on the page (the count says how many there were).
const SHOWN_ERRORS: usize = 500;

fn columns(staff: &Staff, kind: ImportKind) -> Vec<ExpectedColumn> {
    let (names, required): (&[&str], &[&str]) = match kind {
        ImportKind::Network => (RESELLER_COLUMNS, &["code", "name", "type"]),
        ImportKind::Catalogue => (PRODUCT_COLUMNS, &["sku", "name", "unit_price"]),
    };
    names
        .iter()
        .map(|n| ExpectedColumn {
            name: n.to_string(),
            required: required.contains(n),
            description: column_help(staff, n),
        })
        .collect()
}

fn column_help(staff: &Staff, column: &str) -> String {
    let key: &'static str = match column {
        "sku" => "import.help.sku",
        "name" => "import.help.name",
        "category" => "import.help.category",
        "unit_price" => "import.help.unit_price",
        "ean" => "import.help.ean",
        "brand" => "import.help.brand",
        "code" => "import.help.code",
        "type" => "import.help.type",
        "organisation" => "import.help.organisation",
        "country" => "import.help.country",
        "region" => "import.help.region",
        "city" => "import.help.city",
        "postal_code" => "import.help.postal_code",
        "latitude" => "import.help.latitude",
        "longitude" => "import.help.longitude",
        "potential" => "import.help.potential",
        "status" => "import.help.status",
        "manager_email" => "import.help.manager_email",
        _ => "import.help.contact_email",
    };
    staff.ctx.t(key).to_string()
}

fn page(
    staff: &Staff,
    kind: ImportKind,
    report: Option<pages::ImportReport>,
    errors: FieldErrors,
) -> Markup {
    let view = ImportView {
        kind,
        columns: columns(staff, kind),
        report,
        errors,
    };
    pages::import_page(&chrome_for(&staff.ctx), &view)
}

async fn network_page(staff: Staff) -> Markup {
    page(&staff, ImportKind::Network, None, FieldErrors::new())
}

async fn catalogue_page(staff: Staff) -> Markup {
    page(&staff, ImportKind::Catalogue, None, FieldErrors::new())
}

async fn network_upload(
    state: State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> AppResult<Response> {
    upload(state, staff, ImportKind::Network, multipart).await
}

async fn catalogue_upload(
    state: State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> AppResult<Response> {
    upload(state, staff, ImportKind::Catalogue, multipart).await
}

/// Reads the `file` field of an upload (the body size is capped by the router).
pub async fn file_field(mut multipart: Multipart) -> AppResult<Option<(String, Vec<u8>)>> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            if bytes.is_empty() {
                return Ok(None);
            }
            return Ok(Some((name, bytes.to_vec())));
        }
    }
    Ok(None)
}

async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    kind: ImportKind,
    multipart: Multipart,
) -> AppResult<Response> {
    let Some((name, bytes)) = file_field(multipart).await? else {
        let mut errors = FieldErrors::new();
        errors.add("file", FieldError::Required);
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&staff, kind, None, errors),
        )
            .into_response());
    };
    let lang = staff.ctx.lang.code();
    let (t, u) = (staff.tenant.id, Some(staff.user.id));
    let report = match kind {
        ImportKind::Network => {
            reference_import::import_resellers(&state.db, &state.reader, t, u, &name, &bytes, lang)
                .await?
        }
        ImportKind::Catalogue => {
            reference_import::import_products(&state.db, &state.reader, t, u, &name, &bytes, lang)
                .await?
        }
    };
    if let Some(message) = report.message {
        let mut errors = FieldErrors::new();
        errors.add("file", FieldError::Message(message));
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&staff, kind, None, errors),
        )
            .into_response());
    }
    let view_report = pages::ImportReport {
        file_name: report.file.clone(),
        rows_read: report.rows_read,
        created: report.created,
        updated: report.updated,
        rejected: report.rejected,
        errors_total: report.errors.len() as u64,
        errors: report
            .errors
            .iter()
            .take(SHOWN_ERRORS)
            .map(|e| RowError {
                sheet: report.sheet.clone().unwrap_or_default(),
                row: e.row,
                column: e.column.clone(),
                code: serde_json::to_value(e.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                message: e.message.clone(),
            })
            .collect(),
    };
    Ok(page(&staff, kind, Some(view_report), FieldErrors::new()).into_response())
}
