//! Sell-out declarations through the CLI contract: every fixture format with exact totals and
//! rejected rows, duplicates, dry runs, refusals, and a failed or killed commit that leaves nothing.

use crate::helpers::{spawn_app, TestApp};
use crate::seed;
use relais::db::{self, products::ProductInput, Db};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

/// The catalogue the fixtures refer to: TD-450 (199.90), SC-20 (19.90), HT-10 (89.00).
pub async fn catalogue(db: &Db, tenant_id: i64) {
    let mut tx = db.begin().await.unwrap();
    for (sku, price, ean) in [
        ("TD-450", 19990, Some("3017620422003")),
        ("SC-20", 1990, None),
        ("HT-10", 8900, None),
    ] {
        let p = ProductInput {
            sku: sku.into(),
            name: format!("Product {sku}"),
            list_price_cents: price,
            ean: ean.map(str::to_string),
            ..Default::default()
        };
        db::products::upsert(&mut tx, tenant_id, &p).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Two tenants with their users (see `seed::two_tenants`) and the catalogue in tenant alpha.
pub async fn setup(app: &TestApp) -> i64 {
    let (a, _) = seed::two_tenants(&app.db).await;
    catalogue(&app.db, a.tenant_id).await;
    a.tenant_id
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/imports/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The `relais` binary on the test app's database, with the test secret.
pub fn relais_command(app: &TestApp, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_relais"));
    command
        .args(["--database", &app.state.settings.database.url])
        .args(args)
        .env("RELAIS__SECURITY__SECRET", "test-secret-not-for-production");
    command
}

pub fn relais(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let out = relais_command(app, args).output().expect("run relais");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `relais import declarations FILE --tenant alpha --reseller CODE [extra] --json`.
pub fn import_command(
    app: &TestApp,
    path: &std::path::Path,
    reseller: &str,
    extra: &[&str],
) -> std::process::Command {
    let mut args = vec![
        "import",
        "declarations",
        path.to_str().unwrap(),
        "--tenant",
        "alpha",
        "--reseller",
        reseller,
    ];
    args.extend_from_slice(extra);
    args.push("--json");
    relais_command(app, &args)
}

/// Runs `relais import declarations` with `--json` and returns the exit code and the report.
pub fn import(
    app: &TestApp,
    path: &std::path::Path,
    reseller: &str,
    extra: &[&str],
) -> (i32, Value) {
    let run = import_command(app, path, reseller, extra)
        .output()
        .expect("run relais");
    let (out, err) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    let report =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: stdout {out} stderr {err}"));
    (run.status.code().unwrap_or(-1), report)
}

pub async fn scalar(db: &Db, sql: &str) -> i64 {
    relais::with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

fn rejected_rows(report: &Value) -> Vec<(u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[tokio::test]
async fn every_fixture_format_imports_with_exact_totals_and_rejected_rows() {
    let app = spawn_app().await;
    setup(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // (file, accepted, quantity, amount, rejected rows with their first code)
    let fr: Vec<(u64, &str)> = vec![
        (9, "quantity_not_whole"),
        (10, "error_cell"),
        (11, "date_outside_period"),
        (12, "quantity_zero"),
    ];
    type Case<'a> = (&'a str, u64, i64, f64, Vec<(u64, &'a str)>);
    let cases: Vec<Case> = vec![
        ("sellout_fr.xlsx", 4, 11, 1188.00, fr.clone()),
        ("sellout_fr.xls", 4, 11, 1188.00, fr.clone()),
        ("sellout_fr.ods", 4, 11, 1188.00, fr),
        ("sellout_1904.xlsx", 3, 7, 61.51, vec![]),
        (
            "sellout_fr_utf8bom_semicolon.csv",
            2,
            12,
            12744.80,
            vec![(5, "quantity_not_whole"), (7, "product_missing")],
        ),
        (
            "sellout_en_utf16le_tab.csv",
            2,
            5,
            4103.30,
            vec![(4, "date_outside_period")],
        ),
        // No price column: the list price applies (4 × 199.90 + 6 × 89.00).
        (
            "sellout_fr_cp1252.csv",
            2,
            10,
            1333.60,
            vec![(3, "quantity_negative")],
        ),
    ];
    let mut total_lines = 0;
    for (name, accepted, quantity, amount, rejected) in cases {
        let path = write(dir.path(), name, &fixture(name));
        // A reseller per file: the xls/ods copies would otherwise overlap the same period.
        let code = format!("R-{name}");
        seed::reseller(&app.db, 1, &code, None).await;
        let (exit, r) = import(&app, &path, &code, &["--period", "2026-08"]);
        assert_eq!(exit, 0, "{name}: {r}");
        assert_eq!(r["status"], "committed", "{name}: {r}");
        assert_eq!(r["accepted"], accepted, "{name}: {r}");
        assert_eq!(r["rejected"], rejected.len() as u64, "{name}: {r}");
        assert_eq!(r["quantity_total"], quantity, "{name}");
        assert_eq!(r["amount_total"].as_f64().unwrap(), amount, "{name}");
        let expected: Vec<(u64, String)> = rejected
            .iter()
            .map(|(row, c)| (*row, c.to_string()))
            .collect();
        assert_eq!(rejected_rows(&r), expected, "{name}");
        assert!(r["import_id"].as_i64().is_some());
        assert!(r["duplicate_of"].is_null());
        assert!(r["mapping"]["product"].is_string(), "{name}: {r}");
        total_lines += accepted as i64;
    }
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        total_lines
    );
    let r = &import(
        &app,
        &dir.path().join("sellout_fr.xlsx"),
        "R-sellout_fr.xlsx",
        &["--period", "2026-08", "--dry-run"],
    )
    .1;
    assert_eq!(r["status"], "duplicate");
}

#[tokio::test]
async fn cli_contract_fields_duplicates_dry_runs_and_exit_codes() {
    let app = spawn_app().await;
    setup(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ventes.xlsx", &fixture("sellout_fr.xlsx"));

    let (exit, dry) = import(&app, &path, "A-001", &["--period", "2026-08", "--dry-run"]);
    assert_eq!((exit, dry["status"].as_str()), (0, Some("dry_run")));
    assert!(dry["import_id"].is_null());
    assert_eq!(scalar(&app.db, "select count(*) from imports").await, 0);

    let (exit, r) = import(&app, &path, "A-001", &["--period", "2026-08"]);
    assert_eq!(exit, 0, "{r}");
    for key in [
        "status",
        "import_id",
        "accepted",
        "rejected",
        "quantity_total",
        "amount_total",
        "date_from",
        "date_to",
        "mapping",
        "errors",
        "duplicate_of",
    ] {
        assert!(r.get(key).is_some(), "missing {key} in {r}");
    }
    assert_eq!(
        (r["date_from"].as_str(), r["date_to"].as_str()),
        (Some("2026-08-03"), Some("2026-08-20"))
    );
    assert_eq!(r["mapping"]["quantity"], "Qté");
    assert_eq!(r["mapping"]["unit_price"], "PU HT");
    let e = &r["errors"][0];
    assert_eq!(
        (e["sheet"].as_str(), e["row"].as_u64(), e["column"].as_str()),
        (Some("Ventes août"), Some(9), Some("Qté"))
    );
    assert_eq!(
        e["message"],
        "The quantity must be a whole number of units."
    );
    assert_eq!(dry["accepted"], r["accepted"]);
    assert_eq!(dry["amount_total"], r["amount_total"]);

    // The same file again, even renamed: refused as a duplicate naming the first import.
    let again = write(dir.path(), "copie.xlsx", &fixture("sellout_fr.xlsx"));
    let (exit, dup) = import(&app, &again, "A-001", &["--period", "2026-08"]);
    assert_eq!((exit, dup["status"].as_str()), (2, Some("duplicate")));
    assert_eq!(dup["duplicate_of"], r["import_id"]);
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        4
    );

    let junk = write(
        dir.path(),
        "junk.xlsx",
        b"PK\x03\x04 definitely not a workbook",
    );
    let (exit, refused) = import(&app, &junk, "A-001", &[]);
    assert_eq!(
        (exit, refused["status"].as_str()),
        (2, Some("refused")),
        "{refused}"
    );
    assert!(
        refused["message"].as_str().unwrap().contains("damaged"),
        "{refused}"
    );
    assert_eq!(scalar(&app.db, "select count(*) from imports").await, 1);

    assert_eq!(
        relais(
            &app,
            &[
                "import",
                "declarations",
                path.to_str().unwrap(),
                "--tenant",
                "alpha",
                "--reseller",
                "NOPE"
            ]
        )
        .0,
        2
    );
    assert_eq!(
        relais(
            &app,
            &[
                "import",
                "declarations",
                path.to_str().unwrap(),
                "--tenant",
                "alpha"
            ]
        )
        .0,
        2
    );
    let (code, out, _) = relais(
        &app,
        &[
            "import",
            "declarations",
            again.to_str().unwrap(),
            "--tenant",
            "alpha",
            "--reseller",
            "A-001",
        ],
    );
    assert_eq!(code, 2);
    assert!(out.contains("duplicate"), "{out}");
}

/// An xlsx of `rows` valid sales of three days ago, one SC-20 at 19.90 each.
fn recent_sales(rows: u32) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Date", "SKU", "Qty", "Unit price"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let day = chrono::Utc::now().date_naive() - chrono::Duration::days(3);
    for r in 1..=rows {
        ws.write(r, 0, day.to_string()).unwrap();
        ws.write(r, 1, "SC-20").unwrap();
        ws.write(r, 2, 1).unwrap();
        ws.write(r, 3, 19.9).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// A big file whose 3,001st line makes the database fail: the whole import is rolled back.
#[tokio::test]
async fn a_failure_in_the_middle_of_a_commit_leaves_no_line() {
    let app = spawn_app().await;
    setup(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "big.xlsx", &recent_sales(6000));
    let (lite, pg): (&str, [&str; 2]) = (
        "create trigger fail_midway before insert on declaration_lines when new.source_row = 3001 \
         begin select raise(abort, 'injected failure'); end",
        [
            "create function fail_midway() returns trigger language plpgsql as $$ begin \
             if new.source_row = 3001 then raise exception 'injected failure'; end if; return new; end $$",
            "create trigger fail_midway before insert on declaration_lines for each row execute function fail_midway()",
        ],
    );
    match &app.db {
        Db::Sqlite(p) => {
            sqlx::query(lite).execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            for s in pg {
                sqlx::query(s).execute(p).await.unwrap();
            }
        }
    }
    let (code, out, err) = relais(
        &app,
        &[
            "import",
            "declarations",
            path.to_str().unwrap(),
            "--tenant",
            "alpha",
            "--reseller",
            "A-001",
            "--json",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("injected failure"), "{err}");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        0
    );
    assert_eq!(scalar(&app.db, "select count(*) from imports").await, 0);
    assert_eq!(
        scalar(&app.db, "select count(*) from declarations").await,
        0
    );

    match &app.db {
        Db::Sqlite(p) => sqlx::query("drop trigger fail_midway")
            .execute(p)
            .await
            .map(|_| ()),
        Db::Postgres(p) => sqlx::query("drop trigger fail_midway on declaration_lines")
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    let (exit, r) = import(&app, &path, "A-001", &[]);
    assert_eq!((exit, r["accepted"].as_u64()), (0, Some(6000)), "{r}");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        6000
    );
}

/// The process killed (SIGKILL) while it writes a big file's lines: nothing of the import is
/// left — no line, no import, no stored file — and the same file then imports in full, not
/// refused as a duplicate of the dead attempt.
#[tokio::test]
async fn a_killed_import_leaves_nothing_and_the_file_can_be_imported_again() {
    use std::io::Read;
    let app = spawn_app().await;
    setup(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let rows = 150_000u32;
    let path = write(dir.path(), "big.xlsx", &recent_sales(rows));
    let args = [
        "import",
        "declarations",
        path.to_str().unwrap(),
        "--tenant",
        "alpha",
        "--reseller",
        "A-001",
    ];
    let mut child = relais_command(&app, &args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run relais");
    // Without --json a big file gets a progress line, written after each 50,000 lines have
    // gone into the import's transaction: kill as soon as the first one shows.
    let mut stderr = child.stderr.take().unwrap();
    let progress = tokio::task::spawn_blocking(move || {
        let (mut seen, mut buf) = (Vec::new(), [0u8; 256]);
        loop {
            match stderr.read(&mut buf) {
                Ok(0) | Err(_) => return String::from_utf8_lossy(&seen).into_owned(),
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&seen).contains("rows read") {
                return String::from_utf8_lossy(&seen).into_owned();
            }
        }
    })
    .await
    .unwrap();
    assert!(
        progress.contains("rows read"),
        "no progress before the end: {progress}"
    );
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed mid-import, not finished");

    for table in [
        "declaration_lines",
        "imports",
        "declarations",
        "import_files",
    ] {
        assert_eq!(
            scalar(&app.db, &format!("select count(*) from {table}")).await,
            0,
            "{table} after the kill"
        );
    }
    let (exit, r) = import(&app, &path, "A-001", &[]);
    assert_eq!(exit, 0, "{r}");
    assert_eq!(r["status"], "committed", "{r}");
    assert_eq!(r["accepted"].as_u64(), Some(u64::from(rows)), "{r}");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        i64::from(rows)
    );
}
