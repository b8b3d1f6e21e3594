-- Deploy platform:schema/journal/seed_entry_point to pg
-- requires: schema/journal/schemas
--
-- The journal's seed entry point for `inv db.seed` (ops/seed_journal.py): the
-- registry row of schema/journal/schemas gains it here rather than by editing
-- that deployed change.

begin;

set local search_path = '';
-- Give up rather than queue behind a long transaction; retry the deploy later.
set local lock_timeout = '5s';
set local statement_timeout = '5min';

update platform.modules set seed_entry = 'ops.seed_journal:seed_module' where name = 'journal';

commit;
