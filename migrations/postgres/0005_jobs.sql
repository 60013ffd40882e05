-- Scheduled jobs and emailed digests (PostgreSQL dialect).

-- One row per job run. A scheduled run claims its slot by inserting this row: the unique index
-- makes a slot run at most once, across restarts and across servers sharing one database.
-- Runs started by hand (`relais jobs run`) are recorded too but do not take the slot.
create table job_runs (
    id bigserial primary key,
    job text not null,
    tenant_id bigint not null references tenants(id),
    slot bigint not null,              -- the scheduled time (unix seconds, UTC)
    manual boolean not null default false,
    started_at bigint not null,
    ended_at bigint,
    outcome text not null default 'running' check (outcome in ('running', 'ok', 'failed')),
    processed bigint not null default 0,
    skipped bigint not null default 0,
    failed bigint not null default 0,
    note text not null default '',
    error text
);
create unique index job_runs_slot on job_runs(job, tenant_id, slot) where not manual;
create index job_runs_tenant_started on job_runs(tenant_id, started_at);

-- Every digest or reminder email, recorded before it is sent: a (kind, recipient, period) is
-- sent at most once whatever restarts happen. 'sending' rows left by a crash are never resent
-- (at most once beats twice for a digest); 'failed' rows keep the last error.
create table email_sends (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    user_id bigint not null references users(id) on delete cascade,
    kind text not null,
    period_key text not null,
    status text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
    attempts bigint not null default 0,
    last_error text,
    created_at bigint not null,
    sent_at bigint
);
create unique index email_sends_once on email_sends(tenant_id, user_id, kind, period_key);
create index email_sends_status on email_sends(status, created_at);

-- One-click unsubscribes, per user and kind of email.
create table email_unsubscribes (
    user_id bigint not null references users(id) on delete cascade,
    kind text not null,
    created_at bigint not null,
    primary key (user_id, kind)
);

-- Declaration reminders already sent: one per reseller, period and cadence step.
create table reminder_sends (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    reseller_id bigint not null references resellers(id) on delete cascade,
    period_start text not null,
    step bigint not null,
    sent_at bigint not null
);
create unique index reminder_sends_step on reminder_sends(tenant_id, reseller_id, period_start, step);
