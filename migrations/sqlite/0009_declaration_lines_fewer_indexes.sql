-- declaration_lines kept an index on (tenant_id, reseller_id, product_id) that no query uses:
-- every query by reseller also filters or orders by date (declaration_lines_reseller_date
-- serves it) and none filters lines by product. Each line insert paid for it (issue #3: about
-- a sixth of the insert time of a 1M-line import, the most scattered of the six indexes).
drop index declaration_lines_reseller_product;
