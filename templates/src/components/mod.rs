//! Small reusable pieces of markup: tables, filters, form fields, badges, buttons, cards.

mod filter;
mod form;
mod table;

pub use filter::{filter_bar, filter_params, FilterField, FilterKind};
pub use form::{error_summary, Field, FieldError, FieldErrors};
pub use table::{
    data_table, pagination, query_string, row_error_table, url_with_query, Column, Pager, RowError,
};

use maud::{html, Markup};

use crate::i18n::{t, Lang};
use crate::layout::{csrf, Chrome};
use crate::vocab::{Recency, ResellerStatus, SubmissionStatus, UserStatus};

/// A page's title with its main actions beside it.
pub fn page_header(title: &str, actions: Markup) -> Markup {
    html! {
        div .page-header {
            h1 { (title) }
            div .page-actions { (actions) }
        }
    }
}

/// How prominent a button is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonKind {
    Primary,
    Secondary,
    Danger,
    Ghost,
}

impl ButtonKind {
    fn class(self) -> &'static str {
        match self {
            ButtonKind::Primary => "btn btn-primary",
            ButtonKind::Secondary => "btn btn-secondary",
            ButtonKind::Danger => "btn btn-danger",
            ButtonKind::Ghost => "btn btn-ghost",
        }
    }
}

/// A link styled as a button (navigation, not an action: actions are POST forms).
pub fn button_link(href: &str, label: &str, kind: ButtonKind) -> Markup {
    html! { a class=(kind.class()) href=(href) { (label) } }
}

pub fn submit_button(label: &str, kind: ButtonKind) -> Markup {
    html! { button class=(kind.class()) type="submit" { (label) } }
}

/// A one-button POST form for an action (delete, resend, revoke); with `confirm`, the script
/// asks the user first.
pub fn action_form(
    chrome: &Chrome,
    action: &str,
    label: &str,
    kind: ButtonKind,
    confirm: Option<&str>,
) -> Markup {
    html! {
        form .inline-form method="post" action=(action) data-confirm=[confirm] {
            (csrf(chrome))
            (submit_button(label, kind))
        }
    }
}

/// A coloured pill that always carries its text, so colour is never the only signal.
pub fn badge(colour: &str, text: &str) -> Markup {
    html! { span class=(format!("badge badge-{colour}")) { (text) } }
}

pub fn recency_badge(lang: Lang, recency: Recency) -> Markup {
    html! {
        span class=(format!("badge badge-{}", recency.colour())) {
            span .dot aria-hidden="true" {}
            (recency.label(lang))
        }
    }
}

pub fn reseller_status_badge(lang: Lang, status: ResellerStatus) -> Markup {
    let colour = match status {
        ResellerStatus::Prospect => "blue",
        ResellerStatus::Active => "green",
        ResellerStatus::Inactive => "grey",
    };
    badge(colour, status.label(lang))
}

pub fn user_status_badge(lang: Lang, status: UserStatus) -> Markup {
    let colour = match status {
        UserStatus::Invited => "blue",
        UserStatus::Active => "green",
        UserStatus::Disabled => "grey",
    };
    badge(colour, status.label(lang))
}

pub fn submission_badge(lang: Lang, status: SubmissionStatus) -> Markup {
    let colour = match status {
        SubmissionStatus::Preview => "blue",
        SubmissionStatus::Committed | SubmissionStatus::Accepted => "green",
        SubmissionStatus::AwaitingReview => "yellow",
        SubmissionStatus::Rejected | SubmissionStatus::Failed => "red",
    };
    badge(colour, status.label(lang))
}

/// "Yes"/"No" as a badge, for flags such as a product being active.
pub fn yes_no_badge(lang: Lang, yes: bool) -> Markup {
    if yes {
        badge("green", t(lang, "common.yes"))
    } else {
        badge("grey", t(lang, "common.no"))
    }
}

/// What a list shows when it has nothing, with the next useful action.
pub fn empty_state(title: &str, text: &str, action: Option<Markup>) -> Markup {
    html! {
        div .empty-state {
            p .empty-title { (title) }
            p { (text) }
            @if let Some(action) = action {
                div .empty-action { (action) }
            }
        }
    }
}

/// A titled card of label/value pairs.
pub fn definition_card(title: &str, items: Vec<(&str, Markup)>) -> Markup {
    html! {
        section .card {
            h2 { (title) }
            (definition_list(items))
        }
    }
}

pub fn definition_list(items: Vec<(&str, Markup)>) -> Markup {
    html! {
        dl .kv {
            @for (label, value) in items {
                div .kv-row {
                    dt { (label) }
                    dd { (value) }
                }
            }
        }
    }
}

/// Some text, or a muted dash when there is none (an empty cell reads as a rendering bug).
pub fn or_dash(value: Option<&str>) -> Markup {
    match value {
        Some(v) if !v.is_empty() => html! { (v) },
        _ => html! { span .muted aria-label="—" { "—" } },
    }
}
