-- A reseller's order form carries a one-time key: the same key twice (a double click, a
-- resubmitted page) is one order. Orders placed before this change have none.
alter table redemptions add column order_key text;
create unique index redemptions_order_key on redemptions(tenant_id, reseller_id, order_key)
    where order_key is not null;
