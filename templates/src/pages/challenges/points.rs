//! `/points`: the reseller's statement — every entry says where it comes from — and the points
//! card of the reseller home.

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::components::{badge, data_table, empty_state, page_header, pagination, Column, Pager};
use crate::i18n::{date, decimal, number, t, Lang};
use crate::layout::{Chrome, Page};

/// One ledger entry with what explains it.
#[derive(Debug, Clone, Default)]
pub struct StatementLine {
    pub booked_on: NaiveDate,
    /// unit, amount, quality, timeliness, tier, redemption, refund, expiry.
    pub kind: String,
    /// pending, confirmed, reversed, expired, redeemed, refund.
    pub state: String,
    pub points: i64,
    /// earned, approved, rejected, withdrawn, import_undone, new_version, recomputed, redeemed,
    /// cancelled, expired.
    pub reason: String,
    pub challenge: Option<(i64, String)>,
    pub version: Option<i64>,
    /// The rule's label in that version, when it has one.
    pub rule: Option<String>,
    pub basis: Option<i64>,
    pub rate: Option<i64>,
    pub factor_permille: Option<i64>,
    pub capped_by: Option<String>,
    /// The declaration line: id, sale date, quantity, product.
    pub line: Option<(i64, Option<NaiveDate>, Option<i64>, String)>,
    /// The import: id, file name, sheet and row.
    pub import: Option<(i64, String, Option<String>, Option<i64>)>,
    pub reward: Option<String>,
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct StatementView {
    pub available: i64,
    pub pending: i64,
    pub expiring_soon: i64,
    pub rows: Vec<StatementLine>,
    pub pager: Pager,
}

fn state_badge(lang: Lang, state: &str) -> Markup {
    let colour = match state {
        "confirmed" | "refund" => "green",
        "pending" => "yellow",
        "reversed" | "expired" => "red",
        _ => "blue",
    };
    let key = match state {
        "confirmed" => "points.state.confirmed",
        "pending" => "points.state.pending",
        "reversed" => "points.state.reversed",
        "expired" => "points.state.expired",
        "redeemed" => "points.state.redeemed",
        _ => "points.state.refund",
    };
    badge(colour, t(lang, key))
}

fn reason_text(lang: Lang, reason: &str) -> &'static str {
    match reason {
        "earned" => t(lang, "points.reason.earned"),
        "approved" => t(lang, "points.reason.approved"),
        "rejected" => t(lang, "points.reason.rejected"),
        "withdrawn" => t(lang, "points.reason.withdrawn"),
        "import_undone" => t(lang, "points.reason.import_undone"),
        "new_version" => t(lang, "points.reason.new_version"),
        "redeemed" => t(lang, "points.reason.redeemed"),
        "cancelled" => t(lang, "points.reason.cancelled"),
        "expired" => t(lang, "points.reason.expired"),
        _ => t(lang, "points.reason.recomputed"),
    }
}

fn kind_text(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "unit" => t(lang, "points.kind.unit"),
        "amount" => t(lang, "points.kind.amount"),
        "quality" => t(lang, "points.kind.quality"),
        "timeliness" => t(lang, "points.kind.timeliness"),
        "tier" => t(lang, "points.kind.tier"),
        "redemption" => t(lang, "points.kind.redemption"),
        "refund" => t(lang, "points.kind.refund"),
        _ => t(lang, "points.kind.expiry"),
    }
}

/// "3 × 2 pts × 1.5" and the cap that cut it, when the entry carries its computation.
fn formula(lang: Lang, e: &StatementLine) -> Option<String> {
    let (basis, rate) = (e.basis?, e.rate?);
    let mut s = format!(
        "{} × {} {}",
        number(basis, lang),
        number(rate, lang),
        t(lang, "points.pts")
    );
    if let Some(f) = e.factor_permille.filter(|f| *f != 1000) {
        s.push_str(&format!(" × {}", decimal(f as f64 / 1000.0, 3, lang)));
    }
    if let Some(cap) = &e.capped_by {
        let key = match cap.as_str() {
            "monthly" => "points.cap.monthly",
            "participant" => "points.cap.participant",
            _ => "points.cap.budget",
        };
        s.push_str(&format!(" — {}", t(lang, key)));
    }
    Some(s)
}

