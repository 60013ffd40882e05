//! Challenges through the database: hand-computed points for each rule kind, reversals on
//! rejection and undo, versioning, concurrent redemptions, expiry, close.

use crate::challenges_support::*;
use crate::helpers::fresh_db;
use crate::seed;
use relais::challenges::{self, RedeemError};
use relais::db::points::Exec;
use relais::db::Db;
use relais::with_db;

struct March {
    db: Db,
    tenant: i64,
    r1: i64,
    r2: i64,
    challenge: i64,
    /// L1..L5 as in `setup`.
    lines: Vec<i64>,
    import: i64,
    _dir: tempfile::TempDir,
}

/// R1: multi-brand reseller B; R2: mono-brand distributor A. Lines (hand-computed points):
/// - L1 R1 mower ×3, 300 €, customer given, declared 2 days after: 3×2×1.5=9, 30×1×1.5=45,
///   5×1.5=7 (7.5 floored), 3×1.5=4 (4.5 floored) → 65
/// - L2 R1 hedge ×2, 50 €, declared 11 days after: per-amount 5×1.5=7 (7.5 floored) → 7;
///   R1 reaches 5 units → flat tier bonus 100
/// - L3 R2 mower ×1, 100 €, feedback, next day, from import "march.xlsx" row 7: 2+10+5+3 = 20
/// - L4 R2 mower ×4, 400 €, awaiting review, next day: 8+40+3 = 51 pending, tier 100 pending
/// - L5 R1 mower sold in April: outside the challenge.
async fn setup() -> March {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(dir.path()).await;
    let tenant = seed::tenant(&db, "points").await;
    let (r1, _) = seed::reseller(&db, tenant, "R-1", None).await;
    let (r2, _) = seed::reseller(&db, tenant, "R-2", None).await;
    segment(&db, r2, "distributor", "mono", "A").await;
    let mower = product(&db, tenant, "M-1", "mowers").await;
    let hedge = product(&db, tenant, "H-1", "hedge").await;
    let import = import(&db, tenant, r2, "march.xlsx").await;
    let mut l1 = Line::new(r1, mower, "2026-03-10", "2026-03-12", 3, 30_000);
    l1.customer_type = Some("individual");
    let l2 = Line::new(r1, hedge, "2026-03-01", "2026-03-12", 2, 5_000);
    let mut l3 = Line::new(r2, mower, "2026-03-15", "2026-03-16", 1, 10_000);
    l3.feedback = Some("great");
    l3.import = Some((import, 7));
    let mut l4 = Line::new(r2, mower, "2026-03-20", "2026-03-21", 4, 40_000);
    l4.status = "pending";
    let l5 = Line::new(r1, mower, "2026-04-02", "2026-04-03", 9, 90_000);
    let mut lines = Vec::new();
    for l in [l1, l2, l3, l4, l5] {
        lines.push(line(&db, tenant, l).await);
    }
    let challenge = challenges::create(&db, tenant, None, &header("March"), &march_def())
        .await
        .unwrap();
    challenges::launch(&db, tenant, challenge, None)
        .await
        .unwrap();
    March {
        db,
        tenant,
        r1,
        r2,
        challenge,
        lines,
        import,
        _dir: dir,
    }
}

/// (kind, rule, state, points) of a reseller's challenge entries, in booking order.
async fn entries(m: &March, reseller: i64) -> Vec<(String, i64, String, i64, String)> {
    let sql = "select kind, rule_index, state, points, reason from points_entries \
               where tenant_id = $1 and reseller_id = $2 and challenge_id is not null order by id";
    with_db!(&m.db, p => sqlx::query_as::<_, (String, i64, String, i64, String)>(sql).bind(m.tenant).bind(reseller).fetch_all(p).await).unwrap()
}

#[tokio::test]
async fn challenges_each_rule_kind_earns_the_hand_computed_points() {
    let m = setup().await;
    assert_eq!(totals(&m.db, m.tenant, m.r1).await, (65 + 7 + 100, 0));
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (20, 51 + 100));
    let r1: Vec<(String, i64, i64)> = entries(&m, m.r1)
        .await
        .into_iter()
        .map(|e| (e.0, e.1, e.3))
        .collect();
    let expected: Vec<(String, i64, i64)> = [
        ("unit", 0, 9),
        ("amount", 1, 45),
        ("quality", 2, 7),
        ("timeliness", 3, 4),
        ("amount", 1, 7),
        ("tier", 0, 100),
    ]
    .iter()
    .map(|(k, r, p)| (k.to_string(), *r, *p))
    .collect();
    let mut sorted = r1.clone();
    sorted.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(sorted, want);
    // Recomputing changes nothing: the ledger already holds what is due.
    let again = challenges::recompute(&m.db, m.tenant, m.challenge)
        .await
        .unwrap();
    assert_eq!(again.appended, 0);
    // Standings: R1 leads with 172 points (R2 has 20 + 151 pending = 171).
    let board = relais::challenges::standings::ranked(
        relais::db::challenges::standings(&m.db, m.tenant, m.challenge)
            .await
            .unwrap(),
    );
    assert_eq!(
        board
            .iter()
            .map(|s| (s.reseller_id, s.rank))
            .collect::<Vec<_>>(),
        vec![(m.r1, 1), (m.r2, 2)]
    );
    assert_eq!(board[0].league_rank, 1);
    assert_eq!(
        board[1].league_rank, 1,
        "different leagues rank on their own"
    );
}

