-- Search: POST /rpc/search_articles as anonymous readers, readers and authors see it.
begin;
select plan(44);

select tests.create_user('sam', '{author}');
select tests.create_user('cora', '{author}');
select tests.create_user('rita');
-- The ids of a search, in the order it answers them.
create function pg_temp.found(q text, lim integer default 20, skip integer default 0) returns bigint[]
language sql as $$
  select coalesce(array_agg(s.id order by s.ordinality), '{}')
    from publishing.search_articles(q, lim => lim, skip => skip) with ordinality s
$$;
grant execute on function pg_temp.found(text, integer, integer) to public;

insert into publishing.categories (name, slug) values ('Science', 'science-test'), ('Life', 'life-test');
insert into publishing.categories (name, slug, parent_id)
  select 'Biology', 'science-biology-test', id from publishing.categories where slug = 'science-test';
insert into publishing.tags (name, slug) values ('fish', 'fish-test');

create function pg_temp.article(
  name text, title text, excerpt text, content text, status text default 'published',
  published_at timestamptz default now() - interval '1 day', deleted boolean default false,
  category text default null
) returns void language sql as $$
  select tests.remember(name, tests.make_article('sam', title, status, published_at, deleted));
  update publishing.articles a
     set excerpt = article.excerpt, content = article.content,
         category_id = (select c.id from publishing.categories c where c.slug = article.category)
   where a.id = tests.id(name);
$$;

select pg_temp.article('title', 'Zebrafish genetics', 'A short note.', 'Nothing else to add.',
                       published_at => now() - interval '10 days', category => 'science-biology-test');
select pg_temp.article('excerpt', 'Lab notes', 'Our zebrafish tanks.', 'Water quality matters.',
                       published_at => now() - interval '20 days');
select pg_temp.article('content', 'Weekend trip', 'Travel.', 'We saw a zebrafish at the aquarium, and an axolotl.',
                       published_at => now() - interval '30 days', category => 'life-test');
select pg_temp.article('phrase', 'Rapid growth of coral', null, 'Reefs show rapid growth in warm water.');
select pg_temp.article('apart', 'Coral notes', null, 'The growth of a coral is never rapid.');
select pg_temp.article('axolotl', 'Axolotl care', null, 'Axolotls regrow their limbs.');
select pg_temp.article('draft', 'Zebrafish secret draft', null, 'Zebrafish under wraps.', 'draft');
select pg_temp.article('review', 'Zebrafish under review', null, 'Zebrafish waiting.', 'in_review');
select pg_temp.article('future', 'Zebrafish future story', null, 'Zebrafish tomorrow.', 'published', now() + interval '1 day');
select pg_temp.article('deleted', 'Zebrafish deleted story', null, 'Zebrafish gone.', 'published', now() - interval '1 day', true);
select pg_temp.article('archived', 'Zebrafish archive', null, 'Zebrafish of old.', 'archived');
insert into publishing.article_authors values (tests.id('content'), tests.user_id('cora'));
insert into publishing.article_tags
  select a, (select id from publishing.tags where slug = 'fish-test')
    from unnest(array[tests.id('title'), tests.id('content'), tests.id('draft')]) a;

-- Structure
select has_function('publishing', 'search_articles',
  array['text', 'bigint', 'text', 'uuid', 'timestamp with time zone', 'timestamp with time zone', 'integer', 'integer'],
  'POST /rpc/search_articles exists with its documented parameters');
select is((select prosecdef from pg_proc where proname = 'search_articles'
             and pronamespace = 'publishing'::regnamespace), false,
  'search_articles runs as its caller, so row-level security applies to what it returns');
select ok((select prosecdef and proconfig @> array['search_path=""'] from pg_proc
            where proname = 'search_hits' and pronamespace = 'publishing_private'::regnamespace),
  'the index-using helper is SECURITY DEFINER with an empty search_path');
select has_index('publishing', 'articles', 'articles_search_rum_idx',
  'a RUM index ranks search hits inside the index');
select has_index('publishing', 'articles', 'articles_search_title_rum_idx',
  'a RUM index on the words of titles yields the first candidates');
select has_table('publishing_private', 'search_words', 'a private list of title words serves corrections');

-- Ranking and syntax, as an anonymous reader
select tests.act_as_anon();
select is(pg_temp.found('zebrafish'), array[tests.id('title'), tests.id('excerpt'), tests.id('content')],
  'a title hit ranks before an excerpt hit, which ranks before a content hit; nothing invisible comes back');
select ok((select bool_and(match = 'fulltext' and suggested_q is null) from publishing.search_articles('zebrafish')),
  'full-text hits are marked fulltext, with no suggested query');
select ok((select bool_and(rank > 0) and array_agg(rank order by ord) = array_agg(rank order by rank desc)
             from publishing.search_articles('zebrafish') with ordinality s (id, slug, title, excerpt,
                  published_at, reading_minutes, author, category, tags, rank, title_highlight, snippet,
                  match, suggested_q, ord)),
  'ranks are positive and never increase down the list');
select is(pg_temp.found('"rapid growth"'), array[tests.id('phrase')],
  'a quoted phrase matches the words only when they are adjacent');
select set_eq($$ select unnest(pg_temp.found('rapid growth')) $$, array[tests.id('phrase'), tests.id('apart')],
  'the same words unquoted match both articles');
select set_eq($$ select unnest(pg_temp.found('axolotl or coral')) $$,
  array[tests.id('content'), tests.id('phrase'), tests.id('apart'), tests.id('axolotl')],
  '"or" matches either word');
select is(pg_temp.found('zebrafish -aquarium'), array[tests.id('title'), tests.id('excerpt')],
  'a -word excludes the articles that contain it');
select is(pg_temp.found('axolotls'), array[tests.id('axolotl'), tests.id('content')],
  'words are stemmed: axolotls finds axolotl');

