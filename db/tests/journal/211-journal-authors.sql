-- Authors: one row per account, readable by its owner and, once the author has a
-- public, live entry, by everyone; an author with only private entries is invisible
-- (not even their existence); the count behind the rule follows every way an entry
-- becomes public or stops being; entries embed their author; the default entry_date
-- and the calendar's today are in the author's time zone (a tz claim first).
begin;
select plan(39);

-- Structure
select has_table('journal', 'authors', 'journal.authors exists');
select ok((select relrowsecurity from pg_class where oid = 'journal.authors'::regclass),
  'authors have row-level security');
select is((select confrelid::regclass::text from pg_constraint where conname = 'entries_owner_author_fkey'), 'journal.authors',
  'an entry references its author (PostgREST embeds author:authors(...))');
select is((select indexdef ~ 'WHERE \(public_entries > 0\)' from pg_indexes where indexname = 'authors_listed_idx'), true,
  'the read policy''s rows have a partial index');
select ok(not has_column_privilege('authenticated', 'journal.authors', 'public_entries', 'update')
          and not has_table_privilege('authenticated', 'journal.authors', 'insert')
          and not has_table_privilege('authenticated', 'journal.authors', 'delete'),
  'users never write the count, nor add or remove author rows');

select tests.create_user('alice');
select tests.create_user('bob');
select tests.create_user('hermit');
select is((select display_name from journal.authors where user_id = tests.user_id('alice')), 'alice',
  'every new account has an author row, named after the username');

-- A diarist with only private entries is invisible to everyone else.
select tests.make_entry('hermit', 'hermit-secret');
select tests.act_as('hermit');
select is((select count(*)::int from journal.authors where user_id = tests.user_id('hermit')), 1,
  'a diarist reads their own author row');
select is((select public_entries from journal.authors where user_id = tests.user_id('hermit')), 0::bigint,
  'private entries do not count as public');
select tests.act_as('bob');
select is((select count(*)::int from journal.authors where user_id = tests.user_id('hermit')), 0,
  'another user does not see a private-only diarist''s author row');
select is((select count(*)::int from journal.authors where user_id <> tests.user_id('bob')), 0,
  'nor any author row but their own while nobody has a public entry');
select tests.act_as_anon();
select is((select count(*)::int from journal.authors), 0, 'anonymous callers see no author at all');
select throws_like('update journal.authors set bio = $$x$$', '%permission denied%', 'anonymous callers change nothing');

-- A public entry makes its author readable; every way it stops being public hides them.
select tests.act_as_owner();
select tests.make_entry('alice', 'alice-public', is_public => true);
select tests.make_entry('alice', 'alice-private');
select is((select public_entries from journal.authors where user_id = tests.user_id('alice')), 1::bigint,
  'a public entry counts once');
select tests.act_as_anon();
select is((select display_name from journal.authors where user_id = tests.user_id('alice')), 'alice',
  'anyone reads the author of a public entry');
select is((select count(*)::int from journal.authors), 1, 'and only that author');
select is((select a.display_name from journal.entries e join journal.authors a on a.user_id = e.owner_id),
  'alice', 'a public entry joins its author for anonymous readers');
select tests.act_as('bob');
select is((select array_agg(display_name order by display_name) from journal.authors), '{alice,bob}'::text[],
  'a signed-in user reads public authors and their own row');
select tests.act_as('alice');
update journal.entries set deleted_at = now() where id = tests.uuid_of('alice-public');
select tests.act_as_anon();
select is((select count(*)::int from journal.authors), 0, 'moving the entry to the trash hides its author');
select tests.act_as('alice');
select lives_ok(format($$ select journal.restore_entry(%L) $$, tests.uuid_of('alice-public')), 'the entry is restored');
select tests.act_as_anon();
select is((select count(*)::int from journal.authors), 1, 'restoring it shows the author again');
select tests.act_as('alice');
update journal.entries set is_public = false where id = tests.uuid_of('alice-public');
select tests.act_as_anon();
select is((select count(*)::int from journal.authors), 0, 'making it private hides the author');
select tests.act_as('alice');
update journal.entries set is_public = true where id in (tests.uuid_of('alice-public'), tests.uuid_of('alice-private'));
select is((select public_entries from journal.authors where user_id = tests.user_id('alice')), 2::bigint,
  'two public entries count twice');
delete from journal.entries where id = tests.uuid_of('alice-private');
select is((select public_entries from journal.authors where user_id = tests.user_id('alice')), 1::bigint,
  'deleting a public entry for good counts it out');
