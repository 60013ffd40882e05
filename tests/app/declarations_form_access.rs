//! Declaring through the web form as someone other than the reseller's own user: a channel
//! manager declaring on a reseller's behalf (source "staff"), and everyone else — another
//! reseller, another tenant, a form without its CSRF token — refused without a change.

use crate::declarations::{scalar, setup};
use crate::declarations_form::{add_line, get, location, new_draft, post, today};
use crate::helpers::TestApp;
use crate::seed::{self, PASSWORD};
use chrono::Duration;

#[tokio::test]
async fn a_channel_manager_declares_on_behalf_of_a_reseller_as_staff() {
    let app = crate::helpers::spawn_app().await;
    let tenant = setup(&app).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let (status, page) = get(&app, &m, "/network/A-001").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("/network/A-001/declare"),
        "linked from the reseller"
    );
    let draft = new_draft(&app, &m, "/network/A-001/declare", "").await;
    let day = (today() - Duration::days(1)).to_string();
    add_line(
        &app,
        &m,
        &draft,
        &[("product", "SC-20"), ("quantity", "4"), ("sale_date", &day)],
    )
    .await;
    let (_, page) = get(&app, &m, &draft).await;
    assert!(
        page.contains("Shop A-001 (A-001)"),
        "the reseller is named: {page}"
    );

    // The reseller does not see the manager's draft.
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    assert_eq!(get(&app, &r, &draft).await.0, 404);

    let resp = post(&app, &m, &draft, &draft, "fr", &[("action", "submit")]).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/network/A-001/declare");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines l join declarations d on d.id = l.declaration_id \
                         where l.source = 'staff' and d.source = 'staff' and l.quantity = 4").await,
        1
    );
    let q: relais::analytics::filter::FilterQuery = serde_urlencoded::from_str("").unwrap();
    let dash = relais::analytics::dashboard::dashboard(&app.db, tenant, &q.resolve(today()))
        .await
        .unwrap();
    assert_eq!(dash.self_service.overall.staff_lines, 1, "not self-service");
    assert_eq!(dash.self_service.overall.self_service_lines, 0);

    // Another tenant's reseller code is unknown here.
    assert_eq!(get(&app, &m, "/network/B-001/declare").await.0, 404);
}

#[tokio::test]
async fn other_resellers_and_tenants_get_404_and_csrf_is_required() {
    let app = crate::helpers::spawn_app().await;
    setup(&app).await;
    let (_, org) = seed::reseller(&app.db, 1, "A-002", None).await;
    seed::user(
        &app.db,
        "other.reseller@test.example",
        "reseller",
        1,
        Some(org),
    )
    .await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let draft = new_draft(&app, &r, "/declare", "").await;
    let day = (today() - Duration::days(1)).to_string();
    add_line(
        &app,
        &r,
        &draft,
        &[("product", "SC-20"), ("quantity", "1"), ("sale_date", &day)],
    )
    .await;
    let line = scalar(&app.db, "select id from declaration_draft_lines").await;
    let state = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            (
                scalar(&db, "select count(*) from declaration_draft_lines").await,
                scalar(
                    &db,
                    "select count(*) from declaration_draft_lines where quantity = '1'",
                )
                .await,
                scalar(
                    &db,
                    "select count(*) from declarations where status = 'draft'",
                )
                .await,
                scalar(&db, "select count(*) from declaration_lines").await,
            )
        }
    };
    let before = state(&app).await;
    assert_eq!(before, (1, 1, 1, 0));

    let other = app.login("other.reseller@test.example", PASSWORD).await;
    let beta_reseller = app.login("b.reseller@test.example", PASSWORD).await;
    let beta_manager = app.login("b.manager@test.example", PASSWORD).await;
    let alpha_manager = app.login("a.manager@test.example", PASSWORD).await;
    let quantity = format!("l{line}_quantity");
    let product = format!("l{line}_product");
    for (who, client, list) in [
        ("another reseller", &other, "/declare"),
        ("another tenant's reseller", &beta_reseller, "/declare"),
        ("another tenant's manager", &beta_manager, "/network"),
        (
            "staff, for a reseller's own draft",
            &alpha_manager,
            "/network",
        ),
    ] {
        assert_eq!(get(&app, client, &draft).await.0, 404, "{who}");
        for fields in [
            vec![
                ("action", "save"),
                (product.as_str(), "SC-20"),
                (quantity.as_str(), "99"),
            ],
            vec![
                ("action", "add"),
                ("new_product", "SC-20"),
                ("new_quantity", "5"),
            ],
            vec![("action", "submit")],
        ] {
            let resp = post(&app, client, list, &draft, "fr", &fields).await;
            assert_eq!(resp.status(), 404, "{who}");
        }
        let resp = post(&app, client, list, &format!("{draft}/delete"), "fr", &[]).await;
        assert_eq!(resp.status(), 404, "{who}");
        assert_eq!(state(&app).await, before, "{who} changed nothing");
    }

    // Without the CSRF token (or with a wrong one) the owner's own post is refused.
    for token in [None, Some("forged")] {
        let mut fields = vec![("action", "submit"), (quantity.as_str(), "99")];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        let resp = r.post(app.url(&draft)).form(&fields).send().await.unwrap();
        assert_eq!(resp.status(), 403);
    }
    let resp = r
        .post(app.url(&format!("{draft}/delete")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(state(&app).await, before);
}
