//! Static assets embedded in the binary, served under content-hashed names so that browsers
//! may cache them forever.

use super::AppState;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

fn hashed(name: &str, ext: &str, body: &str) -> String {
    let digest = hex::encode(Sha256::digest(body.as_bytes()));
    format!("/static/{name}-{}.{ext}", &digest[..12])
}

pub static CSS_URL: LazyLock<String> =
    LazyLock::new(|| hashed("relais", "css", relais_templates::CSS));
pub static JS_URL: LazyLock<String> =
    LazyLock::new(|| hashed("relais", "js", relais_templates::JS));
pub static ICON_URL: LazyLock<String> =
    LazyLock::new(|| hashed("icon", "svg", relais_templates::ICON_SVG));

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(serve)).route(
        "/favicon.ico",
        get(|| async { asset("image/svg+xml", relais_templates::ICON_SVG) }),
    )
}

async fn serve(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let path = format!("/static/{file}");
    if path == *CSS_URL {
        asset("text/css; charset=utf-8", relais_templates::CSS)
    } else if path == *JS_URL {
        asset("text/javascript; charset=utf-8", relais_templates::JS)
    } else if path == *ICON_URL {
        asset("image/svg+xml", relais_templates::ICON_SVG)
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