select tests.act_as_owner();
select is((select count(*)::int from journal.authors a
            where a.public_entries <> (select count(*) from journal.entries e
                                        where e.owner_id = a.user_id and e.is_public and e.deleted_at is null)), 0,
  'every count agrees with the entries');

-- Editing: the owner's own presentation fields, checked.
select tests.act_as('bob');
select is(tests.rows_affected(format($$ update journal.authors set bio = 'mine now' where user_id = %L $$, tests.user_id('alice'))), 0,
  'another user cannot edit an author''s row, even a public one');
select throws_like(format($$ update journal.authors set public_entries = 99 where user_id = %L $$, tests.user_id('bob')),
  '%permission denied%', 'nobody sets their own count');
select is(tests.rows_affected(format($$ update journal.authors set display_name = '  Bob B.  ', bio = 'Writes at night.' where user_id = %L $$,
  tests.user_id('bob'))), 1, 'an author edits their own display name and bio');
select is((select display_name from journal.authors where user_id = tests.user_id('bob')), 'Bob B.',
  'the display name is stored trimmed');
select throws_like(format($$ update journal.authors set display_name = '   ' where user_id = %L $$, tests.user_id('bob')),
  '%journal.invalid_display_name%', 'an empty display name is refused');
select throws_like(format($$ update journal.authors set timezone = 'Mars/Olympus' where user_id = %L $$, tests.user_id('bob')),
  '%journal.invalid_timezone%', 'an unknown time zone is refused');
select is(tests.rows_affected(format($$ update journal.authors set avatar_url = 'https://example.com/me.png' where user_id = %L $$,
  tests.user_id('bob'))), 1, 'an http(s) avatar URL is accepted');
select tests.upload('alice', 'avatars', tests.user_id('alice') || '/me.png');
select tests.upload('bob', 'avatars', tests.user_id('bob') || '/me.png');
select tests.act_as('bob');
select throws_like(format($$ update journal.authors set avatar_url = '/storage/public/avatars/%s/me.png' where user_id = %L $$,
  tests.user_id('alice'), tests.user_id('bob')),
  '%journal.avatar_not_yours%', 'an avatar cannot be someone else''s uploaded image');
select is(tests.rows_affected(format($$ update journal.authors set avatar_url = '/storage/public/avatars/%s/me.png' where user_id = %L $$,
  tests.user_id('bob'), tests.user_id('bob'))), 1, 'an author''s own public image is accepted as their avatar');

-- Time zones: the author's, a tz claim first. Kiritimati (UTC+14) and Pago Pago
-- (UTC-11) are 25 hours apart: their days always differ.
select tests.act_as('alice');
update journal.authors set timezone = 'Pacific/Kiritimati' where user_id = tests.user_id('alice');
insert into journal.entries (title) values ('far east');
select is((select entry_date from journal.entries where title = 'far east'), (now() at time zone 'Pacific/Kiritimati')::date,
  'an entry''s default day is today in its author''s time zone');
select is((journal.calendar(to_char(now() at time zone 'Pacific/Kiritimati', 'YYYY-MM')) ->> 'today')::date,
  (now() at time zone 'Pacific/Kiritimati')::date, 'the calendar''s today is the author''s today');
select tests.act_as('bob');
update journal.authors set timezone = 'Pacific/Pago_Pago' where user_id = tests.user_id('bob');
insert into journal.entries (title) values ('far west');
select tests.act_as_owner();
select isnt((select entry_date from journal.entries where title = 'far east'),
  (select entry_date from journal.entries where title = 'far west'),
  'two authors 25 hours apart write about different days at the same moment');
select tests.act_as('bob');
select set_config('request.jwt.claims',
  (current_setting('request.jwt.claims')::jsonb || '{"tz": "Pacific/Kiritimati"}')::text, true);
select is(journal_private.today(), (now() at time zone 'Pacific/Kiritimati')::date,
  'a tz claim in the token wins over the author''s time zone');
select set_config('request.jwt.claims',
  (current_setting('request.jwt.claims')::jsonb || '{"tz": "Not/AZone"}')::text, true);
select is(journal_private.today(), (now() at time zone 'Pacific/Pago_Pago')::date,
  'a tz claim that is no time zone falls back to the author''s');

-- Rows come and go with the account.
select tests.act_as_owner();
delete from auth.users where id = tests.user_id('hermit');
select is((select count(*)::int from journal.authors where user_id = tests.user_id('hermit')), 0,
  'deleting an account deletes its author row (and its entries)');

select * from finish();
rollback;
