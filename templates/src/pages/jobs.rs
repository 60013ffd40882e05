//! `/jobs`: the scheduled jobs of the tenant and their recent runs (admins); and the page of a
//! one-click unsubscribe link from a digest, shown without login.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use crate::components::{
    badge, data_table, empty_state, page_header, submit_button, ButtonKind, Column,
};
use crate::i18n::{datetime, number, t, Lang};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct JobScheduleRow {
    /// The job's code name, e.g. `manager-digest`.
    pub job: String,
    /// The cron expression; None when the job is off.
    pub schedule: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    Running,
    Ok,
    Failed,
}

#[derive(Debug, Clone)]
pub struct JobRunRow {
    pub job: String,
    /// Both already in the tenant's time zone.
    pub slot: Option<NaiveDateTime>,
    pub started: Option<NaiveDateTime>,
    pub duration_seconds: Option<i64>,
    pub manual: bool,
    pub outcome: RunOutcome,
    pub processed: i64,
    pub skipped: i64,
    pub failed: i64,
    /// The run's note or its error.
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct JobsView {
    pub time_zone: String,
    pub schedules: Vec<JobScheduleRow>,
    pub runs: Vec<JobRunRow>,
}

/// A job's name in the user's language (its code name when unknown).
pub fn job_label(lang: Lang, job: &str) -> String {
    let key = match job {
        "manager-digest" => "jobs.name.manager-digest",
        "reseller-digest" => "jobs.name.reseller-digest",
        "declaration-reminders" => "jobs.name.declaration-reminders",
        "housekeeping" => "jobs.name.housekeeping",
        "challenge-close" => "jobs.name.challenge-close",
        "points-expiry" => "jobs.name.points-expiry",
        other => return other.to_string(),
    };
    t(lang, key).to_string()
}

fn outcome_badge(lang: Lang, o: RunOutcome) -> Markup {
    match o {
        RunOutcome::Running => badge("blue", t(lang, "jobs.outcome.running")),
        RunOutcome::Ok => badge("green", t(lang, "jobs.outcome.ok")),
        RunOutcome::Failed => badge("red", t(lang, "jobs.outcome.failed")),
    }
}

pub fn jobs_list(chrome: &Chrome, view: &JobsView) -> Markup {
    let lang = chrome.lang;
    let when =
        |d: Option<NaiveDateTime>| d.map(|d| datetime(d, lang)).unwrap_or_else(|| "—".into());
    let schedules = data_table(
        Some(t(lang, "jobs.schedules")),
        &[
            Column::new(t(lang, "jobs.col.job")),
            Column::new(t(lang, "jobs.col.schedule")),
        ],
        view.schedules
            .iter()
            .map(|s| {
                vec![
                    html! { (job_label(lang, &s.job)) " " code { (s.job) } },
                    match &s.schedule {
                        Some(c) => html! { code { (c) } " (" (view.time_zone) ")" },
                        None => badge("grey", t(lang, "jobs.schedule_off")),
                    },
                ]
            })
            .collect(),
    );
    let columns = [
        Column::new(t(lang, "jobs.col.job")),
        Column::new(t(lang, "jobs.col.slot")),
        Column::new(t(lang, "jobs.col.started")),
        Column::numeric(t(lang, "jobs.col.duration")),
        Column::new(t(lang, "jobs.col.outcome")),
        Column::numeric(t(lang, "jobs.col.processed")),
        Column::numeric(t(lang, "jobs.col.skipped")),
        Column::numeric(t(lang, "jobs.col.failed")),
        Column::new(t(lang, "jobs.col.note")),
    ];
    let rows = view
        .runs
        .iter()
        .map(|r| {
            vec![
                html! { (job_label(lang, &r.job)) },
                html! { (when(r.slot)) @if r.manual { " " (badge("grey", t(lang, "jobs.manual"))) } },
                html! { (when(r.started)) },
                html! { (r.duration_seconds.map(|s| format!("{} s", number(s, lang))).unwrap_or_else(|| "—".into())) },
                outcome_badge(lang, r.outcome),
                html! { (number(r.processed, lang)) },
                html! { (number(r.skipped, lang)) },
                html! { (number(r.failed, lang)) },
                html! { (r.note) },
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "jobs.title"), html! {}))
        p { (t(lang, "jobs.intro")) }
        (schedules)
        h2 { (t(lang, "jobs.runs")) }
        @if view.runs.is_empty() {
            (empty_state(t(lang, "jobs.none"), t(lang, "jobs.none_text"), None))
        } @else {
            (data_table(Some(t(lang, "jobs.runs")), &columns, rows))
        }
    };
    Page::new(chrome, t(lang, "jobs.title"))
        .body(content)
        .render()
}

/// The state of an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsubscribeView {
    /// A genuine link: ask for confirmation (link scanners follow GET links; only a POST acts).
    Confirm {
        action: String,
        kind: String,
    },
    Done {
        kind: String,
    },
    Invalid,
}

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "manager-digest" => t(lang, "unsubscribe.kind.manager-digest"),
        "reseller-digest" => t(lang, "unsubscribe.kind.reseller-digest"),
        _ => t(lang, "unsubscribe.kind.reminders"),
    }
}

pub fn unsubscribe(chrome: &Chrome, view: &UnsubscribeView) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        section .card {
            h1 { (t(lang, "unsubscribe.title")) }
            @match view {
                UnsubscribeView::Confirm { action, kind } => {
                    p { (t(lang, "unsubscribe.confirm")) " " strong { (kind_label(lang, kind)) } }
                    form method="post" action=(action) {
                        (csrf(chrome))
                        (submit_button(t(lang, "unsubscribe.button"), ButtonKind::Primary))
                    }
                },
                UnsubscribeView::Done { kind } => {
                    p .flash-success { (t(lang, "unsubscribe.done")) " " strong { (kind_label(lang, kind)) } }
                },
                UnsubscribeView::Invalid => {
                    p { (t(lang, "unsubscribe.invalid")) }
                },
            }
        }
    };
    Page::new(chrome, t(lang, "unsubscribe.title"))
        .body(content)
        .render()
}
