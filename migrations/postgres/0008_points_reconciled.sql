-- What the points ledger last agreed with, per challenge and participant: a digest of the
-- engine's desired postings (key and points, sorted) at the end of the last reconciliation.
-- A recomputation whose desired postings hash to the same digest has nothing to append for
-- that participant and need not read its ledger entries. Only the reconciliation writes
-- challenge entries, in the same transaction as this row, so the two cannot drift apart.
create table points_reconciled (
    tenant_id bigint not null references tenants(id),
    challenge_id bigint not null references challenges(id),
    reseller_id bigint not null references resellers(id),
    digest text not null,
    primary key (tenant_id, challenge_id, reseller_id)
);

-- Ledgers booked before this table existed: an empty digest never matches, so their entries
-- are read and reconciled once, the next time the challenge is recomputed.
insert into points_reconciled (tenant_id, challenge_id, reseller_id, digest)
select distinct tenant_id, challenge_id, reseller_id, '' from points_entries where challenge_id is not null;

-- No query looks entries up by line (the statement joins from entries to lines), and lines are
-- never deleted (they are withdrawn), so this index only cost time on every booking.
drop index points_entries_line;
