-- Coarser sales roll-ups for long ranges (PostgreSQL dialect). The daily tables of 0004 barely
-- compress the data (a reseller's lines spread over many products and days), so a dashboard over
-- a year or all time still read hundreds of thousands of rows. These three are read for the
-- whole months of a range (the daily tables only for its partial first and last months) and,
-- for charts by day, the tenant total when no reseller or product attribute is filtered.
-- Maintained with the daily tables by `analytics::rollup::apply` and `rebuild`.

-- Day × source, tenant-wide: weekly trend, self-service over time, the data span.
create table sales_daily_total (
    tenant_id bigint not null references tenants(id),
    day date not null,
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_daily_total_key on sales_daily_total(tenant_id, day, source);

-- Month (its first day) × reseller × source: sales by rep and by segment over long ranges.
create table sales_monthly_reseller (
    tenant_id bigint not null references tenants(id),
    day date not null,
    reseller_id bigint not null references resellers(id),
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_monthly_reseller_key on sales_monthly_reseller(tenant_id, day, reseller_id, source);
create index sales_monthly_reseller_reseller on sales_monthly_reseller(tenant_id, reseller_id, day);

-- Month (its first day) × product × source: best-sellers over long ranges.
create table sales_monthly_product (
    tenant_id bigint not null references tenants(id),
    day date not null,
    product_id bigint not null references products(id),
    source text not null,
    quantity bigint not null,
    amount_cents bigint not null,
    lines bigint not null
);
create unique index sales_monthly_product_key on sales_monthly_product(tenant_id, day, product_id, source);

insert into sales_daily_total (tenant_id, day, source, quantity, amount_cents, lines)
select tenant_id, day, source, sum(quantity), sum(amount_cents), sum(lines)
from sales_daily_product group by tenant_id, day, source;

insert into sales_monthly_reseller (tenant_id, day, reseller_id, source, quantity, amount_cents, lines)
select tenant_id, cast(date_trunc('month', day) as date), reseller_id, source, sum(quantity), sum(amount_cents), sum(lines)
from sales_daily_reseller group by tenant_id, cast(date_trunc('month', day) as date), reseller_id, source;

insert into sales_monthly_product (tenant_id, day, product_id, source, quantity, amount_cents, lines)
select tenant_id, cast(date_trunc('month', day) as date), product_id, source, sum(quantity), sum(amount_cents), sum(lines)
from sales_daily_product group by tenant_id, cast(date_trunc('month', day) as date), product_id, source;
