//! End-to-end checks in a real headless Chromium driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them). Set RELAIS_SCREENSHOTS=DIR to keep screenshots.

use crate::helpers::{spawn_app, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (Debian package chromium-driver)");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1366,900", "--lang=fr-FR"]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("cannot start a Chromium session: {last_error:?}");
    }

    pub async fn goto(&self, app: &TestApp, path: &str) {
        self.client.goto(&app.url(path)).await.unwrap();
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn login(&self, app: &TestApp, email: &str, password: &str) {
        self.goto(app, "/login").await;
        self.client
            .find(Locator::Css("input[name=email]"))
            .await
            .unwrap()
            .send_keys(email)
            .await
            .unwrap();
        self.client
            .find(Locator::Css("input[name=password]"))
            .await
            .unwrap()
            .send_keys(password)
            .await
            .unwrap();
        self.client
            .find(Locator::Css("main form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.client
            .wait()
            .for_element(Locator::Css("form.logout"))
            .await
            .unwrap();
    }

    /// The first element matching `css`, waiting up to 10 s for it: after a click the next
    /// page may still be loading.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// Clicks the first element matching `css`, once it is there.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Saves a PNG of the page when RELAIS_SCREENSHOTS names a folder.
    pub async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("RELAIS_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test]
async fn demo_logins_work_in_a_real_browser() {
    let app = spawn_app().await;
    let opts = relais::demo::DemoOptions {
        lines: 3_000,
        seed: 42,
    };
    relais::demo::generate(&app.db, &opts, &|_, _| {})
        .await
        .unwrap();
    let b = Browser::start().await;

    b.login(&app, "manager@verdure.demo", "relais-demo").await;
    b.goto(&app, "/network").await;
    let text = b.text().await;
    assert!(text.contains("Verdure Outillage"), "{text}");
    assert!(
        b.client
            .find_all(Locator::Css("table tbody tr"))
            .await
            .unwrap()
            .len()
            >= 20
    );
    b.screenshot("network-list").await;
    let first = b
        .client
        .find(Locator::Css("table tbody tr a"))
        .await
        .unwrap();
    first.click().await.unwrap();
    b.client
        .wait()
        .for_element(Locator::Css("dl"))
        .await
        .unwrap();
    b.screenshot("reseller-page").await;
    b.client
        .find(Locator::Css("form.logout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .wait()
        .for_element(Locator::Css("input[name=password]"))
        .await
        .unwrap();

    b.login(&app, "reseller@demo.relais", "relais-demo").await;
    b.goto(&app, "/").await;
    let before = b.text().await;
    b.screenshot("reseller-home").await;
    let options = b
        .client
        .find_all(Locator::Css("#tenant-select option"))
        .await
        .unwrap();
    assert_eq!(
        options.len(),
        2,
        "the demo reseller works with both demo manufacturers"
    );
    let other = b
        .client
        .find(Locator::Css("#tenant-select option:not([selected])"))
        .await
        .unwrap();
    let other_name = other.text().await.unwrap();
    other.click().await.unwrap();
    // The script submits on change; without it the button does.
    if let Ok(button) = b
        .client
        .find(Locator::Css("form.tenant-switch button"))
        .await
    {
        if button.is_displayed().await.unwrap_or(false) {
            button.click().await.unwrap();
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = b.text().await;
    assert!(
        after.contains(&other_name),
        "switched to {other_name}: {after}"
    );
    assert_ne!(before, after);
    b.goto(&app, "/network").await;
    assert!(b.text().await.contains("403") || b.text().await.to_lowercase().contains("refus"));
    b.close().await;
}
