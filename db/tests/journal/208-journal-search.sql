-- search_entries: ranked full-text search of the caller's live entries (and
-- public ones when asked), web-search syntax, title above text, highlighted
-- snippets (none for sealed entries), a typo-tolerant title fallback, keyset
-- pages, 422s naming the field; another user's private or deleted entries
-- never show, and anonymous callers search public entries only.
begin;
select plan(34);

-- A paragraph entry as the current user.
create function pg_temp.write(title text, body text, is_public boolean default false, entry_date date default '2026-01-01')
returns uuid
language sql volatile
as $$
  insert into journal.entries (title, content, is_public, entry_date)
  values (title, jsonb_build_object('blocks', jsonb_build_array(
            jsonb_build_object('type', 'paragraph', 'data', jsonb_build_object('text', body)))), is_public, entry_date)
  returning id
$$;
grant execute on function pg_temp.write(text, text, boolean, date) to public;

-- Structure
select has_function('journal', 'search_entries',
  array['text', 'uuid[]', 'boolean', 'date', 'date', 'boolean', 'integer', 'text'], 'journal.search_entries exists');
select ok(not (select p.prosecdef from pg_proc p
               where p.oid = 'journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)'::regprocedure),
  'search_entries runs as the caller');
select is((select p.provolatile from pg_proc p
           where p.oid = 'journal.search_entries(text, uuid[], boolean, date, date, boolean, integer, text)'::regprocedure),
  's', 'search_entries is stable (a GET may call it)');
select ok(exists (select from pg_indexes where schemaname = 'journal' and indexname = 'entries_owner_search_idx'),
  'a GIN index holds (owner_id, search)');

select tests.create_user('alice');
select tests.create_user('mallory');
select tests.act_as('alice');
select tests.remember('in_title', pg_temp.write('Lighthouse keeper', 'a calm evening at home'));
select tests.remember('in_text', pg_temp.write('Evening', 'we walked to the lighthouse and back', entry_date => '2026-02-01'));
select tests.remember('both', pg_temp.write('Dinner', 'cold water <b>and</b> warm tea by the lighthouse'));
select tests.remember('gone', pg_temp.write('Lighthouse deleted', 'lighthouse'));
update journal.entries set deleted_at = now() where id = tests.uuid_of('gone');
insert into journal.entries (title, content)
values ('Sealed lighthouse', '{"sealed": {"alg": "A256GCM", "iv": "aXY=", "ciphertext": "Y2lwaGVy"}}');
select tests.act_as('mallory');
select tests.remember('m_private', pg_temp.write('Lighthouse secret', 'lighthouse'));
select tests.remember('m_public', pg_temp.write('Public lighthouse', 'lighthouse open to all', is_public => true));

-- Behaviour
select tests.act_as('alice');
select is((select array_agg(s.title order by s.rank desc, s.title) from journal.search_entries('lighthouse') s
            where s.title in ('Lighthouse keeper', 'Evening')),
  array['Lighthouse keeper', 'Evening'], 'a title hit ranks above a text hit');
select is((select count(*) from journal.search_entries('lighthouse')), 4::bigint,
  'the caller''s own live entries match: three and the sealed one (by title)');
select ok(not exists (select from journal.search_entries('lighthouse') s where s.id = tests.uuid_of('gone')),
  'a deleted entry never shows');
select ok(not exists (select from journal.search_entries('lighthouse', include_public => true) s
                       where s.id = tests.uuid_of('m_private')),
  'another user''s private entry never shows, even with include_public');
select ok(not exists (select from journal.search_entries('lighthouse') s where s.id = tests.uuid_of('m_public')),
  'without include_public, public entries of others stay out');
select ok(exists (select from journal.search_entries('lighthouse', include_public => true) s where s.id = tests.uuid_of('m_public')),
  'with include_public, another user''s public entry shows');
select is((select s.snippet from journal.search_entries('tea') s), 'cold water and warm <mark>tea</mark> by the lighthouse',
  'the snippet marks the hits in <mark>');
update journal.entries set content = '{"blocks": [{"type": "paragraph", "data": {"text": "tea for 2 &lt; 3 &amp; \"you\""}}]}'
 where id = tests.uuid_of('both');
select is((select s.snippet from journal.search_entries('tea') s), '<mark>tea</mark> for 2 &lt; 3 &amp; &quot;you&quot;',
  'the snippet is HTML-escaped text: only <mark> is markup');
select is((select s.snippet from journal.search_entries('sealed') s), null, 'a sealed entry has no snippet');
select is((select s.match from journal.search_entries('sealed') s), 'fulltext', 'it is found by its title');
select is((select array_agg(s.title order by s.title) from journal.search_entries('"walked to the lighthouse"') s),
  array['Evening'], 'a quoted phrase matches the phrase');
