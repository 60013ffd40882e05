//! `/jobs`: the scheduled jobs and their recent runs (tenant admins). `/unsubscribe/{token}`:
//! the signed link at the foot of every digest, honoured without login — GET asks for
//! confirmation (mail scanners follow links), POST unsubscribes. `/api/v1/unsubscribe/{token}`
//! is the RFC 8058 one-click target of the List-Unsubscribe header: mail clients POST to it
//! without a session or CSRF token, and the signed token is the whole authority.

use super::ctx::{Admin, Ctx};
use super::error::{AppError, AppResult};
use super::views::local_time;
use super::{chrome_for, AppState};
use crate::db::{self, job_runs};
use crate::jobs_app;
use crate::mail::outbound;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use relais_templates::pages::{
    self, JobRunRow, JobScheduleRow, JobsView, RunOutcome, UnsubscribeView,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(list))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_page).post(unsubscribe),
        )
        .route(
            "/api/v1/unsubscribe/{token}",
            get(one_click_get).post(one_click),
        )
}

/// Runs listed on the page; older ones stay in the table (and in `relais jobs list`).
const RUNS_SHOWN: i64 = 200;

async fn list(State(state): State<AppState>, admin: Admin) -> AppResult<Markup> {
    let tenant = &admin.0.tenant;
    let runs = job_runs::recent(&state.db, Some(tenant.id), RUNS_SHOWN).await?;
    let tz = tenant.time_zone.as_str();
    let view = JobsView {
        time_zone: tenant.time_zone.clone(),
        schedules: jobs_app::specs(&state.settings.jobs)
            .into_iter()
            .map(|s| JobScheduleRow {
                job: s.name,
                schedule: s.schedule,
            })
            .collect(),
        runs: runs
            .into_iter()
            .map(|r| JobRunRow {
                slot: local_time(r.slot, tz),
                started: local_time(r.started_at, tz),
                duration_seconds: r.ended_at.map(|e| e - r.started_at),
                manual: r.manual,
                outcome: match r.outcome.as_str() {
                    "ok" => RunOutcome::Ok,
                    "failed" => RunOutcome::Failed,
                    _ => RunOutcome::Running,
                },
                processed: r.processed,
                skipped: r.skipped,
                failed: r.failed,
                note: r.error.unwrap_or(r.note),
                job: r.job,
            })
            .collect(),
    };
    Ok(pages::jobs_list(&chrome_for(&admin.0.ctx), &view))
}

async fn unsubscribe_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Markup {
    let view = match outbound::verify_unsubscribe_token(&state.secret(), &token) {
        Some((_, kind)) => UnsubscribeView::Confirm {
            action: format!("/unsubscribe/{token}"),
            kind: kind.into(),
        },
        None => UnsubscribeView::Invalid,
    };
    pages::unsubscribe(&chrome_for(&ctx), &view)
}

async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let view = match outbound::verify_unsubscribe_token(&state.secret(), &token) {
        Some((user_id, kind)) => {
            db::mail::unsubscribe(&state.db, user_id, kind).await?;
            UnsubscribeView::Done { kind: kind.into() }
        }
        None => UnsubscribeView::Invalid,
    };
    Ok(pages::unsubscribe(&chrome_for(&ctx), &view).into_response())
}

async fn one_click(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<&'static str> {
    let (user_id, kind) =
        outbound::verify_unsubscribe_token(&state.secret(), &token).ok_or(AppError::NotFound)?;
    db::mail::unsubscribe(&state.db, user_id, kind).await?;
    Ok("unsubscribed")
}

/// A client that only knows RFC 2369 opens the header's link: show it the confirmation page.
async fn one_click_get(Path(token): Path<String>) -> Redirect {
    Redirect::to(&format!("/unsubscribe/{token}"))
}
