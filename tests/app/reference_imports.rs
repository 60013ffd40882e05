//! Catalogue and network imports: good rows upserted, bad rows reported with their row number,
//! an unreadable file changes nothing — through the web page and the CLI.

use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use relais::db;
use rust_xlsxwriter::Workbook;

/// A catalogue workbook as a manufacturer would send it: a title row, French headers, a bad
/// price, a bad EAN, a missing name and a duplicate SKU.
fn catalogue_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "Catalogue 2026 — tarifs HT").unwrap();
    let header = ["Référence", "Nom", "Catégorie", "Prix", "EAN", "Marque"];
    for (c, h) in header.iter().enumerate() {
        ws.write(2, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, &str, &str, &str); 6] = [
        (
            "TD-100",
            "Tondeuse 46 cm",
            "Tondeuses",
            "249,90",
            "3017620422003",
            "Verdure",
        ),
        (
            "TH-200",
            "Taille-haie 60 cm",
            "Taille-haies",
            "129.5",
            "",
            "Verdure",
        ),
        ("AR-300", "Arrosoir 10 L", "Arrosage", "douze", "", ""),
        (
            "AR-301",
            "Tuyau 25 m",
            "Arrosage",
            "39,90",
            "1234567890123",
            "",
        ),
        ("AR-302", "", "Arrosage", "9,90", "", ""),
        ("TD-100", "Tondeuse doublon", "Tondeuses", "1", "", ""),
    ];
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        for (c, v) in [r.0, r.1, r.2, r.3, r.4, r.5].iter().enumerate() {
            if !v.is_empty() {
                ws.write(row, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let token = app.csrf(client, path).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let resp = client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn catalogue_import_upserts_good_rows_and_reports_each_bad_row() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let (status, page) = upload(
        &app,
        &m,
        "/catalogue/import",
        "catalogue.xlsx",
        catalogue_xlsx(),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let (rows, total) = db::products::list(&app.db, a.tenant_id, None, None, 100, 0)
        .await
        .unwrap();
    assert_eq!(total, 2, "{rows:?}");
    let td = db::products::by_sku(&app.db, a.tenant_id, "TD-100")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (td.list_price_cents, td.ean.as_deref()),
        (24990, Some("3017620422003"))
    );
    let th = db::products::by_sku(&app.db, a.tenant_id, "TH-200")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(th.list_price_cents, 12950);
    // The bad rows are listed with the row numbers the spreadsheet shows (1-based).
    let report = relais::reference_import::import_products(
        &app.db,
        &app.state.reader,
        a.tenant_id,
        None,
        "catalogue.xlsx",
        &catalogue_xlsx(),
        "en",
    )
    .await
    .unwrap();
    let mut bad: Vec<(u32, &str)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    bad.sort();
    assert_eq!(
        bad,
        vec![(6, "unit_price"), (7, "ean"), (8, "name"), (9, "sku")]
    );
    assert_eq!((report.created, report.updated, report.rejected), (0, 2, 4));
    for row in ["6", "7", "8", "9"] {
        assert!(
            page.contains(&format!(">{row}<")),
            "row {row} missing from the page"
        );
    }
}

#[tokio::test]
async fn an_unreadable_file_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR not a spreadsheet".to_vec();
    let (status, page) = upload(&app, &m, "/catalogue/import", "prices.xlsx", png).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("is not an Excel workbook") || page.contains("n'est ni un classeur"),
        "{page}"
    );
    let mut truncated = catalogue_xlsx();
    truncated.truncate(truncated.len() / 2);
    let (status, _) = upload(&app, &m, "/network/import", "network.xlsx", truncated).await;
    assert_eq!(status, 422);
    assert_eq!(
        db::products::list(&app.db, a.tenant_id, None, None, 10, 0)
            .await
            .unwrap()
            .1,
        0
    );
    assert_eq!(
        db::network::list(&app.db, a.tenant_id, &Default::default(), 10, 0)
            .await
            .unwrap()
            .1,
        1
    );
}

