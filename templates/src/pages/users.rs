//! `/settings/users`: the tenant's users and the invitation form (admins only).

use chrono::NaiveDateTime;
use maud::{html, Markup};
use serde::Deserialize;

use crate::components::{
    action_form, data_table, empty_state, error_summary, or_dash, page_header, submit_button,
    user_status_badge, ButtonKind, Column, Field, FieldErrors,
};
use crate::i18n::{datetime, t};
use crate::layout::{csrf, Chrome, Page};
use crate::vocab::{Role, UserStatus};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// "CODE — Name" of the reseller for reseller users.
    pub reseller: Option<String>,
    /// Already in the tenant's time zone.
    pub last_login: Option<NaiveDateTime>,
    pub status: UserStatus,
    /// The admin may remove this user's access to the tenant (not their own, not twice).
    pub removable: bool,
}

/// The invitation form as posted to `/settings/users/invite` (`email`, `role`, `reseller_code`).
/// Inviting an existing reseller user of the same organisation grants them access instead.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InviteFormValues {
    pub email: String,
    /// A [`Role`] code.
    pub role: String,
    /// Required when the role is `reseller`.
    pub reseller_code: String,
}

#[derive(Debug, Clone, Default)]
pub struct UsersView {
    pub users: Vec<UserRow>,
    /// What was typed in the invitation form, kept when refused.
    pub invite: InviteFormValues,
    pub errors: FieldErrors,
}

/// `GET /settings/users`; the invitation form posts to `/settings/users/invite`.
pub fn users_list(chrome: &Chrome, view: &UsersView) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "field.email")),
        Column::new(t(lang, "field.role")),
        Column::new(t(lang, "field.reseller")),
        Column::new(t(lang, "field.last_login")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "field.actions")),
    ];
    let rows = view
        .users
        .iter()
        .map(|u| {
            vec![
                html! { (u.email) },
                html! { (u.role.label(lang)) },
                or_dash(u.reseller.as_deref()),
                or_dash(u.last_login.map(|d| datetime(d, lang)).as_deref()),
                user_status_badge(lang, u.status),
                html! {
                    @if u.removable {
                        (action_form(chrome, &format!("/settings/users/{}/remove", u.id),
                            t(lang, "users.remove_access"), ButtonKind::Danger, None))
                    }
                },
            ]
        })
        .collect();
    let e = &view.errors;
    let content = html! {
        (page_header(t(lang, "users.title"), html! {}))
        @if view.users.is_empty() {
            (empty_state(t(lang, "users.empty_title"), t(lang, "users.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "users.caption")), &columns, rows))
        }
        section .card .section #invite {
            h2 { (t(lang, "users.invite_title")) }
            p .muted { (t(lang, "users.invite_intro")) }
            (error_summary(lang, e))
            form method="post" action="/settings/users/invite" novalidate {
                (csrf(chrome))
                div .form-grid {
                    (Field::new(lang, "email", t(lang, "field.email")).value(&view.invite.email)
                        .errors(e).required().email())
                    (Field::new(lang, "role", t(lang, "field.role")).value(&view.invite.role)
                        .errors(e).required().blank_option().select(&Role::options(lang)))
                    (Field::new(lang, "reseller_code", t(lang, "field.reseller_code"))
                        .value(&view.invite.reseller_code).errors(e)
                        .hint(t(lang, "users.reseller_code_hint")).text())
                }
                div .form-actions {
                    (submit_button(t(lang, "users.invite_submit"), ButtonKind::Primary))
                }
            }
        }
    };
    Page::new(chrome, t(lang, "users.title"))
        .body(content)
        .render()
}
