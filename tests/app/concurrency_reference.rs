//! Catalogue and network imports sent together (two managers, a retried upload) create each new
//! product and reseller once and fail none: the upserts give way on the unique codes instead of
//! looking first and inserting after. On SQLite and, with RELAIS_TEST_POSTGRES_URL, PostgreSQL.

use crate::concurrency::{at_once, N};
use crate::declarations::scalar;
use crate::helpers::{spawn_app, spawn_app_with};
use crate::seed::{self, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_catalogue_uploads_at_once_create_each_product_once() {
    // Twenty uploads from one manager: above the per-user cap on uploads in flight, which has
    // its own test (`limits`); here every one of them must get through.
    let app = spawn_app_with(|s| s.server.max_uploads_per_user = N).await;
    seed::two_tenants(&app.db).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let token = app.csrf(&m, "/catalogue/import").await;
    let csv = "sku;name;unit_price\nNEW-1;Tondeuse;199,90\nNEW-2;Sécateur;19,90\n";
    let requests = (0..N)
        .map(|_| {
            let form = reqwest::multipart::Form::new()
                .text("csrf_token", token.clone())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("c.csv"),
                );
            m.post(app.url("/catalogue/import")).multipart(form)
        })
        .collect();
    let statuses: Vec<u16> = at_once(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses, [200; N]);
    assert_eq!(scalar(&app.db, "select count(*) from products").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_network_imports_at_once_create_each_reseller_once() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let csv = "code;name;type;organisation;country\n\
               N-1;Jardinerie du Lac;reseller;mono;FR\n\
               N-2;Outils Martin;distributor;multi;FR\n";
    let imports = (0..N).map(|_| {
        relais::reference_import::import_resellers(
            &app.db,
            &app.state.reader,
            a.tenant_id,
            None,
            "network.csv",
            csv.as_bytes(),
            "en",
        )
    });
    for report in futures::future::join_all(imports).await {
        let report = report.expect("every import succeeds");
        assert_eq!(report.created + report.updated, 2, "{report:?}");
    }
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from resellers where code like 'N-%'"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from organisations o where not exists \
             (select 1 from resellers r where r.organisation_id = o.id)"
        )
        .await,
        0,
        "no organisation is left without its reseller"
    );
}