#[tokio::test]
async fn network_import_creates_updates_and_rejects_by_row() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let csv = "code;name;type;organisation;country;region;city;postal_code;latitude;longitude;potential;status;manager_email;contact_email\n\
               A-001;Shop A-001 renamed;revendeur;multi-marques;FR;Bretagne;Rennes;35000;48,11;-1,68;A;actif;a.manager@test.example;shop@a.test\n\
               N-002;Jardinerie du Lac;franchisé;mono-marque;FR;Auvergne-Rhône-Alpes;Annecy;74000;45,90;6,13;B;prospect;;\n\
               N-003;Sans type;;;FR;;;;;;;;;\n\
               N-004;Trop à l est;distributor;multi;FR;;;;;195;C;active;;\n\
               N-005;Manager inconnu;reseller;mono;FR;;;;;;;;ghost@test.example;\n\
               N-006;Ain;reseller;mono;FR;Auvergne-Rhône-Alpes;Bourg;1000;;;;;;\n";
    let report = relais::reference_import::import_resellers(
        &app.db,
        &app.state.reader,
        a.tenant_id,
        None,
        "network.csv",
        csv.as_bytes(),
        "fr",
    )
    .await
    .unwrap();
    assert_eq!(report.status, "committed");
    assert_eq!(
        (report.created, report.updated, report.rejected),
        (2, 1, 3),
        "{:?}",
        report.errors
    );
    let bad: Vec<(u32, &str)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        bad,
        vec![(4, "type"), (5, "longitude"), (6, "manager_email")]
    );
    assert!(
        report.errors[2].message.contains("animateur"),
        "messages follow the user's language"
    );
    let renamed = db::network::by_code(&app.db, a.tenant_id, "A-001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.potential.as_str()),
        ("Shop A-001 renamed", "A")
    );
    assert_eq!(
        renamed.manager_email.as_deref(),
        Some("a.manager@test.example")
    );
    let lake = db::network::by_code(&app.db, a.tenant_id, "N-002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            lake.reseller_type.as_str(),
            lake.brand_organisation.as_str(),
            lake.status.as_str()
        ),
        ("franchisee", "mono", "prospect")
    );
    assert_eq!(
        db::network::by_code(&app.db, a.tenant_id, "N-006")
            .await
            .unwrap()
            .unwrap()
            .postal_code,
        "01000"
    );
}

/// Runs the real `relais` binary against the test database.
fn relais(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relais"))
        .args(["--database", &app.state.settings.database.url])
        .args(args)
        .env("RELAIS__MAIL__OUTBOX_DIR", &app.outbox)
        .output()
        .expect("run relais");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn cli_imports_report_json_and_exit_codes() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = relais(
        &app,
        &["tenant", "add", "verdure", "--name", "Verdure Outillage"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = relais(&app, &["tenant", "list", "--json"]);
    assert_eq!(code, 0);
    let tenants: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(tenants[0]["slug"], "verdure");
    assert_eq!(
        relais(&app, &["tenant", "add", "verdure", "--name", "Again"]).0,
        2
    );

    let file = dir.path().join("catalogue.xlsx");
    std::fs::write(&file, catalogue_xlsx()).unwrap();
    let (code, out, err) = relais(
        &app,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--tenant",
            "verdure",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["status"], "committed");
    assert_eq!(report["created"], 2);
    assert_eq!(report["rejected"], 4);
    assert_eq!(report["errors"][0]["row"], 6);

    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let (code, out, _) = relais(
        &app,
        &[
            "import",
            "resellers",
            junk.to_str().unwrap(),
            "--tenant",
            "verdure",
            "--json",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["status"],
        "refused"
    );
    assert_eq!(
        relais(
            &app,
            &[
                "import",
                "products",
                file.to_str().unwrap(),
                "--tenant",
                "nope"
            ]
        )
        .0,
        2
    );
}

#[tokio::test]
async fn cli_user_add_creates_accounts_or_prints_an_invitation() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let (code, out, err) = relais(
        &app,
        &[
            "user",
            "add",
            "boss@alpha.test",
            "--tenant",
            "alpha",
            "--role",
            "admin",
            "--password",
            "a-very-long-password",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    app.login("boss@alpha.test", "a-very-long-password").await;
    let (code, out, err) = relais(
        &app,
        &[
            "user",
            "add",
            "shop@alpha.test",
            "--tenant",
            "alpha",
            "--role",
            "reseller",
            "--reseller",
            "A-001",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let link = out
        .split_whitespace()
        .find(|w| w.contains("/invite/"))
        .expect("an invitation link");
    let path = &link[link.find("/invite/").unwrap()..];
    let c = app.client();
    assert_eq!(c.get(app.url(path)).send().await.unwrap().status(), 200);
    assert_eq!(
        relais(
            &app,
            &[
                "user",
                "add",
                "x@alpha.test",
                "--tenant",
                "alpha",
                "--role",
                "reseller"
            ]
        )
        .0,
        2
    );
    assert_eq!(
        relais(
            &app,
            &[
                "user",
                "add",
                "boss@alpha.test",
                "--tenant",
                "alpha",
                "--role",
                "manager"
            ]
        )
        .0,
        1
    );
}
