//! One rendering of every page, with hostile user data and every optional part filled in.

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::components::{FieldError, FieldErrors, Pager, RowError};
use crate::i18n::Lang;
use crate::layout::{Chrome, Flash, TenantChoice, UserChrome};
use crate::pages::*;
use crate::vocab::*;

pub(super) const HOSTILE: &str = "<script>alert(1)</script>";
pub(super) const TOKEN: &str = "tok3n-csrf";

fn chrome(lang: Lang, role: Option<Role>) -> Chrome {
    Chrome {
        lang,
        csrf_token: TOKEN.into(),
        current_path: "/network".into(),
        user: role.map(|role| UserChrome {
            email: "user@example.com".into(),
            role,
            tenant_name: format!("Acme {HOSTILE}"),
        }),
        tenants: vec![
            TenantChoice {
                slug: "acme".into(),
                name: "Acme".into(),
                current: true,
            },
            TenantChoice {
                slug: "other".into(),
                name: HOSTILE.into(),
                current: false,
            },
        ],
        flash: vec![
            Flash::success(HOSTILE),
            Flash::error("oops"),
            Flash::info("fyi"),
        ],
        css_url: "/static/relais-1.css".into(),
        js_url: "/static/relais-1.js".into(),
        icon_url: "/static/relais-1.svg".into(),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn attributes() -> ResellerAttributes {
    ResellerAttributes {
        code: "R001".into(),
        name: HOSTILE.into(),
        reseller_type: ResellerType::Distributor,
        organisation: BrandOrganisation::MultiBrand,
        country: "FR".into(),
        region: "Bretagne".into(),
        city: "Rennes".into(),
        postal_code: "35000".into(),
        latitude: Some(48.1173),
        longitude: Some(-1.6778),
        potential: Some(Potential::A),
        status: ResellerStatus::Active,
        manager: Some("Marie Curie".into()),
        contact_email: Some("contact@r001.example".into()),
        last_declaration: Some(day()),
        recency: Recency::FollowUp,
    }
}

fn org_users() -> Vec<OrgUser> {
    vec![OrgUser {
        email: "staff@r001.example".into(),
        status: UserStatus::Active,
        last_login: day().and_hms_opt(9, 30, 0),
    }]
}

fn errors(fields: &[&str]) -> FieldErrors {
    let mut e = FieldErrors::new();
    for f in fields {
        e.add(*f, FieldError::Required);
    }
    e
}

fn product() -> ProductRow {
    ProductRow {
        sku: "SKU-1".into(),
        name: HOSTILE.into(),
        category: "Tondeuses".into(),
        brand: "Acme".into(),
        ean: Some("3000000000001".into()),
        unit: "pc".into(),
        list_price_cents: Some(123456),
        active: true,
    }
}

/// Every page, rendered with data exercising its optional parts.
pub(super) fn all_pages(lang: Lang) -> Vec<(&'static str, Markup)> {
    let anon = chrome(lang, None);
    let admin = chrome(lang, Some(Role::Admin));
    let manager = chrome(lang, Some(Role::Manager));
    let reseller = chrome(lang, Some(Role::Reseller));
    let pager = Pager {
        page: 2,
        per_page: 1,
        total: 3,
    };
    let row_error = RowError {
        sheet: "Feuil1".into(),
        row: 7,
        column: "C".into(),
        code: "invalid_date".into(),
        message: HOSTILE.into(),
    };
    vec![
        (
            "login",
            login(
                &anon,
                &LoginView {
                    email: HOSTILE.into(),
                    error: Some(LoginError::InvalidCredentials),
                    next: Some("/network".into()),
                },
            ),
        ),
        (
            "forgot",
            forgot_password(
                &anon,
                &ForgotPasswordView {
                    email: "x".into(),
                    errors: errors(&["email"]),
                },
            ),
        ),
        ("forgot_sent", forgot_password_sent(&anon)),
        (
            "set_password",
            set_password(
                &anon,
                &SetPasswordView {
                    purpose: SetPasswordPurpose::Invitation,
                    action: "/invite/abc".into(),
                    email: Some("new@example.com".into()),
                    tenant_name: Some(HOSTILE.into()),
                    errors: errors(&["password"]),
                    min_length: 12,
                },
            ),
        ),
        ("link_invalid", link_invalid(&anon)),
        (
            "network",
            network_list(
                &manager,
                &NetworkListView {
                    filters: NetworkFilters {
                        q: HOSTILE.into(),
                        region: "bzh".into(),
                        ..Default::default()
                    },
                    region_options: vec![("bzh".into(), "Bretagne".into())],
                    manager_options: vec![("1".into(), "Marie Curie".into())],
                    rows: vec![ResellerRow {
                        code: "R001".into(),
                        name: HOSTILE.into(),
                        reseller_type: ResellerType::Franchisee,
                        organisation: BrandOrganisation::MonoBrand,
                        city: "Rennes".into(),
                        region: "Bretagne".into(),
                        potential: None,
                        status: ResellerStatus::Prospect,
                        manager: None,
                        last_declaration: None,
                        recency: Recency::NeverDeclared,
                    }],
                    pager,
                    can_edit: true,
                },
            ),
        ),
        (
            "reseller_detail",
            reseller_detail(
                &admin,
                &ResellerDetailView {
                    reseller: attributes(),
                    users: org_users(),
                    can_edit: true,
                },
                html! { section { "extra" } },
            ),
        ),
        (
            "reseller_form",
            reseller_form(
                &admin,
                &ResellerFormView {
                    mode: FormMode::Edit {
                        code: "R001".into(),
                    },
                    values: ResellerFormValues {
                        name: HOSTILE.into(),
                        ..Default::default()
                    },
                    manager_options: vec![("1".into(), "Marie".into())],
                    errors: errors(&["code", "type", "latitude"]),
                },
            ),
        ),
        (
            "catalogue",
            catalogue_list(
                &manager,
                &CatalogueListView {
                    filters: CatalogueFilters::default(),
                    category_options: vec![],
                    rows: vec![product()],
                    pager,
                    currency: "EUR".into(),
                    can_edit: true,
                },
            ),
        ),
        (
            "product",
            product_detail(
                &manager,
                &ProductDetailView {
                    product: product(),
                    description: Some(HOSTILE.into()),
                    currency: "EUR".into(),
                },
            ),
        ),
        (
            "users",
            users_list(
                &admin,
                &UsersView {
                    users: vec![UserRow {
                        id: 7,
                        email: HOSTILE.into(),
                        role: Role::Reseller,
                        reseller: Some("R001 — Jardin".into()),
                        last_login: None,
                        status: UserStatus::Invited,
                        removable: true,
                    }],
                    invite: InviteFormValues::default(),
                    errors: errors(&["email"]),
                },
            ),
        ),
        (
            "import",
            import_page(
                &admin,
                &ImportView {
                    kind: ImportKind::Network,
                    columns: vec![ExpectedColumn {
                        name: "code".into(),
                        required: true,
                        description: HOSTILE.into(),
                    }],
                    report: Some(ImportReport {
                        file_name: HOSTILE.into(),
                        rows_read: 10,
                        created: 5,
                        updated: 3,
                        rejected: 2,
                        errors: vec![row_error],
                        errors_total: 2,
                    }),
                    errors: FieldErrors::new(),
                },
            ),
        ),
        (
            "home",
            reseller_home(
                &reseller,
                &ResellerHomeView {
                    user_name: HOSTILE.into(),
                    organisation_name: "Jardin".into(),
                    next_declaration: Some(NextDeclaration {
                        period_label: "Novembre 2026".into(),
                        due: day(),
                        declared: false,
                    }),
                    recent: vec![RecentSubmission {
                        kind: SubmissionKind::Import,
                        label: HOSTILE.into(),
                        href: "/imports/1".into(),
                        at: day().and_hms_opt(10, 0, 0).unwrap(),
                        lines: Some(1200),
                        status: SubmissionStatus::AwaitingReview,
                    }],
                },
                html! { section .card { "points" } },
            ),
        ),
        (
            "profile",
            reseller_profile(
                &reseller,
                &ProfileView {
                    reseller: attributes(),
                    users: vec![],
                },
            ),
        ),
        (
            "account",
            account(
                &reseller,
                &AccountView {
                    email: "user@example.com".into(),
                    preferred_lang: lang,
                    password_errors: errors(&["new_password"]),
                    min_password_length: 12,
                },
            ),
        ),
        ("403", forbidden(&reseller)),
        ("404", not_found(&anon)),
        ("500", server_error(&anon, "req-123")),
        ("400", bad_request(&manager, HOSTILE)),
    ]
}