fn explanation(lang: Lang, e: &StatementLine) -> Markup {
    html! {
        div .entry-explained {
            strong { (kind_text(lang, &e.kind)) } " · " (reason_text(lang, &e.reason))
            @if let Some((id, name)) = &e.challenge {
                br; a href=(format!("/challenges/{id}")) { (name) }
                @if let Some(v) = e.version { " · " (t(lang, "challenge.version")) " " (v) }
                @if let Some(rule) = &e.rule { " · " (rule) }
            }
            @if let Some(f) = formula(lang, e) { br; span .muted { (f) } }
            @if let Some((id, sale, qty, product)) = &e.line {
                br; (t(lang, "points.line")) " #" (id) " · " (product)
                @if let Some(d) = sale { " · " (date(*d, lang)) }
                @if let Some(q) = qty { " · " (number(*q, lang)) " " (t(lang, "points.units")) }
            }
            @if let Some((id, file, sheet, row)) = &e.import {
                br; (t(lang, "points.import")) " " a href=(format!("/imports/{id}")) { (file) }
                @if let Some(s) = sheet { " · " (s) }
                @if let Some(r) = row { " · " (t(lang, "points.row")) " " (r) }
            }
            @if let Some(r) = &e.reward { br; (t(lang, "points.reward")) " " (r) }
        }
    }
}

/// `GET /points`.
pub fn points_statement(chrome: &Chrome, v: &StatementView) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "points.date")),
        Column::new(t(lang, "points.what")),
        Column::new(t(lang, "field.status")),
        Column::numeric(t(lang, "challenge.points")),
        Column::new(t(lang, "points.expires")),
    ];
    let rows = v
        .rows
        .iter()
        .map(|e| {
            vec![
                html! { (date(e.booked_on, lang)) },
                explanation(lang, e),
                state_badge(lang, &e.state),
                html! { @if e.points > 0 { "+" } (number(e.points, lang)) },
                html! { @if let Some(d) = e.expires_on { (date(d, lang)) } @else { "—" } },
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "points.title"), html! {}))
        div .cards {
            section .card .card-highlight {
                h2 { (t(lang, "points.available")) }
                p .big-figure #points-available { (number(v.available, lang)) }
            }
            section .card {
                h2 { (t(lang, "points.pending")) }
                p .big-figure #points-pending { (number(v.pending, lang)) }
                p .hint { (t(lang, "points.pending_hint")) }
            }
            @if v.expiring_soon > 0 {
                section .card {
                    h2 { (t(lang, "points.expiring_soon")) }
                    p .big-figure { (number(v.expiring_soon, lang)) }
                }
            }
        }
        @if v.rows.is_empty() {
            (empty_state(t(lang, "points.empty"), t(lang, "points.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "points.statement")), &columns, rows))
            (pagination(lang, "/points", &[], &v.pager))
        }
    };
    Page::new(chrome, t(lang, "points.title"))
        .body(content)
        .render()
}

#[derive(Debug, Clone, Default)]
pub struct PointsCard {
    pub available: i64,
    pub pending: i64,
    /// (challenge id, name, rank, participants).
    pub challenges: Vec<(i64, String, i64, i64)>,
}

/// The points card on the reseller home.
pub fn points_card(lang: Lang, c: &PointsCard) -> Markup {
    html! {
        section .card #points-card aria-labelledby="points-card-title" {
            h2 #points-card-title { (t(lang, "points.title")) }
            p .big-figure { (number(c.available, lang)) " " (t(lang, "points.pts")) }
            @if c.pending != 0 { p { (number(c.pending, lang)) " " (t(lang, "points.pending_short")) } }
            @for (id, name, rank, of) in &c.challenges {
                p { a href=(format!("/challenges/{id}")) { (name) } " — " (t(lang, "challenge.rank")) " " (rank) " / " (of) }
            }
            p { a href="/points" { (t(lang, "points.see_statement")) " →" } " · " a href="/rewards" { (t(lang, "nav.rewards")) " →" } }
        }
    }
}
