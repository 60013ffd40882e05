//! The CSRF check of state-changing requests. It runs before a handler reads the body, and it
//! never buffers an upload: the token comes from the `csrf_token` query parameter or the
//! `x-csrf-token` header, else from an urlencoded form (small, buffered), else from the *first*
//! field of a multipart body (browsers send fields in document order, and every form starts
//! with its token), read from at most a few kilobytes of the stream.

use crate::auth;
use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, request::Parts};
use futures::StreamExt;

/// Largest urlencoded form body buffered for the check.
const MAX_FORM_BODY: usize = 2 * 1024 * 1024;
/// How much of a multipart body may be read to find its first field.
const MAX_MULTIPART_PREFIX: usize = 16 * 1024;

/// Whether a multipart request's body will be read by the check (see [`check`]).
pub fn is_multipart(parts: &Parts) -> bool {
    content_type(parts).starts_with("multipart/form-data")
}

fn content_type(parts: &Parts) -> &str {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Accepts the request when it carries `expected`; returns the body intact for the handler.
pub async fn check(parts: &Parts, body: Body, expected: &str) -> Result<Body, ()> {
    if let (Some(origin), Some(host)) = (
        parts.headers.get(header::ORIGIN),
        parts.headers.get(header::HOST),
    ) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return Err(());
        }
    }
    let from_query = parts.uri.query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v)
    });
    let from_header = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(token) = from_query.or(from_header) {
        return matches(&token, expected).then_some(body).ok_or(());
    }
    let content_type = content_type(parts);
    if content_type.starts_with("multipart/form-data") {
        let (token, body) = first_multipart_field(content_type, body).await?;
        return matches(&token, expected).then_some(body).ok_or(());
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(());
    }
    let bytes = to_bytes(body, MAX_FORM_BODY).await.map_err(|_| ())?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .map_err(|_| ())?
        .into_iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v)
        .ok_or(())?;
    matches(&token, expected)
        .then(|| Body::from(bytes))
        .ok_or(())
}

fn matches(token: &str, expected: &str) -> bool {
    auth::constant_time_eq(token, expected)
}

/// Reads the multipart body until its first field is complete; that field must be
/// `csrf_token`. Returns its value and a body that replays what was read, then streams the rest.
async fn first_multipart_field(content_type: &str, body: Body) -> Result<(String, Body), ()> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| ())?;
    // The first field is complete once the delimiter that follows it has arrived; parsing only
    // then keeps the work linear however small the pieces the client sends.
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut rest = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    loop {
        let searched = prefix.len().saturating_sub(delimiter.len());
        match rest.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            _ => return Err(()),
        }
        let complete = prefix[searched..]
            .windows(delimiter.len())
            .any(|w| w == delimiter.as_slice());
        if !complete {
            if prefix.len() >= MAX_MULTIPART_PREFIX {
                return Err(());
            }
            continue;
        }
        let token = first_field_token(&prefix, &boundary).await.ok_or(())?;
        let head = futures::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(prefix)) });
        return Ok((token, Body::from_stream(head.chain(rest))));
    }
}

/// The value of the first field of a multipart prefix that holds it whole, if it is
/// `csrf_token`.
async fn first_field_token(prefix: &[u8], boundary: &str) -> Option<String> {
    let bytes = Bytes::copy_from_slice(prefix);
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let field = multipart.next_field().await.ok()??;
    if field.name() != Some("csrf_token") {
        return None;
    }
    field.text().await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn multipart(first: &str, value: &str, rest: &str) -> String {
        format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{first}\"\r\n\r\n{value}\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{rest}\r\n--XyZ--\r\n"
        )
    }

    async fn run(body: Body) -> Result<Vec<u8>, ()> {
        let (parts, _) = Request::post("/imports")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .body(())
            .unwrap()
            .into_parts();
        let body = check(&parts, body, "tok").await?;
        Ok(to_bytes(body, usize::MAX).await.unwrap().to_vec())
    }

    #[tokio::test]
    async fn the_first_multipart_field_carries_the_token_and_the_body_is_replayed_whole() {
        let whole = multipart("csrf_token", "tok", "a,b\n1,2");
        // Delivered in small pieces, as a network would.
        let chunks: Vec<Result<Bytes, std::io::Error>> = whole
            .as_bytes()
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let body = Body::from_stream(futures::stream::iter(chunks));
        assert_eq!(run(body).await.unwrap(), whole.as_bytes());
        let wrong = multipart("csrf_token", "nope", "a");
        assert!(run(Body::from(wrong)).await.is_err());
        let late = multipart("period", "2024-01", "a");
        assert!(
            run(Body::from(late)).await.is_err(),
            "the token must come first"
        );
    }

    #[tokio::test]
    async fn a_multipart_body_without_its_token_up_front_is_not_read_further() {
        // A first field that never ends: refused after the prefix limit, not read to the end.
        let endless = futures::stream::iter(
            std::iter::once(Ok::<_, std::io::Error>(Bytes::from_static(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n",
            )))
            .chain(std::iter::repeat_with(|| Ok(Bytes::from(vec![b'a'; 1024])))),
        );
        assert!(run(Body::from_stream(endless)).await.is_err());
    }
}