#[tokio::test]
async fn challenges_rejecting_a_pending_line_reverses_exactly_its_points() {
    let m = setup().await;
    let l4 = m.lines[3];
    set_review(&m.db, l4, "rejected", Some("suspicious")).await;
    let mut tx = m.db.begin().await.unwrap();
    let done = challenges::reverse(&mut tx, m.tenant, &[l4]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(done.challenges, 1);
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (20, 0));
    assert_eq!(
        totals(&m.db, m.tenant, m.r1).await,
        (172, 0),
        "another reseller is untouched"
    );
    let reversed: Vec<(String, i64, String)> = entries(&m, m.r2)
        .await
        .into_iter()
        .filter(|e| e.3 < 0)
        .map(|e| (e.0, e.3, e.4))
        .collect();
    assert!(
        reversed.contains(&("unit".into(), -8, "rejected".into())),
        "{reversed:?}"
    );
    assert!(reversed.contains(&("amount".into(), -40, "rejected".into())));
    assert!(reversed.contains(&("timeliness".into(), -3, "rejected".into())));
    assert_eq!(reversed.iter().map(|e| e.1).sum::<i64>(), -151);
    let (rows, _) = relais::db::points::statement(&m.db, m.tenant, m.r2, 50, 0)
        .await
        .unwrap();
    let rejected = rows.iter().find(|r| r.reason == "rejected").unwrap();
    assert_eq!(rejected.line_id, Some(l4));
    assert_eq!(rejected.review_reason.as_deref(), Some("suspicious"));
}

#[tokio::test]
async fn challenges_approving_a_pending_line_moves_its_points_to_confirmed() {
    let m = setup().await;
    let l4 = m.lines[3];
    set_review(&m.db, l4, "approved", None).await;
    let mut tx = m.db.begin().await.unwrap();
    challenges::confirm(&mut tx, m.tenant, &[l4]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (171, 0));
    let approved = entries(&m, m.r2)
        .await
        .into_iter()
        .filter(|e| e.4 == "approved")
        .count();
    assert_eq!(
        approved, 8,
        "−pending and +confirmed for 3 rules and the tier"
    );
}

#[tokio::test]
async fn challenges_undoing_an_import_reverses_its_lines_and_the_statement_names_the_file() {
    let m = setup().await;
    let (rows, _) = relais::db::points::statement(&m.db, m.tenant, m.r2, 50, 0)
        .await
        .unwrap();
    let from_file = rows.iter().find(|r| r.line_id == Some(m.lines[2])).unwrap();
    assert_eq!(from_file.import_file.as_deref(), Some("march.xlsx"));
    assert_eq!(from_file.source_row, Some(7));
    assert_eq!(from_file.challenge_name.as_deref(), Some("March"));
    assert_eq!(from_file.version, Some(1));
    // The declarations flow withdraws the import's lines, then calls on_lines_changed in the same transaction.
    let mut tx = m.db.begin().await.unwrap();
    relais::db::declarations::withdraw_import(&mut tx, m.tenant, m.import, "undone")
        .await
        .unwrap();
    challenges::on_lines_changed(&mut tx, m.tenant, &[m.lines[2]])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Without L3's unit, R2 has 4 units: the pending tier bonus (5 units) goes too.
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (0, 51));
    let undone: i64 = entries(&m, m.r2)
        .await
        .into_iter()
        .filter(|e| e.4 == "import_undone")
        .map(|e| e.3)
        .sum();
    assert_eq!(undone, -20);
}

