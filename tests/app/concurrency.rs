//! The harness of the exactly-once tests: requests built beforehand, held at a barrier and let go
//! together, so that they reach the server at the same time (a double click, a retrying ERP, two
//! managers pressing the same button), and what the answers said.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Identical requests fired together by each exactly-once test.
pub const N: usize = 20;

/// Sends every request at the same moment: each task waits at a barrier until all of them are
/// ready, then sends. Returns the responses in the order of `requests`.
pub async fn at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<reqwest::Response> {
    let barrier = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let tasks = requests.into_iter().map(|request| {
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            request.send().await.expect("send")
        })
    });
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.expect("request task"))
        .collect()
}

/// `n` copies of one form post (the fields of a page's form, CSRF token included).
pub fn same_form(
    client: &reqwest::Client,
    url: &str,
    fields: &[(String, String)],
    n: usize,
) -> Vec<reqwest::RequestBuilder> {
    (0..n).map(|_| client.post(url).form(fields)).collect()
}

/// The flash message a response sets: (kind, text).
pub fn flash(resp: &reqwest::Response) -> Option<(String, String)> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("relais_flash="))
        .map(|c| c.split(';').next().unwrap_or_default())
        .and_then(|v| serde_urlencoded::from_str::<Vec<(String, String)>>(v).ok())
        .and_then(|pairs| pairs.into_iter().next())
}

/// How many answers were of each kind: the status and the flash kind (`303 info`, `404 -`).
pub fn tally(responses: &[reqwest::Response]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in responses {
        let kind = flash(r).map_or("-".to_string(), |f| f.0);
        *out.entry(format!("{} {kind}", r.status().as_u16()))
            .or_default() += 1;
    }
    out
}

/// The expected tally: one answer of `first`, the others of `rest`.
pub fn once_then(first: &str, rest: &str, n: usize) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    *out.entry(first.to_string()).or_default() += 1;
    *out.entry(rest.to_string()).or_default() += n - 1;
    out
}

/// Every `Location` the responses redirect to, deduplicated.
pub fn locations(responses: &[reqwest::Response]) -> Vec<String> {
    let mut out: Vec<String> = responses
        .iter()
        .map(|r| {
            r.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The fields a browser submits with the form whose action ends with `action`: its hidden
/// inputs and its checked radio buttons, then `extra` (which replaces a field of the same name).
fn form_fields(html: &str, action: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let form = scraper::Selector::parse(&format!("form[action$='{action}']")).expect("selector");
    let inputs = scraper::Selector::parse("input[type=hidden], input[type=radio][checked]")
        .expect("selector");
    let form = doc
        .select(&form)
        .next()
        .unwrap_or_else(|| panic!("no form posting to …{action}: {html}"));
    let mut fields: Vec<(String, String)> = form
        .select(&inputs)
        .filter_map(|i| {
            let v = i.value();
            Some((v.attr("name")?.to_string(), v.attr("value")?.to_string()))
        })
        .filter(|(name, _)| !extra.iter().any(|(k, _)| k == name))
        .collect();
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}

/// The fields of the form posting to `action` on `page`, as the browser would send them.
pub async fn page_form(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let (_, html) = crate::declarations_form::get(app, client, page).await;
    form_fields(&html, action, extra)
}
