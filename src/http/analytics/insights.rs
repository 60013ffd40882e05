//! The action lists under `/insights/…`: declining resellers, cadence alerts, cross-sell,
//! catalogue performance and customer feedback. Same filters as the dashboard; every chart
//! and table downloads from the page's own URL (see [`super::download`]).

use super::download::DownloadQuery;
use super::period_label;
use super::report::{self, customer_label, product_href, reseller_href, Fields, Report};
use crate::analytics::compute::cross_sell::RuleOptions;
use crate::analytics::compute::elasticity::Verdict;
use crate::analytics::filter::FilterQuery;
use crate::analytics::insights::catalogue::{self, PerformanceRow, Segment};
use crate::analytics::insights::{cadence, cross_sell, declining, feedback};
use crate::http::ctx::Staff;
use crate::http::error::AppResult;
use crate::http::{chrome_for, AppState};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use relais_templates::charts::{Bar, BarChartView, Orientation, ValueKind};
use relais_templates::components::FilterField;
use relais_templates::i18n::{date, money, number, t, Lang};
use relais_templates::pages::analytics::{
    report_page, ChartSpec, ReportPage, ReportTable, Summary, Value, Widget,
};
use relais_templates::vocab;
use serde::Deserialize;
use std::num::NonZeroU32;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/insights",
            get(|| async { axum::response::Redirect::to("/insights/declining") }),
        )
        .route("/insights/declining", get(declining_page))
        .route("/insights/cadence", get(cadence_page))
        .route("/insights/cross-sell", get(cross_sell_page))
        .route("/insights/catalogue", get(catalogue_page))
        .route("/insights/feedback", get(feedback_page))
}

/// The lists' own parameters, beside the filters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Options {
    /// Declining: the window in weeks.
    weeks: String,
    /// Catalogue: what the columns split by.
    segment: String,
    /// Feedback: text searched in the comments.
    q: String,
    /// Cross-sell: the fewest customers behind a rule.
    min_customers: String,
}

/// Months of data the cross-sell, catalogue and feedback lists look at by default.
const DEFAULT_DAYS: i64 = 365;
const DEFAULT_WEEKS: u32 = 4;
const DEFAULT_MIN_CUSTOMERS: u32 = 5;
/// Bars in a list's chart.
const TOP: usize = 15;

fn numbers(values: &[u32]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), v.to_string()))
        .collect()
}

async fn page(
    staff: &Staff,
    r: Report,
    tab: &str,
    title: &str,
    intro: &str,
    summary: Summary,
    widgets: Vec<Widget>,
    dl: &DownloadQuery,
) -> AppResult<Response> {
    if let Some(file) = report::download(r.lang, &widgets, dl).await {
        return file;
    }
    let view = ReportPage {
        title: title.into(),
        tab: Some(tab.into()),
        intro: intro.into(),
        filters: r.fields,
        summary,
        widgets,
        downloads: r.downloads,
    };
    Ok(report_page(&chrome_for(&staff.ctx), &view).into_response())
}

