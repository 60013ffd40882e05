//! The digests over a real SMTP server on loopback: valid MIME with both parts, the right
//! recipient, only their own data, working links, the unsubscribe link honoured, one digest
//! per period whatever reruns happen, and failed deliveries retried then recorded.

use crate::helpers::{spawn_app_with, TestApp};
use crate::jobs_data::{monday_digest, network, Network};
use crate::seed;
use crate::smtp::{Received, SmtpServer};
use chrono::Duration;
use mail_parser::MessageParser;
use relais::jobs_app::AppJobs;
use relais::with_db;
use relais_jobs::JobContext;

pub async fn app_with_smtp(smtp: &SmtpServer, attempts: u32) -> TestApp {
    let port = smtp.port;
    spawn_app_with(move |s| {
        s.mail.transport = "smtp".into();
        s.mail.smtp_host = "127.0.0.1".into();
        s.mail.smtp_port = port;
        s.mail.smtp_security = "none".into();
        s.jobs.mail_per_second = 0.0;
        s.jobs.mail_attempts = attempts;
        s.jobs.mail_backoff_ms = 5;
    })
    .await
}

/// A parsed message: the recipient, the subject, both parts and a header.
pub struct Parsed {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub list_unsubscribe: Option<String>,
    pub one_click: Option<String>,
}

pub fn parse(m: &Received) -> Parsed {
    let msg = MessageParser::default()
        .parse(m.data.as_bytes())
        .expect("valid MIME");
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_string());
    Parsed {
        to: m.to.clone(),
        subject: msg.subject().unwrap_or_default().to_string(),
        text: msg.body_text(0).expect("a text part").into_owned(),
        html: msg.body_html(0).expect("an HTML part").into_owned(),
        list_unsubscribe: header("List-Unsubscribe"),
        one_click: header("List-Unsubscribe-Post"),
    }
}

pub fn to(messages: &[Parsed], email: &str) -> Vec<usize> {
    messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.to == [email])
        .map(|(i, _)| i)
        .collect()
}

fn hrefs(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn each_manager_gets_a_digest_of_their_own_resellers_with_working_links() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let n: Network = network(&app.db).await;
    let report = AppJobs::new(app.state.clone())
        .run_job("manager-digest", "alpha", monday_digest())
        .await
        .unwrap();
    assert_eq!((report.processed, report.failed), (2, 0), "{report:?}");
    assert!(
        smtp.messages()
            .iter()
            .all(|m| m.from == "no-reply@relais.localhost"),
        "the envelope sender"
    );
    let messages: Vec<Parsed> = smtp.messages().iter().map(parse).collect();
    assert_eq!(messages.len(), 2);
    let a = &messages[to(&messages, "a.manager@test.example")[0]];
    let b = &messages[to(&messages, "b.manager@test.example")[0]];
    assert!(a.subject.contains("2026-W47"), "{}", a.subject);
    for part in [&a.text, &a.html] {
        assert!(part.contains("R-A1") && part.contains("R-A2"), "{part}");
        assert!(
            !part.contains("R-B1"),
            "manager A must not see manager B's reseller"
        );
    }
    assert!(
        a.text.contains("To follow up"),
        "R-A1 turned yellow: {}",
        a.text
    );
    assert!(a.text.contains("Lines awaiting review: 2"), "{}", a.text);
    assert!(
        a.text.contains("SAW-1"),
        "best-seller of the week: {}",
        a.text
    );
    assert!(
        b.text.contains("R-B1") && b.text.contains("Lapsed") && !b.text.contains("R-A"),
        "{}",
        b.text
    );
    assert!(a
        .list_unsubscribe
        .as_deref()
        .unwrap()
        .contains("/api/v1/unsubscribe/"));
    assert_eq!(a.one_click.as_deref(), Some("List-Unsubscribe=One-Click"));

    // The links lead into Relais (the reviews page belongs to the declarations area).
    let manager = app.login("a.manager@test.example", seed::PASSWORD).await;
    let links = hrefs(&a.html);
    assert!(
        links.iter().any(|l| l.ends_with("/network/R-A1")),
        "{links:?}"
    );
    for link in links
        .iter()
        .filter(|l| l.contains("/network") || l.contains("/catalogue/"))
    {
        assert!(
            link.starts_with(&app.url("/")),
            "absolute link into this server: {link}"
        );
        let status = manager.get(link).send().await.unwrap().status();
        assert_eq!(status, 200, "{link}");
    }
    let _ = n;
}

