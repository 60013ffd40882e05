//! Request limits: an anonymous client cannot make the server hold a large body, the CSRF check
//! of an upload reads only its first field, a stalled body is cut off, and a user runs only so
//! many uploads at once. Raw sockets send bodies that never finish, as a hostile client would.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::seed::{self, PASSWORD};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The longest a test waits for the server to answer a request whose body never completes.
/// Past it the server was waiting for the body, which is the failure these tests look for.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// Sends the request head and the start of its body, and leaves the rest unsent.
async fn start_partial(app: &TestApp, head: &str, body_start: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body_start).await.unwrap();
    s
}

/// Waits for the server's answer on a request it has not fully received: its status and
/// whatever it sent before closing the connection.
async fn answer(s: &mut TcpStream) -> (u16, String) {
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(ANSWER_WITHIN, read)
        .await
        .expect("the server waited for the rest of the body instead of answering");
    let text = String::from_utf8_lossy(&got).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Sends the request head and the start of its body, then waits for the answer.
async fn send_partial(app: &TestApp, head: &str, body_start: &[u8]) -> u16 {
    answer(&mut start_partial(app, head, body_start).await)
        .await
        .0
}

/// A session for `email` written straight into the database: (cookie value, CSRF token).
async fn session(app: &TestApp, email: &str) -> (String, String) {
    let user = relais::db::users::by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap();
    let (cookie, csrf) = (relais::auth::random_token(), relais::auth::random_token());
    relais::db::users::create_session(
        &app.db,
        &relais::auth::token_hash(&cookie),
        user.id,
        user.tenant_id,
        &csrf,
        relais::db::now() + 3600,
    )
    .await
    .unwrap();
    (cookie, csrf)
}

fn multipart_head(path: &str, cookie: Option<&str>, length: usize) -> String {
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: relais_session={c}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\n{cookie}\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n"
    )
}

fn first_part(csrf: &str) -> String {
    format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nsku,qty\r\n"
    )
}

#[tokio::test]
async fn an_anonymous_client_cannot_make_the_server_hold_a_large_body() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    // A login form padded to a megabyte, with a valid token: refused for its size.
    let c = app.client();
    let token = app.csrf(&c, "/login").await;
    let padding = "x".repeat(1024 * 1024);
    let resp = c
        .post(app.url("/login"))
        .header("accept-language", "fr")
        .form(&[
            ("email", "a.manager@test.example"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("padding", &padding),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert!(resp.text().await.unwrap().contains("trop volumineuse"));
    // An upload announcing 20 MB is answered at once, without reading it.
    let head = multipart_head("/declare/upload", None, 20 * 1024 * 1024);
    let status = send_partial(&app, &head, first_part(&token).as_bytes()).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn an_upload_with_a_wrong_token_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let (cookie, _) = session(&app, "a.reseller@test.example").await;
    let head = multipart_head("/declare/upload", Some(&cookie), 20 * 1024 * 1024);
    let status = send_partial(&app, &head, first_part("forged-token").as_bytes()).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_stalled_body_is_cut_off() {
    let app = spawn_app_with(|s| s.server.body_idle_seconds = 1).await;
    seed::two_tenants(&app.db).await;
    let (cookie, csrf) = session(&app, "a.manager@test.example").await;
    let body = format!("lang=en&csrf_token={csrf}");
    let head = format!(
        "POST /account/language HTTP/1.1\r\nHost: localhost\r\nCookie: relais_session={cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len() + 100
    );
    let status = send_partial(&app, &head, body.as_bytes()).await;
    assert_eq!(status, 408);
}

/// Uploads a small file through the upload form as the session's user.
async fn small_upload(app: &TestApp, cookie: &str, csrf: &str) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"sku,quantity\n".to_vec()).file_name("small.csv"),
        );
    let resp = app
        .client()
        .post(app.url("/declare/upload"))
        .header("cookie", format!("relais_session={cookie}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn a_user_runs_only_so_many_uploads_at_once() {
    let app = spawn_app_with(|s| s.server.max_uploads_per_user = 1).await;
    seed::two_tenants(&app.db).await;
    let (cookie, csrf) = session(&app, "a.reseller@test.example").await;
    // Two uploads that are still arriving: one holds the user's only place, the other is
    // refused at once, in the user's language.
    let head = multipart_head("/declare/upload", Some(&cookie), 5 * 1024 * 1024);
    let mut first = start_partial(&app, &head, first_part(&csrf).as_bytes()).await;
    let mut second = start_partial(&app, &head, first_part(&csrf).as_bytes()).await;
    let (refused, slow) = tokio::select! {
        a = answer(&mut first) => (a, second),
        b = answer(&mut second) => (b, first),
    };
    assert_eq!(refused.0, 429, "{}", refused.1);
    assert!(
        refused.1.contains("Trop d’envois simultanés"),
        "{}",
        refused.1
    );
    // While one is arriving, another is refused too.
    assert_eq!(small_upload(&app, &cookie, &csrf).await.0, 429);
    // Another user is not affected.
    let (other_cookie, other_csrf) = session(&app, "b.reseller@test.example").await;
    assert_ne!(small_upload(&app, &other_cookie, &other_csrf).await.0, 429);
    // When the slow client goes away, its place is free again.
    drop(slow);
    let mut freed = false;
    for _ in 0..300 {
        if small_upload(&app, &cookie, &csrf).await.0 != 429 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(freed, "the place of an abandoned upload stays taken");
}
