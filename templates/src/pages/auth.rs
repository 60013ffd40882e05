//! Pages seen before signing in: login, forgotten password, setting a password from an
//! invitation or reset link.

use maud::{html, Markup};

use crate::components::{error_summary, submit_button, ButtonKind, Field, FieldErrors};
use crate::i18n::{colon, t};
use crate::layout::{csrf, Chrome, Page};

/// Why a login failed. Deliberately vague about which of email or password was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    InvalidCredentials,
    TooManyAttempts,
}

#[derive(Debug, Clone, Default)]
pub struct LoginView {
    /// What the user typed, kept after a failed attempt.
    pub email: String,
    pub error: Option<LoginError>,
    /// Where to go after login (a local path), sent back as the hidden field `next`.
    pub next: Option<String>,
}

/// `GET /login`; posts `email`, `password`, `next` to `/login`.
pub fn login(chrome: &Chrome, view: &LoginView) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        section .auth-card {
            h1 { (t(lang, "login.title")) }
            @if let Some(error) = view.error {
                div .flash .flash-error role="alert" {
                    @match error {
                        LoginError::InvalidCredentials => (t(lang, "login.invalid")),
                        LoginError::TooManyAttempts => (t(lang, "login.too_many")),
                    }
                }
            }
            form method="post" action="/login" {
                (csrf(chrome))
                @if let Some(next) = &view.next {
                    input type="hidden" name="next" value=(next);
                }
                (Field::new(lang, "email", t(lang, "field.email")).value(&view.email)
                    .required().autocomplete("username").email())
                (Field::new(lang, "password", t(lang, "field.password"))
                    .required().autocomplete("current-password").password())
                div .form-actions {
                    (submit_button(t(lang, "login.submit"), ButtonKind::Primary))
                    a href="/forgot-password" { (t(lang, "login.forgot")) }
                }
            }
        }
    };
    Page::new(chrome, t(lang, "login.title"))
        .body(content)
        .render()
}

#[derive(Debug, Clone, Default)]
pub struct ForgotPasswordView {
    pub email: String,
    pub errors: FieldErrors,
}

/// `GET /forgot-password`; posts `email` to `/forgot-password`.
pub fn forgot_password(chrome: &Chrome, view: &ForgotPasswordView) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        section .auth-card {
            h1 { (t(lang, "forgot.title")) }
            p { (t(lang, "forgot.intro")) }
            (error_summary(lang, &view.errors))
            form method="post" action="/forgot-password" {
                (csrf(chrome))
                (Field::new(lang, "email", t(lang, "field.email")).value(&view.email)
                    .errors(&view.errors).required().autocomplete("username").email())
                div .form-actions {
                    (submit_button(t(lang, "forgot.submit"), ButtonKind::Primary))
                    a href="/login" { (t(lang, "forgot.back")) }
                }
            }
        }
    };
    Page::new(chrome, t(lang, "forgot.title"))
        .body(content)
        .render()
}

/// Shown whether or not the address has an account, so the form can't be used to find out.
pub fn forgot_password_sent(chrome: &Chrome) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        section .auth-card {
            h1 { (t(lang, "forgot.sent_title")) }
            p { (t(lang, "forgot.sent_text")) }
            p { a href="/login" { (t(lang, "forgot.back")) } }
        }
    };
    Page::new(chrome, t(lang, "forgot.sent_title"))
        .body(content)
        .render()
}

/// Which link brought the user to the set-password page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetPasswordPurpose {
    /// `/invite/{token}`: first password, joining a tenant.
    Invitation,
    /// `/reset/{token}`: forgotten password.
    Reset,
}

#[derive(Debug, Clone)]
pub struct SetPasswordView {
    pub purpose: SetPasswordPurpose,
    /// Where the form posts: the same `/invite/{token}` or `/reset/{token}` path.
    pub action: String,
    /// The account's email, shown so the user knows which account this is.
    pub email: Option<String>,
    /// For invitations: the manufacturer the user is joining.
    pub tenant_name: Option<String>,
    /// Errors on `password` and `password_confirm`.
    pub errors: FieldErrors,
    pub min_length: usize,
}

/// Posts `password` and `password_confirm` to `view.action`.
pub fn set_password(chrome: &Chrome, view: &SetPasswordView) -> Markup {
    let lang = chrome.lang;
    let title = match view.purpose {
        SetPasswordPurpose::Invitation => t(lang, "set_password.invite_title"),
        SetPasswordPurpose::Reset => t(lang, "set_password.reset_title"),
    };
    let rules = t(lang, "set_password.rules").replace("{n}", &view.min_length.to_string());
    let content = html! {
        section .auth-card {
            h1 { (title) }
            @if let (SetPasswordPurpose::Invitation, Some(tenant)) = (view.purpose, &view.tenant_name) {
                p { (t(lang, "set_password.invite_intro")) " " strong { (tenant) } "." }
            }
            @if let Some(email) = &view.email {
                p .muted { (t(lang, "field.email")) (colon(lang)) (email) }
            }
            (error_summary(lang, &view.errors))
            form method="post" action=(view.action) {
                (csrf(chrome))
                @if let Some(email) = &view.email {
                    // Lets password managers store the new password under the right account.
                    input type="hidden" name="username" value=(email) autocomplete="username";
                }
                (Field::new(lang, "password", t(lang, "field.new_password")).hint(&rules)
                    .errors(&view.errors).required().autocomplete("new-password").password())
                (Field::new(lang, "password_confirm", t(lang, "field.password_confirm"))
                    .errors(&view.errors).required().autocomplete("new-password").password())
                div .form-actions {
                    (submit_button(t(lang, "set_password.submit"), ButtonKind::Primary))
                }
            }
        }
    };
    Page::new(chrome, title).body(content).render()
}

/// An invitation or reset link that is unknown, used or expired.
pub fn link_invalid(chrome: &Chrome) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        section .auth-card {
            h1 { (t(lang, "link_invalid.title")) }
            p { (t(lang, "link_invalid.text")) }
            p { a .btn .btn-primary href="/forgot-password" { (t(lang, "link_invalid.new_link")) } }
            p { a href="/login" { (t(lang, "forgot.back")) } }
        }
    };
    Page::new(chrome, t(lang, "link_invalid.title"))
        .body(content)
        .render()
}
