//! Relais views: the page layout, components, pages, emails and assets, rendered with maud.
//!
//! The crate never depends on the `relais` application: pages take plain view structs of
//! already-loaded data, so they can be rendered and tested without a database.

pub mod charts;
pub mod components;
pub mod emails;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod vocab;

#[cfg(test)]
mod tests;

pub use i18n::{t, Lang};
pub use layout::{csrf, Chrome, Flash, FlashKind, Page, TenantChoice, UserChrome};

/// The stylesheet, served by the app under a fingerprinted URL.
pub const CSS: &str = include_str!("../assets/relais.css");
/// The progressive-enhancement script: every page works without it.
pub const JS: &str = include_str!("../assets/relais.js");
/// The favicon and header logo.
pub const ICON_SVG: &str = include_str!("../assets/icon.svg");

/// A short content hash for cache-busting asset URLs (`/static/relais-<hash>.css`): the app can
/// then serve assets with a one-year cache lifetime. FNV-1a is enough: this is not security.
pub fn fingerprint(content: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in content.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash >> 16)
}