#[tokio::test]
async fn a_digest_goes_once_per_period_and_the_unsubscribe_link_is_honoured() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let n = network(&app.db).await;
    let jobs = AppJobs::new(app.state.clone());
    let tenant = relais::db::tenants::by_slug(&app.db, "alpha")
        .await
        .unwrap()
        .unwrap();
    jobs.run_by_hand("manager-digest", &tenant, monday_digest())
        .await
        .unwrap()
        .1
        .unwrap();
    // Run again for the same week (a restart, a second server, someone by hand): nothing more.
    let (_, again) = jobs
        .run_by_hand(
            "manager-digest",
            &tenant,
            monday_digest() + Duration::hours(2),
        )
        .await
        .unwrap();
    assert_eq!(again.unwrap().skipped, 2);
    assert_eq!(smtp.messages().len(), 2);

    // Manager A follows the link at the foot of the digest, without being logged in.
    let messages: Vec<Parsed> = smtp.messages().iter().map(parse).collect();
    let a = &messages[to(&messages, "a.manager@test.example")[0]];
    let link = hrefs(&a.html)
        .into_iter()
        .find(|l| l.contains("/unsubscribe/"))
        .expect("unsubscribe link");
    assert!(
        a.text.contains(&link),
        "the text part carries the same link"
    );
    let browser = app.client();
    let page = browser.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let token = crate::helpers::csrf_in(&html).expect("a confirmation form");
    let done = browser
        .post(&link)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    // Manager B uses the one-click header instead (RFC 8058: a bare POST, no session).
    let b = &messages[to(&messages, "b.manager@test.example")[0]];
    let one_click = b
        .list_unsubscribe
        .as_deref()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_string();
    let resp = reqwest::Client::new()
        .post(&one_click)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // A forged token does nothing.
    let forged = link.replace(&format!("/{}.", n.manager_a), &format!("/{}.", n.manager_b));
    let resp = reqwest::Client::new()
        .post(forged.replace("/unsubscribe/", "/api/v1/unsubscribe/"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    // Next week: neither manager gets the manager digest any more.
    let report = jobs
        .run_job(
            "manager-digest",
            "alpha",
            monday_digest() + Duration::days(7),
        )
        .await
        .unwrap();
    assert_eq!((report.processed, report.skipped), (0, 2), "{report:?}");
    assert_eq!(smtp.messages().len(), 2);
    let kinds: Vec<(i64, String)> = with_db!(&app.db, p => sqlx::query_as("select user_id, kind from email_unsubscribes order by user_id")
        .fetch_all(p).await).unwrap();
    assert_eq!(
        kinds,
        [
            (n.manager_a, "manager-digest".to_string()),
            (n.manager_b, "manager-digest".to_string())
        ]
    );
}

#[tokio::test]
async fn resellers_get_their_own_declarations_and_rejections_in_their_language() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let n = network(&app.db).await;
    relais::db::users::set_locale(&app.db, n.a2_user, "fr")
        .await
        .unwrap();
    let report = AppJobs::new(app.state.clone())
        .run_job("reseller-digest", "alpha", monday_digest())
        .await
        .unwrap();
    assert_eq!(
        report.processed, 1,
        "only R-A2 declared or had a line rejected last week: {report:?}"
    );
    let messages: Vec<Parsed> = smtp.messages().iter().map(parse).collect();
    let m = &messages[0];
    assert_eq!(m.to, ["a2.reseller@test.example"]);
    assert!(
        m.subject.contains("vos déclarations"),
        "French, the user's own language: {}",
        m.subject
    );
    assert!(
        m.text.contains("Duplicate of invoice F-42")
            && m.html.contains("Duplicate of invoice F-42")
    );
    assert!(m.text.contains("3 lignes"), "{}", m.text);
    assert!(!m.text.contains("R-A1") && !m.text.contains("R-B1"));
    let _ = (n.a1, n.b1, n.a1_user, n.product, n.tenant_id, n.a2);
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_then_recorded() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let n = network(&app.db).await;
    // Four refusals: the first digest fails its three attempts, the second succeeds at its second.
    smtp.refuse_next(4);
    let report = AppJobs::new(app.state.clone())
        .run_job("manager-digest", "alpha", monday_digest())
        .await
        .unwrap();
    assert_eq!((report.processed, report.failed), (1, 1), "{report:?}");
    let rows: Vec<(i64, String, i64, Option<String>)> = with_db!(&app.db, p => sqlx::query_as(
        "select user_id, status, attempts, last_error from email_sends order by user_id").fetch_all(p).await).unwrap();
    assert_eq!(
        (rows[0].0, rows[0].1.as_str(), rows[0].2),
        (n.manager_a, "failed", 3)
    );
    assert!(
        rows[0].3.as_deref().unwrap().contains("SMTP"),
        "{:?}",
        rows[0].3
    );
    assert_eq!(
        (rows[1].0, rows[1].1.as_str(), rows[1].2),
        (n.manager_b, "sent", 2)
    );
    assert_eq!(smtp.messages().len(), 1);
}
