-- calendar {month}: the caller's entries per day of a month (deleted ones not
-- counted) and their current and longest writing streaks; 422
-- journal.invalid_month naming `month`; another user's entries never count,
-- anonymous callers cannot call it.
begin;
select plan(24);

-- Structure
select has_function('journal', 'calendar', array['text'], 'journal.calendar(text) exists');
select ok(not (select p.prosecdef from pg_proc p where p.oid = 'journal.calendar(text)'::regprocedure),
  'calendar runs as the caller');
select is((select p.provolatile from pg_proc p where p.oid = 'journal.calendar(text)'::regprocedure), 's',
  'calendar is stable (a GET may call it)');
select ok(not has_function_privilege('anon', 'journal.calendar(text)', 'execute'), 'anonymous callers cannot call it');

select tests.create_user('alice');
select tests.create_user('mallory');
-- Alice writes today, yesterday (twice), 3 days ago (deleted), 5, 6 and 7 days ago,
-- and on 2024-02-10, 11, 12, 13 (her longest run: 4 days).
select tests.act_as('alice');
insert into journal.entries (title, entry_date)
select 'day ' || d, journal_private.today() - d from unnest(array[0, 1, 1, 3, 5, 6, 7]) d;
insert into journal.entries (title, entry_date)
select 'feb ' || d, date '2024-02-10' + d from generate_series(0, 3) d;
update journal.entries set deleted_at = now() where title = 'day 3';
-- Mallory writes every day of February 2024 and two days ago.
select tests.act_as('mallory');
insert into journal.entries (title, entry_date)
select 'm ' || d, date '2024-02-01' + d from generate_series(0, 28) d;
insert into journal.entries (title, entry_date) values ('m recent', journal_private.today() - 2);

-- Behaviour
select tests.act_as('alice');
select is(jsonb_array_length(journal.calendar('2024-02') -> 'days'), 29, 'February 2024 has 29 days');
select is(jsonb_array_length(journal.calendar('2023-02') -> 'days'), 28, 'February 2023 has 28');
select is(jsonb_array_length(journal.calendar('2024-12') -> 'days'), 31, 'December has 31');
select is(journal.calendar('2024-02') -> 'days' -> 0, '{"date": "2024-02-01", "entries": 0}'::jsonb,
  'a day without entries counts 0');
select is(journal.calendar('2024-02') -> 'days' -> 9, '{"date": "2024-02-10", "entries": 1}'::jsonb,
  'a day with an entry counts it');
select is((journal.calendar('2024-02') ->> 'total')::int, 4, 'the month''s total is the caller''s entries only');
select is((select (d ->> 'entries')::int from jsonb_array_elements(
             journal.calendar(to_char(journal_private.today() - 1, 'YYYY-MM')) -> 'days') d
           where d ->> 'date' = (journal_private.today() - 1)::text), 2, 'two entries on one day count 2');
select is((select (d ->> 'entries')::int from jsonb_array_elements(
             journal.calendar(to_char(journal_private.today() - 3, 'YYYY-MM')) -> 'days') d
           where d ->> 'date' = (journal_private.today() - 3)::text), 0, 'a deleted entry does not count');
select is((journal.calendar('2024-02') ->> 'current_streak')::int, 2, 'the current streak: today and yesterday');
select is((journal.calendar('2024-02') ->> 'longest_streak')::int, 4, 'the longest streak: four days in February 2024');
select is(journal.calendar('2024-02') ->> 'month', '2024-02', 'the answer names its month');
update journal.entries set deleted_at = now() where title = 'day 0';
select is((journal.calendar('2024-02') ->> 'current_streak')::int, 1,
  'with nothing today yet, the run ending yesterday is still current');
update journal.entries set deleted_at = now() where title = 'day 1';
select is((journal.calendar('2024-02') ->> 'current_streak')::int, 0, 'a gap of a day ends the current streak');
select is((journal.calendar('2024-02') ->> 'longest_streak')::int, 4, 'the longest streak stays');

-- Failures
select is(tests.status_of($$ select journal.calendar('2024-13') $$, with_details => true),
  '422 journal.invalid_month {"field": "month"}', 'a month 13 is 422 journal.invalid_month naming month');
select is(tests.status_of($$ select journal.calendar('2024-2') $$, with_details => true),
  '422 journal.invalid_month {"field": "month"}', 'YYYY-M is refused');
select is(tests.status_of($$ select journal.calendar(null) $$, with_details => true),
  '422 journal.invalid_month {"field": "month"}', 'a missing month is refused');

-- Crossing
select tests.act_as('mallory');
select is((journal.calendar('2024-02') ->> 'total')::int, 29, 'another user counts only their own entries');
select is((journal.calendar('2024-02') ->> 'longest_streak')::int, 29, 'and their own streaks');
select tests.act_as_anon();
select throws_ok($$ select journal.calendar('2024-02') $$, '42501', null, 'an anonymous caller cannot call it');

select * from finish();
rollback;
