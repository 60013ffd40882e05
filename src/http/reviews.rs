//! Manufacturer side: `/reviews` (lines held for review, approved or rejected in bulk with a
//! reason) and `/declarations` (every declared line, filterable by reseller, dates and status).

use super::ctx::Staff;
use super::declared_imports::line_view;
use super::error::AppResult;
use super::{chrome_for, flash_redirect, AppState};
use crate::db::{self, audit, declarations::LineFilter};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use relais_templates::components::{FilterField, Pager};
use relais_templates::i18n::t;
use relais_templates::pages;
use relais_templates::pages::declarations::{DeclarationsView, ReviewsView};

const PER_PAGE: u32 = 100;
const STATUSES: [&str; 5] = ["pending", "approved", "rejected", "withdrawn", "draft"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(reviews).post(decide))
        .route("/declarations", get(declarations))
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    page: Option<u32>,
}

async fn reviews(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let page = q.page.unwrap_or(1).max(1);
    let filter = LineFilter {
        status: Some("pending".into()),
        ..Default::default()
    };
    let (lines, total) = db::declarations::list_lines(
        &state.db,
        staff.tenant.id,
        &filter,
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let lang = staff.ctx.lang;
    let view = ReviewsView {
        lines: lines
            .iter()
            .map(|l| line_view(l, &staff.tenant.currency, lang))
            .collect(),
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
    };
    Ok(pages::reviews_page(&chrome_for(&staff.ctx), &view).into_response())
}

/// `line` (repeated), `decision` = approve | reject, `reason` (required to reject).
async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let ids: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "line")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let value = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (decision, reason) = (value("decision"), value("reason"));
    let status = if decision == "reject" {
        "rejected"
    } else {
        "approved"
    };
    if status == "rejected" && reason.is_empty() {
        return Ok(flash_redirect(
            &state,
            "/reviews",
            "error",
            t(lang, "decl.reason_required"),
        ));
    }
    let mut tx = state.db.begin().await?;
    let resellers = db::declarations::line_resellers(&mut tx, staff.tenant.id, &ids).await?;
    db::network::lock_resellers(&mut tx, staff.tenant.id, &resellers).await?;
    let reason = (!reason.is_empty()).then_some(reason.as_str());
    let changed = db::declarations::review_lines(
        &mut tx,
        staff.tenant.id,
        &ids,
        status,
        reason,
        staff.user.id,
    )
    .await?;
    if changed.is_empty() && !ids.is_empty() {
        // Decided by an earlier request (a double click, another manager): nothing to do.
        return Ok(flash_redirect(
            &state,
            "/reviews",
            "info",
            t(lang, "decl.already_reviewed"),
        ));
    }
    let n = changed.len();
    // Roll-ups and points follow the decision in the same transaction.
    crate::declarations::effects::lines_changed(&mut tx, staff.tenant.id, &changed).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(staff.tenant.id),
            user_id: Some(staff.user.id),
            action: if status == "rejected" {
                "reject"
            } else {
                "approve"
            },
            entity: "declaration_lines",
            entity_id: changed
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            detail: serde_json::json!({ "changed": n, "reason": reason }),
        },
    )
    .await?;
    tx.commit().await?;
    crate::analytics::events::publish(&state.events, staff.tenant.id);
    Ok(flash_redirect(
        &state,
        "/reviews",
        "success",
        &t(lang, "decl.reviewed").replace("{n}", &n.to_string()),
    ))
}

#[derive(serde::Deserialize, Default)]
struct LineQuery {
    #[serde(default)]
    reseller: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    status: String,
    page: Option<u32>,
}

async fn declarations(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<LineQuery>,
) -> AppResult<Response> {
    let t_id = staff.tenant.id;
    let lang = staff.ctx.lang;
    let page = q.page.unwrap_or(1).max(1);
    let reseller = match q.reseller.trim() {
        "" => None,
        code => db::network::by_code(&state.db, t_id, code).await?,
    };
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let filter = LineFilter {
        reseller_id: reseller
            .as_ref()
            .map(|r| r.id)
            .or((!q.reseller.trim().is_empty()).then_some(-1)),
        from: date(&q.from),
        to: date(&q.to),
        status: STATUSES
            .contains(&q.status.as_str())
            .then(|| q.status.clone()),
        ..Default::default()
    };
    let (lines, total) = db::declarations::list_lines(
        &state.db,
        t_id,
        &filter,
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let mut status_options = vec![(String::new(), t(lang, "decl.filter.all").to_string())];
    status_options.extend(
        STATUSES
            .iter()
            .map(|s| (s.to_string(), t(lang, status_key(s)).to_string())),
    );
    let view = DeclarationsView {
        filters: vec![
            FilterField::search(
                "reseller",
                t(lang, "decl.filter.reseller"),
                q.reseller.clone(),
            ),
            FilterField::date("from", t(lang, "decl.filter.from"), q.from.clone()),
            FilterField::date("to", t(lang, "decl.filter.to"), q.to.clone()),
            FilterField::select(
                "status",
                t(lang, "decl.filter.status"),
                q.status.clone(),
                status_options,
            ),
        ],
        lines: lines
            .iter()
            .map(|l| line_view(l, &staff.tenant.currency, lang))
            .collect(),
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
    };
    Ok(pages::declarations_list(&chrome_for(&staff.ctx), &view).into_response())
}

fn status_key(s: &str) -> &'static str {
    match s {
        "pending" => "decl.status.pending",
        "approved" => "decl.status.approved",
        "rejected" => "decl.status.rejected",
        "withdrawn" => "decl.status.withdrawn",
        _ => "decl.status.draft",
    }
}
