-- The web form's drafts. A draft is a `declarations` row with status 'draft'; its lines live
-- here, apart from declaration_lines, so that nothing in a draft counts anywhere (the analytics
-- roll-ups and the points read declaration_lines only) until the user submits it.
-- Values are kept as the user typed them, so a line with an error is never lost; the
-- end-customer identifier is kept only as its keyed hash, as on committed lines.
create table declaration_draft_lines (
    id bigserial primary key,
    tenant_id bigint not null references tenants(id),
    declaration_id bigint not null references declarations(id) on delete cascade,
    position bigint not null,
    product text not null default '',
    quantity text not null default '',
    unit_price text not null default '',
    amount text not null default '',
    sale_date text not null default '',
    customer_type text not null default '',
    customer_postal_code text not null default '',
    customer_hash text,
    channel text not null default '',
    feedback text not null default '',
    rating text not null default '',
    updated_at bigint not null
);
create index declaration_draft_lines_declaration on declaration_draft_lines(tenant_id, declaration_id, position);

-- A reseller's drafts, listed on /declare.
create index declarations_tenant_status on declarations(tenant_id, status, reseller_id);
