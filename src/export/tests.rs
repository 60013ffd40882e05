//! Exports checked by reading their output back: decoded PNG pixels, the PDF's font, the CSV
//! and XLSX cells.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use relais_templates::charts::{
    bar_chart, donut_chart, prospection_map, stacked_chart, weekly_trend_chart, Bar, BarChartView,
    Chart, DonutView, MapPoint, MapView, Orientation, Slice, StackMode, StackedPeriod, StackedView,
    ValueKind, WeekValue, WeeklyTrendView,
};
use relais_templates::vocab::Recency;
use relais_templates::{t, Lang};

use super::*;

fn weekly_trend(lang: Lang) -> Chart {
    let monday = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let weeks = (0..26)
        .map(|i| {
            // A spring peak, as garden equipment sells: deterministic, no randomness in tests.
            let season = (i as f64 / 25.0 * std::f64::consts::PI).sin();
            WeekValue {
                week: monday + Duration::weeks(i),
                value: 1_500_000 + (season * 2_800_000.0) as i64 + (i % 3) * 120_000,
                previous_year: Some(1_300_000 + (season * 2_400_000.0) as i64),
            }
        })
        .collect();
    let title = match lang {
        Lang::Fr => "Ventes hebdomadaires",
        Lang::En => "Weekly sales",
    };
    weekly_trend_chart(
        lang,
        &WeeklyTrendView {
            id: "weekly-trend".into(),
            title: title.into(),
            kind: ValueKind::Money("EUR".into()),
            weeks,
        },
    )
}

fn best_sellers(lang: Lang) -> Chart {
    let products = [
        ("Tondeuse thermique TX-46", 1_845_000 * 100),
        ("Débroussailleuse BR-250", 1_212_500 * 100),
        ("Taille-haie électrique H60", 804_300 * 100),
        ("Souffleur à dos SB-80", 512_000 * 100),
        ("Robot de tonte R-1000", 377_900 * 100),
        ("Tronçonneuse CS-42", 240_100 * 100),
    ];
    bar_chart(
        lang,
        &BarChartView {
            id: "best-sellers".into(),
            title: "Meilleures ventes".into(),
            kind: ValueKind::Money("EUR".into()),
            orientation: Orientation::Horizontal,
            category_title: "Produit".into(),
            bars: products
                .iter()
                .map(|(name, cents)| Bar {
                    label: name.to_string(),
                    value: *cents,
                    href: None,
                })
                .collect(),
            total: Some(5_600_000 * 100),
        },
    )
}

fn self_service(lang: Lang) -> Chart {
    let periods = (1..=12)
        .map(|month| StackedPeriod {
            label: format!("2026-{month:02}"),
            values: vec![200 + month * 35, 600 - month * 20],
        })
        .collect();
    stacked_chart(
        lang,
        &StackedView {
            id: "self-service".into(),
            title: "Self-service share".into(),
            kind: ValueKind::Count,
            mode: StackMode::Percent,
            x_title: "Month".into(),
            series: vec![
                t(lang, "chart.series.self_service").into(),
                t(lang, "chart.series.staff").into(),
            ],
            periods,
        },
    )
}

fn customer_mix(lang: Lang) -> Chart {
    let slices = [
        ("Individual", 612_000),
        ("Landscaper", 301_500),
        ("Local authority", 154_250),
        ("Business", 88_000),
    ];
    donut_chart(
        lang,
        &DonutView {
            id: "customer-mix".into(),
            title: "End-customer mix".into(),
            kind: ValueKind::Money("EUR".into()),
            category_title: "End-customer type".into(),
            slices: slices
                .iter()
                .map(|(label, euros)| Slice {
                    label: label.to_string(),
                    value: euros * 100,
                })
                .collect(),
        },
    )
}