async fn declining_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(o): Query<Options>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let weeks = o
        .weeks
        .parse()
        .ok()
        .filter(|w| (1..=26).contains(w))
        .unwrap_or(DEFAULT_WEEKS);
    let weeks_text = weeks.to_string();
    let path = "/insights/declining";
    let extra = [("weeks", weeks_text.as_str())];
    let mut r = report::report(
        &state,
        &staff.tenant,
        lang,
        q,
        path,
        None,
        Fields::NoPeriod,
        &extra,
    )
    .await?;
    r.fields.insert(
        0,
        FilterField::select(
            "weeks",
            t(lang, "insights.weeks"),
            &weeks_text,
            numbers(&[1, 2, 4, 8, 13, 26]),
        ),
    );
    let as_of = r.filter.period.map_or(r.today, |p| p.to());
    let weeks = NonZeroU32::new(weeks).unwrap_or(NonZeroU32::MIN);
    let list = declining::list(&state.db, staff.tenant.id, &r.filter, as_of, weeks).await?;
    let title = t(lang, "insights.declining");
    let chart = Widget::Chart(ChartSpec::Bar(BarChartView {
        id: "declining-chart".into(),
        title: t(lang, "insights.drop").into(),
        kind: ValueKind::Money(r.currency.clone()),
        orientation: Orientation::Horizontal,
        category_title: t(lang, "insights.reseller").into(),
        bars: list
            .resellers
            .iter()
            .take(TOP)
            .map(|d| Bar {
                label: format!("{} — {}", d.reseller.code, d.reseller.name),
                value: d.drop,
                href: Some(reseller_href(&d.reseller.code)),
            })
            .collect(),
        total: None,
    }));
    let mut table = ReportTable::new("declining", title, &r.currency)
        .text(t(lang, "field.code"))
        .text(t(lang, "insights.reseller"))
        .numeric(t(lang, "insights.before"))
        .numeric(t(lang, "insights.recent"))
        .numeric(t(lang, "insights.drop"))
        .numeric(t(lang, "insights.drop_pct"))
        .text(t(lang, "insights.stopped_products"));
    table.rows = list
        .resellers
        .iter()
        .map(|d| {
            let stopped: Vec<String> = d
                .stopped
                .iter()
                .map(|(p, amount)| format!("{} ({})", p.sku, money(*amount, &r.currency, lang)))
                .collect();
            vec![
                Value::Link {
                    text: d.reseller.code.clone(),
                    href: reseller_href(&d.reseller.code),
                },
                Value::Text(d.reseller.name.clone()),
                Value::Money(d.amount_before),
                Value::Money(d.amount_recent),
                Value::Money(d.drop),
                Value::Percent(d.drop_pct),
                Value::Text(stopped.join(", ")),
            ]
        })
        .collect();
    let summary = Summary {
        title: format!(
            "{} / {}",
            period_label(lang, Some(list.recent)),
            period_label(lang, Some(list.before))
        ),
        figures: vec![
            (
                t(lang, "insights.recent").into(),
                period_label(lang, Some(list.recent)),
            ),
            (
                t(lang, "insights.before").into(),
                period_label(lang, Some(list.before)),
            ),
            (
                t(lang, "insights.declining_count").into(),
                number(list.resellers.len() as i64, lang),
            ),
            (
                t(lang, "insights.total_drop").into(),
                money(
                    list.resellers.iter().map(|d| d.drop).sum(),
                    &r.currency,
                    lang,
                ),
            ),
        ],
        alert: None,
    };
    let widgets = vec![chart, Widget::Table(table)];
    page(
        &staff,
        r,
        path,
        title,
        t(lang, "insights.declining_intro"),
        summary,
        widgets,
        &dl,
    )
    .await
}

async fn cadence_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let path = "/insights/cadence";
    let tenant = &staff.tenant;
    let r = report::report(
        &state,
        tenant,
        lang,
        q,
        path,
        None,
        Fields::ResellersOnly,
        &[],
    )
    .await?;
    let alerts =
        cadence::alerts(&state.db, tenant.id, &r.filter, r.today, &tenant.time_zone).await?;
    let title = t(lang, "insights.cadence");
    let mut table = ReportTable::new("cadence", title, &r.currency)
        .text(t(lang, "field.code"))
        .text(t(lang, "insights.reseller"))
        .text(t(lang, "insights.alert_since"))
        .text(t(lang, "insights.last_declaration"))
        .numeric(t(lang, "insights.current_gap"))
        .numeric(t(lang, "insights.usual_cadence"))
        .numeric(t(lang, "insights.lateness"))
        .numeric(t(lang, "insights.declaration_days"));
    table.rows = alerts
        .iter()
        .map(|a| {
            vec![
                Value::Link {
                    text: a.reseller.code.clone(),
                    href: reseller_href(&a.reseller.code),
                },
                Value::Text(a.reseller.name.clone()),
                Value::Date(a.since),
                Value::Date(a.cadence.last_declaration),
                Value::Int(a.cadence.current_gap_days.unwrap_or(0)),
                Value::Decimal(a.cadence.median_gap_days, 1),
                Value::Decimal(a.cadence.lateness_ratio, 1),
                Value::Int(a.cadence.declaration_count as i64),
            ]
        })
        .collect();
    let summary = Summary {
        title: date(r.today, lang),
        figures: vec![(
            t(lang, "insights.alerts_count").into(),
            number(alerts.len() as i64, lang),
        )],
        alert: None,
    };
    let widgets = vec![Widget::Table(table)];
    page(
        &staff,
        r,
        path,
        title,
        t(lang, "insights.cadence_intro"),
        summary,
        widgets,
        &dl,
    )
    .await
}