-- Paging, snippets, highlights
select is(pg_temp.found('zebrafish', 1, 1), array[tests.id('excerpt')], 'lim and skip page through the ranked hits');
select matches((select snippet from publishing.search_articles('aquarium')),
  '<mark>aquarium</mark>', 'the snippet highlights the matching words');
select is((select title_highlight from publishing.search_articles('genetics')),
  'Zebrafish <mark>genetics</mark>', 'the title comes back highlighted too');
select is((select author ->> 'username' || '/' || (category ->> 'slug') || '/' || tags::text
             from publishing.search_articles('genetics')),
  'sam/science-biology-test/["fish-test"]', 'each hit carries its author, category and tags');

-- Filters
select is((select array_agg(id order by rank desc)
             from publishing.search_articles('zebrafish', category_id => (select id from publishing.categories where slug = 'science-test'))),
  array[tests.id('title')], 'a category filter includes its subcategories');
select is((select array_agg(id order by rank desc) from publishing.search_articles('zebrafish', tag => 'fish-test')),
  array[tests.id('title'), tests.id('content')], 'the tag filter keeps the tagged articles (never the tagged draft)');
select is((select array_agg(id) from publishing.search_articles('zebrafish', author_id => tests.user_id('cora'))),
  array[tests.id('content')], 'the author filter counts co-authors');
select is((select array_agg(id order by rank desc)
             from publishing.search_articles('zebrafish', published_from => now() - interval '25 days')),
  array[tests.id('title'), tests.id('excerpt')], 'published_from keeps what was published since');
select is((select array_agg(id order by rank desc)
             from publishing.search_articles('zebrafish', published_to => now() - interval '15 days')),
  array[tests.id('excerpt'), tests.id('content')], 'published_to keeps what was published until then');
select is_empty($$ select * from publishing.search_articles('zebrafish', tag => 'no-such-tag') $$,
  'an unknown tag matches nothing');

-- The typo-tolerant fallback
select is((select array_agg(id || ':' || match || ':' || suggested_q) from publishing.search_articles('zebrafsh')),
  array[tests.id('title') || ':suggestion:zebrafish', tests.id('excerpt') || ':suggestion:zebrafish',
        tests.id('content') || ':suggestion:zebrafish'],
  'a misspelt word finds nothing, so the query corrected against title words comes back as suggestions');
select is((select array_agg(id || ':' || suggested_q) from publishing.search_articles('zebrafsh genetcs')),
  array[tests.id('title') || ':zebrafish genetics'], 'every misspelt word of the query is corrected');
select is((select title_highlight from publishing.search_articles('genetcs')),
  'Zebrafish <mark>genetics</mark>', 'suggestions highlight the corrected words');
select is_empty($$ select * from publishing.search_articles('zebrafsh', skip => 20) $$,
  'past the first page there are no suggestions');
select is_empty($$ select * from publishing.search_articles('secrte') $$,
  'a correction towards a word only an invisible article has finds nothing');

-- Invisible articles are never searchable
select is_empty($$ select * from publishing.search_articles('secret or review or future or deleted or archive') $$,
  'anonymous readers never find drafts, articles in review, scheduled, deleted or archived ones');
select tests.act_as('rita');
select is(pg_temp.found('zebrafish'), array[tests.id('title'), tests.id('excerpt'), tests.id('content')],
  'a signed-in reader finds the same visible articles');
select is_empty($$ select * from publishing.search_articles('secret or review or future or deleted or archive') $$,
  'nor do signed-in readers find invisible articles');
select tests.act_as('sam');
select is_empty($$ select * from publishing.search_articles('secret or review or future or deleted or archive') $$,
  'search covers visible articles only, even for the author of the drafts');
select is(pg_temp.found('zebrafish'), array[tests.id('title'), tests.id('excerpt'), tests.id('content')],
  'the author finds their visible articles in the same order');

-- Bad input: 422 publishing.invalid_search naming the field
select tests.act_as_anon();
select throws_ok($$ select * from publishing.search_articles('') $$, 'PGRST', null,
  'an empty query is refused with a PostgREST error');
select throws_like($$ select * from publishing.search_articles('  ') $$,
  '%publishing.invalid_search%q must not be empty%', 'a blank query is refused naming q');
select throws_like($$ select * from publishing.search_articles(null) $$,
  '%publishing.invalid_search%q must not be empty%', 'a missing query is refused naming q');
select throws_like($$ select * from publishing.search_articles(repeat('a', 201)) $$,
  '%publishing.invalid_search%q must be at most 200%', 'an overlong query is refused');
select throws_like($$ select * from publishing.search_articles('zebrafish', lim => 0) $$,
  '%publishing.invalid_search%lim must be between 1 and 100%', 'lim 0 is refused naming lim');
select throws_like($$ select * from publishing.search_articles('zebrafish', lim => 101) $$,
  '%publishing.invalid_search%lim must be between 1 and 100%', 'lim above 100 is refused');
select throws_like($$ select * from publishing.search_articles('zebrafish', skip => -1) $$,
  '%publishing.invalid_search%skip must be between 0 and 1000%', 'a negative skip is refused naming skip');
select throws_like($$ select * from publishing.search_articles('zebrafish', published_from => now(), published_to => now() - interval '1 day') $$,
  '%publishing.invalid_search%published_from must not be after published_to%', 'an empty date range is refused');
select throws_like($$ select * from publishing.search_articles('the and of') $$,
  '%publishing.invalid_search%q has no words to search for%', 'a query of stop words only is refused');
select throws_like($$ select * from publishing.search_articles('-aquarium') $$,
  '%publishing.invalid_search%q has no words to search for%', 'a query that only excludes words is refused');

select * from finish();
rollback;
