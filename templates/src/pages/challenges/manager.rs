//! Manager pages: `/challenges` (list), `/challenges/new`, `/challenges/{id}` (editor,
//! leaderboards, backtest, launch and close).

use chrono::NaiveDate;
use maud::{html, Markup};

use super::editor::{challenge_form, ChallengeFormValues};
use super::{leaderboard, league_label, status_badge, LeaderRow};
use crate::components::{
    action_form, button_link, data_table, empty_state, page_header, ButtonKind, Column, FieldErrors,
};
use crate::i18n::{date, money, number, t};
use crate::layout::{Chrome, Page};

#[derive(Debug, Clone)]
pub struct ChallengeListRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub version: i64,
}

/// `GET /challenges` for managers.
pub fn challenges_list(chrome: &Chrome, rows: &[ChallengeListRow]) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "field.name")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "challenge.start")),
        Column::new(t(lang, "challenge.end")),
        Column::numeric(t(lang, "challenge.version")),
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                html! { a href=(format!("/challenges/{}", r.id)) { (r.name) } },
                status_badge(lang, &r.status),
                html! { (date(r.start, lang)) },
                html! { (date(r.end, lang)) },
                html! { (r.version) },
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "challenge.title"), html! {
            (button_link("/challenges/new", t(lang, "challenge.new"), ButtonKind::Primary))
            (button_link("/rewards", t(lang, "nav.rewards"), ButtonKind::Secondary))
            (button_link("/redemptions", t(lang, "redemption.title"), ButtonKind::Secondary))
        }))
        @if rows.is_empty() {
            (empty_state(t(lang, "challenge.empty"), t(lang, "challenge.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "challenge.title")), &columns, body))
        }
    };
    Page::new(chrome, t(lang, "challenge.title"))
        .body(content)
        .render()
}

/// `GET /challenges/new` and its re-rendering.
pub fn challenge_new(
    chrome: &Chrome,
    values: &ChallengeFormValues,
    errors: &FieldErrors,
) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        (page_header(t(lang, "challenge.new"), html! {}))
        (challenge_form(chrome, "/challenges/new", values, errors))
    };
    Page::new(chrome, t(lang, "challenge.new"))
        .body(content)
        .render()
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DistView {
    pub count: u64,
    pub total: i64,
    pub median: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Default)]
pub struct BacktestView {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub lines: usize,
    pub points: i64,
    pub points_capped: i64,
    pub cost_cents: i64,
    pub overall: DistView,
    pub leagues: Vec<(String, DistView)>,
    /// Participants reaching each tier.
    pub reached_tier: Vec<u64>,
    pub hit_participant_cap: u64,
    pub hit_monthly_cap: u64,
    pub hit_budget: u64,
    pub rows: Vec<LeaderRow>,
}

#[derive(Debug, Clone)]
pub struct ChallengeDetailView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    pub version: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub currency: String,
    pub point_value_cents: i64,
    /// The editor, unless the challenge is closed.
    pub form: Option<(ChallengeFormValues, FieldErrors)>,
    pub board: Vec<LeaderRow>,
    pub leagues: Vec<(String, Vec<LeaderRow>)>,
    pub frozen: bool,
    pub backtest: Option<BacktestView>,
    /// Default period offered to the backtest form.
    pub backtest_from: NaiveDate,
    pub backtest_to: NaiveDate,
}

fn dist_cells(lang: crate::i18n::Lang, d: &DistView) -> Vec<Markup> {
    vec![
        html! { (number(d.count as i64, lang)) },
        html! { (number(d.total, lang)) },
        html! { (number(d.median, lang)) },
        html! { (number(d.max, lang)) },
    ]
}

fn dist_rows(lang: crate::i18n::Lang, b: &BacktestView) -> Vec<Vec<Markup>> {
    let mut first = vec![html! { (t(lang, "challenge.overall")) }];
    first.extend(dist_cells(lang, &b.overall));
    let mut rows = vec![first];
    for (l, d) in &b.leagues {
        let mut r = vec![html! { (league_label(lang, l)) }];
        r.extend(dist_cells(lang, d));
        rows.push(r);
    }
    rows
}

