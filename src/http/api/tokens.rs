//! `/settings/api`: a reseller user creates API tokens for its ERP (shown once, stored as a
//! hash) and revokes them.

use crate::db::declarations as store;
use crate::http::ctx::ResellerUser;
use crate::http::error::{AppError, AppResult};
use crate::http::views::local_time;
use crate::http::{chrome_for, flash_redirect, AppState};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use relais_templates::pages;
use relais_templates::pages::declarations::{ApiTokenRow, ApiTokensView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/api", get(list).post(create))
        .route("/settings/api/{id}/revoke", post(revoke))
}

async fn render(
    state: &AppState,
    r: &ResellerUser,
    new_token: Option<String>,
) -> AppResult<Response> {
    let tz = &r.tenant.time_zone;
    let tokens = store::reseller_tokens(&state.db, r.tenant.id, r.reseller.id).await?;
    let view = ApiTokensView {
        tokens: tokens
            .into_iter()
            .map(|t| ApiTokenRow {
                id: t.id,
                name: t.name,
                created: local_time(t.created_at, tz).unwrap_or_default(),
                last_used: t.last_used_at.and_then(|ts| local_time(ts, tz)),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        new_token,
    };
    Ok(pages::api_tokens(&chrome_for(&r.ctx), &view).into_response())
}

async fn list(State(state): State<AppState>, r: ResellerUser) -> AppResult<Response> {
    render(&state, &r, None).await
}

#[derive(serde::Deserialize)]
struct NewToken {
    name: String,
}

async fn create(
    State(state): State<AppState>,
    r: ResellerUser,
    Form(form): Form<NewToken>,
) -> AppResult<Response> {
    let name: String = form.name.trim().chars().take(100).collect();
    if name.is_empty() {
        return Err(AppError::BadRequest(r.ctx.t("decl.api_name").to_string()));
    }
    let token = format!("rls_{}", crate::auth::random_token());
    store::create_reseller_token(
        &state.db,
        r.tenant.id,
        r.reseller.id,
        r.user.id,
        &name,
        &crate::auth::token_hash(&token),
    )
    .await?;
    render(&state, &r, Some(token)).await
}

/// Revokes the token once: a second request (a double click) finds it revoked and says so.
async fn revoke(
    State(state): State<AppState>,
    r: ResellerUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (kind, key) =
        if store::revoke_reseller_token(&state.db, r.tenant.id, r.reseller.id, id).await? == 1 {
            ("success", "decl.api_revoked_now")
        } else if store::reseller_tokens(&state.db, r.tenant.id, r.reseller.id)
            .await?
            .iter()
            .any(|t| t.id == id && t.revoked_at.is_some())
        {
            ("info", "decl.api_already_revoked")
        } else {
            return Err(AppError::NotFound);
        };
    Ok(flash_redirect(&state, "/settings/api", kind, r.ctx.t(key)))
}
