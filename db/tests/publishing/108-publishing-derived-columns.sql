-- Articles' search vector and reading time: plain columns kept by the articles_derive
-- trigger (a logical restore copies them instead of stemming every article again).
begin;
select plan(11);

select tests.create_user('dora', '{author}');

select is((select count(*)::int from pg_catalog.pg_attribute
            where attrelid = 'publishing.articles'::regclass and attname in ('search', 'reading_minutes')
              and attgenerated = ''), 2,
  'search and reading_minutes are plain columns, which pg_dump writes out');

select tests.act_as('dora');
with x as (
  insert into publishing.articles (title, excerpt, content)
  values ('Searching cats', 'A short excerpt', pg_catalog.repeat('word ', 401))
  returning id)
select tests.remember('draft', id) from x;

select is((select pg_catalog.ts_filter(search, '{a}') from publishing.articles where id = tests.id('draft')),
  '''cat'':2A ''search'':1A'::tsvector,
  'the title''s words are stemmed into the vector with weight A');
select is((select pg_catalog.ts_filter(search, '{b}') from publishing.articles where id = tests.id('draft')),
  '''excerpt'':5B ''short'':4B'::tsvector,
  'the excerpt''s words carry weight B, positions after the title''s');
select ok((select search @@ 'word'::tsquery from publishing.articles where id = tests.id('draft')),
  'the content''s words are in the vector');
select is((select reading_minutes from publishing.articles where id = tests.id('draft')), 3,
  '401 words read in 3 minutes at 200 words a minute');

update publishing.articles set title = 'Running dogs', content = 'brief', version = 1
 where id = tests.id('draft');
select is((select pg_catalog.ts_filter(search, '{a}') from publishing.articles where id = tests.id('draft')),
  '''dog'':2A ''run'':1A'::tsvector,
  'an author''s edit of the title moves the vector with it');
select is((select reading_minutes from publishing.articles where id = tests.id('draft')), 1,
  'an edit of the content moves the reading time with it (at least 1 minute)');

select throws_ok($$ update publishing.articles set search = 'forged'::tsvector where id = tests.id('draft') $$,
  '42501', null, 'an author cannot write the vector');
select throws_ok($$ update publishing.articles set reading_minutes = 99 where id = tests.id('draft') $$,
  '42501', null, 'nor the reading time');

select tests.act_as_owner();
update publishing.articles set search = 'forged'::tsvector, reading_minutes = 99, view_count = 7
 where id = tests.id('draft');
select is((select (search @@ 'dog'::tsquery, reading_minutes) from publishing.articles where id = tests.id('draft')),
  (true, 1),
  'even a trusted write to the two columns alone is replaced by the values the text gives');

update publishing.articles set excerpt = null where id = tests.id('draft');
select is((select pg_catalog.ts_filter(search, '{b}') from publishing.articles where id = tests.id('draft')),
  ''::tsvector, 'clearing the excerpt clears its words');

select * from finish();
rollback;