async fn cross_sell_page(
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
        path,
        Some(DEFAULT_DAYS),
        Fields::All,
        &extra,
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
    let product = |p: &crate::analytics::dashboard::ProductLabel| format!("{} — {}", p.sku, p.name);
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
        t(lang, "insights.cross_sell"),
        t(lang, "insights.cross_sell_intro"),
        summary,
        widgets,
        &dl,
    )
    .await
}

/// Hashed customer ids are long; 12 hex digits stay unique in practice and fit a table.
fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn segment_label(lang: Lang, segment: Segment, code: &str) -> String {
    let label = match segment {
        Segment::ResellerType => vocab::ResellerType::parse(code).map(|v| v.label(lang)),
        Segment::CustomerType => return customer_label(lang, code),
        Segment::Channel => vocab::Channel::parse(code).map(|v| v.label(lang)),
        Segment::Region => None,
    };
    match label {
        Some(l) => l.to_string(),
        None if code.is_empty() => t(lang, "report.unknown").to_string(),
        None => code.to_string(),
    }
}

fn verdict(lang: Lang, v: Verdict) -> &'static str {
    match v {
        Verdict::Elastic => t(lang, "insights.elastic"),
        Verdict::Inelastic => t(lang, "insights.inelastic"),
        Verdict::Positive => t(lang, "insights.positive"),
        Verdict::NotEnoughObservations => t(lang, "insights.not_enough_observations"),
        Verdict::NotEnoughVariation => t(lang, "insights.not_enough_variation"),
    }
}

