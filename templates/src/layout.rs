//! The page shell: everything around a page's own content (header, navigation, language and
//! tenant switches, flash messages), built from the per-request [`Chrome`].

use maud::{html, Markup, DOCTYPE};

use crate::i18n::{t, Lang};
use crate::vocab::Role;

/// What every page needs to know about the request, filled in by the app once per request.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub lang: Lang,
    /// Put in every POST form by [`csrf`].
    pub csrf_token: String,
    /// The request path without query string, used to mark the current navigation item and to
    /// come back after a language switch.
    pub current_path: String,
    /// `None` on pages seen before login (login, password reset, errors without a session).
    pub user: Option<UserChrome>,
    /// The tenants this user can switch between; the switcher shows when there are two or more.
    pub tenants: Vec<TenantChoice>,
    pub flash: Vec<Flash>,
    pub css_url: String,
    pub js_url: String,
    pub icon_url: String,
}

/// The signed-in user as the shell shows them.
#[derive(Debug, Clone)]
pub struct UserChrome {
    pub email: String,
    pub role: Role,
    /// The manufacturer whose space this is.
    pub tenant_name: String,
}

/// One entry of the tenant switcher.
#[derive(Debug, Clone)]
pub struct TenantChoice {
    pub slug: String,
    pub name: String,
    pub current: bool,
}

/// A one-time message shown at the top of the next page, already in the user's language.
#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
    Info,
}

impl Flash {
    pub fn success(message: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Success,
            message: message.into(),
        }
    }
    pub fn error(message: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Error,
            message: message.into(),
        }
    }
    pub fn info(message: impl Into<String>) -> Self {
        Flash {
            kind: FlashKind::Info,
            message: message.into(),
        }
    }
}

impl Chrome {
    /// The role of the signed-in user, if any.
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }
}

/// The hidden CSRF field; every `method="post"` form includes it (a test checks every page).
pub fn csrf(chrome: &Chrome) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(chrome.csrf_token); }
}

struct NavItem {
    href: &'static str,
    /// The path prefix that makes this item current (a section may start on a sub-page).
    section: &'static str,
    key: &'static str,
}

const fn item(href: &'static str, section: &'static str, key: &'static str) -> NavItem {
    NavItem { href, section, key }
}

const MANUFACTURER_NAV: &[NavItem] = &[
    item("/dashboard", "/dashboard", "nav.dashboard"),
    item("/map", "/map", "nav.map"),
    item("/network", "/network", "nav.network"),
    item("/catalogue", "/catalogue", "nav.catalogue"),
    item("/declarations", "/declarations", "nav.declarations"),
    item("/reviews", "/reviews", "nav.reviews"),
    item("/challenges", "/challenges", "nav.challenges"),
    item("/rewards", "/rewards", "nav.rewards"),
    item("/insights/declining", "/insights", "nav.insights"),
    item("/settings", "/settings", "nav.settings"),
];

const ADMIN_NAV: &[NavItem] = &[item("/settings/users", "/settings/users", "nav.users")];

const RESELLER_NAV: &[NavItem] = &[
    item("/", "/", "nav.home"),
    item("/declare", "/declare", "nav.declare"),
    item("/imports", "/imports", "nav.imports"),
    item("/points", "/points", "nav.points"),
    item("/challenges", "/challenges", "nav.challenges"),
    item("/rewards", "/rewards", "nav.rewards"),
    item("/my/insights", "/my/insights", "nav.my_insights"),
    item("/profile", "/profile", "nav.profile"),
];

fn nav_items(role: Role) -> Vec<&'static NavItem> {
    match role {
        Role::Admin => MANUFACTURER_NAV.iter().chain(ADMIN_NAV).collect(),
        Role::Manager => MANUFACTURER_NAV.iter().collect(),
        Role::Reseller => RESELLER_NAV.iter().collect(),
    }
}

fn in_section(path: &str, section: &str) -> bool {
    if section == "/" {
        return path == "/";
    }
    path == section
        || path
            .strip_prefix(section)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The index of the item whose section is the longest prefix of `path`, so `/settings/users`
/// marks "Users" rather than "Settings".
fn current_index(items: &[&NavItem], path: &str) -> Option<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, i)| in_section(path, i.section))
        .max_by_key(|(_, i)| i.section.len())
        .map(|(idx, _)| idx)
}

fn nav(chrome: &Chrome, role: Role) -> Markup {
    let lang = chrome.lang;
    let items = nav_items(role);
    let current = current_index(&items, &chrome.current_path);
    html! {
        nav #main-nav .main-nav aria-label=(t(lang, "layout.main_nav")) {
            ul {
                @for (idx, item) in items.iter().enumerate() {
                    li {
                        @if current == Some(idx) {
                            a href=(item.href) aria-current="page" { (t(lang, item.key)) }
                        } @else {
                            a href=(item.href) { (t(lang, item.key)) }
                        }
                    }
                }
            }
        }
    }
}

fn tenant_switch(chrome: &Chrome) -> Markup {
    let lang = chrome.lang;
    html! {
        @if chrome.tenants.len() > 1 {
            form .tenant-switch method="post" action="/switch-tenant" {
                (csrf(chrome))
                label .visually-hidden for="tenant-select" { (t(lang, "layout.switch_tenant")) }
                select #tenant-select name="tenant" data-autosubmit {
                    @for tenant in &chrome.tenants {
                        option value=(tenant.slug) selected[tenant.current] { (tenant.name) }
                    }
                }
                button .btn .btn-small .js-hide type="submit" { (t(lang, "action.switch")) }
            }
        }
    }
}

