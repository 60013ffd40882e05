-- Scheduled jobs and emailed digests (SQLite dialect).

-- One row per job run. A scheduled run claims its slot by inserting this row: the unique index
-- makes a slot run at most once, across restarts and across servers sharing one database.
-- Runs started by hand (`relais jobs run`) are recorded too but do not take the slot.
create table job_runs (
    id integer primary key,
    job text not null,
    tenant_id integer not null references tenants(id),
    slot integer not null,              -- the scheduled time (unix seconds, UTC)
    manual integer not null default 0,
    started_at integer not null,
    ended_at integer,
    outcome text not null default 'running' check (outcome in ('running', 'ok', 'failed')),
    processed integer not null default 0,
    skipped integer not null default 0,
    failed integer not null default 0,
    note text not null default '',
    error text
) strict;
create unique index job_runs_slot on job_runs(job, tenant_id, slot) where manual = 0;
create index job_runs_tenant_started on job_runs(tenant_id, started_at);

-- Every digest or reminder email, recorded before it is sent: a (kind, recipient, period) is
-- sent at most once whatever restarts happen. 'sending' rows left by a crash are never resent
-- (at most once beats twice for a digest); 'failed' rows keep the last error.
create table email_sends (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    user_id integer not null references users(id) on delete cascade,
    kind text not null,
    period_key text not null,
    status text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
    attempts integer not null default 0,
    last_error text,
    created_at integer not null,
    sent_at integer
) strict;
create unique index email_sends_once on email_sends(tenant_id, user_id, kind, period_key);
create index email_sends_status on email_sends(status, created_at);

-- One-click unsubscribes, per user and kind of email.
create table email_unsubscribes (
    user_id integer not null references users(id) on delete cascade,
    kind text not null,
    created_at integer not null,
    primary key (user_id, kind)
) strict;

-- Declaration reminders already sent: one per reseller, period and cadence step.
create table reminder_sends (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id) on delete cascade,
    period_start text not null,
    step integer not null,
    sent_at integer not null
) strict;
create unique index reminder_sends_step on reminder_sends(tenant_id, reseller_id, period_start, step);
