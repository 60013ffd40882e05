//! `/challenges`: managers list, create, edit (a running challenge's edit is a new version),
//! backtest, launch and close; resellers see the challenges they take part in, their rank and
//! their league's board.

use super::ctx::{LoggedIn, ResellerUser, Staff};
use super::error::{AppError, AppResult};
use super::{chrome_for, flash_redirect, AppState};
use crate::challenges::{self, form, standings::ranked, ChallengeError};
use crate::db::challenges::{self as store, ChallengeRow, Standing};
use crate::db::points::Exec;
use crate::domain::points::def::ChallengeDef;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::pages::challenges::{
    self as pages, BacktestView, ChallengeDetailView, ChallengeFormValues, ChallengeListRow,
    DistView, LeaderRow, MyChallengeRow, MyChallengeView, RuleFormRow,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges", get(list))
        .route("/challenges/new", get(new_form).post(create))
        .route("/challenges/{id}", get(detail).post(update))
        .route("/challenges/{id}/launch", post(launch))
        .route("/challenges/{id}/close", post(close))
        .route("/challenges/{id}/recompute", post(recompute))
}

fn failed(e: ChallengeError) -> AppError {
    match e {
        ChallengeError::NotFound => AppError::NotFound,
        other => AppError::Internal(other.into()),
    }
}

async fn list(State(state): State<AppState>, user: LoggedIn) -> AppResult<Response> {
    if !user.session.role.is_staff() {
        let r = ResellerUser::try_from(user)?;
        let mut rows = Vec::new();
        for (c, _) in store::of_reseller(&state.db, r.tenant.id, r.reseller.id).await? {
            let board = ranked(store::standings(&state.db, r.tenant.id, c.id).await?);
            let Some(me) = board.iter().find(|s| s.reseller_id == r.reseller.id) else {
                continue;
            };
            rows.push(MyChallengeRow {
                id: c.id,
                name: c.name.clone(),
                status: c.status.clone(),
                end: c.end_date,
                points: me.points_confirmed + me.points_pending,
                rank: me.rank,
                participants: board.len() as i64,
            });
        }
        return Ok(pages::my_challenges(&chrome_for(&r.ctx), &rows).into_response());
    }
    let staff = Staff {
        ctx: user.ctx,
        user: user.session.user,
        role: user.session.role,
        tenant: user.session.tenant.ok_or(AppError::Forbidden)?,
    };
    let rows: Vec<ChallengeListRow> = store::list(&state.db, staff.tenant.id)
        .await?
        .into_iter()
        .map(|c| ChallengeListRow {
            id: c.id,
            name: c.name,
            status: c.status,
            start: c.start_date,
            end: c.end_date,
            version: c.current_version,
        })
        .collect();
    Ok(pages::challenges_list(&chrome_for(&staff.ctx), &rows).into_response())
}

fn first_of_next_month(day: NaiveDate) -> NaiveDate {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day)
}

async fn new_form(staff: Staff) -> AppResult<Response> {
    let start = first_of_next_month(super::views::today(&staff.tenant.time_zone));
    let end = first_of_next_month(first_of_next_month(first_of_next_month(start)))
        .pred_opt()
        .unwrap_or(start);
    let values = ChallengeFormValues {
        start: start.to_string(),
        end: end.to_string(),
        point_value_cents: "1".into(),
        league_mode: "type_and_potential".into(),
        show_names: true,
        rules: vec![RuleFormRow {
            kind: "per_unit".into(),
            points: "1".into(),
            per_amount: "1".into(),
            ..Default::default()
        }],
        tier_payout: "flat".into(),
        ..Default::default()
    };
    Ok(pages::challenge_new(&chrome_for(&staff.ctx), &values, &FieldErrors::new()).into_response())
}

/// Parses the editor; on errors, returns them keyed by field.
async fn parse(
    state: &AppState,
    tenant_id: i64,
    v: &ChallengeFormValues,
) -> AppResult<Result<(ChallengeDef, form::HeaderValues), FieldErrors>> {
    let codes: Vec<String> = v
        .elig_codes
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let (ids, unknown) = store::reseller_ids(&state.db, tenant_id, &codes).await?;
    let parsed = form::parse(v, ids);
    if unknown.is_empty() {
        return Ok(parsed);
    }
    let mut errors = parsed.err().unwrap_or_default();
    errors.add("elig_codes", FieldError::Message(unknown.join(", ")));
    Ok(Err(errors))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (mut values, op) = ChallengeFormValues::from_pairs(&pairs);
    let chrome = chrome_for(&staff.ctx);
    if values.apply(op) {
        return Ok(pages::challenge_new(&chrome, &values, &FieldErrors::new()).into_response());
    }
    let (def, header) = match parse(&state, staff.tenant.id, &values).await? {
        Ok(x) => x,
        Err(errors) => {
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                pages::challenge_new(&chrome, &values, &errors),
            )
                .into_response())
        }
    };
    let id = challenges::create(
        &state.db,
        staff.tenant.id,
        Some(staff.user.id),
        &header.header(&def),
        &def,
    )
    .await
    .map_err(failed)?;
    Ok(flash_redirect(
        &state,
        &format!("/challenges/{id}"),
        "success",
        staff.ctx.t("challenge.saved"),
    ))
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    backtest: Option<String>,
}

