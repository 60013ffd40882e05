//! `/imports` and `/imports/{id}`: a reseller's declaration imports (staff see the tenant's),
//! one import's lines with their status and reasons, its rejected rows, the annotated copy of
//! the file, and undo. A reseller asking for another reseller's import gets 404.

use super::declare::{preview, row_error, Actor};
use super::error::{AppError, AppResult};
use super::views::local_time;
use super::{chrome_for, flash_redirect, AppState};
use crate::db::declarations::{self as store, LineFilter, LineRow};
use crate::declarations::Undo;
use crate::import::error::{ErrorCode, ReadError, RowError};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use relais_templates::components::Pager;
use relais_templates::i18n::{money, number, Lang};
use relais_templates::pages;
use relais_templates::pages::declarations::{
    ImportDetailView, ImportListRow, ImportsView, LineView,
};

const PER_PAGE: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list))
        .route("/imports/{id}", get(detail))
        .route("/imports/{id}/undo", post(undo))
        .route("/imports/{id}/annotated.xlsx", get(annotated))
}

pub fn line_view(l: &LineRow, currency: &str, lang: Lang) -> LineView {
    LineView {
        id: l.id,
        reseller: format!("{} ({})", l.reseller_name, l.reseller_code),
        sku: l.sku.clone(),
        product: l.product_name.clone(),
        sale_date: l.sale_date,
        quantity: l.quantity,
        unit_price: money(l.unit_price_cents, currency, lang),
        list_price: money(l.list_price_cents, currency, lang),
        amount: money(l.amount_cents, currency, lang),
        status: l.review_status.clone(),
        reason: l.review_reason.clone(),
        source_row: l.source_row,
    }
}

async fn list(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let tz = &actor.tenant.time_zone;
    let rows = store::list_imports(
        &state.db,
        actor.tenant.id,
        actor.reseller.as_ref().map(|r| r.id),
        500,
    )
    .await?;
    let view = ImportsView {
        rows: rows
            .into_iter()
            .map(|r| ImportListRow {
                id: r.id,
                reseller: Some(r.reseller_code),
                file_name: r.filename,
                status: r.status,
                created: local_time(r.created_at, tz).unwrap_or_default(),
                lines: r.lines,
                pending: r.pending,
            })
            .collect(),
        show_reseller: actor.reseller.is_none(),
        upload_href: actor
            .reseller
            .is_some()
            .then(|| "/declare/upload".to_string()),
    };
    Ok(pages::imports_list(&chrome_for(&actor.ctx), &view).into_response())
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    page: Option<u32>,
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let t = &actor.tenant;
    let import = store::import_by_id(&state.db, t.id, actor.reseller.as_ref().map(|r| r.id), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if import.status == "pending" {
        return preview(&state, &actor, &import).await;
    }
    let lang = actor.ctx.lang;
    let page = q.page.unwrap_or(1).max(1);
    let filter = LineFilter {
        import_id: Some(id),
        ..Default::default()
    };
    let (lines, total) = store::list_lines(
        &state.db,
        t.id,
        &filter,
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let errors = store::row_errors(&state.db, t.id, id, 1000).await?;
    let reseller =
        crate::db::network::by_id(&state.db, t.id, import.reseller_id.unwrap_or(0)).await?;
    let report: Option<crate::declarations::Report> = import
        .summary_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let summary = report
        .map(|r| {
            vec![
                ("decl.lines_accepted", number(r.accepted as i64, lang)),
                ("decl.rows_rejected", number(r.rejected as i64, lang)),
                ("decl.pending_review", number(r.pending_review as i64, lang)),
                ("decl.quantity_total", number(r.quantity_total, lang)),
                (
                    "decl.amount_total",
                    money(r.amount_total, &r.currency, lang),
                ),
            ]
        })
        .unwrap_or_default();
    let view = ImportDetailView {
        id,
        file_name: import.filename.clone(),
        status: import.status.clone(),
        reseller: reseller
            .map(|r| format!("{} ({})", r.name, r.code))
            .unwrap_or_default(),
        created: local_time(import.created_at, &t.time_zone).unwrap_or_default(),
        summary,
        lines: lines
            .iter()
            .map(|l| line_view(l, &t.currency, lang))
            .collect(),
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
        errors: errors
            .iter()
            .map(|e| {
                let code = ErrorCode::ALL.iter().find(|c| c.as_str() == e.code);
                row_error(&crate::declarations::ReportError {
                    sheet: e.sheet.clone(),
                    row: e.row_number as u32,
                    column: e.column_header.clone(),
                    code: e.code.clone(),
                    message: code
                        .map(|c| c.message(lang.code()).to_string())
                        .unwrap_or_default(),
                    value: e.value.clone(),
                })
            })
            .collect(),
        can_undo: import.status == "committed",
        has_file: store::file_bytes(&state.db, t.id, id).await?.is_some(),
    };
    Ok(pages::import_detail(&chrome_for(&actor.ctx), &view).into_response())
}

async fn undo(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let reseller = actor.reseller.as_ref().map(|r| r.id);
    let to = format!("/imports/{id}");
    let lang = actor.ctx.lang;
    let undo = crate::declarations::undo_import(
        &state.db,
        actor.tenant.id,
        reseller,
        id,
        Some(actor.user_id),
    )
    .await?;
    match undo {
        Undo::Done(n) => {
            crate::analytics::events::publish(&state.events, actor.tenant.id);
            let text = relais_templates::t(lang, "decl.undone").replace("{n}", &n.to_string());
            Ok(flash_redirect(&state, &to, "success", &text))
        }
        Undo::AlreadyUndone => Ok(flash_redirect(
            &state,
            &to,
            "info",
            relais_templates::t(lang, "decl.already_undone"),
        )),
        Undo::NotFound => Err(AppError::NotFound),
    }
}

/// The reseller's file written back as xlsx with an errors column.
async fn annotated(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let t = &actor.tenant;
    let import = store::import_by_id(&state.db, t.id, actor.reseller.as_ref().map(|r| r.id), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = store::file_bytes(&state.db, t.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let errors: Vec<RowError> = store::row_errors(&state.db, t.id, id, 200_000)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(RowError {
                sheet: e.sheet,
                row: e.row_number as u32,
                column: e.column_header,
                code: *ErrorCode::ALL.iter().find(|c| c.as_str() == e.code)?,
                value: e.value,
            })
        })
        .collect();
    let (name, reader) = (import.filename.clone(), state.reader.clone());
    let out = tokio::task::spawn_blocking(move || {
        let mut book = reader.open(&bytes, &name, &crate::import::read::Limits::default())?;
        crate::import::annotate::annotate_xlsx(&mut book, &errors)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| match e {
        // The file was read before: a busy or stopped reader is for the user to retry.
        ReadError::Busy | ReadError::Unsafe => {
            AppError::BadRequest(crate::import::read_error_message(&e, actor.ctx.lang.code()))
        }
        e => AppError::Internal(anyhow::anyhow!("annotating import {id}: {e}")),
    })?;
    let stem = import
        .filename
        .rsplit_once('.')
        .map_or(import.filename.as_str(), |(s, _)| s);
    let disposition = format!(
        "attachment; filename=\"{}-errors.xlsx\"",
        stem.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}