#[tokio::test]
async fn challenges_editing_a_running_challenge_creates_a_version_and_rebooks() {
    let m = setup().await;
    let mut def = march_def();
    def.rules[0].kind = relais::domain::points::def::RuleKind::PerUnit { points: 4 };
    let v = challenges::save(&m.db, m.tenant, m.challenge, None, &header("March"), &def)
        .await
        .unwrap();
    assert_eq!(v, 2);
    // R1: L1 units now 3×4×1.5 = 18 instead of 9.
    assert_eq!(totals(&m.db, m.tenant, m.r1).await, (172 + 9, 0));
    let sql = "select version, cast(sum(points) as bigint) from points_entries where tenant_id = $1 and reseller_id = $2 group by version order by version";
    let by_version = with_db!(&m.db, p => sqlx::query_as::<_, (i64, i64)>(sql).bind(m.tenant).bind(m.r1).fetch_all(p).await).unwrap();
    assert_eq!(
        by_version,
        vec![(1, 0), (2, 181)],
        "version 1 fully reversed, version 2 booked"
    );
    let reasons = entries(&m, m.r1)
        .await
        .into_iter()
        .filter(|e| e.3 < 0)
        .all(|e| e.4 == "new_version");
    assert!(reasons);
    // Saving the same rules again is not a new version.
    assert_eq!(
        challenges::save(&m.db, m.tenant, m.challenge, None, &header("March"), &def)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn challenges_close_freezes_final_ranks_and_close_due_is_idempotent() {
    let m = setup().await;
    let closed = challenges::close_due(&m.db, m.tenant, d("2026-04-01"))
        .await
        .unwrap();
    assert_eq!(closed, vec![m.challenge]);
    assert!(challenges::close_due(&m.db, m.tenant, d("2026-04-02"))
        .await
        .unwrap()
        .is_empty());
    let board = relais::db::challenges::standings(&m.db, m.tenant, m.challenge)
        .await
        .unwrap();
    assert!(board.iter().all(|s| s.frozen));
    assert_eq!(
        board.iter().find(|s| s.reseller_id == m.r1).unwrap().rank,
        1
    );
    // A review after the close still moves the ledger, not the frozen ranks.
    set_review(&m.db, m.lines[3], "approved", None).await;
    let mut tx = m.db.begin().await.unwrap();
    challenges::on_lines_changed(&mut tx, m.tenant, &[m.lines[3]])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (171, 0));
    let after = relais::db::challenges::standings(&m.db, m.tenant, m.challenge)
        .await
        .unwrap();
    assert_eq!(
        after.iter().find(|s| s.reseller_id == m.r2).unwrap().rank,
        2
    );
}

#[tokio::test]
async fn challenges_lines_outside_every_challenge_change_nothing() {
    let m = setup().await;
    let mut tx = m.db.begin().await.unwrap();
    let done = challenges::on_lines_changed(&mut tx, m.tenant, &[m.lines[4]])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(done.appended, 0);
    assert_eq!(done.challenges, 0);
}

async fn digests(m: &March) -> Vec<(i64, String)> {
    let sql = "select reseller_id, digest from points_reconciled where tenant_id = $1 and challenge_id = $2 order by reseller_id";
    with_db!(&m.db, p => sqlx::query_as::<_, (i64, String)>(sql).bind(m.tenant).bind(m.challenge).fetch_all(p).await).unwrap()
}

async fn resellers_booked_after(m: &March, id: i64) -> Vec<i64> {
    let sql = "select distinct reseller_id from points_entries where tenant_id = $1 and id > $2 order by reseller_id";
    with_db!(&m.db, p => sqlx::query_scalar::<_, i64>(sql).bind(m.tenant).bind(id).fetch_all(p).await).unwrap()
}

async fn last_entry(m: &March) -> i64 {
    with_db!(&m.db, p => sqlx::query_scalar::<_, i64>("select max(id) from points_entries").fetch_one(p).await).unwrap()
}

/// A recomputation skips the participants whose computation is unchanged (their stored digest
/// matches) and reconciles only the others; reading and reconciling everyone afterwards finds
/// nothing left to do, so the shortcut gives the same ledger as the full pass.
#[tokio::test]
async fn challenges_recompute_reconciles_only_changed_participants_like_a_full_pass() {
    let m = setup().await;
    let recompute = || challenges::recompute(&m.db, m.tenant, m.challenge);
    assert_eq!(recompute().await.unwrap().appended, 0);
    let before = digests(&m).await;
    assert_eq!(
        before.iter().map(|d| d.0).collect::<Vec<_>>(),
        vec![m.r1, m.r2]
    );

    // L2 (R1) rejected without the hooks: only R1 is reconciled.
    set_review(&m.db, m.lines[1], "rejected", Some("duplicate")).await;
    let mark = last_entry(&m).await;
    assert!(recompute().await.unwrap().appended > 0);
    assert_eq!(resellers_booked_after(&m, mark).await, vec![m.r1]);
    let after = digests(&m).await;
    assert_ne!(
        after[0], before[0],
        "R1's digest follows its new computation"
    );
    assert_eq!(after[1], before[1], "R2 was not touched");
    // Without any digest every participant's entries are read: nothing is missing or extra.
    with_db!(&m.db, p => sqlx::query("delete from points_reconciled").execute(p).await.map(|_| ()))
        .unwrap();
    assert_eq!(recompute().await.unwrap().appended, 0);
    assert_eq!(
        digests(&m).await,
        after,
        "the full pass stores the same digests"
    );

    // A ledger older than the digests (empty digest, as the migration leaves it) is read and
    // reconciled: a stray entry is reversed.
    let mut tx = m.db.begin().await.unwrap();
    let stray = relais::db::points::NewEntry {
        reseller_id: m.r2,
        challenge_id: Some(m.challenge),
        version: Some(1),
        line_id: Some(m.lines[2]),
        kind: "unit",
        rule_index: Some(0),
        state: "confirmed",
        points: 5,
        reason: "earned",
        basis: None,
        rate: None,
        factor_permille: None,
        capped_by: None,
        redemption_id: None,
        booked_on: d("2026-03-20"),
        expires_on: None,
    };
    relais::db::points::insert(&mut tx, m.tenant, &[stray])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    with_db!(&m.db, p => sqlx::query("update points_reconciled set digest = '' where reseller_id = $1").bind(m.r2).execute(p).await.map(|_| ())).unwrap();
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (25, 151));
    assert_eq!(recompute().await.unwrap().appended, 1);
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (20, 151));

    // A participant left with nothing due is reversed to zero, then stays quiet.
    set_review(&m.db, m.lines[2], "rejected", None).await;
    set_review(&m.db, m.lines[3], "rejected", None).await;
    assert!(recompute().await.unwrap().appended > 0);
    assert_eq!(totals(&m.db, m.tenant, m.r2).await, (0, 0));
    assert_eq!(recompute().await.unwrap().appended, 0);
}

