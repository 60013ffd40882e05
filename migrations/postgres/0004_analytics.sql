-- Sales analytics roll-ups (PostgreSQL dialect). Dashboards read these instead of declaration_lines. Each holds the
-- sums of the APPROVED lines at one grain; a query reads the narrowest table that still has
-- every key it groups or filters by (reseller and product attributes are joined from their
-- small tables), so the default dashboard scans far fewer rows than there are lines.
-- Maintained in the same transaction as the lines by `analytics::rollup::apply`;
-- `analytics::rollup::rebuild` recomputes a tenant from scratch (demo load, repair).
-- Unknown customer type or channel is '' (not null) so that the unique key covers it.

-- Every key: day × reseller × product × end-customer type × channel × source.
create table sales_daily (
    tenant_id bigint not null references tenants(id),
    day date not null,
    reseller_id bigint not null references resellers(id),
    product_id bigint not null references products(id),
    customer_type text not null default '',
    channel text not null default '',
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_daily_key on sales_daily(tenant_id, day, reseller_id, product_id, customer_type, channel, source);
create index sales_daily_reseller_day on sales_daily(tenant_id, reseller_id, day);

-- Day × reseller × source: sales by rep, by segment, self-service share, last sale.
create table sales_daily_reseller (
    tenant_id bigint not null references tenants(id),
    day date not null,
    reseller_id bigint not null references resellers(id),
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_daily_reseller_key on sales_daily_reseller(tenant_id, day, reseller_id, source);
create index sales_daily_reseller_last on sales_daily_reseller(tenant_id, reseller_id, day);

-- Day × product × source: best-sellers, weekly trend and self-service over time when no
-- reseller attribute is filtered.
create table sales_daily_product (
    tenant_id bigint not null references tenants(id),
    day date not null,
    product_id bigint not null references products(id),
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_daily_product_key on sales_daily_product(tenant_id, day, product_id, source);
