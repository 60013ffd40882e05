//! The JSON API for resellers' ERPs under `/api/v1`: bearer tokens per reseller (created and
//! revoked on `/settings/api`, stored hashed), declarations as JSON lines or as a file, and the
//! OpenAPI document. The CSRF check skips `/api/`: requests carry a token, not a cookie.

pub mod analytics;
pub mod declarations;
pub mod openapi;
pub mod tokens;

use super::error::AppError;
use super::AppState;
use crate::db::{self, network::Reseller, tenants::Tenant};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(declarations::router())
        .merge(openapi::router())
        .merge(tokens::router())
        .merge(analytics::router())
}

/// The reseller a valid `Authorization: Bearer <token>` acts for.
pub struct ApiReseller {
    pub tenant: Tenant,
    pub reseller: Reseller,
    pub token_id: i64,
}

impl FromRequestParts<AppState> for ApiReseller {
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
        let t = db::declarations::use_reseller_token(&state.db, &crate::auth::token_hash(token))
            .await?
            .ok_or(AppError::LoginRequired)?;
        let tenant = db::tenants::by_id(&state.db, t.tenant_id)
            .await?
            .ok_or(AppError::LoginRequired)?;
        let reseller = db::network::by_id(&state.db, t.tenant_id, t.reseller_id.unwrap_or(0))
            .await?
            .ok_or(AppError::LoginRequired)?;
        Ok(ApiReseller {
            tenant,
            reseller,
            token_id: t.id,
        })
    }
}
