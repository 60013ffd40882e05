//! `/rewards` (catalogue: managers edit it, resellers redeem) and `/redemptions` (manager
//! decisions and the payout exports).

use chrono::NaiveDateTime;
use maud::{html, Markup};
use serde::Deserialize;

use crate::components::{
    action_form, badge, button_link, data_table, empty_state, error_summary, page_header,
    submit_button, ButtonKind, Column, Field, FieldErrors,
};
use crate::i18n::{datetime, number, t, Lang};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct RewardRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub points_cost: i64,
    pub stock: Option<i64>,
    pub active: bool,
    /// Reseller view: the confirmed balance covers it.
    pub affordable: bool,
    /// Reseller view: the one-time key of this row's order form, so that a double click
    /// places one order.
    pub order_key: String,
}

/// The reward form (`name, description, points_cost, stock, active`, and `stock_shown`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RewardFormValues {
    pub name: String,
    pub description: String,
    pub points_cost: String,
    pub stock: String,
    pub active: String,
    /// The stock the edit form showed: the change typed is applied to the stock as it is when
    /// saved, so units ordered meanwhile stay taken.
    pub stock_shown: String,
}

#[derive(Debug, Clone)]
pub struct RewardsView {
    pub manager: bool,
    pub rows: Vec<RewardRow>,
    /// Reseller view: the confirmed balance.
    pub available: Option<i64>,
    pub form: RewardFormValues,
    pub errors: FieldErrors,
}

fn stock_text(lang: Lang, stock: Option<i64>) -> String {
    stock.map_or_else(
        || t(lang, "reward.unlimited").to_string(),
        |s| number(s, lang),
    )
}

fn reward_form(
    chrome: &Chrome,
    action: &str,
    v: &RewardFormValues,
    errors: &FieldErrors,
    submit: &str,
) -> Markup {
    let lang = chrome.lang;
    html! {
        form .reward-form method="post" action=(action) {
            (csrf(chrome))
            (error_summary(lang, errors))
            div .form-grid {
                (Field::new(lang, "name", t(lang, "field.name")).value(&v.name).errors(errors).required().text())
                (Field::new(lang, "points_cost", t(lang, "reward.cost")).value(&v.points_cost).errors(errors).required().number("1"))
                (Field::new(lang, "stock", t(lang, "reward.stock")).value(&v.stock).errors(errors).hint(t(lang, "reward.stock_hint")).number("1"))
            }
            (Field::new(lang, "description", t(lang, "field.description")).value(&v.description).textarea())
            (Field::new(lang, "active", t(lang, "field.active")).checkbox(v.active == "true"))
            input type="hidden" name="stock_shown" value=(v.stock_shown);
            button .btn .btn-primary type="submit" { (submit) }
        }
    }
}