/// ~300 resellers around French cities, jittered deterministically (a linear congruential
/// generator), with every recency colour represented.
fn french_network() -> MapView {
    const CITIES: [(f64, f64); 24] = [
        (48.86, 2.35),
        (45.76, 4.84),
        (43.30, 5.37),
        (43.60, 1.44),
        (47.22, -1.55),
        (48.58, 7.75),
        (44.84, -0.58),
        (50.63, 3.06),
        (48.11, -1.68),
        (49.26, 4.03),
        (45.19, 5.72),
        (47.32, 5.04),
        (43.61, 3.88),
        (47.39, 0.69),
        (45.78, 3.08),
        (49.44, 1.10),
        (46.58, 0.34),
        (48.69, 6.18),
        (47.90, 1.91),
        (45.83, 1.26),
        (43.95, 4.81),
        (47.48, -0.56),
        (46.16, -1.15),
        (42.70, 2.90),
    ];
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let points = (0..300)
        .map(|i| {
            let (lat, lon) = CITIES[i % CITIES.len()];
            let weights = [0.45, 0.2, 0.15, 0.1, 0.1];
            let mut pick = next();
            let recency = Recency::ALL
                .iter()
                .zip(weights)
                .find(|(_, w)| {
                    pick -= w;
                    pick < 0.0
                })
                .map_or(Recency::Prospect, |(r, _)| *r);
            MapPoint {
                code: format!("R{i:03}"),
                name: format!("Revendeur {i}"),
                lat: lat + (next() - 0.5) * 0.6,
                lon: lon + (next() - 0.5) * 0.8,
                recency,
                href: format!("/network/R{i:03}"),
            }
        })
        .collect();
    MapView {
        id: "map".into(),
        title: "Carte de prospection".into(),
        points,
    }
}

fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(Cursor::new(png));
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

#[test]
fn png_export_renders_the_chart_title_text() {
    let png = svg_to_png(&weekly_trend(Lang::Fr).svg_string(), 1.0).unwrap();
    let (width, height, pixels) = decode(&png);
    assert_eq!((width, height), (760, 380));
    // The title is drawn at x 16, baseline y 26 in the text colour #1a2233: without a loaded
    // font that band would be pure white.
    let dark_title_pixels = (8..32)
        .flat_map(|y| (16..300).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let i = ((y * width + x) * 4) as usize;
            pixels[i] < 0x40 && pixels[i + 1] < 0x40 && pixels[i + 2] < 0x50
        })
        .count();
    assert!(
        dark_title_pixels > 200,
        "only {dark_title_pixels} dark pixels in the title area"
    );
}

#[test]
fn png_scale_multiplies_the_size_and_is_bounded() {
    let svg = best_sellers(Lang::En).svg_string();
    let (width, _, _) = decode(&svg_to_png(&svg, 2.0).unwrap());
    assert_eq!(width, 1520);
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"/>"#;
    assert!(matches!(
        svg_to_png(huge, 1.0),
        Err(ExportError::TooLarge { .. })
    ));
    assert!(matches!(svg_to_png("<svg", 1.0), Err(ExportError::Svg(_))));
}

#[test]
fn pdf_export_embeds_the_shipped_font() {
    let pdf = svg_to_pdf(&weekly_trend(Lang::En).svg_string()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("DejaVuSans"), "font not embedded");
    assert!(text.contains("/FontFile2"), "TrueType program missing");
}

#[test]
fn the_map_exports_to_png_and_pdf() {
    let svg = prospection_map(Lang::Fr, &french_network()).svg_string();
    let (_, _, pixels) = decode(&svg_to_png(&svg, 1.0).unwrap());
    let green = pixels
        .chunks(4)
        .filter(|p| p[..3] == [0x2e, 0x7d, 0x32])
        .count();
    assert!(green > 100, "green markers drawn: {green}");
    assert!(svg_to_pdf(&svg).unwrap().starts_with(b"%PDF-"));
}

