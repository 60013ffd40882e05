-- Relais foundation schema (SQLite dialect). Every tenant-owned row carries tenant_id so that
-- every query can filter by it (and PostgreSQL deployments can shard by it).
-- Timestamps are unix seconds (integer, UTC); calendar dates are ISO text 'YYYY-MM-DD';
-- money is integer cents; quantities are whole units.

create table tenants (
    id integer primary key,
    slug text not null unique,
    name text not null,
    currency text not null default 'EUR',
    time_zone text not null default 'Europe/Paris',
    locale text not null default 'fr',
    declaration_period text not null default 'month' check (declaration_period in ('week', 'month')),
    created_at integer not null
) strict;

-- A reseller company. It may be in several manufacturers' networks (multi-brand reseller).
create table organisations (
    id integer primary key,
    name text not null,
    created_at integer not null
) strict;

create table users (
    id integer primary key,
    email text not null unique,
    name text not null default '',
    password_hash text,
    role text not null check (role in ('admin', 'manager', 'reseller')),
    -- manufacturer staff belong to one tenant; reseller users belong to an organisation
    tenant_id integer references tenants(id),
    organisation_id integer references organisations(id),
    locale text,
    disabled integer not null default 0,
    created_at integer not null,
    last_login_at integer,
    check ((role = 'reseller' and organisation_id is not null) or (role <> 'reseller' and tenant_id is not null))
) strict;
create index users_tenant on users(tenant_id);
create index users_organisation on users(organisation_id);

-- A network membership: one organisation in one manufacturer's network.
create table resellers (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    organisation_id integer not null references organisations(id),
    code text not null,
    name text not null,
    reseller_type text not null check (reseller_type in ('distributor', 'reseller', 'franchisee')),
    brand_organisation text not null check (brand_organisation in ('mono', 'multi')),
    country text not null default 'FR',
    region text not null default '',
    city text not null default '',
    postal_code text not null default '',
    latitude real,
    longitude real,
    potential text not null default 'B' check (potential in ('A', 'B', 'C')),
    status text not null default 'active' check (status in ('prospect', 'active', 'inactive')),
    manager_id integer references users(id),
    contact_email text not null default '',
    created_at integer not null,
    updated_at integer not null,
    unique (tenant_id, code),
    unique (tenant_id, organisation_id)
) strict;
create index resellers_tenant_manager on resellers(tenant_id, manager_id);
create index resellers_organisation on resellers(organisation_id);

create table sessions (
    id text primary key,              -- sha256 of the cookie value
    user_id integer not null references users(id) on delete cascade,
    tenant_id integer references tenants(id),
    csrf_token text not null,
    created_at integer not null,
    last_seen_at integer not null,
    expires_at integer not null
) strict;
create index sessions_user on sessions(user_id);
create index sessions_expires on sessions(expires_at);

-- Single-use emailed links (invitation, password reset). Only the hash is stored.
create table user_tokens (
    id integer primary key,
    user_id integer not null references users(id) on delete cascade,
    kind text not null check (kind in ('invite', 'reset')),
    token_hash text not null unique,
    created_at integer not null,
    expires_at integer not null,
    used_at integer
) strict;
create index user_tokens_user on user_tokens(user_id);

-- Bearer tokens for the JSON API: per reseller (declarations) or per user (analytics).
create table api_tokens (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    user_id integer references users(id),
    reseller_id integer references resellers(id),
    name text not null,
    token_hash text not null unique,
    created_at integer not null,
    last_used_at integer,
    revoked_at integer
) strict;
create index api_tokens_tenant on api_tokens(tenant_id);

create table products (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    sku text not null,
    name text not null,
    category text not null default '',
    brand text not null default '',
    ean text,
    unit text not null default 'unit',
    list_price_cents integer not null default 0,
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null,
    unique (tenant_id, sku)
) strict;
create index products_tenant_ean on products(tenant_id, ean);
create index products_tenant_category on products(tenant_id, category);

-- A code that points to a product: a reseller's own reference (reseller_id set) or a
-- tenant-wide alternative code (reseller_id null).
create table product_aliases (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer references resellers(id),
    code text not null,
    product_id integer not null references products(id),
    created_at integer not null
) strict;
create unique index product_aliases_code on product_aliases(tenant_id, coalesce(reseller_id, 0), code);

-- A file import (declarations, products or resellers) and what became of it.
create table imports (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer references resellers(id),
    user_id integer references users(id),
    kind text not null check (kind in ('declarations', 'products', 'resellers')),
    filename text not null,
    content_hash text not null,
    size_bytes integer not null,
    status text not null check (status in ('pending', 'committed', 'undone', 'refused')),
    sheet text,
    header_signature text,
    mapping_json text,
    period_start text,
    period_end text,
    summary_json text,
    created_at integer not null,
    committed_at integer,
    undone_at integer
) strict;
create index imports_tenant_reseller on imports(tenant_id, reseller_id, created_at);
create unique index imports_committed_hash on imports(tenant_id, coalesce(reseller_id, 0), kind, content_hash)
    where status = 'committed' and kind = 'declarations';

create table declarations (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    period_start text,
    period_end text,
    status text not null check (status in ('draft', 'submitted', 'withdrawn')),
    source text not null check (source in ('form', 'file', 'api', 'staff')),
    import_id integer references imports(id),
    created_by integer references users(id),
    created_at integer not null,
    submitted_at integer
) strict;
create index declarations_tenant_reseller on declarations(tenant_id, reseller_id, created_at);

create table declaration_lines (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    declaration_id integer not null references declarations(id),
    product_id integer not null references products(id),
    sale_date text not null,
    quantity integer not null,
    unit_price_cents integer not null,
    amount_cents integer not null,
    customer_type text,
    customer_postal_code text,
    customer_region text,
    customer_hash text,
    channel text check (channel in ('store', 'online')),
    feedback text,
    rating integer check (rating between 1 and 5),
    source text not null check (source in ('form', 'file', 'api', 'staff')),
    import_id integer references imports(id),
    source_sheet text,
    source_row integer,
    review_status text not null check (review_status in ('draft', 'pending', 'approved', 'rejected', 'withdrawn')),
    review_reason text,
    reviewed_by integer references users(id),
    reviewed_at integer,
    created_at integer not null
) strict;
create index declaration_lines_tenant_date on declaration_lines(tenant_id, sale_date);
create index declaration_lines_reseller_date on declaration_lines(tenant_id, reseller_id, sale_date);
create index declaration_lines_declaration on declaration_lines(declaration_id);
create index declaration_lines_import on declaration_lines(import_id);
create index declaration_lines_review on declaration_lines(tenant_id, review_status);

create table audit_log (
    id integer primary key,
    tenant_id integer references tenants(id),
    user_id integer references users(id),
    action text not null,
    entity text not null,
    entity_id text,
    detail text,
    created_at integer not null
) strict;
create index audit_log_tenant on audit_log(tenant_id, created_at);
