-- The journal module: registered and exposed; its tables private by row-level
-- security with one policy per command and indexed policy columns; audited
-- and publishing change events. Structure first.
begin;
select plan(16);

select ok(exists (select from platform.modules where name = 'journal'),
  'the journal module is registered');
select ok('journal' = any (platform.exposed_schemas()),
  'PostgREST exposes the journal schema');
select has_table('journal', 'entries', 'the module keeps entries');
select has_table('journal', 'tags', 'the module keeps tags');
select has_table('journal', 'entry_tags', 'the module keeps the tags on entries');
select is((select count(*)::int from pg_class where oid in ('journal.entries'::regclass, 'journal.tags'::regclass,
             'journal.entry_tags'::regclass, 'journal_private.settings'::regclass) and relrowsecurity), 4,
  'every journal table has row-level security on');
select is((select count(*)::int from pg_policies where schemaname = 'journal' and cardinality(roles) <> 1), 0,
  'every policy names exactly one role');
select is((select count(*)::int from pg_policies where schemaname = 'journal'
             and (coalesce(qual, '') || coalesce(with_check, '')) ~ 'auth\.uid\(\)'
             and (coalesce(qual, '') || coalesce(with_check, '')) !~ 'SELECT auth\.uid\(\)'), 0,
  'policies call auth.uid() in a sub-select (once per statement)');
select is((select count(*)::int from pg_policies p where schemaname = 'journal'
             group by tablename, cmd, roles having count(*) > 1 limit 1), null,
  'no stacked permissive policies: one per table, command and role');
select ok(pg_get_indexdef('journal.entries_owner_date_idx'::regclass) ~ '\(owner_id, entry_date DESC, created_at DESC\)',
  'the owner column the policies filter on leads the list index');
select is((select data_type from information_schema.columns
            where table_schema = 'journal' and table_name = 'entries' and column_name = 'id'), 'uuid',
  'entry ids are uuids, not guessable sequence numbers');
select is((select count(*)::int from pg_trigger where tgrelid in ('journal.entries'::regclass, 'journal.tags'::regclass,
             'journal.entry_tags'::regclass) and tgname in ('audit_insert', 'audit_update', 'audit_delete')), 9,
  'changes to every journal table are audited');
select is((select count(*)::int from pg_trigger where tgrelid in ('journal.entries'::regclass, 'journal.tags'::regclass,
             'journal.entry_tags'::regclass) and tgname in ('events_insert', 'events_update', 'events_delete')), 9,
  'changes to every journal table become change events');
select is((select count(*)::int from pg_trigger where tgfoid = 'platform.refuse_unfiltered_write()'::regprocedure
             and tgrelid in ('journal.entries'::regclass, 'journal.tags'::regclass, 'journal.entry_tags'::regclass)), 3,
  'PATCH and DELETE without a filter are refused on every journal table');
select ok(not has_table_privilege('anon', 'journal.tags', 'select')
          and not has_table_privilege('anon', 'journal.entry_tags', 'select'),
  'anonymous callers have no grant on tags');
select ok(not has_column_privilege('authenticated', 'journal.entries', 'owner_id', 'insert')
          and not has_column_privilege('authenticated', 'journal.entries', 'word_count', 'update')
          and not has_column_privilege('authenticated', 'journal.entries', 'plain_text', 'update'),
  'clients never write owner_id, counters or derived text');

select * from finish();
rollback;
