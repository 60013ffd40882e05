//! `/declare` (and `/network/{code}/declare` for staff): start a declaration by the web form,
//! the drafts kept so far, and the declarations already submitted with their lines' statuses.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use crate::components::{
    button_link, data_table, empty_state, error_summary, page_header, submit_button, ButtonKind,
    Column, Field, FieldErrors,
};
use crate::i18n::{datetime, number, t};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct DraftRow {
    pub href: String,
    /// The period's label, or None for a line-by-line declaration.
    pub period: Option<String>,
    pub lines: i64,
    pub changed: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct SubmittedRow {
    pub period: Option<String>,
    pub submitted: Option<NaiveDateTime>,
    pub lines: i64,
    pub pending: i64,
    pub rejected: i64,
}

#[derive(Debug, Clone)]
pub struct DraftsView {
    /// Where "start a declaration" posts.
    pub action: String,
    /// For staff: the reseller declared for.
    pub on_behalf_of: Option<String>,
    /// `(value, label)` of the periods that can be declared; "" (line by line) is added here.
    pub periods: Vec<(String, String)>,
    pub period: String,
    pub errors: FieldErrors,
    pub drafts: Vec<DraftRow>,
    pub submitted: Vec<SubmittedRow>,
    pub upload_href: String,
}

fn period_label(lang: crate::i18n::Lang, period: &Option<String>) -> String {
    period
        .clone()
        .unwrap_or_else(|| t(lang, "declform.line_by_line").to_string())
}

fn new_form(chrome: &Chrome, v: &DraftsView) -> Markup {
    let lang = chrome.lang;
    let mut options = vec![(String::new(), t(lang, "declform.line_by_line").to_string())];
    options.extend(v.periods.iter().cloned());
    html! {
        section .card .section {
            h2 { (t(lang, "declform.new_title")) }
            @if let Some(name) = &v.on_behalf_of {
                p { strong { (t(lang, "decl.on_behalf")) " " (name) } }
            }
            p { (t(lang, "declform.intro")) }
            (error_summary(lang, &v.errors))
            form method="post" action=(v.action) {
                (csrf(chrome))
                (Field::new(lang, "period", t(lang, "declform.period")).value(&v.period)
                    .errors(&v.errors).hint(t(lang, "declform.period_hint")).select(&options))
                div .form-actions {
                    (submit_button(t(lang, "declform.create"), ButtonKind::Primary))
                    (button_link(&v.upload_href, t(lang, "declform.or_upload"), ButtonKind::Ghost))
                }
            }
        }
    }
}

fn drafts_table(chrome: &Chrome, v: &DraftsView) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "declform.col.period")),
        Column::numeric(t(lang, "decl.col.lines")),
        Column::new(t(lang, "declform.col.changed")),
        Column::new(""),
    ];
    let rows = v
        .drafts
        .iter()
        .map(|d| {
            vec![
                html! { a href=(d.href) { (period_label(lang, &d.period)) } },
                html! { (number(d.lines, lang)) },
                html! { (datetime(d.changed, lang)) },
                button_link(&d.href, t(lang, "declform.open"), ButtonKind::Secondary),
            ]
        })
        .collect();
    html! {
        section .section {
            h2 { (t(lang, "declform.drafts_title")) }
            @if v.drafts.is_empty() {
                (empty_state(t(lang, "declform.drafts_empty"), "", None))
            } @else {
                (data_table(None, &columns, rows))
            }
        }
    }
}

fn submitted_table(chrome: &Chrome, v: &DraftsView) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "declform.col.period")),
        Column::new(t(lang, "declform.col.submitted")),
        Column::numeric(t(lang, "decl.col.lines")),
        Column::numeric(t(lang, "decl.status.pending")),
        Column::numeric(t(lang, "decl.status.rejected")),
    ];
    let rows = v
        .submitted
        .iter()
        .map(|s| {
            vec![
                html! { (period_label(lang, &s.period)) },
                html! { (s.submitted.map(|d| datetime(d, lang)).unwrap_or_default()) },
                html! { (number(s.lines, lang)) },
                html! { (number(s.pending, lang)) },
                html! { (number(s.rejected, lang)) },
            ]
        })
        .collect();
    html! {
        @if !v.submitted.is_empty() {
            section .section {
                h2 { (t(lang, "declform.submitted_title")) }
                (data_table(None, &columns, rows))
            }
        }
    }
}

/// The declarations made by the web form: a new one, the drafts, the submitted ones.
pub fn drafts_page(chrome: &Chrome, v: &DraftsView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "declform.title");
    let content = html! {
        (page_header(title, html! {}))
        (new_form(chrome, v))
        (drafts_table(chrome, v))
        (submitted_table(chrome, v))
    };
    Page::new(chrome, title).body(content).render()
}