#[tokio::test]
async fn challenges_fifty_concurrent_redemptions_spend_at_most_the_balance() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(dir.path()).await;
    let tenant = seed::tenant(&db, "shop").await;
    let (r, _) = seed::reseller(&db, tenant, "R-1", None).await;
    credit(&db, tenant, r, 100).await;
    let mug = reward(&db, tenant, "Mug", 10, Some(1_000)).await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            challenges::redeem(&db, tenant, r, None, mug, None).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(RedeemError::NotEnoughPoints { .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(totals(&db, tenant, r).await, (0, 0));
    let stock = with_db!(&db, p => sqlx::query_scalar::<_, i64>("select stock from rewards where id = $1").bind(mug).fetch_one(p).await).unwrap();
    assert_eq!(stock, 990);
}

#[tokio::test]
async fn challenges_concurrent_redemptions_never_oversell_stock_and_cancel_refunds() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(dir.path()).await;
    let tenant = seed::tenant(&db, "shop").await;
    let (r, _) = seed::reseller(&db, tenant, "R-1", None).await;
    credit(&db, tenant, r, 10_000).await;
    let bike = reward(&db, tenant, "Bike", 100, Some(3)).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            challenges::redeem(&db, tenant, r, None, bike, None).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(id) => ids.push(id),
            Err(RedeemError::OutOfStock) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ids.len(), 3);
    assert_eq!(totals(&db, tenant, r).await, (9_700, 0));
    challenges::cancel_redemption(&db, tenant, ids[0], None)
        .await
        .unwrap();
    assert_eq!(totals(&db, tenant, r).await, (9_800, 0));
    assert!(matches!(
        challenges::cancel_redemption(&db, tenant, ids[0], None).await,
        Err(RedeemError::AlreadyDone)
    ));
    challenges::set_redemption_status(&db, tenant, ids[1], "shipped", None)
        .await
        .unwrap();
    assert!(matches!(
        challenges::cancel_redemption(&db, tenant, ids[1], None).await,
        Err(RedeemError::WrongStatus)
    ));
    // The cancelled unit is back in stock.
    assert!(challenges::redeem(&db, tenant, r, None, bike, None)
        .await
        .is_ok());
}

