//! The action lists under `/insights/…`: declining resellers, cadence alerts, cross-sell,
//! catalogue performance and customer feedback. Same filters as the dashboard; every chart
//! and table downloads from the page's own URL (see [`super::download`]).

use super::download::DownloadQuery;
use super::period_label;
use super::report::{self, reseller_href, Fields, PageSpec, Report};
use crate::analytics::filter::FilterQuery;
use crate::analytics::insights::{cadence, declining, feedback};
use crate::http::ctx::Staff;
use crate::http::error::AppResult;
use crate::http::{chrome_for, AppState};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use relais_templates::charts::{Bar, BarChartView, Orientation, ValueKind};
use relais_templates::components::FilterField;
use relais_templates::i18n::{date, money, number, t};
use relais_templates::pages::analytics::{
    report_page, ChartSpec, ReportPage, ReportTable, Summary, Value, Widget,
};
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
        .route("/insights/cross-sell", get(super::cross_sell::handler))
        .route("/insights/catalogue", get(super::catalogue::handler))
        .route("/insights/feedback", get(feedback_page))
}

/// The lists' own parameters, beside the filters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct Options {
    /// Declining: the window in weeks.
    pub(super) weeks: String,
    /// Catalogue: what the columns split by.
    pub(super) segment: String,
    /// Feedback: text searched in the comments.
    pub(super) q: String,
    /// Cross-sell: the fewest customers behind a rule.
    pub(super) min_customers: String,
}

/// Months of data the cross-sell, catalogue and feedback lists look at by default.
pub(super) const DEFAULT_DAYS: i64 = 365;
const DEFAULT_WEEKS: u32 = 4;
pub(super) const DEFAULT_MIN_CUSTOMERS: u32 = 5;
/// Bars in a list's chart.
pub(super) const TOP: usize = 15;

pub(super) fn numbers(values: &[u32]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), v.to_string()))
        .collect()
}

/// What a list page shows.
pub(super) struct Content<'a> {
    pub(super) title: &'a str,
    pub(super) intro: &'a str,
    pub(super) summary: Summary,
    pub(super) widgets: Vec<Widget>,
}

/// The page, or the download it was asked for.
pub(super) async fn page(
    staff: &Staff,
    r: Report,
    tab: &str,
    c: Content<'_>,
    dl: &DownloadQuery,
) -> AppResult<Response> {
    if let Some(file) = report::download(r.lang, &c.widgets, dl).await {
        return file;
    }
    let view = ReportPage {
        title: c.title.into(),
        tab: Some(tab.into()),
        intro: c.intro.into(),
        filters: r.fields,
        summary: c.summary,
        widgets: c.widgets,
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
        PageSpec {
            path,
            default_days: None,
            fields: Fields::NoPeriod,
            extra: &extra,
        },
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
        Content {
            title,
            intro: t(lang, "insights.declining_intro"),
            summary,
            widgets,
        },
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
        PageSpec {
            path,
            default_days: None,
            fields: Fields::ResellersOnly,
            extra: &[],
        },
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
        Content {
            title,
            intro: t(lang, "insights.cadence_intro"),
            summary,
            widgets,
        },
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
        PageSpec {
            path,
            default_days: Some(DEFAULT_DAYS),
            fields: Fields::All,
            extra: &extra,
        },
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
        Content {
            title: t(lang, "insights.feedback"),
            intro: t(lang, "insights.feedback_intro"),
            summary,
            widgets,
        },
        &dl,
    )
    .await
}
