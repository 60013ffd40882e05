//! Hostile and oversize uploads through the web: a clear refusal, nothing stored.

use crate::declarations::{fixture, scalar, setup};
use crate::declarations_web::*;
use crate::helpers::*;
use crate::seed::PASSWORD;

/// A zip bomb and an oversize upload get a clear page, store nothing, and the server goes on.
#[tokio::test]
async fn hostile_and_oversize_uploads_are_refused_clearly() {
    let app = spawn_app_with(|s| s.server.max_upload_mb = 1).await;
    setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let bomb = zip_bomb();
    assert!(bomb.len() < 1024 * 1024);
    let resp = upload(&app, &r, "/declare/upload", "bomb.xlsx", bomb, "").await;
    assert_eq!(resp.status(), 422);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("too large once uncompressed") || page.contains("trop volumineux"),
        "{page}"
    );

    let big = vec![b'x'; 2 * 1024 * 1024];
    let resp = upload(&app, &r, "/declare/upload", "big.csv", big, "").await;
    assert_eq!(resp.status(), 413);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("larger than the 1 MB") || page.contains("dépasse les 1"),
        "{page}"
    );

    assert_eq!(scalar(&app.db, "select count(*) from imports").await, 0);
    assert_eq!(
        scalar(&app.db, "select count(*) from import_files").await,
        0
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
    assert_eq!(resp.status(), 303, "the server still serves");
}

/// An xlsx whose sheet inflates from a few hundred KB to about 1 GB.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("[Content_Types].xml", opts).unwrap();
    out.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    out.start_file("xl/worksheets/sheet1.xml", opts.large_file(true))
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        out.write_all(&chunk).unwrap();
    }
    out.finish().unwrap().into_inner()
}
