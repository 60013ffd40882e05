//! `/insights/cross-sell`: rules A → B with support, confidence and lift, and per reseller
//! the customers who bought A but not yet B.

use super::download::DownloadQuery;
use super::insights::{numbers, page, Content, Options, DEFAULT_DAYS, DEFAULT_MIN_CUSTOMERS};
use super::period_label;
use super::report::{self, reseller_href, Fields, PageSpec};
use crate::analytics::compute::cross_sell::RuleOptions;
use crate::analytics::filter::FilterQuery;
use crate::analytics::insights::cross_sell;
use crate::db::products::ProductLabel;
use crate::http::ctx::Staff;
use crate::http::error::AppResult;
use crate::http::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use relais_templates::components::FilterField;
use relais_templates::i18n::{number, t};
use relais_templates::pages::analytics::{ReportTable, Summary, Value, Widget};

pub(super) async fn handler(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(o): Query<Options>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let path = "/insights/cross-sell";
    let min = o
        .min_customers
        .parse()
        .ok()
        .filter(|m| (1..=10_000).contains(m))
        .unwrap_or(DEFAULT_MIN_CUSTOMERS);
    let min_text = min.to_string();
    let extra = [("min_customers", min_text.as_str())];
    let mut r = report::report(
        &state,
        &staff.tenant,
        lang,
        q,
        PageSpec {
            path,
            default_days: Some(DEFAULT_DAYS),
            fields: Fields::All,
            extra: &extra,
        },
    )
    .await?;
    r.fields.push(FilterField::select(
        "min_customers",
        t(lang, "insights.min_customers"),
        &min_text,
        numbers(&[1, 2, 3, 5, 10, 20, 50, 100]),
    ));
    let options = RuleOptions {
        min_support_count: min,
        ..RuleOptions::default()
    };
    let cs = cross_sell::cross_sell(&state.db, staff.tenant.id, &r.filter, options, None).await?;
    let product = |p: &ProductLabel| format!("{} — {}", p.sku, p.name);
    let mut rules = ReportTable::new("rules", t(lang, "insights.rules"), &r.currency)
        .text(t(lang, "insights.antecedent"))
        .text(t(lang, "insights.consequent"))
        .numeric(t(lang, "insights.customers_with_both"))
        .numeric(t(lang, "insights.customers_with_antecedent"))
        .numeric(t(lang, "insights.support"))
        .numeric(t(lang, "insights.confidence"))
        .numeric(t(lang, "insights.lift"));
    rules.rows = cs
        .rules
        .iter()
        .map(|rule| {
            vec![
                Value::Text(product(&rule.antecedent)),
                Value::Text(product(&rule.consequent)),
                Value::Int(rule.customers_with_both.into()),
                Value::Int(rule.customers_with_antecedent.into()),
                Value::Percent(Some(rule.support * 100.0)),
                Value::Percent(Some(rule.confidence * 100.0)),
                Value::Decimal(Some(rule.lift), 2),
            ]
        })
        .collect();
    let mut targets = ReportTable::new("targets", t(lang, "insights.targets"), &r.currency)
        .text(t(lang, "field.code"))
        .text(t(lang, "insights.reseller"))
        .text(t(lang, "insights.bought"))
        .text(t(lang, "insights.offer"))
        .numeric(t(lang, "insights.customers"))
        .text(t(lang, "insights.customer_ids"));
    targets.rows = cs
        .targets
        .iter()
        .filter_map(|x| {
            let rule = cs.rules.get(x.rule)?;
            let ids: Vec<&str> = x.customers.iter().map(|c| short_id(&c.customer)).collect();
            Some(vec![
                Value::Link {
                    text: x.reseller.code.clone(),
                    href: reseller_href(&x.reseller.code),
                },
                Value::Text(x.reseller.name.clone()),
                Value::Text(product(&rule.antecedent)),
                Value::Text(product(&rule.consequent)),
                Value::Int(x.customers.len() as i64),
                Value::Text(ids.join(" ")),
            ])
        })
        .collect();
    let summary = Summary {
        title: period_label(lang, r.filter.period),
        figures: vec![
            (
                t(lang, "insights.identified_customers").into(),
                number(cs.customers.into(), lang),
            ),
            (
                t(lang, "insights.rules").into(),
                number(cs.rules.len() as i64, lang),
            ),
        ],
        alert: None,
    };
    let widgets = vec![
        Widget::Table(rules),
        Widget::Note(t(lang, "insights.targets_note").into()),
        Widget::Table(targets),
    ];
    page(
        &staff,
        r,
        path,
        Content {
            title: t(lang, "insights.cross_sell"),
            intro: t(lang, "insights.cross_sell_intro"),
            summary,
            widgets,
        },
        &dl,
    )
    .await
}

/// Hashed customer ids are long; 12 hex digits stay unique in practice and fit a table.
fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
