//! `/`: the reseller's home — what to declare next, latest submissions, points.

use chrono::{NaiveDate, NaiveDateTime};
use maud::{html, Markup};

use crate::components::{data_table, empty_state, submission_badge, Column};
use crate::i18n::{date, datetime, number, t};
use crate::layout::{Chrome, Page};
use crate::vocab::SubmissionStatus;

/// The period the reseller should declare next.
#[derive(Debug, Clone)]
pub struct NextDeclaration {
    /// Already formatted, e.g. "Novembre 2026" or "S48 2026".
    pub period_label: String,
    pub due: NaiveDate,
    pub declared: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionKind {
    Import,
    Declaration,
}

/// One of the latest imports or declarations.
#[derive(Debug, Clone)]
pub struct RecentSubmission {
    pub kind: SubmissionKind,
    /// What it is: a file name or a period label.
    pub label: String,
    /// Its page, e.g. `/imports/42`.
    pub href: String,
    /// Already in the tenant's time zone.
    pub at: NaiveDateTime,
    pub lines: Option<i64>,
    pub status: SubmissionStatus,
}

#[derive(Debug, Clone)]
pub struct ResellerHomeView {
    /// How to greet the user (first name or email).
    pub user_name: String,
    /// The reseller organisation's name in this manufacturer's network.
    pub organisation_name: String,
    pub next_declaration: Option<NextDeclaration>,
    pub recent: Vec<RecentSubmission>,
}

fn next_card(chrome: &Chrome, next: Option<&NextDeclaration>) -> Markup {
    let lang = chrome.lang;
    html! {
        section .card .card-highlight aria-labelledby="next-title" {
            h2 #next-title { (t(lang, "home.next_title")) }
            @match next {
                Some(next) => {
                    p .big-figure { (next.period_label) }
                    p {
                        (t(lang, "home.due")) " " strong { (date(next.due, lang)) }
                    }
                    p {
                        @if next.declared {
                            span .badge .badge-green { (t(lang, "home.declared")) }
                        } @else {
                            span .badge .badge-yellow { (t(lang, "home.not_declared")) }
                        }
                    }
                    a .btn .btn-primary .btn-large href="/declare" { (t(lang, "nav.declare")) }
                },
                None => {
                    p { (t(lang, "home.nothing_due")) }
                    a .btn .btn-secondary href="/declare" { (t(lang, "nav.declare")) }
                },
            }
        }
    }
}

fn recent_list(chrome: &Chrome, recent: &[RecentSubmission]) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "home.col.what")),
        Column::new(t(lang, "home.col.when")),
        Column::numeric(t(lang, "home.col.lines")),
        Column::new(t(lang, "field.status")),
    ];
    let rows = recent
        .iter()
        .map(|s| {
            let kind = match s.kind {
                SubmissionKind::Import => t(lang, "home.kind.import"),
                SubmissionKind::Declaration => t(lang, "home.kind.declaration"),
            };
            vec![
                html! { span .muted { (kind) " · " } a href=(s.href) { (s.label) } },
                html! { (datetime(s.at, lang)) },
                html! { (s.lines.map(|l| number(l, lang)).unwrap_or_default()) },
                submission_badge(lang, s.status),
            ]
        })
        .collect();
    html! {
        section .section {
            h2 { (t(lang, "home.recent_title")) }
            @if recent.is_empty() {
                (empty_state(t(lang, "home.recent_empty"), t(lang, "home.recent_empty_text"), None))
            } @else {
                (data_table(None, &columns, rows))
                p { a href="/imports" { (t(lang, "home.all_imports")) " →" } }
            }
        }
    }
}

/// `GET /` for reseller users. `points` is the points card, rendered by the points pages.
pub fn reseller_home(chrome: &Chrome, view: &ResellerHomeView, points: Markup) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        div .page-header {
            div {
                h1 { (t(lang, "home.hello")) " " (view.user_name) }
                p .lead { (view.organisation_name) }
            }
        }
        div .cards {
            (next_card(chrome, view.next_declaration.as_ref()))
            (points)
        }
        (recent_list(chrome, &view.recent))
    };
    Page::new(chrome, t(lang, "nav.home"))
        .body(content)
        .render()
}
