-- Challenges, the append-only points ledger, rewards and redemptions (SQLite dialect).
-- Dates are ISO text, timestamps unix seconds, points whole numbers, money integer cents.

-- How long confirmed points stay valid when a challenge does not say (months; 0 = never).
alter table tenants add column points_validity_months integer not null default 24;

create table challenges (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    name text not null,
    description text not null default '',
    status text not null default 'draft' check (status in ('draft', 'running', 'closed')),
    -- Copies of the current version's dates, for lists and the close job.
    start_date text not null,
    end_date text not null,
    current_version integer not null default 1,
    -- Whether participants see each other's names on their league board.
    show_names integer not null default 1,
    -- What one point costs the manufacturer, for backtests and the liability export.
    point_value_cents integer not null default 1,
    -- Overrides the tenant's validity for points earned here (months; null = the tenant's).
    validity_months integer,
    created_by integer references users(id),
    created_at integer not null,
    updated_at integer not null,
    launched_at integer,
    closed_at integer
) strict;
create index challenges_tenant_status on challenges(tenant_id, status, end_date);

-- Every rule set a challenge ran with: editing a running challenge adds a version, and every
-- points entry names the version that produced it. `definition` is the engine's ChallengeDef JSON.
create table challenge_versions (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    challenge_id integer not null references challenges(id),
    version integer not null,
    definition text not null,
    created_by integer references users(id),
    created_at integer not null,
    unique (challenge_id, version)
) strict;

-- Standings: refreshed by each recomputation while the challenge runs, frozen (frozen = 1, with
-- the final ranks) when it closes.
create table challenge_participants (
    tenant_id integer not null references tenants(id),
    challenge_id integer not null references challenges(id),
    reseller_id integer not null references resellers(id),
    league text,
    lines integer not null default 0,
    units integer not null default 0,
    amount_cents integer not null default 0,
    points_confirmed integer not null default 0,
    points_pending integer not null default 0,
    points_capped integer not null default 0,
    tier_basis integer not null default 0,
    tier_reached integer,
    next_tier integer,
    next_tier_missing integer,
    hit_cap integer not null default 0,
    rank integer not null default 0,
    league_rank integer not null default 0,
    frozen integer not null default 0,
    updated_at integer not null,
    primary key (challenge_id, reseller_id)
) without rowid, strict;
create index challenge_participants_reseller on challenge_participants(tenant_id, reseller_id);

create table rewards (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    name text not null,
    description text not null default '',
    points_cost integer not null check (points_cost > 0),
    -- null = unlimited; never below zero (the conditional decrement relies on it).
    stock integer check (stock is null or stock >= 0),
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null
) strict;
create index rewards_tenant on rewards(tenant_id, active);

create table redemptions (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    reward_id integer not null references rewards(id),
    user_id integer references users(id),
    points integer not null,
    status text not null default 'requested' check (status in ('requested', 'approved', 'shipped', 'cancelled')),
    created_at integer not null,
    decided_by integer references users(id),
    approved_at integer,
    shipped_at integer,
    cancelled_at integer
) strict;
create index redemptions_tenant_status on redemptions(tenant_id, status, created_at);
create index redemptions_reseller on redemptions(tenant_id, reseller_id, created_at);

-- The points ledger: append-only, never updated. A balance is a sum over it.
-- state: pending | confirmed | reversed (challenge entries: negative confirmed adjustments) |
--        expired | redeemed | refund. kind: unit | amount | quality | timeliness | tier (challenge
--        entries, with rule_index = rule or tier) | redemption | refund | expiry.
create table points_entries (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    challenge_id integer references challenges(id),
    version integer,
    line_id integer references declaration_lines(id),
    kind text not null check (kind in ('unit', 'amount', 'quality', 'timeliness', 'tier', 'redemption', 'refund', 'expiry')),
    rule_index integer,
    state text not null check (state in ('pending', 'confirmed', 'reversed', 'expired', 'redeemed', 'refund')),
    points integer not null,
    -- Why the entry exists: earned, approved, rejected, withdrawn, import_undone, new_version,
    -- recomputed, redeemed, cancelled, expired.
    reason text not null,
    -- How the points were computed (basis × rate × factor, cap), for the statement.
    basis integer,
    rate integer,
    factor_permille integer,
    capped_by text,
    redemption_id integer references redemptions(id),
    booked_on text not null,
    -- Confirmed credits only: the first day they are expired.
    expires_on text,
    created_at integer not null
) strict;
create index points_entries_challenge on points_entries(tenant_id, challenge_id, reseller_id);
create index points_entries_reseller on points_entries(tenant_id, reseller_id, id);
create index points_entries_line on points_entries(line_id);
