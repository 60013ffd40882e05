//! `/settings/api`: a reseller's API tokens for its ERP. A new token is shown once.

use maud::{html, Markup};

use crate::components::{
    action_form, badge, data_table, empty_state, page_header, submit_button, ButtonKind, Column,
};
use crate::i18n::{datetime, t};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub created: chrono::NaiveDateTime,
    pub last_used: Option<chrono::NaiveDateTime>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct ApiTokensView {
    pub tokens: Vec<ApiTokenRow>,
    /// The token just created, shown this once.
    pub new_token: Option<String>,
}

pub fn api_tokens(chrome: &Chrome, v: &ApiTokensView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.api_title");
    let columns = [
        Column::new(t(lang, "decl.col.name")),
        Column::new(t(lang, "decl.col.created")),
        Column::new(t(lang, "decl.col.last_used")),
        Column::new(t(lang, "decl.col.status")),
        Column::new(""),
    ];
    let rows = v
        .tokens
        .iter()
        .map(|r| {
            vec![
                html! { (r.name) },
                html! { (datetime(r.created, lang)) },
                html! { (r.last_used.map(|d| datetime(d, lang)).unwrap_or_else(|| "—".into())) },
                if r.revoked {
                    badge("grey", t(lang, "decl.api_revoked"))
                } else {
                    badge("green", t(lang, "decl.api_active"))
                },
                if r.revoked {
                    html! {}
                } else {
                    action_form(
                        chrome,
                        &format!("/settings/api/{}/revoke", r.id),
                        t(lang, "decl.api_revoke"),
                        ButtonKind::Danger,
                        Some(t(lang, "decl.api_revoke_confirm")),
                    )
                },
            ]
        })
        .collect();
    let content = html! {
        (page_header(title, html! {}))
        p { (t(lang, "decl.api_intro")) }
        @if let Some(token) = &v.new_token {
            section .card .section role="status" {
                p { strong { (t(lang, "decl.api_created")) } }
                p { code .api-token { (token) } }
            }
        }
        section .card .section {
            form method="post" action="/settings/api" {
                (csrf(chrome))
                div .field {
                    label for="f-name" { (t(lang, "decl.api_name")) }
                    input #f-name type="text" name="name" required maxlength="100";
                }
                div .form-actions { (submit_button(t(lang, "decl.api_create"), ButtonKind::Primary)) }
            }
        }
        @if v.tokens.is_empty() {
            (empty_state(t(lang, "decl.api_empty"), "", None))
        } @else {
            (data_table(None, &columns, rows))
        }
    };
    Page::new(chrome, title).body(content).render()
}
