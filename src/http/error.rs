//! Error policy: handlers return `AppError`; its response carries only a marker, and the
//! context middleware renders the page in the user's language (it knows the user and language,
//! `into_response` does not). Internal errors are logged with an id and never shown in detail.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("invalid or missing CSRF token")]
    Csrf,
    /// A request the user can fix; the message is already in the user's language.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

/// Marker put on error responses; the context middleware turns it into a page (or JSON).
#[derive(Debug, Clone)]
pub struct ErrorMarker {
    pub status: StatusCode,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message, request_id) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, None, None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, None, None),
            AppError::LoginRequired => (StatusCode::UNAUTHORIZED, None, None),
            AppError::Csrf => (StatusCode::FORBIDDEN, Some("csrf".to_string()), None),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, Some(m.clone()), None),
            AppError::Internal(e) => {
                let id = crate::auth::random_token()[..10].to_string();
                tracing::error!(request_id = %id, error = ?e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, None, Some(id))
            }
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorMarker {
            status,
            message,
            request_id,
        });
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;