/// `GET /rewards`.
pub fn rewards_page(chrome: &Chrome, v: &RewardsView) -> Markup {
    let lang = chrome.lang;
    let mut columns = vec![
        Column::new(t(lang, "field.name")),
        Column::new(t(lang, "field.description")),
        Column::numeric(t(lang, "reward.cost")),
        Column::numeric(t(lang, "reward.stock")),
    ];
    columns.push(Column::new(if v.manager {
        t(lang, "field.active")
    } else {
        t(lang, "reward.redeem")
    }));
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let last = if v.manager {
                html! {
                    (if r.active { badge("green", t(lang, "common.yes")) } else { badge("grey", t(lang, "common.no")) })
                    details .inline-details {
                        summary { (t(lang, "action.edit")) }
                        (reward_form(chrome, &format!("/rewards/{}", r.id), &RewardFormValues {
                            name: r.name.clone(), description: r.description.clone(), points_cost: r.points_cost.to_string(),
                            stock: r.stock.map(|s| s.to_string()).unwrap_or_default(), active: if r.active { "true".into() } else { String::new() },
                            stock_shown: r.stock.map(|s| s.to_string()).unwrap_or_default(),
                        }, &FieldErrors::new(), t(lang, "action.save")))
                    }
                }
            } else if r.affordable && r.stock != Some(0) {
                html! {
                    form .inline-form method="post" action=(format!("/rewards/{}/redeem", r.id)) data-confirm=(t(lang, "reward.redeem_confirm")) {
                        (csrf(chrome))
                        input type="hidden" name="order_key" value=(r.order_key);
                        (submit_button(t(lang, "reward.redeem"), ButtonKind::Primary))
                    }
                }
            } else {
                html! { span .muted { (if r.stock == Some(0) { t(lang, "reward.out_of_stock") } else { t(lang, "reward.not_enough") }) } }
            };
            vec![
                html! { (r.name) },
                html! { (r.description) },
                html! { (number(r.points_cost, lang)) },
                html! { (stock_text(lang, r.stock)) },
                last,
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "reward.title"), html! {
            @if v.manager { (button_link("/redemptions", t(lang, "redemption.title"), ButtonKind::Secondary)) }
            @else { (button_link("/points", t(lang, "points.title"), ButtonKind::Secondary)) }
        }))
        @if let Some(a) = v.available {
            p .lead { (t(lang, "points.available")) " " strong #points-available { (number(a, lang)) } }
        }
        @if v.rows.is_empty() {
            (empty_state(t(lang, "reward.empty"), t(lang, "reward.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "reward.title")), &columns, rows))
        }
        @if v.manager {
            section .section {
                h2 { (t(lang, "reward.add")) }
                (reward_form(chrome, "/rewards", &v.form, &v.errors, t(lang, "reward.add")))
            }
        }
    };
    Page::new(chrome, t(lang, "reward.title"))
        .body(content)
        .render()
}

#[derive(Debug, Clone)]
pub struct RedemptionRow {
    pub id: i64,
    pub reseller: String,
    pub reward: String,
    pub points: i64,
    pub status: String,
    /// Already in the tenant's time zone.
    pub created: NaiveDateTime,
}

fn redemption_badge(lang: Lang, status: &str) -> Markup {
    match status {
        "requested" => badge("yellow", t(lang, "redemption.requested")),
        "approved" => badge("blue", t(lang, "redemption.approved")),
        "shipped" => badge("green", t(lang, "redemption.shipped")),
        _ => badge("grey", t(lang, "redemption.cancelled")),
    }
}

/// `GET /redemptions` (managers: decisions and exports).
pub fn redemptions_page(chrome: &Chrome, rows: &[RedemptionRow]) -> Markup {
    let lang = chrome.lang;
    let columns = [
        Column::new(t(lang, "points.date")),
        Column::new(t(lang, "field.reseller")),
        Column::new(t(lang, "reward.title")),
        Column::numeric(t(lang, "challenge.points")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "redemption.actions")),
    ];
    let body = rows
        .iter()
        .map(|r| {
            let base = format!("/redemptions/{}", r.id);
            vec![
                html! { (datetime(r.created, lang)) },
                html! { (r.reseller) },
                html! { (r.reward) },
                html! { (number(r.points, lang)) },
                redemption_badge(lang, &r.status),
                html! {
                    @if r.status == "requested" { (action_form(chrome, &format!("{base}/approve"), t(lang, "redemption.approve"), ButtonKind::Primary, None)) }
                    @if r.status == "requested" || r.status == "approved" {
                        (action_form(chrome, &format!("{base}/ship"), t(lang, "redemption.ship"), ButtonKind::Secondary, None))
                        (action_form(chrome, &format!("{base}/cancel"), t(lang, "redemption.cancel"), ButtonKind::Danger, Some(t(lang, "redemption.cancel_confirm"))))
                    }
                },
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "redemption.title"), html! { (button_link("/rewards", t(lang, "reward.title"), ButtonKind::Secondary)) }))
        section .section {
            h2 { (t(lang, "payout.title")) }
            p .hint { (t(lang, "payout.hint")) }
            p {
                a .btn .btn-secondary href="/payouts/liability.csv" { (t(lang, "payout.liability")) " CSV" } " "
                a .btn .btn-secondary href="/payouts/liability.xlsx" { (t(lang, "payout.liability")) " XLSX" } " "
                a .btn .btn-secondary href="/payouts/redemptions.csv" { (t(lang, "redemption.title")) " CSV" } " "
                a .btn .btn-secondary href="/payouts/redemptions.xlsx" { (t(lang, "redemption.title")) " XLSX" }
            }
            form .filter-bar method="get" action="/payouts/fec" {
                label { (t(lang, "challenge.from")) " " input type="date" name="from" required; }
                label { (t(lang, "challenge.to")) " " input type="date" name="to" required; }
                button .btn .btn-secondary type="submit" { (t(lang, "payout.fec")) }
            }
        }
        @if rows.is_empty() {
            (empty_state(t(lang, "redemption.empty"), t(lang, "redemption.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "redemption.title")), &columns, body))
        }
    };
    Page::new(chrome, t(lang, "redemption.title"))
        .body(content)
        .render()
}
