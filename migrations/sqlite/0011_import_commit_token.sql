-- The one-time token of a staged import's commit form (issue #16). Each preview of a pending
-- import gets a new one; the commit must carry the current one and spends it, in the same
-- conditional update that marks the import committed. A double click finds it spent, and a
-- form from a preview corrected since in another tab finds another: neither writes anything.
-- Imports staged before this column have none; their commit forms carry none either.
alter table imports add column commit_token text;
