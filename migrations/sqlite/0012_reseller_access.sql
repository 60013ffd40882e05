-- Who may act for a reseller membership. Access is granted per tenant: the organisation a user
-- belongs to may be in several manufacturers' networks, and sharing an organisation never
-- shares access. A tenant's staff grant access to their own reseller record only.
create table reseller_access (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    user_id integer not null references users(id) on delete cascade,
    granted_by integer references users(id),
    created_at integer not null,
    unique (reseller_id, user_id)
) strict;
create index reseller_access_user on reseller_access(user_id);
create index reseller_access_tenant on reseller_access(tenant_id, reseller_id);

-- Until now a reseller user reached every membership of its organisation. Existing users keep
-- the memberships in the tenant that created their account (its user.invite or user.create
-- audit entry): an account one manufacturer invited gains nothing in another's network.
-- Accounts created outside the application (no such entry: demo data, hand-written SQL) were
-- set up by the operator, and keep every membership of their organisation.
insert into reseller_access (tenant_id, reseller_id, user_id, created_at)
select r.tenant_id, r.id, u.id, u.created_at
from users u
join resellers r on r.organisation_id = u.organisation_id
where u.role = 'reseller'
  and (exists (select 1 from audit_log a
               where a.entity = 'user' and a.entity_id = cast(u.id as text)
                 and a.action in ('user.invite', 'user.create') and a.tenant_id = r.tenant_id)
       or not exists (select 1 from audit_log a
                      where a.entity = 'user' and a.entity_id = cast(u.id as text)
                        and a.action in ('user.invite', 'user.create')));
