-- Sell-out declarations: what the import flow keeps between upload and commit, what it
-- remembers for next time, and what the API needs to be safely retried.

-- The uploaded bytes of an import: the preview and the commit read the same file, and the
-- annotated copy is written from it later.
create table import_files (
    import_id integer primary key references imports(id) on delete cascade,
    tenant_id integer not null references tenants(id),
    bytes blob not null
) strict;

-- Mapping memory: the columns chosen for one reseller's file layout (its header signature).
create table import_mappings (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    header_signature text not null,
    mapping_json text not null,
    updated_at integer not null
) strict;
create unique index import_mappings_signature on import_mappings(tenant_id, reseller_id, header_signature);

-- Every rejected row of a committed import, so the reseller sees why a line is missing.
create table import_row_errors (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    import_id integer not null references imports(id) on delete cascade,
    sheet text not null,
    row_number integer not null,
    column_header text,
    code text not null,
    value text
) strict;
create index import_row_errors_import on import_row_errors(import_id, row_number);

-- API Idempotency-Key: a retried request gets the first response and adds nothing.
create table api_idempotency (
    id integer primary key,
    tenant_id integer not null references tenants(id),
    reseller_id integer not null references resellers(id),
    idempotency_key text not null,
    request_hash text not null,
    status_code integer not null,
    response_json text not null,
    created_at integer not null
) strict;
create unique index api_idempotency_key on api_idempotency(tenant_id, reseller_id, idempotency_key);

create index declaration_lines_reseller_product on declaration_lines(tenant_id, reseller_id, product_id);
