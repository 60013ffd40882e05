//! Error pages. They work with or without a signed-in user in the chrome.

use maud::{html, Markup};

use crate::i18n::t;
use crate::layout::{Chrome, Page};

fn error_page(chrome: &Chrome, status: u16, title_key: &'static str, text: Markup) -> Markup {
    let lang = chrome.lang;
    let home = match chrome.role() {
        Some(role) if role.is_manufacturer() => "/dashboard",
        Some(_) => "/",
        None => "/login",
    };
    let content = html! {
        section .error-page {
            p .error-code { (status) }
            h1 { (t(lang, title_key)) }
            (text)
            p { a .btn .btn-primary href=(home) { (t(lang, "action.back_home")) } }
        }
    };
    Page::new(chrome, t(lang, title_key)).body(content).render()
}

/// 403.
pub fn forbidden(chrome: &Chrome) -> Markup {
    error_page(
        chrome,
        403,
        "error_page.forbidden",
        html! { p { (t(chrome.lang, "error_page.forbidden_text")) } },
    )
}

/// 404.
pub fn not_found(chrome: &Chrome) -> Markup {
    error_page(
        chrome,
        404,
        "error_page.not_found",
        html! { p { (t(chrome.lang, "error_page.not_found_text")) } },
    )
}

/// 500, with the request id the user can quote to support (the details are in the logs only).
pub fn server_error(chrome: &Chrome, request_id: &str) -> Markup {
    let lang = chrome.lang;
    error_page(
        chrome,
        500,
        "error_page.server",
        html! {
            p { (t(lang, "error_page.server_text")) }
            p .muted { (t(lang, "error_page.request_id")) " " code { (request_id) } }
        },
    )
}

/// 400, with a message already in the user's language.
pub fn bad_request(chrome: &Chrome, message: &str) -> Markup {
    error_page(
        chrome,
        400,
        "error_page.bad_request",
        html! { p { (message) } },
    )
}

/// A request refused for its size, its slowness or its rate (413, 408, 429), with a message
/// already in the user's language.
pub fn refused(chrome: &Chrome, status: u16, message: &str) -> Markup {
    error_page(
        chrome,
        status,
        "error_page.refused",
        html! { p { (message) } },
    )
}

/// 503: the database cannot be reached. The user's session and work are untouched.
pub fn unavailable(chrome: &Chrome) -> Markup {
    error_page(
        chrome,
        503,
        "error_page.unavailable",
        html! { p { (t(chrome.lang, "error_page.unavailable_text")) } },
    )
}