async fn catalogue_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(o): Query<Options>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let path = "/insights/catalogue";
    let segment = Segment::parse(&o.segment);
    let extra = [("segment", segment.code())];
    let mut r = report::report(
        &state,
        &staff.tenant,
        lang,
        q,
        path,
        Some(DEFAULT_DAYS),
        Fields::All,
        &extra,
    )
    .await?;
    let segment_options = [
        (Segment::ResellerType, "field.reseller_type"),
        (Segment::Region, "field.region"),
        (Segment::CustomerType, "analytics.customer_type"),
        (Segment::Channel, "analytics.channel"),
    ]
    .iter()
    .map(|(s, key)| (s.code().to_string(), t(lang, key).to_string()))
    .collect();
    r.fields.insert(
        0,
        FilterField::select(
            "segment",
            t(lang, "insights.segment_by"),
            segment.code(),
            segment_options,
        ),
    );
    let cat = catalogue::catalogue(&state.db, staff.tenant.id, &r.filter, segment).await?;
    let columns: Vec<String> = cat
        .segments
        .iter()
        .map(|s| segment_label(lang, segment, s))
        .collect();
    let table = |id: &str, title: &str, first: &str, rows: &[PerformanceRow], products: bool| {
        let mut table = ReportTable::new(id, title, &r.currency).text(first);
        if products {
            table = table.text(t(lang, "field.name"));
        }
        table = table
            .numeric(t(lang, "analytics.quantity"))
            .numeric(t(lang, "analytics.value"))
            .numeric(t(lang, "analytics.share"));
        for c in &columns {
            table = table.numeric(c);
        }
        if products {
            table = table
                .numeric(t(lang, "insights.elasticity"))
                .text(t(lang, "insights.price_response"));
        }
        table.rows = rows
            .iter()
            .map(|row| {
                let mut cells = vec![];
                if products {
                    cells.push(Value::Link {
                        text: row.key.clone(),
                        href: product_href(&row.key),
                    });
                    cells.push(Value::Text(row.name.clone()));
                } else {
                    cells.push(Value::Text(if row.key.is_empty() {
                        t(lang, "report.unknown").into()
                    } else {
                        row.key.clone()
                    }));
                }
                cells.push(Value::Int(row.quantity));
                cells.push(Value::Money(row.amount_cents));
                cells.push(Value::Percent(Some(row.share)));
                cells.extend(row.by_segment.iter().map(|v| Value::Money(*v)));
                if products {
                    let e = row.elasticity;
                    cells.push(Value::Decimal(e.and_then(|e| e.elasticity), 2));
                    cells.push(Value::Text(
                        e.map_or("—", |e| verdict(lang, e.verdict)).into(),
                    ));
                }
                cells
            })
            .collect();
        table
    };
    let chart = Widget::Chart(ChartSpec::Bar(BarChartView {
        id: "catalogue-chart".into(),
        title: t(lang, "insights.products_by_value").into(),
        kind: ValueKind::Money(r.currency.clone()),
        orientation: Orientation::Horizontal,
        category_title: t(lang, "analytics.product").into(),
        bars: cat
            .products
            .iter()
            .take(TOP)
            .map(|p| Bar {
                label: format!("{} — {}", p.key, p.name),
                value: p.amount_cents,
                href: Some(product_href(&p.key)),
            })
            .collect(),
        total: Some(cat.products.iter().map(|p| p.amount_cents.max(0)).sum()),
    }));
    let widgets = vec![
        chart,
        Widget::Table(table(
            "products",
            t(lang, "insights.by_product"),
            t(lang, "field.sku"),
            &cat.products,
            true,
        )),
        Widget::Note(t(lang, "insights.elasticity_note").into()),
        Widget::Table(table(
            "categories",
            t(lang, "insights.by_category"),
            t(lang, "analytics.category"),
            &cat.categories,
            false,
        )),
    ];
    let summary = Summary {
        title: period_label(lang, r.filter.period),
        figures: vec![(
            t(lang, "analytics.value").into(),
            money(
                cat.products.iter().map(|p| p.amount_cents).sum(),
                &r.currency,
                lang,
            ),
        )],
        alert: None,
    };
    page(
        &staff,
        r,
        path,
        t(lang, "insights.catalogue"),
        t(lang, "insights.catalogue_intro"),
        summary,
        widgets,
        &dl,
    )
    .await
}

async fn feedback_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
    Query(o): Query<Options>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = staff.ctx.lang;
    let path = "/insights/feedback";
    let search = o.q.trim().to_string();
    let extra = [("q", search.as_str())];
    let mut r = report::report(
        &state,
        &staff.tenant,
        lang,
        q,
        path,
        Some(DEFAULT_DAYS),
        Fields::All,
        &extra,
    )
    .await?;
    r.fields.insert(
        0,
        FilterField::search("q", t(lang, "insights.search_comments"), &search),
    );
    let fb = feedback::feedback(&state.db, staff.tenant.id, &r.filter, &search).await?;
    let rated: i64 = fb.products.iter().map(|p| p.ratings).sum();
    let sum: i64 = fb.products.iter().map(|p| p.rating_sum).sum();
    let summary = Summary {
        title: period_label(lang, r.filter.period),
        figures: vec![
            (
                t(lang, "insights.ratings_count").into(),
                number(rated, lang),
            ),
            (
                t(lang, "insights.average_rating").into(),
                if rated > 0 {
                    relais_templates::i18n::decimal(sum as f64 / rated as f64, 2, lang)
                } else {
                    "—".into()
                },
            ),
        ],
        alert: None,
    };
    let widgets = report::feedback(&r, &fb, feedback::MAX_COMMENTS as usize, true);
    page(
        &staff,
        r,
        path,
        t(lang, "insights.feedback"),
        t(lang, "insights.feedback_intro"),
        summary,
        widgets,
        &dl,
    )
    .await
}