fn backtest_section(chrome: &Chrome, v: &ChallengeDetailView) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "challenge.league")),
        Column::numeric(t(lang, "challenge.participants")),
        Column::numeric(t(lang, "challenge.points")),
        Column::numeric(t(lang, "challenge.median")),
        Column::numeric(t(lang, "challenge.max")),
    ];
    html! {
        section .section #backtest {
            h2 { (t(lang, "challenge.backtest")) }
            p .hint { (t(lang, "challenge.backtest_hint")) }
            form .filter-bar method="get" action=(format!("/challenges/{}", v.id)) {
                label { (t(lang, "challenge.from")) " " input type="date" name="from" value=(v.backtest_from.to_string()); }
                label { (t(lang, "challenge.to")) " " input type="date" name="to" value=(v.backtest_to.to_string()); }
                button .btn .btn-secondary type="submit" name="backtest" value="1" { (t(lang, "challenge.run_backtest")) }
            }
            @if let Some(b) = &v.backtest {
                dl .definition-list .backtest-figures {
                    dt { (t(lang, "challenge.lines")) } dd { (number(b.lines as i64, lang)) }
                    dt { (t(lang, "challenge.projected_points")) } dd #backtest-points { (number(b.points, lang)) }
                    dt { (t(lang, "challenge.projected_cost")) } dd #backtest-cost { (money(b.cost_cents, &v.currency, lang)) }
                    dt { (t(lang, "challenge.points_capped")) } dd { (number(b.points_capped, lang)) }
                    dt { (t(lang, "challenge.hit_participant_cap")) } dd { (b.hit_participant_cap) }
                    dt { (t(lang, "challenge.hit_monthly_cap")) } dd { (b.hit_monthly_cap) }
                    dt { (t(lang, "challenge.hit_budget")) } dd { (b.hit_budget) }
                    @for (k, n) in b.reached_tier.iter().enumerate() {
                        dt { (t(lang, "challenge.reached_tier")) " " (k + 1) } dd { (n) }
                    }
                }
                @let rows = dist_rows(lang, b);
                (data_table(Some(t(lang, "challenge.distribution")), &columns, rows))
                (leaderboard(lang, t(lang, "challenge.backtest_board"), &b.rows))
            }
        }
    }
}

/// `GET /challenges/{id}` for managers.
pub fn challenge_detail(chrome: &Chrome, v: &ChallengeDetailView) -> Markup {
    let lang = chrome.lang;
    let actions = html! {
        @match v.status.as_str() {
            "draft" => (action_form(chrome, &format!("/challenges/{}/launch", v.id), t(lang, "challenge.launch"), ButtonKind::Primary, Some(t(lang, "challenge.launch_confirm")))),
            "running" => {
                (action_form(chrome, &format!("/challenges/{}/recompute", v.id), t(lang, "challenge.recompute"), ButtonKind::Secondary, None))
                (action_form(chrome, &format!("/challenges/{}/close", v.id), t(lang, "challenge.close"), ButtonKind::Danger, Some(t(lang, "challenge.close_confirm"))))
            },
            _ => {},
        }
    };
    let content = html! {
        (page_header(&v.name, actions))
        p { (status_badge(lang, &v.status)) " " (t(lang, "challenge.version")) " " (v.version) " · "
            (date(v.start, lang)) " – " (date(v.end, lang)) " · "
            (t(lang, "challenge.point_value")) " " (money(v.point_value_cents, &v.currency, lang)) }
        @if !v.description.is_empty() { p .lead { (v.description) } }
        @if v.status != "draft" {
            section .section #leaderboard {
                h2 { (t(lang, if v.frozen { "challenge.final_results" } else { "challenge.leaderboard" })) }
                (leaderboard(lang, t(lang, "challenge.overall"), &v.board))
                @for (league, rows) in &v.leagues {
                    (leaderboard(lang, &league_label(lang, league), rows))
                }
            }
        }
        (backtest_section(chrome, v))
        @if let Some((values, errors)) = &v.form {
            section .section #rules {
                h2 { (t(lang, "challenge.edit")) }
                @if v.status == "running" { p .hint { (t(lang, "challenge.new_version_hint")) } }
                (challenge_form(chrome, &format!("/challenges/{}", v.id), values, errors))
            }
        }
    };
    Page::new(chrome, &v.name).body(content).render()
}
