-- list_entries / count_entries: the caller's live entries newest first by
-- keyset (entry_date, created_at, id desc), filters (tags any/all, dates,
-- is_public, block type, open tasks), the total count; block_types and
-- open_tasks derived from the content; another user's entries never show nor
-- count, anonymous callers cannot call them; 422s naming the field.
begin;
select plan(33);

-- Structure
select has_function('journal', 'list_entries',
  array['uuid[]', 'boolean', 'date', 'date', 'boolean', 'text', 'boolean', 'date', 'timestamp with time zone', 'uuid', 'integer'],
  'journal.list_entries exists');
select has_function('journal', 'count_entries',
  array['uuid[]', 'boolean', 'date', 'date', 'boolean', 'text', 'boolean'], 'journal.count_entries exists');
select ok(not (select p.prosecdef from pg_proc p where p.proname in ('list_entries', 'count_entries')
               and p.pronamespace = 'journal'::regnamespace limit 1)
          and not (select bool_or(p.prosecdef) from pg_proc p where p.proname in ('list_entries', 'count_entries')
               and p.pronamespace = 'journal'::regnamespace),
  'both run as the caller');
select ok(not has_function_privilege('anon',
  'journal.list_entries(uuid[], boolean, date, date, boolean, text, boolean, date, timestamptz, uuid, integer)', 'execute'),
  'anonymous callers cannot list');
select ok(not has_function_privilege('anon',
  'journal.count_entries(uuid[], boolean, date, date, boolean, text, boolean)', 'execute'),
  'nor count');
select ok(exists (select from pg_indexes where schemaname = 'journal' and indexname = 'entries_owner_list_idx'),
  'an index holds a user''s live entries in the list''s order');

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.make_tag('alice', 'sea');
select tests.make_tag('alice', 'home');
select tests.make_tag('mallory', 'm');
-- Alice: 30 entries, days 2026-01-01..2026-01-10, three a day (same created_at
-- within one insert: id breaks the tie); every 3rd public; every 5th has an
-- open task, every 7th a done one.
select tests.act_as('alice');
insert into journal.entries (title, entry_date, is_public, content)
select 'a' || n, date '2026-01-01' + (n % 10), n % 3 = 0,
       jsonb_build_object('blocks', jsonb_build_array(jsonb_build_object('type', 'paragraph', 'data', jsonb_build_object('text', 'x'))))
       || case when n % 5 = 0 then jsonb_build_object('blocks', jsonb_build_array(
                 jsonb_build_object('type', 'paragraph', 'data', jsonb_build_object('text', 'x')),
                 jsonb_build_object('type', 'checklist', 'data', jsonb_build_object('items', jsonb_build_array(
                   jsonb_build_object('text', 'do', 'checked', false), jsonb_build_object('text', 'done', 'checked', true),
                   jsonb_build_object('text', 'do', 'checked', false))))))
               when n % 7 = 0 then jsonb_build_object('blocks', jsonb_build_array(
                 jsonb_build_object('type', 'checklist', 'data', jsonb_build_object('items', jsonb_build_array(
                   jsonb_build_object('text', 'done', 'checked', true))))))
               else '{}'::jsonb end
  from generate_series(1, 30) n;
-- a deleted one
update journal.entries set deleted_at = now() where title = 'a30';
insert into journal.entry_tags (entry_id, tag_id)
select e.id, tests.uuid_of('tag:sea') from journal.entries e where e.title in ('a1', 'a2', 'a3')
union all
select e.id, tests.uuid_of('tag:home') from journal.entries e where e.title in ('a2', 'a3', 'a4');
-- Mallory: 5 entries, public and private, the same days.
select tests.act_as('mallory');
insert into journal.entries (title, entry_date, is_public)
select 'm' || n, date '2026-01-01' + n, n % 2 = 0 from generate_series(1, 5) n;

-- Derived columns
select tests.act_as('alice');
select is((select open_tasks from journal.entries where title = 'a5'), 2::bigint, 'open_tasks counts unchecked items');
select is((select block_types from journal.entries where title = 'a5'), array['checklist', 'paragraph'],
  'block_types lists the distinct types, sorted');
select is((select open_tasks from journal.entries where title = 'a7'), 0::bigint, 'checked items are not open');
update journal.entries set content = '{"blocks": [{"type": "quote", "data": {"text": "q"}}]}' where title = 'a5';
select is((select (block_types, open_tasks)::text from journal.entries where title = 'a5'), '({quote},0)',
  'an edit of the content derives them again');
update journal.entries set content = '{"sealed": {"alg": "A256GCM", "iv": "aXY=", "ciphertext": "eA=="}}' where title = 'a10';
select is((select (block_types, open_tasks)::text from journal.entries where title = 'a10'), '({},0)',
  'a sealed entry has no block types');

-- The list
select is((select count(*) from journal.list_entries(lim => 100)), 29::bigint,
  'the list holds the caller''s live entries only (not the deleted one, not mallory''s public ones)');
