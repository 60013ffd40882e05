//! Sell-out declarations through the web: upload → preview → commit, mapping memory, product
//! matching, overlap (add or replace), undo, reseller isolation, review, staff uploads, and
//! hostile or oversize files.

use crate::declarations::{fixture, scalar, setup};
use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use rust_xlsxwriter::Workbook;

/// Posts a file as the upload form does (CSRF token in the action's query string).
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    period: &str,
) -> reqwest::Response {
    let html = client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&html).expect("csrf on the upload page");
    let form = reqwest::multipart::Form::new()
        .text("period", period.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    client
        .post(app.url(&format!("{path}?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Presses the preview's commit button with this overlap choice (the form's hidden fields, its
/// one-time token among them, go with it).
pub async fn commit(
    app: &TestApp,
    client: &reqwest::Client,
    preview: &str,
    overlap: &str,
) -> reqwest::Response {
    let fields =
        crate::concurrency::page_form(app, client, preview, "/commit", &[("overlap", overlap)])
            .await;
    client
        .post(app.url(&format!("{preview}/commit")))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A small sales file with the reseller's own headers and codes.
pub fn own_layout(codes: &[(&str, i64)], day: chrono::NaiveDate) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Jour", "Article", "Nb", "Remarque"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (i, (code, q)) in codes.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, day.format("%d/%m/%Y").to_string()).unwrap();
        ws.write(r, 1, *code).unwrap();
        ws.write(r, 2, *q as f64).unwrap();
        ws.write(r, 3, "ok").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

pub fn recent() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() - chrono::Duration::days(2)
}

#[tokio::test]
async fn upload_preview_commit_then_duplicate_undo_and_isolation() {
    let app = spawn_app().await;
    setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "ventes.xlsx",
        fixture("sellout_fr.xlsx"),
        "2026-08",
    )
    .await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let preview_path = location(&resp);
    let page = r
        .get(app.url(&preview_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Qté") && page.contains("188,00"), "{page}");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        0,
        "the preview stores no line"
    );

    let id = preview_path.rsplit('/').next().unwrap().to_string();
    let resp = commit(&app, &r, &preview_path, "add").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        4
    );
    let detail = r
        .get(app.url(&preview_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        detail.contains("quantity_not_whole"),
        "the rejected rows are listed"
    );
    let xlsx = r
        .get(app.url(&format!("/imports/{id}/annotated.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // The same file again is refused, naming the earlier import.
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "encore.xlsx",
        fixture("sellout_fr.xlsx"),
        "2026-08",
    )
    .await;
    assert_eq!(resp.status(), 409);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains(&format!("n°\u{a0}{id})")),
        "the earlier import is named: {page}"
    );

    // Another reseller (and another tenant's staff) get 404 for this import.
    let (_, org) = seed::reseller(&app.db, 1, "A-002", None).await;
    seed::user(
        &app.db,
        "other.reseller@test.example",
        "reseller",
        1,
        Some(org),
    )
    .await;
    let other = app.login("other.reseller@test.example", PASSWORD).await;
    assert_eq!(
        other
            .get(app.url(&format!("/imports/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        other
            .get(app.url(&format!("/imports/{id}/annotated.xlsx")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let resp = app
        .post_form(&other, "/imports", &format!("/imports/{id}/undo"), &[])
        .await;
    assert_eq!(resp.status(), 404);
    let b = app.login("b.manager@test.example", PASSWORD).await;
    assert_eq!(
        b.get(app.url(&format!("/imports/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Undo withdraws the lines visibly; the file can then be imported again.
    let resp = app
        .post_form(&r, &preview_path, &format!("/imports/{id}/undo"), &[])
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'withdrawn'"
        )
        .await,
        4
    );
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "ventes.xlsx",
        fixture("sellout_fr.xlsx"),
        "2026-08",
    )
    .await;
    assert_eq!(resp.status(), 303);
}

#[tokio::test]
async fn mapping_and_product_matches_are_remembered_for_the_next_file() {
    let app = spawn_app().await;
    let tenant = setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let day = recent();
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "a.xlsx",
        own_layout(&[("MY-TONDEUSE", 2), ("SC-20", 3)], day),
        "",
    )
    .await;
    let preview = location(&resp);
    let id: i64 = preview.rsplit('/').next().unwrap().parse().unwrap();
    let page = r
        .get(app.url(&preview))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("MY-TONDEUSE"), "unknown code listed: {page}");
    // The quantity column "Nb" is not recognised: map it by hand (column 2).
    let resp = app
        .post_form(
            &r,
            &preview,
            &format!("/imports/{id}/mapping"),
            &[
                ("col_0", "sale_date"),
                ("col_1", "product"),
                ("col_2", "quantity"),
                ("col_3", ""),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let td = relais::db::products::by_sku(&app.db, tenant, "TD-450")
        .await
        .unwrap()
        .unwrap();
    let resp = app
        .post_form(
            &r,
            &preview,
            &format!("/imports/{id}/aliases"),
            &[("code_0", "MY-TONDEUSE"), ("alias_0", &td.id.to_string())],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let resp = commit(&app, &r, &preview, "add").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app.db,
            "select cast(sum(quantity) as bigint) from declaration_lines"
        )
        .await,
        5
    );

    // Next file with the same layout: mapping and alias apply without asking.
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "b.xlsx",
        own_layout(&[("MY-TONDEUSE", 1)], day),
        "",
    )
    .await;
    let preview = location(&resp);
    let page = r
        .get(app.url(&preview))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The file overlaps the dates already declared: the user chooses to replace them.
    assert!(page.contains("value=\"replace\""), "{page}");
    let resp = commit(&app, &r, &preview, "replace").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'approved'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'withdrawn'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn implausible_lines_wait_for_review_and_managers_decide_in_bulk() {
    let app = spawn_app().await;
    setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let day = recent();
    // History: SC-20 sold 2 at a time, three times.
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "h.xlsx",
        own_layout(&[("SC-20", 2), ("SC-20", 2), ("SC-20", 2)], day),
        "",
    )
    .await;
    let p = location(&resp);
    let id = p.rsplit('/').next().unwrap();
    app.post_form(
        &r,
        &p,
        &format!("/imports/{id}/mapping"),
        &[
            ("col_0", "sale_date"),
            ("col_1", "product"),
            ("col_2", "quantity"),
        ],
    )
    .await;
    commit(&app, &r, &p, "add").await;
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'approved'"
        )
        .await,
        3
    );
    // 11 > 5 × 2, and a sale 120 days old: both held; 3 is fine.
    let old = chrono::Utc::now().date_naive() - chrono::Duration::days(120);
    let mut file = own_layout(&[("SC-20", 11), ("SC-20", 3)], day);
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "n.xlsx",
        std::mem::take(&mut file),
        "",
    )
    .await;
    let p = location(&resp);
    commit(&app, &r, &p, "add").await;
    let resp = upload(
        &app,
        &r,
        "/declare/upload",
        "o.xlsx",
        own_layout(&[("HT-10", 1)], old),
        "",
    )
    .await;
    let p = location(&resp);
    commit(&app, &r, &p, "add").await;
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'pending'"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines where review_reason = 'quantity_above_usual' and quantity = 11").await,
        1
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_reason = 'sale_date_old'"
        )
        .await,
        1
    );

    let m = app.login("a.manager@test.example", PASSWORD).await;
    let page = m
        .get(app.url("/reviews"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ids: Vec<String> = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("input[name=line]").unwrap())
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    // Rejecting needs a reason.
    let resp = app
        .post_form(
            &m,
            "/reviews",
            "/reviews",
            &[("line", &ids[0]), ("decision", "reject"), ("reason", "")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'pending'"
        )
        .await,
        2
    );
    let resp = app
        .post_form(
            &m,
            "/reviews",
            "/reviews",
            &[
                ("line", &ids[0]),
                ("line", &ids[1]),
                ("decision", "reject"),
                ("reason", "Erreur de saisie"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'rejected'"
        )
        .await,
        2
    );
    // The reseller sees the status and the reason on the import page.
    let page = r
        .get(app.url(&p))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Erreur de saisie"), "{page}");
    // Another tenant's manager sees none of it.
    let b = app.login("b.manager@test.example", PASSWORD).await;
    let page = b
        .get(app.url("/declarations"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("SC-20"));
    let page = m
        .get(app.url("/declarations?status=rejected&reseller=A-001"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Erreur de saisie"));
}

#[tokio::test]
async fn staff_upload_on_behalf_of_a_reseller_is_marked_staff() {
    let app = spawn_app().await;
    setup(&app).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let resp = upload(
        &app,
        &m,
        "/network/A-001/upload",
        "ventes.xlsx",
        fixture("sellout_fr.xlsx"),
        "2026-08",
    )
    .await;
    assert_eq!(resp.status(), 303);
    let p = location(&resp);
    commit(&app, &m, &p, "add").await;
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where source = 'staff'"
        )
        .await,
        4
    );
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    assert_eq!(
        r.get(app.url(&p)).send().await.unwrap().status(),
        200,
        "the reseller sees imports made for it"
    );
}
