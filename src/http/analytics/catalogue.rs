//! `/insights/catalogue`: value per product and category by segment, with price elasticity.

use super::download::DownloadQuery;
use super::insights::{page, Content, Options, DEFAULT_DAYS, TOP};
use super::period_label;
use super::report::{self, customer_label, product_href, Fields, PageSpec};
use crate::analytics::compute::elasticity::Verdict;
use crate::analytics::filter::FilterQuery;
use crate::analytics::insights::catalogue::{self, PerformanceRow, Segment};
use crate::http::ctx::Staff;
use crate::http::error::AppResult;
use crate::http::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use relais_templates::charts::{Bar, BarChartView, Orientation, ValueKind};
use relais_templates::components::FilterField;
use relais_templates::i18n::{money, t, Lang};
use relais_templates::pages::analytics::{ChartSpec, ReportTable, Summary, Value, Widget};
use relais_templates::vocab;

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

pub(super) async fn handler(
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
        PageSpec {
            path,
            default_days: Some(DEFAULT_DAYS),
            fields: Fields::All,
            extra: &extra,
        },
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
        Content {
            title: t(lang, "insights.catalogue"),
            intro: t(lang, "insights.catalogue_intro"),
            summary,
            widgets,
        },
        &dl,
    )
    .await
}