select is(journal.count_entries(), 29::bigint, 'count_entries counts them');
select ok((select bool_and(owner_id = tests.user_id('alice')) from journal.list_entries(lim => 100)),
  'every row is the caller''s');
select is((select array_agg(title) from journal.list_entries(lim => 3)),
  (select array_agg(title order by entry_date desc, created_at desc, id desc)
     from (select * from journal.entries where owner_id = tests.user_id('alice') and deleted_at is null
            order by entry_date desc, created_at desc, id desc limit 3) x),
  'newest first by entry_date, created_at, id');
select is((with recursive pages(n, ids, d, c, i) as (
             select 1, array(select l.id from journal.list_entries(lim => 4) l),
                    (select l.entry_date from journal.list_entries(lim => 4) l offset 3),
                    (select l.created_at from journal.list_entries(lim => 4) l offset 3),
                    (select l.id from journal.list_entries(lim => 4) l offset 3)
             union all
             select p.n + 1,
                    array(select l.id from journal.list_entries(after_date => p.d, after_created_at => p.c, after_id => p.i, lim => 4) l),
                    (select l.entry_date from journal.list_entries(after_date => p.d, after_created_at => p.c, after_id => p.i, lim => 4) l offset 3),
                    (select l.created_at from journal.list_entries(after_date => p.d, after_created_at => p.c, after_id => p.i, lim => 4) l offset 3),
                    (select l.id from journal.list_entries(after_date => p.d, after_created_at => p.c, after_id => p.i, lim => 4) l offset 3)
               from pages p where p.i is not null and p.n < 20)
           select array_agg(x order by x) from pages, unnest(ids) x),
  (select array_agg(l.id order by l.id) from journal.list_entries(lim => 100) l),
  'keyset pages of 4 (ties on created_at included) hold every entry exactly once');
select is((select count(*) from journal.list_entries(tags => array[tests.uuid_of('tag:sea'), tests.uuid_of('tag:home')])),
  4::bigint, 'tags: entries carrying any of them');
select is((select array_agg(title order by title) from journal.list_entries(
             tags => array[tests.uuid_of('tag:sea'), tests.uuid_of('tag:home')], tags_all => true)),
  array['a2', 'a3'], 'tags_all: entries carrying all of them');
select is(journal.count_entries(tags => array[tests.uuid_of('tag:sea'), tests.uuid_of('tag:home')], tags_all => true), 2::bigint,
  'count_entries counts with tags_all too');
select is((select count(*) from journal.list_entries(tags => array[tests.uuid_of('tag:m')])), 0::bigint,
  'another user''s tag matches nothing');
select is((select count(*) from journal.list_entries("from" => '2026-01-09', "to" => '2026-01-10')), 6::bigint,
  'from and to filter on entry_date, inclusive');
select is(journal.count_entries(is_public => true), 9::bigint, 'is_public filters (a30 is deleted)');
select is((select array_agg(title order by title) from journal.list_entries(has_open_tasks => true)),
  array['a15', 'a20', 'a25'], 'has_open_tasks: entries with an unchecked item');
select is(journal.count_entries(has_open_tasks => false), 26::bigint, 'has_open_tasks false: the others');
select is((select array_agg(title order by title) from journal.list_entries(block_type => 'checklist')),
  array['a14', 'a15', 'a20', 'a21', 'a25', 'a28', 'a7'], 'block_type: entries holding a block of that type');

-- Failures
select is(tests.status_of($$ select journal.list_entries("from" => '2026-02-01', "to" => '2026-01-01') $$, with_details => true),
  '422 journal.invalid_date_range {"field": "from"}', 'from after to is 422 journal.invalid_date_range');
select is(tests.status_of($$ select journal.count_entries("from" => '2026-02-01', "to" => '2026-01-01') $$, with_details => true),
  '422 journal.invalid_date_range {"field": "from"}', 'count_entries checks it too');
select is(tests.status_of($$ select journal.list_entries(after_date => '2026-01-01') $$, with_details => true),
  '422 journal.invalid_cursor {"field": "after_id"}', 'a partial keyset is 422 journal.invalid_cursor');
select is(tests.status_of($$ select journal.list_entries(block_type => 'video') $$, with_details => true),
  '422 journal.invalid_block_type {"field": "block_type"}', 'an unknown block type is 422 journal.invalid_block_type');
select is(tests.status_of($$ select journal.list_entries(lim => 101) $$, with_details => true),
  '422 journal.invalid_limit {"field": "lim"}', 'lim over 100 is 422 journal.invalid_limit');
select is(tests.status_of($$ select journal.list_entries(tags => array[null]::uuid[]) $$, with_details => true),
  '422 journal.invalid_tags {"field": "tags"}', 'a null tag is 422 journal.invalid_tags');

-- Crossing
select tests.act_as('mallory');
select is(journal.count_entries(), 5::bigint, 'another user counts only their own entries');
select ok((select bool_and(owner_id = tests.user_id('mallory')) from journal.list_entries(lim => 100)),
  'and lists only their own, never alice''s public ones');

select * from finish();
rollback;
