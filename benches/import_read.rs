//! Streaming import benchmark.
//!
//! `cargo run --release --example bench -- gen 200000 /tmp/bench.xlsx` writes a sell-out sheet
//! (10 columns) with rust_xlsxwriter in constant-memory mode; `... -- run /tmp/bench.xlsx` then
//! analyses and parses every line in a fresh process and prints time and peak RSS (VmHWM).

use std::ops::ControlFlow;
use std::time::Instant;

use chrono::NaiveDate;
use relais::import::analyse::{analyse, Options};
use rust_xlsxwriter::{Format, Workbook};

fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib / 1024
}

fn generate(rows: u32, path: &str) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let headers = [
        "Date de vente",
        "Réf.",
        "Désignation",
        "Qté",
        "PU HT",
        "Montant HT",
        "Type client",
        "CP",
        "N° client",
        "Canal",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    let types = ["Particulier", "Paysagiste", "Mairie", "Entreprise"];
    for r in 1..=rows {
        let qty = f64::from(r % 7 + 1);
        let price = f64::from(r % 50) + 0.9;
        ws.write_number_with_format(r, 0, 46235.0 + f64::from(r % 28), &date)
            .unwrap();
        ws.write_string(r, 1, format!("SKU-{:05}", r % 5000))
            .unwrap();
        ws.write_string(r, 2, "Article de jardin").unwrap();
        ws.write_number(r, 3, qty).unwrap();
        ws.write_number(r, 4, price).unwrap();
        ws.write_number(r, 5, qty * price).unwrap();
        ws.write_string(r, 6, types[(r % 4) as usize]).unwrap();
        ws.write_string(r, 7, format!("{:05}", 13000 + r % 900))
            .unwrap();
        ws.write_string(r, 8, format!("C{}", r % 20000)).unwrap();
        ws.write_string(r, 9, if r % 3 == 0 { "En ligne" } else { "Magasin" })
            .unwrap();
    }
    wb.save(path).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => {
            let t = Instant::now();
            generate(args[2].parse().unwrap(), &args[3]);
            let size = std::fs::metadata(&args[3]).unwrap().len();
            println!(
                "generated {} rows in {:.2?}, {:.1} MB",
                args[2],
                t.elapsed(),
                size as f64 / 1e6
            );
        }
        Some("run") => {
            let bytes = std::fs::read(&args[2]).unwrap();
            let before = peak_rss_mb();
            let t = Instant::now();
            let mut options = Options::new(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
            options.period = Some((
                NaiveDate::from_ymd_opt(2026, 8, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
            ));
            let mut a = analyse(&bytes, &args[2], &options).unwrap();
            let detect = t.elapsed();
            let stats = a.for_each_line(|_| ControlFlow::Continue(())).unwrap();
            println!(
                "file {:.1} MB; detect {:.2?}; all lines {:.2?}; {:?}; peak RSS {} MB (file bytes in memory: {} MB before reading)",
                bytes.len() as f64 / 1e6,
                detect,
                t.elapsed(),
                stats,
                peak_rss_mb(),
                before
            );
        }
        Some("raw") => {
            let bytes = std::fs::read(&args[2]).unwrap();
            let t = Instant::now();
            let mut wb = relais::import::read::open(&bytes, &args[2], &Default::default()).unwrap();
            let sheet = wb.sheets[0].name.clone();
            let mut n = 0u64;
            wb.for_each_row(&sheet, |_, _| {
                n += 1;
                ControlFlow::Continue(())
            })
            .unwrap();
            println!(
                "raw rows: {n} in {:.2?}; peak RSS {} MB",
                t.elapsed(),
                peak_rss_mb()
            );
        }
        _ => eprintln!("usage: bench gen ROWS PATH | bench run PATH | bench raw PATH"),
    }
}
