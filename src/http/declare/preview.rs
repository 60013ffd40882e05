//! The preview of a staged import: its stored report as a page, with the mapping selects and
//! the catalogue for matching unknown codes.

use super::Actor;
use crate::db::{self, declarations as store};
use crate::declarations::{self, Report};
use crate::http::chrome_for;
use crate::http::error::{AppError, AppResult};
use crate::http::AppState;
use crate::import::mapping::Field;
use axum::response::{IntoResponse, Response};
use relais_templates::components::RowError;
use relais_templates::i18n::{money, t};
use relais_templates::pages;
use relais_templates::pages::declarations::{MappingColumn, PreviewView, UnknownCode};

/// The preview page of a pending import, from its stored report.
pub async fn preview(
    state: &AppState,
    actor: &Actor,
    import: &store::ImportRow,
) -> AppResult<Response> {
    let report: Report = serde_json::from_str(import.summary_json.as_deref().unwrap_or("{}"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("bad stored preview: {e}")))?;
    let lang = actor.ctx.lang;
    let mapped: std::collections::HashMap<&str, &str> = report
        .mapping
        .iter()
        .map(|(f, h)| (h.as_str(), f.as_str()))
        .collect();
    let columns = report
        .headers
        .iter()
        .enumerate()
        .filter_map(|(index, h)| {
            let header = h.clone()?;
            let field = mapped
                .get(header.as_str())
                .map(|f| f.to_string())
                .unwrap_or_default();
            Some(MappingColumn {
                index,
                header,
                field,
            })
        })
        .collect();
    let mut field_options = vec![(String::new(), t(lang, "decl.field.none").to_string())];
    field_options.extend(
        FIELDS
            .iter()
            .map(|f| (f.as_str().to_string(), t(lang, field_key(*f)).to_string())),
    );
    let product_options = if report.unknown_products.is_empty() {
        Vec::new()
    } else {
        db::products::list(&state.db, actor.tenant.id, None, None, 5000, 0)
            .await?
            .0
            .into_iter()
            .map(|p| (p.id.to_string(), format!("{} — {}", p.sku, p.name)))
            .collect()
    };
    let view = PreviewView {
        base_path: format!("/imports/{}", import.id),
        file_name: import.filename.clone(),
        sheet: report.sheet.clone(),
        message: report.message.clone(),
        columns,
        field_options,
        missing_columns: report
            .missing_columns
            .iter()
            .map(|f| field_label(lang, f))
            .collect(),
        accepted: report.accepted,
        rejected: report.rejected,
        pending_review: report.pending_review,
        quantity_total: report.quantity_total,
        amount_total: money(report.amount_total, &report.currency, lang),
        date_from: report.date_from,
        date_to: report.date_to,
        unknown: report
            .unknown_products
            .iter()
            .map(|u| UnknownCode {
                code: u.code.clone(),
                rows: u.rows,
            })
            .collect(),
        product_options,
        errors: report.errors.iter().map(row_error).collect(),
        errors_total: report.errors_total,
        overlapping_lines: report.overlapping_lines,
        commit_token: import.commit_token.clone().unwrap_or_default(),
    };
    Ok(pages::preview_page(&chrome_for(&actor.ctx), &view).into_response())
}

pub fn row_error(e: &declarations::ReportError) -> RowError {
    RowError {
        sheet: e.sheet.clone(),
        row: e.row,
        column: e.column.clone().unwrap_or_default(),
        code: e.code.clone(),
        message: e.message.clone(),
    }
}

pub(super) const FIELDS: [Field; 12] = [
    Field::SaleDate,
    Field::Product,
    Field::ProductName,
    Field::Quantity,
    Field::UnitPrice,
    Field::LineAmount,
    Field::CustomerType,
    Field::CustomerPostalCode,
    Field::CustomerId,
    Field::Channel,
    Field::Feedback,
    Field::Rating,
];

fn field_key(f: Field) -> &'static str {
    match f {
        Field::SaleDate => "decl.field.sale_date",
        Field::Product => "decl.field.product",
        Field::ProductName => "decl.field.product_name",
        Field::Quantity => "decl.field.quantity",
        Field::UnitPrice => "decl.field.unit_price",
        Field::LineAmount => "decl.field.line_amount",
        Field::CustomerType => "decl.field.customer_type",
        Field::CustomerPostalCode => "decl.field.customer_postal_code",
        Field::CustomerId => "decl.field.customer_id",
        Field::Channel => "decl.field.channel",
        Field::Feedback => "decl.field.feedback",
        Field::Rating => "decl.field.rating",
    }
}

fn field_label(lang: relais_templates::Lang, code: &str) -> String {
    FIELDS
        .iter()
        .find(|f| f.as_str() == code)
        .map(|f| t(lang, field_key(*f)).to_string())
        .unwrap_or_else(|| code.to_string())
}
