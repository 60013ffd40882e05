//! Reseller pages: `/challenges` (the ones it takes part in) and `/challenges/{id}` (its rank and
//! its league's board).

use chrono::NaiveDate;
use maud::{html, Markup};

use super::{leaderboard, league_label, status_badge, LeaderRow};
use crate::components::{data_table, empty_state, page_header, Column};
use crate::i18n::{date, number, t};
use crate::layout::{Chrome, Page};

#[derive(Debug, Clone)]
pub struct MyChallengeRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub end: NaiveDate,
    pub points: i64,
    pub rank: i64,
    pub participants: i64,
}

/// `GET /challenges` for reseller users.
pub fn my_challenges(chrome: &Chrome, rows: &[MyChallengeRow]) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "field.name")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "challenge.end")),
        Column::numeric(t(lang, "challenge.points")),
        Column::new(t(lang, "challenge.rank")),
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                html! { a href=(format!("/challenges/{}", r.id)) { (r.name) } },
                status_badge(lang, &r.status),
                html! { (date(r.end, lang)) },
                html! { (number(r.points, lang)) },
                html! { (r.rank) " / " (r.participants) },
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "challenge.mine"), html! {}))
        @if rows.is_empty() {
            (empty_state(t(lang, "challenge.none_for_you"), t(lang, "challenge.none_for_you_text"), None))
        } @else {
            (data_table(Some(t(lang, "challenge.mine")), &columns, body))
        }
    };
    Page::new(chrome, t(lang, "challenge.mine"))
        .body(content)
        .render()
}

#[derive(Debug, Clone)]
pub struct MyChallengeView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub me: LeaderRow,
    pub league_rank: i64,
    pub participants: i64,
    /// The reseller's league board (the overall board without leagues).
    pub league: Option<String>,
    pub board: Vec<LeaderRow>,
    /// Each rule in words, already formatted by the app.
    pub rules: Vec<String>,
}

/// `GET /challenges/{id}` for reseller users.
pub fn my_challenge(chrome: &Chrome, v: &MyChallengeView) -> Markup {
    let lang = chrome.lang;
    let caption = match &v.league {
        Some(l) => format!(
            "{} — {}",
            t(lang, "challenge.league"),
            league_label(lang, l)
        ),
        None => t(lang, "challenge.leaderboard").to_string(),
    };
    let content = html! {
        (page_header(&v.name, html! {}))
        p { (status_badge(lang, &v.status)) " " (date(v.start, lang)) " – " (date(v.end, lang)) }
        @if !v.description.is_empty() { p .lead { (v.description) } }
        div .cards {
            section .card .card-highlight {
                h2 { (t(lang, "challenge.your_rank")) }
                p .big-figure #my-rank { (v.me.rank) " / " (v.participants) }
                @if v.league.is_some() { p { (t(lang, "challenge.league_rank")) " " strong { (v.league_rank) } } }
                p { (t(lang, "challenge.points")) " " strong #my-points { (number(v.me.points, lang)) } }
                @if let Some(m) = v.me.next_tier_missing {
                    p { (t(lang, "challenge.next_tier")) " " (number(m, lang)) " " (t(lang, "challenge.to_go")) }
                }
            }
            section .card {
                h2 { (t(lang, "challenge.rules")) }
                ul { @for r in &v.rules { li { (r) } } }
            }
        }
        (leaderboard(lang, &caption, &v.board))
        p { a href="/points" { (t(lang, "points.see_statement")) " →" } }
    };
    Page::new(chrome, &v.name).body(content).render()
}