async fn load(
    state: &AppState,
    tenant_id: i64,
    id: i64,
) -> AppResult<(ChallengeRow, ChallengeDef)> {
    let c = store::by_id(Exec::Db(&state.db), tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let def = challenges::recompute::load_def(Exec::Db(&state.db), &c)
        .await
        .map_err(failed)?;
    Ok((c, def))
}

async fn detail(
    State(state): State<AppState>,
    user: LoggedIn,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    if !user.session.role.is_staff() {
        return reseller_detail(&state, ResellerUser::try_from(user)?, id).await;
    }
    let tenant = user.session.tenant.clone().ok_or(AppError::Forbidden)?;
    let (c, def) = load(&state, tenant.id, id).await?;
    let names = store::reseller_names(&state.db, tenant.id).await?;
    let codes: Vec<String> = def
        .eligibility
        .reseller_ids
        .iter()
        .filter_map(|i| names.get(i).map(|n| n.0.clone()))
        .collect();
    let values = form::values(&def, &c, &codes);
    render_detail(
        &state,
        &user.ctx,
        &tenant,
        c,
        def,
        q,
        Some((values, FieldErrors::new())),
    )
    .await
}

fn leader(s: &Standing, league: bool, name: String, me: bool) -> LeaderRow {
    LeaderRow {
        rank: if league { s.league_rank } else { s.rank },
        name,
        league: s.league.clone(),
        points: s.points_confirmed + s.points_pending,
        pending: s.points_pending,
        tier_reached: s.tier_reached,
        next_tier_missing: s.next_tier_missing,
        hit_cap: s.hit_cap,
        me,
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_detail(
    state: &AppState,
    ctx: &super::ctx::Ctx,
    tenant: &crate::db::tenants::Tenant,
    c: ChallengeRow,
    def: ChallengeDef,
    q: DetailQuery,
    form: Option<(ChallengeFormValues, FieldErrors)>,
) -> AppResult<Response> {
    let board = ranked(store::standings(&state.db, tenant.id, c.id).await?);
    let label = |s: &Standing| format!("{} — {}", s.code, s.name);
    let mut leagues: Vec<(String, Vec<LeaderRow>)> = Vec::new();
    for s in &board {
        if let Some(l) = &s.league {
            match leagues.iter_mut().find(|(k, _)| k == l) {
                Some((_, rows)) => rows.push(leader(s, true, label(s), false)),
                None => leagues.push((l.clone(), vec![leader(s, true, label(s), false)])),
            }
        }
    }
    leagues.sort_by(|a, b| a.0.cmp(&b.0));
    let (from, to) = (q.from.unwrap_or(def.start), q.to.unwrap_or(def.end));
    let backtest = match q.backtest {
        Some(_) => {
            let b = challenges::backtest(&state.db, tenant.id, c.id, from, to)
                .await
                .map_err(failed)?;
            let dist = |d: &crate::domain::points::report::Distribution| DistView {
                count: d.count,
                total: d.total,
                median: d.median,
                max: d.max,
            };
            Some(BacktestView {
                from: Some(b.from),
                to: Some(b.to),
                lines: b.lines,
                points: b.report.points_confirmed + b.report.points_pending,
                points_capped: b.report.points_capped,
                cost_cents: b.report.cost_cents,
                overall: dist(&b.report.overall),
                leagues: b
                    .report
                    .leagues
                    .iter()
                    .map(|(l, d)| (challenges::standings::league_code(*l), dist(d)))
                    .collect(),
                reached_tier: b.report.reached_tier.clone(),
                hit_participant_cap: b.report.hit_participant_cap,
                hit_monthly_cap: b.report.hit_monthly_cap,
                hit_budget: b.report.hit_budget,
                rows: b
                    .participants
                    .iter()
                    .take(100)
                    .map(|p| LeaderRow {
                        rank: i64::from(p.rank),
                        name: format!("{} — {}", p.code, p.name),
                        league: p.league.clone(),
                        points: p.points,
                        pending: 0,
                        tier_reached: p.tier_reached.map(i64::from),
                        next_tier_missing: None,
                        hit_cap: p.hit_cap,
                        me: false,
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let view = ChallengeDetailView {
        id: c.id,
        name: c.name.clone(),
        description: c.description.clone(),
        status: c.status.clone(),
        version: c.current_version,
        start: def.start,
        end: def.end,
        currency: tenant.currency.clone(),
        point_value_cents: c.point_value_cents,
        form: if c.status == "closed" { None } else { form },
        frozen: board.iter().any(|s| s.frozen),
        board: board
            .iter()
            .map(|s| leader(s, false, label(s), false))
            .collect(),
        leagues,
        backtest,
        backtest_from: from,
        backtest_to: to,
    };
    Ok(pages::challenge_detail(&chrome_for(ctx), &view).into_response())
}

async fn reseller_detail(state: &AppState, r: ResellerUser, id: i64) -> AppResult<Response> {
    let (c, def) = load(state, r.tenant.id, id).await?;
    if c.status == "draft" {
        return Err(AppError::NotFound);
    }
    let board = ranked(store::standings(&state.db, r.tenant.id, c.id).await?);
    let me = board
        .iter()
        .find(|s| s.reseller_id == r.reseller.id)
        .ok_or(AppError::NotFound)?;
    // Masked rows show their rank only: a stable id would let a reseller follow a rival.
    let masked = r.ctx.t("challenge.masked");
    let name = |s: &Standing| {
        if c.show_names || s.reseller_id == r.reseller.id {
            s.name.clone()
        } else {
            format!("{masked} #{}", s.league_rank)
        }
    };
    let league = me.league.is_some();
    let rows: Vec<LeaderRow> = board
        .iter()
        .filter(|s| s.league == me.league)
        .map(|s| leader(s, league, name(s), s.reseller_id == r.reseller.id))
        .collect();
    let fr = r.ctx.lang == relais_templates::i18n::Lang::Fr;
    let view = MyChallengeView {
        id: c.id,
        name: c.name.clone(),
        description: c.description.clone(),
        status: c.status.clone(),
        start: def.start,
        end: def.end,
        me: leader(me, false, me.name.clone(), true),
        league_rank: me.league_rank,
        participants: board.len() as i64,
        league: me.league.clone(),
        board: rows,
        rules: def
            .rules
            .iter()
            .map(|rule| form::describe(rule, fr))
            .collect(),
    };
    Ok(pages::my_challenge(&chrome_for(&r.ctx), &view).into_response())
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (c, def) = load(&state, staff.tenant.id, id).await?;
    let (mut values, op) = ChallengeFormValues::from_pairs(&pairs);
    if values.apply(op) {
        return render_detail(
            &state,
            &staff.ctx,
            &staff.tenant,
            c,
            def,
            DetailQuery::default(),
            Some((values, FieldErrors::new())),
        )
        .await;
    }
    let (new_def, header) = match parse(&state, staff.tenant.id, &values).await? {
        Ok(x) => x,
        Err(errors) => {
            let page = render_detail(
                &state,
                &staff.ctx,
                &staff.tenant,
                c,
                def,
                DetailQuery::default(),
                Some((values, errors)),
            )
            .await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match challenges::save(
        &state.db,
        staff.tenant.id,
        id,
        Some(staff.user.id),
        &header.header(&new_def),
        &new_def,
    )
    .await
    {
        Ok(_) => Ok(flash_redirect(
            &state,
            &format!("/challenges/{id}"),
            "success",
            staff.ctx.t("challenge.saved"),
        )),
        Err(ChallengeError::WrongStatus) => Ok(flash_redirect(
            &state,
            &format!("/challenges/{id}"),
            "error",
            staff.ctx.t("challenge.wrong_status"),
        )),
        Err(e) => Err(failed(e)),
    }
}

/// The challenge's page with what happened: done (`ok`), done already by an earlier request
/// (`already`: a double click changes nothing), or not possible.
async fn transition(
    state: &AppState,
    staff: &Staff,
    id: i64,
    result: Result<(), ChallengeError>,
    (ok, already): (&'static str, &'static str),
) -> AppResult<Response> {
    let to = format!("/challenges/{id}");
    match result {
        Ok(()) => Ok(flash_redirect(state, &to, "success", staff.ctx.t(ok))),
        Err(ChallengeError::AlreadyDone) => {
            Ok(flash_redirect(state, &to, "info", staff.ctx.t(already)))
        }
        Err(ChallengeError::WrongStatus) => Ok(flash_redirect(
            state,
            &to,
            "error",
            staff.ctx.t("challenge.wrong_status"),
        )),
        Err(e) => Err(failed(e)),
    }
}

async fn launch(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = challenges::launch(&state.db, staff.tenant.id, id, Some(staff.user.id)).await;
    let messages = ("challenge.launched", "challenge.already_launched");
    transition(&state, &staff, id, r, messages).await
}

async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = challenges::close(&state.db, staff.tenant.id, id, Some(staff.user.id)).await;
    let messages = ("challenge.closed", "challenge.already_closed");
    transition(&state, &staff, id, r, messages).await
}

async fn recompute(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = challenges::recompute(&state.db, staff.tenant.id, id)
        .await
        .map(|_| ());
    let messages = ("challenge.recomputed", "challenge.recomputed");
    transition(&state, &staff, id, r, messages).await
}
