-- The trash: journal.trash lists the caller's deleted entries (newest deletion
-- first), restore_entry and purge_entry act on the owner's own entries only
-- (someone else's or a missing id: the same 404), purge only from the trash
-- (409 journal.not_in_trash), a purge leaves an audit row without text, and
-- the job journal.purge_trash purges entries deleted longer than the
-- retention setting ago.
begin;
select plan(37);

-- Structure
select has_view('journal', 'trash', 'journal.trash exists');
select ok((select 'security_invoker=true' = any (c.reloptions) from pg_class c where c.oid = 'journal.trash'::regclass),
  'journal.trash is security_invoker: the entries'' policies decide');
select has_function('journal', 'restore_entry', array['uuid'], 'journal.restore_entry(uuid) exists');
select has_function('journal', 'purge_entry', array['uuid'], 'journal.purge_entry(uuid) exists');
select ok(not (select p.prosecdef from pg_proc p where p.oid = 'journal.restore_entry(uuid)'::regprocedure)
          and not (select p.prosecdef from pg_proc p where p.oid = 'journal.purge_entry(uuid)'::regprocedure),
  'restore_entry and purge_entry run as the caller');
select ok(not has_function_privilege('anon', 'journal.purge_entry(uuid)', 'execute')
          and not has_function_privilege('anon', 'journal.restore_entry(uuid)', 'execute'),
  'anonymous callers cannot run restore_entry or purge_entry');
select ok(not has_function_privilege('authenticated', 'journal_private.purge_trash()', 'execute'),
  'API roles cannot run the purge job');
select is((select every::text from platform.jobs where name = 'journal.purge_trash'), '01:00:00',
  'the job journal.purge_trash runs every hour');
select is((select trash_retention from journal_private.settings), interval '30 days',
  'the retention defaults to 30 days');
select throws_ok($$ update journal_private.settings set trash_retention = interval '1 minute' $$, '23514',
  null, 'a retention under an hour is refused');

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.make_entry('alice', 'live');
select tests.make_entry('alice', 'old trash', deleted => true);
select tests.make_entry('alice', 'new trash', is_public => true, deleted => true);
-- The guard stamps deleted_at with the server's clock: backdate it past the triggers.
set local session_replication_role = replica;
update journal.entries set deleted_at = now() - interval '2 days' where id = tests.uuid_of('old trash');
set local session_replication_role = origin;
select tests.make_entry('mallory', 'mallorys trash', deleted => true);
select tests.remember('missing', gen_random_uuid());

-- Behaviour: the owner
select tests.act_as('alice');
select results_eq($$ select title from journal.trash $$,
  array['Title of new trash', 'Title of old trash'], 'the owner''s trash: deleted entries, newest deletion first');
select is((select count(*)::int from journal.trash where owner_id <> (select auth.uid())), 0,
  'the trash holds the caller''s entries only');
select is(tests.status_of(format('select journal.purge_entry(%L)', tests.uuid_of('live'))), '409 journal.not_in_trash',
  'purging a live entry is 409 journal.not_in_trash');
select is(tests.status_of(format('select journal.restore_entry(%L)', tests.uuid_of('live'))), '409 journal.not_in_trash',
  'restoring a live entry is 409 journal.not_in_trash');
select is((select (journal.restore_entry(tests.uuid_of('old trash')) -> 'deleted_at')), 'null'::jsonb,
  'restore_entry takes the entry out of the trash');
select results_eq($$ select title from journal.trash $$, array['Title of new trash'], 'a restored entry leaves the trash');
select is((select deleted_at from journal.entries where id = tests.uuid_of('old trash')), null, 'and is live again');
select is(journal.purge_entry(tests.uuid_of('new trash')) ->> 'purged', 'true', 'purge_entry purges an entry in the trash');
select is_empty($$ select 1 from journal.trash $$, 'the trash is empty');
select is(tests.status_of(format('select journal.purge_entry(%L)', tests.uuid_of('new trash'))), '404 journal.entry_not_found',
  'a purged entry is gone: 404');

select tests.act_as_owner();
select ok(not exists (select 1 from journal.entries where id = tests.uuid_of('new trash')), 'the purged row is deleted');
select is((select count(*)::int from audit.log where table_name = 'entries' and operation = 'DELETE'
            and record_pk ->> 'id' = tests.uuid_of('new trash')::text and actor_id = tests.user_id('alice')), 1,
  'the purge leaves an audit row naming the entry and who purged it');
select is((select count(*)::int from audit.log where table_name = 'entries' and operation = 'DELETE'
            and (coalesce(old_record::text, '') || coalesce(new_record::text, '')) ~* 'title of|dear diary'), 0,
  'without the entry''s title or text');

-- Crossing: another user, an anonymous caller
select tests.make_entry('alice', 'trashed', deleted => true);
select tests.act_as('mallory');
select is(tests.same_as_missing('select * from journal.trash where id = %L', 'trashed'),
  'ok (0 rows) | ok (0 rows)', 'another user reads nothing of someone''s trash');
select results_eq($$ select title from journal.trash $$, array['Title of mallorys trash'], 'another user sees only their own trash');
select is(tests.same_as_missing('select journal.restore_entry(%L)', 'trashed'),
  'journal.entry_not_found entry_id: no such entry of yours | journal.entry_not_found entry_id: no such entry of yours',
  'restoring someone''s deleted entry is the 404 of a missing one');
select is(tests.same_as_missing('select journal.purge_entry(%L)', 'trashed'),
  'journal.entry_not_found entry_id: no such entry of yours | journal.entry_not_found entry_id: no such entry of yours',
  'purging someone''s deleted entry is the 404 of a missing one');
select is(tests.same_as_missing('select journal.purge_entry(%L)', 'live'),
  'journal.entry_not_found entry_id: no such entry of yours | journal.entry_not_found entry_id: no such entry of yours',
  'purging someone''s live entry is the 404 of a missing one (not 409: nothing leaks)');
select is(tests.status_of(format('select journal.purge_entry(%L)', tests.uuid_of('trashed'))), '404 journal.entry_not_found',
  'with HTTP status 404');
select tests.act_as_anon();
select is_empty($$ select 1 from journal.trash $$, 'an anonymous caller''s trash is empty');
select is(tests.same_as_missing('select journal.purge_entry(%L)', 'trashed'),
  '42501 permission denied for function purge_entry | 42501 permission denied for function purge_entry',
  'an anonymous caller cannot purge, whatever the id');

select tests.act_as_owner();
select ok(exists (select 1 from journal.entries where id = tests.uuid_of('trashed') and deleted_at is not null),
  'the entry is still in its owner''s trash');

-- The job
set local session_replication_role = replica;
update journal.entries set deleted_at = now() - interval '31 days' where id = tests.uuid_of('trashed');
update journal.entries set deleted_at = now() - interval '29 days' where id = tests.uuid_of('mallorys trash');
set local session_replication_role = origin;
select is(journal_private.purge_trash(), 1, 'the job purges the entries deleted more than 30 days ago');
select ok(not exists (select 1 from journal.entries where id = tests.uuid_of('trashed')), 'the old one is gone');
select ok(exists (select 1 from journal.entries where id = tests.uuid_of('mallorys trash')), 'the recent one stays');
update journal_private.settings set trash_retention = interval '7 days';
select is(journal_private.purge_trash(), 1, 'the job follows the retention setting');
select ok(exists (select 1 from journal.entries where id = tests.uuid_of('live')), 'live entries are never purged');

select * from finish();
rollback;
