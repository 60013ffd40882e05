-- Challenges, the append-only points ledger, rewards and redemptions (PostgreSQL dialect).
-- Dates are date, timestamps unix seconds, points whole numbers, money integer cents.

-- How long confirmed points stay valid when a challenge does not say (months; 0 = never).
alter table tenants add column points_validity_months bigint not null default 24;

create table challenges (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    name text not null,
    description text not null default '',
    status text not null default 'draft' check (status in ('draft', 'running', 'closed')),
    -- Copies of the current version's dates, for lists and the close job.
    start_date date not null,
    end_date date not null,
    current_version bigint not null default 1,
    -- Whether participants see each other's names on their league board.
    show_names boolean not null default true,
    -- What one point costs the manufacturer, for backtests and the liability export.
    point_value_cents bigint not null default 1,
    -- Overrides the tenant's validity for points earned here (months; null = the tenant's).
    validity_months bigint,
    created_by bigint references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    launched_at bigint,
    closed_at bigint
);
create index challenges_tenant_status on challenges(tenant_id, status, end_date);

-- Every rule set a challenge ran with: editing a running challenge adds a version, and every
-- points entry names the version that produced it. `definition` is the engine's ChallengeDef JSON.
create table challenge_versions (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    challenge_id bigint not null references challenges(id),
    version bigint not null,
    definition text not null,
    created_by bigint references users(id),
    created_at bigint not null,
    unique (challenge_id, version)
);

-- Standings: refreshed by each recomputation while the challenge runs, frozen (frozen = true, with the
-- final ranks) when it closes.
create table challenge_participants (
    tenant_id bigint not null references tenants(id),
    challenge_id bigint not null references challenges(id),
    reseller_id bigint not null references resellers(id),
    league text,
    lines bigint not null default 0,
    units bigint not null default 0,
    amount_cents bigint not null default 0,
    points_confirmed bigint not null default 0,
    points_pending bigint not null default 0,
    points_capped bigint not null default 0,
    tier_basis bigint not null default 0,
    tier_reached bigint,
    next_tier bigint,
    next_tier_missing bigint,
    hit_cap boolean not null default false,
    rank bigint not null default 0,
    league_rank bigint not null default 0,
    frozen boolean not null default false,
    updated_at bigint not null,
    primary key (challenge_id, reseller_id)
);
create index challenge_participants_reseller on challenge_participants(tenant_id, reseller_id);

create table rewards (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    name text not null,
    description text not null default '',
    points_cost bigint not null check (points_cost > 0),
    -- null = unlimited; never below zero (the conditional decrement relies on it).
    stock bigint check (stock is null or stock >= 0),
    active boolean not null default true,
    created_at bigint not null,
    updated_at bigint not null
);
create index rewards_tenant on rewards(tenant_id, active);

create table redemptions (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    reseller_id bigint not null references resellers(id),
    reward_id bigint not null references rewards(id),
    user_id bigint references users(id),
    points bigint not null,
    status text not null default 'requested' check (status in ('requested', 'approved', 'shipped', 'cancelled')),
    created_at bigint not null,
    decided_by bigint references users(id),
    approved_at bigint,
    shipped_at bigint,
    cancelled_at bigint
);
create index redemptions_tenant_status on redemptions(tenant_id, status, created_at);
create index redemptions_reseller on redemptions(tenant_id, reseller_id, created_at);

-- The points ledger: append-only, never updated. A balance is a sum over it.
-- state: pending | confirmed | reversed (challenge entries: negative confirmed adjustments) |
--        expired | redeemed | refund. kind: unit | amount | quality | timeliness | tier (challenge
--        entries, with rule_index = rule or tier) | redemption | refund | expiry.
create table points_entries (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    reseller_id bigint not null references resellers(id),
    challenge_id bigint references challenges(id),
    version bigint,
    line_id bigint references declaration_lines(id),
    kind text not null check (kind in ('unit', 'amount', 'quality', 'timeliness', 'tier', 'redemption', 'refund', 'expiry')),
    rule_index bigint,
    state text not null check (state in ('pending', 'confirmed', 'reversed', 'expired', 'redeemed', 'refund')),
    points bigint not null,
    -- Why the entry exists: earned, approved, rejected, withdrawn, import_undone, new_version,
    -- recomputed, redeemed, cancelled, expired.
    reason text not null,
    -- How the points were computed (basis × rate × factor, cap), for the statement.
    basis bigint,
    rate bigint,
    factor_permille bigint,
    capped_by text,
    redemption_id bigint references redemptions(id),
    booked_on date not null,
    -- Confirmed credits only: the first day they are expired.
    expires_on date,
    created_at bigint not null
);
create index points_entries_challenge on points_entries(tenant_id, challenge_id, reseller_id);
create index points_entries_reseller on points_entries(tenant_id, reseller_id, id);
create index points_entries_line on points_entries(line_id);
