//! What of a request may be logged: its path, with the secret of a link path (invitation,
//! password reset, unsubscribe) replaced, and never its query string (an upload form carries
//! its CSRF token there).

use std::borrow::Cow;

/// Paths whose next segment is a bearer secret.
const SECRET_PREFIXES: &[&str] = &[
    "/invite/",
    "/reset/",
    "/unsubscribe/",
    "/api/v1/unsubscribe/",
];

/// The path as it may appear in logs.
pub fn loggable_path(path: &str) -> Cow<'_, str> {
    for prefix in SECRET_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return Cow::Owned(format!("{prefix}…{after}"));
        }
    }
    Cow::Borrowed(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_secrets_are_replaced_and_other_paths_kept() {
        assert_eq!(loggable_path("/reset/s3cret"), "/reset/…");
        assert_eq!(loggable_path("/invite/s3cret"), "/invite/…");
        assert_eq!(
            loggable_path("/unsubscribe/7.reminders.abc"),
            "/unsubscribe/…"
        );
        assert_eq!(
            loggable_path("/api/v1/unsubscribe/7.x.y"),
            "/api/v1/unsubscribe/…"
        );
        assert_eq!(loggable_path("/network/A-001"), "/network/A-001");
    }
}
