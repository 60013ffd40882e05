-- Two of declaration_lines' indexes were paid for by every line of every import and served
-- few of them (issue #3: about 7 % of SQLite's work inserting a 1M-line import).
-- * declaration_lines_import: a committed import has exactly one declaration, so an import's
--   lines are found through declarations(import_id) and declaration_lines_declaration.
-- * declaration_lines_review (tenant, status) held every approved line; what is looked up by
--   status is the lines awaiting review (the review list, the digests) and the lines reviewed
--   in a window (the rejections of the reseller digest), so two partial indexes hold only
--   those. Queries that use them name the status as a literal, so the planner can use them.
drop index declaration_lines_import;
drop index declaration_lines_review;
create index declarations_import on declarations(import_id) where import_id is not null;
create index declaration_lines_pending on declaration_lines(tenant_id, sale_date)
    where review_status = 'pending';
create index declaration_lines_reviewed on declaration_lines(tenant_id, reviewed_at)
    where reviewed_at is not null;
