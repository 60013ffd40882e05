//! Untrusted files are read where they cannot hurt the server (issue #16): the spreadsheets that
//! once stopped the whole server, uploaded through the web form, the API and the CLI, are
//! refused clearly, store nothing, and other users are served throughout; a reader that passes
//! its memory or CPU ceiling is stopped and its file refused; readers are capped. Every hostile
//! file is built here, from its parts.

use crate::declarations::{import, scalar, setup};
use crate::declarations_api::token;
use crate::declarations_web::upload;
use crate::helpers::{spawn_app_with, TestApp};
use crate::seed::PASSWORD;
use relais::config::Settings;
use serde_json::Value;
use std::io::Write;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// An xlsx with one sheet, "Ventes" (three shared strings in row 1), whose shared-strings part
/// `strings` writes, streamed into the zip.
fn xlsx(strings: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string()),
        ("_rels/.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Ventes" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#)),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row></sheetData></worksheet>"#)),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(data.as_bytes()).unwrap();
    }
    z.start_file("xl/sharedStrings.xml", opts).unwrap();
    strings(&mut z);
    z.finish().unwrap().into_inner()
}

/// An xlsx of about 2 KB whose shared-strings table carries a namespace prefix and declares
/// a trillion strings: the text guard looked for `<sst` and let it through, and calamine
/// reserved 24 TB, which aborted the server.
fn namespaced_sst_xlsx() -> Vec<u8> {
    xlsx(|w| {
        write!(w, r#"<?xml version="1.0"?><x:sst xmlns:x="{MAIN}" count="3" uniqueCount="1000000000000"><x:si><x:t>Date</x:t></x:si><x:si><x:t>Réf</x:t></x:si><x:si><x:t>Qté</x:t></x:si></x:sst>"#).unwrap()
    })
}

/// An xlsx whose shared-strings part carries `megabytes` MB of elements no reader keeps:
/// compressed about 120:1 (within the archive checks), it costs seconds of parsing to the guard
/// and to calamine, and little memory.
fn padded_sst_xlsx(megabytes: usize) -> Vec<u8> {
    let mut chunk = String::new();
    let mut state = 7u64;
    while chunk.len() < 1 << 20 {
        chunk.push_str(&"<x/>".repeat(250));
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        chunk.push_str(&format!(r#"<y k="{}"/>"#, state >> 60));
    }
    xlsx(|w| {
        write!(w, r#"<?xml version="1.0"?><sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>Date</t></si><si><t>Réf</t></si><si><t>Qté</t></si>"#).unwrap();
        for _ in 0..megabytes {
            w.write_all(chunk.as_bytes()).unwrap();
        }
        w.write_all(b"</sst>").unwrap();
    })
}

/// An ods whose `content.xml` is `tables` inside the document's body.
fn ods(tables: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#;
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

const ODS_HEADER: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Date</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Réf</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Qté</text:p></table:table-cell></table:table-row>"#;

/// An ods of about 1 KB: a quote inside a comment made the text guard lose track of the tags,
/// and the row below, 16,384 cells repeated 6,000 times, expanded to 98 M cells (60 s of CPU
/// and 12 GB before the old refusal).
fn blinding_comment_ods() -> Vec<u8> {
    ods(&format!(
        r#"<!-- l'export du revendeur --><table:table table:name="Ventes">{ODS_HEADER}<table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#
    ))
}

/// An honest ods of 19,000 rows of 200 numbers (3.8 M cells, within the reader's cell cap)
/// in under 2 KB: calamine expands it to about 200 MB, more than a 64 MB ceiling allows.
fn wide_ods() -> Vec<u8> {
    ods(&format!(
        r#"<table:table table:name="Ventes">{ODS_HEADER}<table:table-row table:number-rows-repeated="19000"><table:table-cell table:number-columns-repeated="200" office:value-type="float" office:value="1"/></table:table-row></table:table>"#
    ))
}

async fn api_upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/declarations/files"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Another tenant's user loads a page: the server answers.
async fn others_are_served(app: &TestApp, other: &reqwest::Client) {
    let resp = other.get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 200, "another user is still served");
}

async fn nothing_stored(app: &TestApp) {
    for table in [
        "imports",
        "import_files",
        "declarations",
        "declaration_lines",
    ] {
        assert_eq!(
            scalar(&app.db, &format!("select count(*) from {table}")).await,
            0,
            "{table}"
        );
    }
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Both files of the issue, through the web form (in French), the API and the CLI: each is
/// refused with a clear message, nothing is stored, and another tenant's user is served during
/// and after.
#[tokio::test]
async fn the_files_that_stopped_the_server_are_refused_everywhere() {
    let app = spawn_app_with(|_| {}).await;
    setup(&app).await;
    let reseller = app.login("a.reseller@test.example", PASSWORD).await;
    let other = app.login("b.reseller@test.example", PASSWORD).await;
    let token = token(&app, "a.reseller@test.example").await;
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("ventes.xlsx", namespaced_sst_xlsx()),
        ("ventes.ods", blinding_comment_ods()),
    ];
    for (name, bytes) in files {
        assert!(bytes.len() < 2048, "{name}: {} bytes", bytes.len());
        let (web, ()) = tokio::join!(
            upload(&app, &reseller, "/declare/upload", name, bytes.clone(), ""),
            others_are_served(&app, &other)
        );
        assert_eq!(web.status(), 422, "{name}");
        let page = web.text().await.unwrap();
        assert!(
            [
                "endommagé",
                "trop volumineux",
                "au-delà de la colonne",
                "damaged",
                "too large",
                "beyond column"
            ]
            .iter()
            .any(|m| page.contains(m)),
            "{name}: {page}"
        );

        let (status, report) = api_upload(&app, &token, name, bytes.clone()).await;
        assert_eq!(
            (status, report["status"].as_str()),
            (422, Some("refused")),
            "{name}"
        );
        assert!(report["message"].as_str().is_some_and(|m| !m.is_empty()));

        let (code, report) = import(&app, &write(dir.path(), name, &bytes), "A-001", &[]);
        assert_eq!(
            (code, report["status"].as_str()),
            (2, Some("refused")),
            "{name}"
        );
        others_are_served(&app, &other).await;
    }
    nothing_stored(&app).await;
}

/// The refusal of a file whose reader was stopped, in French or English.
fn read_unsafely(text: &str) -> bool {
    text.contains("n'a pas pu être lu en toute sécurité")
        || text.contains("n&#39;a pas pu être lu en toute sécurité")
        || text.contains("could not be read safely")
}

/// `file` through the API (while another tenant's user is served) and through the CLI with
/// the ceiling `env`: refused as unreadable both times, nothing stored, and the CLI's log names
/// the ceiling (`why`). Returns where the file was written for the CLI.
async fn refused_by_the_api_and_the_cli(
    app: &TestApp,
    other: &reqwest::Client,
    (name, file): (&str, Vec<u8>),
    env: (&str, &str),
    why: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let token = token(app, "a.reseller@test.example").await;
    let ((status, report), ()) = tokio::join!(
        api_upload(app, &token, name, file.clone()),
        others_are_served(app, other)
    );
    assert_eq!(status, 422);
    assert!(
        report["message"].as_str().is_some_and(read_unsafely),
        "{report}"
    );
    others_are_served(app, other).await;
    nothing_stored(app).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, &file);
    let (code, report, log) = cli_dry_run(app, &path, &[env]);
    assert_eq!(code, 2);
    assert!(read_unsafely(report["message"].as_str().unwrap()));
    assert!(log.contains(why), "{log}");
    (dir, path)
}

fn tight_memory(s: &mut Settings) {
    s.reader.memory_mb = 64;
}

/// A file the guards accept but whose reading needs more memory than the reader may use: the
/// reader is stopped at its ceiling, the file refused as unreadable, nothing stored, and the
/// server serves others all along. With the default ceiling the same file reads.
#[tokio::test]
async fn a_reader_past_its_memory_ceiling_is_stopped_and_its_file_refused() {
    let app = spawn_app_with(tight_memory).await;
    setup(&app).await;
    let reseller = app.login("a.reseller@test.example", PASSWORD).await;
    let other = app.login("b.reseller@test.example", PASSWORD).await;
    let (web, ()) = tokio::join!(
        upload(
            &app,
            &reseller,
            "/declare/upload",
            "large.ods",
            wide_ods(),
            ""
        ),
        others_are_served(&app, &other)
    );
    assert_eq!(web.status(), 422);
    let page = web.text().await.unwrap();
    assert!(read_unsafely(&page), "{page}");
    // The CLI reads with the configured ceilings too: refused at 64 MB, read at the default.
    let (_dir, path) = refused_by_the_api_and_the_cli(
        &app,
        &other,
        ("large.ods", wide_ods()),
        ("RELAIS__READER__MEMORY_MB", "64"),
        "memory ceiling 64 MB",
    )
    .await;
    let (code, report) = import(&app, &path, "A-001", &["--dry-run"]);
    assert_eq!(
        (code, report["status"].as_str()),
        (0, Some("dry_run")),
        "{report}"
    );
}

/// With one reader and no waiting allowed, a file arriving while the reader is taken is
/// refused as busy, in the user's language; once the reader is free, the same file is read.
#[tokio::test]
async fn readers_are_capped_and_a_file_that_finds_none_free_is_told_to_retry() {
    let app = spawn_app_with(|s| {
        s.reader.workers = 1;
        s.reader.queue_seconds = 0;
    })
    .await;
    setup(&app).await;
    let reseller = app.login("a.reseller@test.example", PASSWORD).await;
    let held = hold_a_reader(&app).await;
    let csv = b"Date;R\xc3\xa9f;Qt\xc3\xa9\n03/08/2026;TD-450;2\n".to_vec();
    let busy = upload(
        &app,
        &reseller,
        "/declare/upload",
        "v.csv",
        csv.clone(),
        "2026-08",
    )
    .await;
    assert_eq!(busy.status(), 422);
    assert!(told_to_retry(&busy.text().await.unwrap()));
    drop(held);
    let read = upload(&app, &reseller, "/declare/upload", "v.csv", csv, "2026-08").await;
    assert_eq!(read.status(), 303);
    // The annotated copy reads the stored file again: busy too while the reader is taken.
    let import = scalar(&app.db, "select max(id) from imports").await;
    let copy = app.url(&format!("/imports/{import}/annotated.xlsx"));
    let held = hold_a_reader(&app).await;
    let busy = reseller.get(&copy).send().await.unwrap();
    assert_eq!(busy.status(), 400);
    assert!(told_to_retry(&busy.text().await.unwrap()));
    drop(held);
    assert_eq!(reseller.get(&copy).send().await.unwrap().status(), 200);
}

/// Takes one of the app's readers (reading a tiny file) until dropped.
async fn hold_a_reader(app: &TestApp) -> relais::reader::RemoteBook {
    let reader = app.state.reader.clone();
    tokio::task::spawn_blocking(move || {
        reader.open(b"Date;Ref;Qty\n", "held.csv", &Default::default())
    })
    .await
    .unwrap()
    .unwrap()
}

/// The busy refusal, in French or English.
fn told_to_retry(page: &str) -> bool {
    page.contains("réessayez dans une minute") || page.contains("try again in a minute")
}

/// `relais import declarations FILE --dry-run --json` with extra environment: the exit code,
/// the report and the log.
fn cli_dry_run(
    app: &TestApp,
    path: &std::path::Path,
    env: &[(&str, &str)],
) -> (i32, Value, String) {
    let mut cli = crate::declarations::import_command(app, path, "A-001", &["--dry-run"]);
    let out = cli.envs(env.iter().copied()).output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), report, log)
}

/// A 1 MB file whose reading takes seconds of CPU (the padding is parsed by the guard, then by
/// calamine): with a one-second CPU ceiling the reader is stopped, the file refused, and the
/// server serves others meanwhile; the CLI's log names the CPU ceiling.
#[tokio::test]
async fn a_reader_past_its_cpu_ceiling_is_stopped_and_its_file_refused() {
    let app = spawn_app_with(|s| s.reader.cpu_seconds = 1).await;
    setup(&app).await;
    let other = app.login("b.reseller@test.example", PASSWORD).await;
    let file = padded_sst_xlsx(100);
    assert!(file.len() < 1 << 20, "{}", file.len());
    refused_by_the_api_and_the_cli(
        &app,
        &other,
        ("padded.xlsx", file),
        ("RELAIS__READER__CPU_SECONDS", "1"),
        "CPU time ceiling (1 s)",
    )
    .await;
}

/// The same slow file with a generous CPU ceiling but a one-second wall-clock budget: the
/// server stops waiting, stops the reader and refuses the file.
#[tokio::test]
async fn a_reader_past_its_wall_clock_budget_is_stopped_and_its_file_refused() {
    let app = spawn_app_with(|s| s.reader.wall_seconds = 1).await;
    setup(&app).await;
    let reseller = app.login("a.reseller@test.example", PASSWORD).await;
    let file = padded_sst_xlsx(100);
    let web = upload(
        &app,
        &reseller,
        "/declare/upload",
        "padded.xlsx",
        file.clone(),
        "",
    )
    .await;
    assert_eq!(web.status(), 422);
    assert!(read_unsafely(&web.text().await.unwrap()));
    nothing_stored(&app).await;

    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "padded.xlsx", &file);
    let (code, _, log) = cli_dry_run(&app, &path, &[("RELAIS__READER__WALL_SECONDS", "1")]);
    assert_eq!(code, 2);
    assert!(log.contains("wall-clock ceiling (1s)"), "{log}");
}
