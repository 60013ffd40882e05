//! `/account`: the signed-in user's own settings (language, password).

use maud::{html, Markup};

use crate::components::{
    error_summary, page_header, submit_button, ButtonKind, Field, FieldErrors,
};
use crate::i18n::{t, Lang};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone, Default)]
pub struct AccountView {
    pub email: String,
    /// The stored preference, which may differ from the page language for this request.
    pub preferred_lang: Lang,
    /// Errors on `current_password`, `new_password`, `new_password_confirm`.
    pub password_errors: FieldErrors,
    pub min_password_length: usize,
}

/// `GET /account`. The language form posts `lang` to `/account/language`; the password form
/// posts `current_password`, `new_password`, `new_password_confirm` to `/account/password`.
pub fn account(chrome: &Chrome, view: &AccountView) -> Markup {
    let lang = chrome.lang;
    let languages: Vec<(String, String)> = Lang::ALL
        .iter()
        .map(|l| (l.code().to_string(), l.native_name().to_string()))
        .collect();
    let e = &view.password_errors;
    let rules = t(lang, "set_password.rules").replace("{n}", &view.min_password_length.to_string());
    let content = html! {
        (page_header(t(lang, "nav.account"), html! {}))
        p .lead { (view.email) }
        div .cards {
            section .card {
                h2 { (t(lang, "account.language_title")) }
                form method="post" action="/account/language" {
                    (csrf(chrome))
                    (Field::new(lang, "lang", t(lang, "field.language"))
                        .value(view.preferred_lang.code()).select(&languages))
                    div .form-actions { (submit_button(t(lang, "action.save"), ButtonKind::Primary)) }
                }
            }
            section .card {
                h2 { (t(lang, "account.password_title")) }
                (error_summary(lang, e))
                form method="post" action="/account/password" {
                    (csrf(chrome))
                    input type="hidden" name="username" value=(view.email) autocomplete="username";
                    (Field::new(lang, "current_password", t(lang, "field.current_password"))
                        .errors(e).required().autocomplete("current-password").password())
                    (Field::new(lang, "new_password", t(lang, "field.new_password")).hint(&rules)
                        .errors(e).required().autocomplete("new-password").password())
                    (Field::new(lang, "new_password_confirm", t(lang, "field.password_confirm"))
                        .errors(e).required().autocomplete("new-password").password())
                    div .form-actions {
                        (submit_button(t(lang, "account.password_submit"), ButtonKind::Primary))
                    }
                }
            }
        }
    };
    Page::new(chrome, t(lang, "nav.account"))
        .body(content)
        .render()
}