select is((select array_agg(s.title order by s.title) from journal.search_entries('lighthouse -calm') s),
  array['Evening', 'Sealed lighthouse'], '-word excludes the entries holding it');
select is((select array_agg(s.title order by s.title) from journal.search_entries('calm or walked') s),
  array['Evening', 'Lighthouse keeper'], 'or matches either word');
select is((select array_agg(s.title order by s.title) from journal.search_entries('lighthouse', "from" => '2026-01-15') s),
  array['Evening', 'Sealed lighthouse'], 'from filters on entry_date (the sealed entry is about today)');
select is((select array_agg(s.title order by s.title) from journal.search_entries('lighthouse', "to" => '2026-01-15') s),
  array['Lighthouse keeper'], 'to filters on entry_date');
select is((select s.title from journal.search_entries('ligthouse kepeer') s limit 1),
  'Lighthouse keeper', 'misspelt words find similar titles, the most similar first, when nothing else matches');
select is((select array_agg(distinct s.match) from journal.search_entries('ligthouse kepeer') s), array['title_similar'],
  'and say so in match');
select is((select count(*) from journal.search_entries('secret')), 0::bigint,
  'the fallback never finds another user''s private title');

-- Tags
reset role;
select tests.make_tag('alice', 'sea');
select tests.make_tag('alice', 'home');
select tests.act_as('alice');
insert into journal.entry_tags (entry_id, tag_id) values
  (tests.uuid_of('in_title'), tests.uuid_of('tag:sea')), (tests.uuid_of('in_title'), tests.uuid_of('tag:home')),
  (tests.uuid_of('in_text'), tests.uuid_of('tag:sea'));
select tests.act_as('alice');
select is((select array_agg(s.title order by s.title) from journal.search_entries('lighthouse',
            tags => array[tests.uuid_of('tag:sea'), tests.uuid_of('tag:home')]) s),
  array['Evening', 'Lighthouse keeper'], 'tags: entries carrying any of them');
select is((select array_agg(s.title order by s.title) from journal.search_entries('lighthouse',
            tags => array[tests.uuid_of('tag:sea'), tests.uuid_of('tag:home')], tags_all => true) s),
  array['Lighthouse keeper'], 'tags_all: entries carrying all of them');

-- Keyset pages
select is((with recursive pages(n, rows, last) as (
             select 1, array(select s.id from journal.search_entries('lighthouse', lim => 1) s),
                    (select s.cursor from journal.search_entries('lighthouse', lim => 1) s)
             union all
             select p.n + 1, array(select s.id from journal.search_entries('lighthouse', lim => 1, after => p.last) s),
                    (select s.cursor from journal.search_entries('lighthouse', lim => 1, after => p.last) s)
               from pages p where p.last is not null and p.n < 10)
           select array_agg(x order by x) from pages, unnest(rows) x),
  (select array_agg(s.id order by s.id) from journal.search_entries('lighthouse') s),
  'pages of one row, cursor to cursor, hold every match exactly once');

-- Failures
select is(tests.status_of($$ select journal.search_entries('  ') $$, with_details => true),
  '422 journal.invalid_query {"field": "q"}', 'an empty q is 422 journal.invalid_query');
select is(tests.status_of($$ select journal.search_entries(null) $$, with_details => true),
  '422 journal.invalid_query {"field": "q"}', 'a missing q too');
select is(tests.status_of($$ select journal.search_entries('sea', lim => 101) $$, with_details => true),
  '422 journal.invalid_limit {"field": "lim"}', 'lim over 100 is 422 journal.invalid_limit');
select is(tests.status_of($$ select journal.search_entries('sea', lim => 0) $$, with_details => true),
  '422 journal.invalid_limit {"field": "lim"}', 'lim 0 too');
select is(tests.status_of($$ select journal.search_entries('sea', "from" => '2026-02-01', "to" => '2026-01-01') $$, with_details => true),
  '422 journal.invalid_date_range {"field": "from"}', 'from after to is 422 journal.invalid_date_range');
select is(tests.status_of($$ select journal.search_entries('sea', after => 'nonsense') $$, with_details => true),
  '422 journal.invalid_cursor {"field": "after"}', 'a cursor no search answered is 422 journal.invalid_cursor');
select is(tests.status_of($$ select journal.search_entries('sea', tags => array[null]::uuid[]) $$, with_details => true),
  '422 journal.invalid_tags {"field": "tags"}', 'a null tag is 422 journal.invalid_tags');

-- Anonymous callers
select tests.act_as_anon();
select is(tests.status_of($$ select journal.search_entries('lighthouse') $$, with_details => true),
  '401 journal.sign_in_required {"field": "include_public"}', 'an anonymous caller must ask for public entries');
select is((select array_agg(s.title) from journal.search_entries('lighthouse', include_public => true) s),
  array['Public lighthouse'], 'and then sees public live entries only');

select * from finish();
rollback;
