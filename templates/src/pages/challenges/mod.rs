//! Challenges, leaderboards, backtests, points statements, rewards and redemptions.

mod editor;
mod manager;
mod points;
mod reseller;
mod rewards;

pub use editor::{challenge_form, ChallengeFormValues, EditorOp, RuleFormRow, TierFormRow};
pub use manager::{
    challenge_detail, challenge_new, challenges_list, BacktestView, ChallengeDetailView,
    ChallengeListRow, DistView,
};
pub use points::{points_card, points_statement, PointsCard, StatementLine, StatementView};
pub use reseller::{my_challenge, my_challenges, MyChallengeRow, MyChallengeView};
pub use rewards::{
    redemptions_page, rewards_page, RedemptionRow, RewardFormValues, RewardRow, RewardsView,
};

use maud::{html, Markup};

use crate::components::badge;
use crate::i18n::{number, t, Lang};
use crate::vocab::{Potential, ResellerType};

/// One leaderboard row. `name` is already masked when the challenge hides names.
#[derive(Debug, Clone)]
pub struct LeaderRow {
    pub rank: i64,
    pub name: String,
    /// `reseller:A`.
    pub league: Option<String>,
    pub points: i64,
    pub pending: i64,
    pub tier_reached: Option<i64>,
    pub next_tier_missing: Option<i64>,
    pub hit_cap: bool,
    /// The viewing reseller's own row.
    pub me: bool,
}

/// "Reseller · potential A" from `reseller:A`.
pub fn league_label(lang: Lang, code: &str) -> String {
    let (kind, potential) = code.split_once(':').unwrap_or((code, ""));
    let kind = ResellerType::parse(kind).map_or(kind, |k| k.label(lang));
    let potential =
        Potential::parse(&potential.to_lowercase()).map_or(potential, |p| p.label(lang));
    format!("{kind} · {potential}")
}

/// `draft`, `running`, `closed` as a badge.
pub fn status_badge(lang: Lang, status: &str) -> Markup {
    match status {
        "running" => badge("green", t(lang, "challenge.status.running")),
        "closed" => badge("grey", t(lang, "challenge.status.closed")),
        _ => badge("yellow", t(lang, "challenge.status.draft")),
    }
}

/// A leaderboard with rank, points and progress to the next tier.
pub fn leaderboard(lang: Lang, caption: &str, rows: &[LeaderRow]) -> Markup {
    use crate::components::{data_table, Column};
    let columns = [
        Column::numeric(t(lang, "challenge.rank")),
        Column::new(t(lang, "field.reseller")),
        Column::numeric(t(lang, "challenge.points")),
        Column::numeric(t(lang, "challenge.pending")),
        Column::new(t(lang, "challenge.tier")),
        Column::new(t(lang, "challenge.next_tier")),
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                html! { (r.rank) },
                html! {
                    @if r.me { strong { (r.name) " " (badge("blue", t(lang, "challenge.you"))) } } @else { (r.name) }
                    @if r.hit_cap { " " (badge("yellow", t(lang, "challenge.capped"))) }
                },
                html! { (number(r.points, lang)) },
                html! { (number(r.pending, lang)) },
                html! { @if let Some(k) = r.tier_reached { (t(lang, "challenge.tier")) " " (k + 1) } @else { "—" } },
                html! { @if let Some(m) = r.next_tier_missing { (number(m, lang)) " " (t(lang, "challenge.to_go")) } @else { "—" } },
            ]
        })
        .collect();
    data_table(Some(caption), &columns, body)
}
