//! Error policy: handlers return `AppError`; its response carries only a marker, and the
//! context middleware renders the page in the user's language (it knows the user and language,
//! `into_response` does not). Internal errors are logged with an id and never shown in detail.
//! A database that cannot serve (unreachable, read-only) is not an internal error: the user is
//! told it is temporarily unavailable (503), and nothing else is concluded from it.

use axum::http::{header, HeaderValue, StatusCode};
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
    /// Refused for its size, slowness or rate: the status and the i18n key of the message.
    #[error("refused ({0}): {1}")]
    Refused(StatusCode, &'static str),
    #[error("the database is temporarily unavailable")]
    Unavailable,
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
    /// A message already in the user's language.
    pub message: Option<String>,
    /// The i18n key of the message, translated when the page is rendered.
    pub key: Option<&'static str>,
    pub request_id: Option<String>,
}

/// True when one of the error's causes is a database error that means "cannot serve now".
fn database_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<sqlx::Error>()
            .is_some_and(crate::db::is_unavailable)
            || c.downcast_ref::<crate::db::RawError>()
                .is_some_and(crate::db::is_unavailable_raw)
    })
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let unavailable = match &self {
            AppError::Unavailable => true,
            AppError::Internal(e) if database_unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                true
            }
            _ => false,
        };
        let (status, message, key, request_id) = match &self {
            _ if unavailable => (StatusCode::SERVICE_UNAVAILABLE, None, None, None),
            AppError::NotFound => (StatusCode::NOT_FOUND, None, None, None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, None, None, None),
            AppError::LoginRequired => (StatusCode::UNAUTHORIZED, None, None, None),
            AppError::Csrf => (StatusCode::FORBIDDEN, None, Some("error.csrf"), None),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, Some(m.clone()), None, None),
            AppError::Refused(status, key) => (*status, None, Some(*key), None),
            AppError::Unavailable => unreachable!("handled above"),
            AppError::Internal(e) => {
                let id = crate::auth::random_token()[..10].to_string();
                tracing::error!(request_id = %id, error = ?e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, None, None, Some(id))
            }
        };
        let mut resp = status.into_response();
        if matches!(
            status,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
        ) {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp.extensions_mut().insert(ErrorMarker {
            status,
            message,
            key,
            request_id,
        });
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;