#[tokio::test]
async fn challenges_points_expire_oldest_first_once() {
    let m = setup().await;
    let sql = "update tenants set points_validity_months = 1 where id = $1";
    with_db!(&m.db, p => sqlx::query(sql).bind(m.tenant).execute(p).await.map(|r| r.rows_affected())).unwrap();
    // Re-book with the short validity: a new version reverses and re-credits everything.
    let mut def = march_def();
    def.rules[3].kind = relais::domain::points::def::RuleKind::Timeliness {
        points: 3,
        within_days: 8,
    };
    challenges::save(&m.db, m.tenant, m.challenge, None, &header("March"), &def)
        .await
        .unwrap();
    let far = chrono::Utc::now().date_naive() + chrono::Days::new(400);
    let expired = challenges::expire_due(&m.db, m.tenant, far).await.unwrap();
    assert_eq!(
        expired,
        172 + 20,
        "all confirmed points of R1 (172) and R2 (20)"
    );
    assert_eq!(totals(&m.db, m.tenant, m.r1).await.0, 0);
    assert_eq!(
        challenges::expire_due(&m.db, m.tenant, far).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn challenges_tenant_data_never_mixes() {
    let m = setup().await;
    let other = seed::tenant(&m.db, "other").await;
    assert!(
        relais::db::challenges::by_id(Exec::Db(&m.db), other, m.challenge)
            .await
            .unwrap()
            .is_none()
    );
    assert!(challenges::launch(&m.db, other, m.challenge, None)
        .await
        .is_err());
    assert_eq!(totals(&m.db, other, m.r1).await, (0, 0));
    let (rows, _) = relais::db::points::statement(&m.db, other, m.r1, 10, 0)
        .await
        .unwrap();
    assert!(rows.is_empty());
}

#[tokio::test]
async fn challenges_demo_has_running_and_closed_challenges_rewards_and_orders_in_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(dir.path()).await;
    let opts = relais::demo::DemoOptions {
        lines: 20_000,
        seed: 42,
    };
    relais::demo::generate(&db, &opts, &|_, _| {})
        .await
        .unwrap();
    let sql = "select status, count(*) from challenges group by status order by status";
    let statuses =
        with_db!(&db, p => sqlx::query_as::<_, (String, i64)>(sql).fetch_all(p).await).unwrap();
    assert_eq!(
        statuses,
        vec![("closed".to_string(), 2), ("running".to_string(), 2)]
    );
    let sql = "select distinct status from redemptions order by status";
    let orders =
        with_db!(&db, p => sqlx::query_scalar::<_, String>(sql).fetch_all(p).await).unwrap();
    assert_eq!(
        orders,
        vec!["approved", "cancelled", "requested", "shipped"]
    );
    let frozen = with_db!(&db, p => sqlx::query_scalar::<_, i64>("select count(*) from challenge_participants where frozen = true").fetch_one(p).await).unwrap();
    assert!(frozen > 0);
}

/// Ledger property at the database level: whatever mix of credits, orders and cancellations,
/// the balance is the sum of the entries and redemptions never take it below zero.
#[test]
fn challenges_balance_is_the_sum_of_entries_and_never_negative_through_redemptions() {
    use proptest::prelude::*;
    #[derive(Debug, Clone)]
    enum Op {
        Credit(i64),
        Redeem(usize),
        Cancel(usize),
    }
    let op = prop_oneof![
        (1i64..200).prop_map(Op::Credit),
        (0usize..3).prop_map(Op::Redeem),
        (0usize..8).prop_map(Op::Cancel)
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 12,
        ..ProptestConfig::default()
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    runner
        .run(&proptest::collection::vec(op, 1..25), |ops| {
            rt.block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let (db, _) = fresh_db(dir.path()).await;
                let tenant = seed::tenant(&db, "prop").await;
                let (r, _) = seed::reseller(&db, tenant, "R-1", None).await;
                let rewards = [reward(&db, tenant, "A", 30, Some(2)).await, reward(&db, tenant, "B", 75, None).await, reward(&db, tenant, "C", 120, Some(1)).await];
                let mut orders = Vec::new();
                for op in ops {
                    match op {
                        Op::Credit(p) => credit(&db, tenant, r, p).await,
                        Op::Redeem(i) => {
                            if let Ok(id) = challenges::redeem(&db, tenant, r, None, rewards[i], None).await {
                                orders.push(id);
                            }
                        }
                        Op::Cancel(i) => {
                            if let Some(id) = orders.get(i) {
                                let _ = challenges::cancel_redemption(&db, tenant, *id, None).await;
                            }
                        }
                    }
                    let (available, pending) = totals(&db, tenant, r).await;
                    let sql = "select cast(coalesce(sum(points), 0) as bigint) from points_entries where tenant_id = $1 and reseller_id = $2";
                    let sum = with_db!(&db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant).bind(r).fetch_one(p).await).unwrap();
                    assert_eq!(available + pending, sum);
                    assert!(available >= 0, "balance went negative: {available}");
                }
            });
            Ok(())
        })
        .unwrap();
}
