//! Helpers of the declarations import benchmark (`benches/declarations_import.sh`):
//! `gen ROWS PATH YYYY-MM` writes a 10-column sell-out xlsx of that month's sales in constant-memory mode; `calamine PATH`
//! streams every cell of its first sheet with calamine's bare `worksheet_cells_reader` (the
//! floor any xlsx import is measured against); `reference DIR` writes the catalogue and network
//! CSV files the generated sheet refers to.

use calamine::{open_workbook, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};
use std::time::Instant;

const PRODUCTS: u32 = 5000;

/// `month` is `YYYY-MM`: every sale falls on one of its first 28 days.
fn generate(rows: u32, path: &str, month: &str) {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .expect("month as YYYY-MM");
    // Excel's serial of the month's first day (1900 system: day 0 is 1899-12-30).
    let base = (first - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64;
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
        ws.write_number_with_format(r, 0, base + f64::from(r % 28), &date)
            .unwrap();
        ws.write_string(r, 1, format!("SKU-{:05}", r % PRODUCTS))
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

fn calamine_read(path: &str) {
    let t = Instant::now();
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let mut reader = wb.worksheet_cells_reader(&sheet).unwrap();
    let (mut cells, mut rows, mut last) = (0u64, 0u64, u32::MAX);
    while let Some(cell) = reader.next_cell().unwrap() {
        cells += 1;
        if cell.get_position().0 != last {
            rows += 1;
            last = cell.get_position().0;
        }
    }
    println!(
        "calamine streaming read: {rows} rows, {cells} cells in {:.2?}",
        t.elapsed()
    );
}

fn reference(dir: &str) {
    let mut products = String::from("sku,name,category,unit_price,ean,brand\n");
    for i in 0..PRODUCTS {
        products.push_str(&format!(
            "SKU-{i:05},Article {i},Jardin,{}.90,,Verdure\n",
            i % 50
        ));
    }
    std::fs::write(format!("{dir}/products.csv"), products).unwrap();
    std::fs::write(
        format!("{dir}/resellers.csv"),
        "code,name,type\nBENCH-1,Bench shop,reseller\n",
    )
    .unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => generate(args[2].parse().unwrap(), &args[3], &args[4]),
        Some("calamine") => calamine_read(&args[2]),
        Some("reference") => reference(&args[2]),
        _ => eprintln!(
            "usage: declarations_import gen ROWS PATH YYYY-MM | calamine PATH | reference DIR"
        ),
    }
}
