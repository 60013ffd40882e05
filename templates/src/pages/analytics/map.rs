//! `/map`: the prospection map coloured by recency, its legend with counts, and the list beside.

use maud::{html, Markup};

use super::filters;
use crate::charts::{prospection_map, MapPoint, MapView};
use crate::components::{data_table, or_dash, page_header, recency_badge, Column, FilterField};
use crate::i18n::{date, number, t};
use crate::layout::{Chrome, Page};
use crate::vocab::Recency;
use chrono::NaiveDate;

#[derive(Debug, Clone)]
pub struct MapRow {
    pub code: String,
    pub name: String,
    pub city: String,
    pub region: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub last_sale: Option<NaiveDate>,
    pub recency: Recency,
}

#[derive(Debug, Clone)]
pub struct MapPageView {
    pub filters: Vec<FilterField>,
    pub rows: Vec<MapRow>,
}

pub fn map_page(chrome: &Chrome, view: &MapPageView) -> Markup {
    let lang = chrome.lang;
    let points = view
        .rows
        .iter()
        .filter_map(|r| {
            Some(MapPoint {
                code: r.code.clone(),
                name: r.name.clone(),
                lat: r.latitude?,
                lon: r.longitude?,
                recency: r.recency,
                href: format!("/network/{}", r.code),
            })
        })
        .collect();
    let cols = [
        Column::new(t(lang, "field.code")),
        Column::new(t(lang, "field.name")),
        Column::new(t(lang, "field.city")),
        Column::new(t(lang, "field.region")),
        Column::new(t(lang, "analytics.last_sale")),
        Column::new(t(lang, "chart.map.recency")),
    ];
    let rows = view
        .rows
        .iter()
        .map(|r| {
            vec![
                html! { a href=(format!("/network/{}", r.code)) { code { (r.code) } } },
                html! { a href=(format!("/network/{}", r.code)) { (r.name) } },
                html! { (r.city) },
                html! { (r.region) },
                or_dash(r.last_sale.map(|d| date(d, lang)).as_deref()),
                recency_badge(lang, r.recency),
            ]
        })
        .collect();
    Page::new(chrome, t(lang, "analytics.map"))
        .body(html! {
            (page_header(t(lang, "analytics.map"), html! {}))
            (filters(lang, "/map", &view.filters))
            div .map-layout {
                div .map-figure {
                    (prospection_map(lang, &MapView { id: "map".into(), title: t(lang, "analytics.map").into(), points }))
                    ul .recency-counts {
                        @for r in Recency::ALL {
                            li { (recency_badge(lang, *r)) " " (number(view.rows.iter().filter(|x| x.recency == *r).count() as i64, lang)) }
                        }
                    }
                }
                div .map-list { (data_table(Some(t(lang, "chart.map.resellers")), &cols, rows)) }
            }
        })
        .render()
}