/// Two submit buttons rather than a select: works without JavaScript and each button names its
/// language in that language, so a lost user can find their way back.
fn lang_switch(chrome: &Chrome) -> Markup {
    html! {
        form .lang-switch method="post" action="/lang" {
            (csrf(chrome))
            input type="hidden" name="next" value=(chrome.current_path);
            @for lang in Lang::ALL {
                button .lang-option type="submit" name="lang" value=(lang.code())
                    lang=(lang.code()) title=(lang.native_name())
                    aria-pressed=(if lang == chrome.lang { "true" } else { "false" }) {
                    (lang.code().to_uppercase())
                }
            }
        }
    }
}

fn flashes(chrome: &Chrome) -> Markup {
    html! {
        @for flash in &chrome.flash {
            @match flash.kind {
                FlashKind::Success => div .flash .flash-success role="status" { (flash.message) },
                FlashKind::Info => div .flash .flash-info role="status" { (flash.message) },
                FlashKind::Error => div .flash .flash-error role="alert" { (flash.message) },
            }
        }
    }
}

/// A full HTML document: `Page::new(&chrome, title).body(content).render()`.
pub struct Page<'a> {
    chrome: &'a Chrome,
    title: String,
    bodies: Vec<Markup>,
}

impl<'a> Page<'a> {
    pub fn new(chrome: &'a Chrome, title: impl Into<String>) -> Self {
        Page {
            chrome,
            title: title.into(),
            bodies: Vec::new(),
        }
    }

    /// Appends content to `<main>`; may be called several times.
    pub fn body(mut self, content: Markup) -> Self {
        self.bodies.push(content);
        self
    }

    pub fn render(self) -> Markup {
        let chrome = self.chrome;
        let lang = chrome.lang;
        let home = match chrome.role() {
            Some(role) if role.is_manufacturer() => "/dashboard",
            _ => "/",
        };
        html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " · Relais" }
                    link rel="icon" type="image/svg+xml" href=(chrome.icon_url);
                    link rel="stylesheet" href=(chrome.css_url);
                    script src=(chrome.js_url) defer {}
                }
                body class=[chrome.user.as_ref().map(|_| "signed-in")] {
                    a .skip-link href="#main" { (t(lang, "layout.skip")) }
                    header .topbar {
                        a .brand href=(home) {
                            img src=(chrome.icon_url) alt="" width="28" height="28";
                            span { "Relais" }
                        }
                        @if let Some(user) = &chrome.user {
                            span .tenant-name { (user.tenant_name) }
                            (tenant_switch(chrome))
                            button .nav-toggle type="button" aria-controls="main-nav" aria-expanded="false" {
                                (t(lang, "layout.menu"))
                            }
                        }
                        div .topbar-tools {
                            (lang_switch(chrome))
                            @if let Some(user) = &chrome.user {
                                a .user-email href="/account" title=(t(lang, "nav.account")) { (user.email) }
                                form .logout method="post" action="/logout" {
                                    (csrf(chrome))
                                    button .btn .btn-small .btn-ghost type="submit" { (t(lang, "action.logout")) }
                                }
                            }
                        }
                    }
                    div .shell {
                        @if let Some(user) = &chrome.user {
                            (nav(chrome, user.role))
                        }
                        main #main .content tabindex="-1" {
                            (flashes(chrome))
                            @for body in self.bodies { (body) }
                        }
                    }
                    footer .footer {
                        "Relais"
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(role: Role, path: &str) -> Chrome {
        Chrome {
            current_path: path.to_string(),
            user: Some(UserChrome {
                email: "a@example.com".into(),
                role,
                tenant_name: "Acme".into(),
            }),
            ..Chrome::default()
        }
    }

    #[test]
    fn the_longest_matching_section_is_current() {
        let html = Page::new(&chrome(Role::Admin, "/settings/users"), "x")
            .render()
            .into_string();
        assert!(html.contains(r#"<a href="/settings/users" aria-current="page">"#));
        assert!(!html.contains(r#"<a href="/settings" aria-current="page">"#));
        let html = Page::new(&chrome(Role::Manager, "/insights/cadence"), "x")
            .render()
            .into_string();
        assert!(html.contains(r#"<a href="/insights/declining" aria-current="page">"#));
        assert!(
            !html.contains("/settings/users"),
            "managers don't see the users page"
        );
    }

    #[test]
    fn reseller_home_is_current_only_on_the_root() {
        let html = Page::new(&chrome(Role::Reseller, "/points"), "x")
            .render()
            .into_string();
        assert!(html.contains(r#"<a href="/points" aria-current="page">"#));
        assert!(!html.contains(r#"<a href="/" aria-current="page">"#));
        assert!(
            !html.contains("/dashboard\""),
            "resellers don't see manufacturer pages"
        );
    }

    #[test]
    fn tenant_switch_shows_only_with_several_tenants() {
        let mut c = chrome(Role::Reseller, "/");
        let one = TenantChoice {
            slug: "acme".into(),
            name: "Acme".into(),
            current: true,
        };
        c.tenants = vec![one.clone()];
        assert!(!Page::new(&c, "x")
            .render()
            .into_string()
            .contains("/switch-tenant"));
        c.tenants.push(TenantChoice {
            slug: "b".into(),
            name: "B".into(),
            current: false,
        });
        assert!(Page::new(&c, "x")
            .render()
            .into_string()
            .contains("/switch-tenant"));
    }
}