fn sample_rows() -> Vec<Vec<Cell>> {
    vec![
        vec![
            Cell::from("Tondeuse \"Pro\"; 46 cm"),
            Cell::Integer(1_234),
            Cell::Money {
                cents: 12_345_678,
                currency: "EUR".into(),
            },
            Cell::Number(0.375),
            Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
        ],
        vec![
            Cell::from("Élagueuse, émondeuse"),
            Cell::Integer(-2),
            Cell::Money {
                cents: -5,
                currency: "EUR".into(),
            },
            Cell::Empty,
            Cell::Date(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        ],
    ]
}

const HEADERS: [&str; 5] = ["Produit", "Quantité", "Montant", "Part", "Date"];

#[test]
fn csv_has_a_bom_and_the_language_dialect() {
    let fr = table_to_csv(Lang::Fr, &HEADERS, &sample_rows());
    assert!(fr.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&fr[3..]);
    assert_eq!(reader.headers().unwrap(), HEADERS.to_vec());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [
            "Tondeuse \"Pro\"; 46 cm",
            "1234",
            "123456,78",
            "0,375",
            "2026-11-23"
        ]
    );
    assert_eq!(
        rows[1].iter().collect::<Vec<_>>(),
        ["Élagueuse, émondeuse", "-2", "-0,05", "", "2027-01-01"]
    );

    let en = table_to_csv(Lang::En, &HEADERS, &sample_rows());
    let mut reader = csv::ReaderBuilder::new().from_reader(&en[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][2], "123456.78");
    assert_eq!(&rows[1][0], "Élagueuse, émondeuse");
}

#[test]
fn csv_text_that_a_spreadsheet_would_run_is_neutralised() {
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
    ];
    let mut rows: Vec<Vec<Cell>> = hostile.iter().map(|t| vec![Cell::from(*t)]).collect();
    rows.push(vec![Cell::from("Sécateur = 19 €")]);
    rows.push(vec![Cell::Integer(-2)]);
    for lang in [Lang::Fr, Lang::En] {
        let bytes = table_to_csv(lang, &["Avis"], &rows);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if lang == Lang::Fr { b';' } else { b',' })
            .from_reader(&bytes[3..]);
        let got: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        for (cell, raw) in got.iter().zip(hostile) {
            assert_eq!(cell, &format!("'{raw}"), "{lang:?}");
        }
        // Text that merely contains a sign, and numbers, are left as they are.
        assert_eq!(got[hostile.len()], "Sécateur = 19 €");
        assert_eq!(got[hostile.len() + 1], "-2");
    }
}

#[test]
fn xlsx_round_trips_typed_cells() {
    let bytes = table_to_xlsx("Best-sellers [2026]", &HEADERS, &sample_rows()).unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Best-sellers -2026-".to_string()]
    );
    let range = workbook.worksheet_range("Best-sellers -2026-").unwrap();
    assert_eq!(range.get((0, 1)), Some(&Data::String("Quantité".into())));
    assert_eq!(
        range.get((1, 0)),
        Some(&Data::String("Tondeuse \"Pro\"; 46 cm".into()))
    );
    assert_eq!(range.get((1, 1)), Some(&Data::Float(1234.0)));
    assert_eq!(range.get((1, 2)), Some(&Data::Float(123456.78)));
    assert_eq!(range.get((2, 2)), Some(&Data::Float(-0.05)));
    let date = range.get((1, 4)).unwrap();
    assert!(date.is_datetime());
    assert_eq!(date.as_date(), NaiveDate::from_ymd_opt(2026, 11, 23));
    assert_eq!(range.get((2, 3)).unwrap_or(&Data::Empty), &Data::Empty);
}

/// Writes the gallery shown in docs/: `RELAIS_GALLERY=docs cargo test --lib export::tests::gallery -- --ignored`.
#[test]
#[ignore = "writes files; run by hand to refresh the screenshots in docs/"]
fn gallery() {
    let dir = std::env::var("RELAIS_GALLERY").unwrap_or_else(|_| "target/gallery".into());
    std::fs::create_dir_all(&dir).unwrap();
    let charts = [
        ("chart-weekly-trend", weekly_trend(Lang::Fr).svg_string()),
        ("chart-best-sellers", best_sellers(Lang::Fr).svg_string()),
        (
            "map-sample",
            prospection_map(Lang::Fr, &french_network()).svg_string(),
        ),
        ("chart-self-service", self_service(Lang::En).svg_string()),
        ("chart-customer-mix", customer_mix(Lang::En).svg_string()),
    ];
    for (name, svg) in charts {
        std::fs::write(format!("{dir}/{name}.png"), svg_to_png(&svg, 1.5).unwrap()).unwrap();
    }
}
