-- Entries: defaults, title rules, optimistic concurrency (version), soft
-- delete and restore, the daily limit, and record_view.
begin;
select plan(23);

select tests.create_user('writer');

select tests.act_as('writer');
select lives_ok($$ insert into journal.entries (title) values ('  Monday  ') $$, 'a signed-in user writes an entry');
select is((select (title, owner_id, entry_date, version, is_public, deleted_at is null, content)
             from journal.entries where title = 'Monday'),
  ('Monday'::text, tests.user_id('writer'), (now() at time zone 'UTC')::date, 1::bigint, false, true,
   '{"blocks": []}'::jsonb),
  'a new entry: title trimmed, owned by its writer, today (UTC), version 1, private, empty content');
select ok((select id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-' from journal.entries where title = 'Monday'),
  'its id is a random (version 4) uuid');

-- entry_date follows the token's tz claim
select set_config('request.jwt.claims',
  (current_setting('request.jwt.claims')::jsonb || '{"tz": "Pacific/Kiritimati"}')::text, true);
insert into journal.entries (title) values ('Far east');
select is((select entry_date from journal.entries where title = 'Far east'),
  (now() at time zone 'Pacific/Kiritimati')::date, 'entry_date defaults to today in the token''s tz claim');
select set_config('request.jwt.claims',
  (current_setting('request.jwt.claims')::jsonb || '{"tz": "Mars/Olympus"}')::text, true);
insert into journal.entries (title) values ('Nowhere');
select is((select entry_date from journal.entries where title = 'Nowhere'), (now() at time zone 'UTC')::date,
  'an unknown time zone falls back to UTC');

select is(tests.answer($$ insert into journal.entries (title) values ('   ') $$),
  'journal.invalid_title title: must be 1 to 255 characters (after trimming)', 'a blank title is refused');
select is(tests.answer(format($$ insert into journal.entries (title) values (%L) $$, repeat('t', 256))),
  'journal.invalid_title title: must be 1 to 255 characters (after trimming)', 'a 256-character title is refused');
select is(tests.answer($$ insert into journal.entries (title, entry_date) values ('old', '1800-01-01') $$),
  'journal.invalid_entry_date entry_date: must be a day between 1900-01-01 and 2999-12-31', 'an absurd day is refused');
select is(tests.answer(format($$ insert into journal.entries (title, owner_id) values ('forged', %L) $$, tests.user_id('writer'))),
  '42501 permission denied for table entries', 'clients never write owner_id, even their own');

-- version
update journal.entries set title = 'Monday, edited', version = 1 where title = 'Monday';
select is((select version from journal.entries where title = 'Monday, edited'), 2::bigint,
  'an edit with the current version is accepted and bumps it');
select throws_like($$ update journal.entries set title = 'lost update', version = 1 where title = 'Monday, edited' $$,
  '%journal.version_conflict%version 1 is stale: the entry is at version 2%', 'an edit with a stale version is refused (409)');
update journal.entries set is_public = true where title = 'Monday, edited';
select is((select version from journal.entries where title = 'Monday, edited'), 3::bigint,
  'an edit without a version is accepted (last writer wins) and bumps it');

-- soft delete and restore
update journal.entries set deleted_at = '2000-01-01' where title = 'Monday, edited';
select ok((select deleted_at > now() - interval '1 minute' from journal.entries where title = 'Monday, edited'),
  'moving to the trash stamps the server''s time, whatever the client sent');
select is(tests.answer($$ update journal.entries set title = 'edit in the trash' where title = 'Monday, edited' $$),
  'journal.entry_deleted the entry is in the trash: restore it before editing', 'a deleted entry is not edited');
select is((select count(*)::int from journal.entries where title = 'Monday, edited'), 1,
  'the owner still reads a deleted entry (the trash)');
update journal.entries set deleted_at = null where title = 'Monday, edited';
select is((select deleted_at from journal.entries where title = 'Monday, edited'), null,
  'PATCH deleted_at to null restores it');

-- record_view: the counters, without a version bump
select is((select journal.record_view(id) ->> 'view_count' from journal.entries where title = 'Monday, edited'), '1',
  'record_view counts a view');
select is((select (v.view_count, e.version) from journal.entries e join journal.entry_views v on v.entry_id = e.id
            where e.title = 'Monday, edited'), (1::bigint, 5::bigint),
  'a view is counted in entry_views and bumps neither the version nor anything else');
select is(tests.answer(format('select journal.record_view(%L)', gen_random_uuid())),
  'journal.entry_not_found entry_id: no such entry', 'record_view of an unknown id is 404');
select is(tests.answer($$ update journal.entry_views set view_count = 100 $$),
  '42501 permission denied for table entry_views', 'clients cannot write the view counter');

-- the daily limit (a setting)
select tests.act_as_owner();
update journal_private.settings set daily_entry_limit = 5;
select is((select new_record ->> 'daily_entry_limit' from audit.log
            where schema_name = 'journal_private' and table_name = 'settings'), '5',
  'a change of the limit is audited');
select tests.act_as('writer');
select is(tests.answer($$ insert into journal.entries (title) values ('fourth') $$), 'ok (1 rows)',
  'up to the limit entries are accepted (deleted ones count too)');
select is(tests.answer($$ insert into journal.entries (title) select 'bulk ' || i from generate_series(1, 2) i $$),
  'journal.daily_limit at most 5 new entries per day: this would be 6',
  'past the daily limit the whole statement is refused (429), a bulk insert counted whole');

select * from finish();
rollback;
