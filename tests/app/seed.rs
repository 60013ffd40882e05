//! Small, explicit test data built through the data layer.

use relais::db::{self, network::ResellerInput, Db};

pub const PASSWORD: &str = "a-long-test-password";

pub struct Seeded {
    pub tenant_id: i64,
    pub organisation_id: i64,
}

pub async fn tenant(db: &Db, slug: &str) -> i64 {
    db::tenants::create(db, slug, &format!("Manufacturer {slug}"), "en")
        .await
        .expect("tenant")
        .id
}

pub async fn reseller(
    db: &Db,
    tenant_id: i64,
    code: &str,
    organisation_id: Option<i64>,
) -> (i64, i64) {
    let mut tx = db.begin().await.unwrap();
    let input = ResellerInput {
        code: code.into(),
        name: format!("Shop {code}"),
        reseller_type: "reseller".into(),
        brand_organisation: "multi".into(),
        country: "FR".into(),
        region: "Bretagne".into(),
        city: "Rennes".into(),
        postal_code: "35000".into(),
        latitude: Some(48.11),
        longitude: Some(-1.68),
        potential: "B".into(),
        status: "active".into(),
        manager_id: None,
        contact_email: format!("{}@shop.test", code.to_lowercase()),
    };
    let id = db::network::create(&mut tx, tenant_id, organisation_id, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = db::network::by_id(db, tenant_id, id)
        .await
        .unwrap()
        .unwrap();
    (r.id, r.organisation_id)
}

/// A user with the test password. Staff get the tenant; reseller users the organisation and
/// access to its reseller in `tenant_id` (granted by that tenant, as an invitation would).
pub async fn user(
    db: &Db,
    email: &str,
    role: &str,
    tenant_id: i64,
    organisation_id: Option<i64>,
) -> i64 {
    let hash = relais::auth::hash_password(PASSWORD.into()).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = db::users::create(
        &mut tx,
        db::users::NewUser {
            email,
            name: "",
            role,
            tenant_id: (role != "reseller").then_some(tenant_id),
            organisation_id,
            password_hash: Some(hash),
        },
    )
    .await
    .unwrap();
    if let (Some(org), "reseller") = (organisation_id, role) {
        let sql = "select id from resellers where tenant_id = $1 and organisation_id = $2";
        let reseller: Option<i64> = relais::with_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(tenant_id).bind(org).fetch_optional(c).await)
        .unwrap();
        if let Some(reseller) = reseller {
            assert!(db::access::grant(&mut tx, tenant_id, reseller, id, None)
                .await
                .unwrap());
        }
    }
    tx.commit().await.unwrap();
    id
}

/// Two tenants, each with a manager and one reseller with its user:
/// a.manager@test, a.reseller@test (reseller A-001) and b.manager@test, b.reseller@test (B-001).
pub async fn two_tenants(db: &Db) -> (Seeded, Seeded) {
    let ta = tenant(db, "alpha").await;
    let tb = tenant(db, "beta").await;
    let (_, oa) = reseller(db, ta, "A-001", None).await;
    let (_, ob) = reseller(db, tb, "B-001", None).await;
    user(db, "a.manager@test.example", "manager", ta, None).await;
    user(db, "b.manager@test.example", "manager", tb, None).await;
    user(db, "a.reseller@test.example", "reseller", ta, Some(oa)).await;
    user(db, "b.reseller@test.example", "reseller", tb, Some(ob)).await;
    (
        Seeded {
            tenant_id: ta,
            organisation_id: oa,
        },
        Seeded {
            tenant_id: tb,
            organisation_id: ob,
        },
    )
}
