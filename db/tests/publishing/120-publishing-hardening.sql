-- Publishing hardening: slugs never reveal or trip over hidden drafts, and
-- search suggestions come only from articles readers may see (security
-- findings 3 and 2).
begin;
select plan(15);

create temporary table people (name text primary key, id uuid);
grant all on people to public;
insert into people values
  ('ann', tests.create_user('ann', '{author}')),
  ('ben', tests.create_user('ben', '{author}'));
create function pg_temp.p(who text) returns uuid language sql as $$ select id from people where name = who $$;
grant execute on function pg_temp.p(text) to public;

-- Slugs (finding 3).
select tests.act_as(pg_temp.p('ann'));
insert into publishing.articles (title, content) values ('Secret merger plans', 'Draft.');
select tests.act_as(pg_temp.p('ben'));
select is((select count(*)::integer from publishing.articles where title = 'Secret merger plans'), 0,
  'another author cannot see the draft');
select lives_ok($$ insert into publishing.articles (title, content) values ('Secret merger plans', 'Mine.') $$,
  'another author can title an article like a hidden draft');
select is((select slug from publishing.articles where title = 'Secret merger plans'), 'secret-merger-plans-2',
  'and gets the next free slug');
select lives_ok($$ insert into publishing.articles (title, content) values ('Secret merger plans', 'Again.') $$,
  'a third article of that title is accepted too');
select is((select array_agg(slug order by slug) from publishing.articles where title = 'Secret merger plans'),
  array['secret-merger-plans-2', 'secret-merger-plans-3'], 'and numbered after every taken slug');
select tests.act_as_owner();
select is((select count(*)::integer from publishing.articles where title = 'Secret merger plans'), 3,
  'all three articles exist, each with its own slug');
select ok((select prosecdef from pg_proc where oid = 'publishing_private.next_free_slug(text)'::regprocedure),
  'the slug helper runs as its owner (it must see every slug)');
select is((select proconfig from pg_proc where oid = 'publishing_private.next_free_slug(text)'::regprocedure),
  array['search_path=""'], 'the slug helper pins an empty search_path');

-- Search suggestions (finding 2). A draft's title word, and a published
-- article mentioning that word in its content only.
select tests.make_article(pg_temp.p('ann'), 'Zanzibar cloves', 'draft');
insert into publishing.articles (title, content, status, published_at, author_id)
values ('Spice routes', 'The spice trade of zanzibar and kilimanjaro.', 'published', now() - interval '1 day',
        pg_temp.p('ann'));
select tests.make_article(pg_temp.p('ann'), 'Kilimanjaro at dawn', 'archived');
select tests.make_article(pg_temp.p('ann'), 'Madagascar vanilla', 'published');

select tests.act_as_anon();
select is((select count(*)::integer from publishing.search_articles('zanzibr')), 0,
  'a word found only in a draft''s title is never suggested to anonymous readers');
select is((select count(*)::integer from publishing.search_articles('kilimanjar')), 0,
  'nor a word found only in an archived article''s title');
select is((select array_agg(distinct suggested_q) from publishing.search_articles('madagascr')),
  array['madagascar'], 'a published title''s word is still suggested');
select tests.act_as(pg_temp.p('ann'));
select is((select count(*)::integer from publishing.search_articles('zanzibr')), 0,
  'nor to the draft''s own author (search covers published articles only)');

-- The counts follow publishing, archiving, restoring and deleting.
select tests.act_as_owner();
create temporary table tb (id bigint);
insert into tb select tests.make_article(pg_temp.p('ann'), 'Timbuktu nights', 'published');
update publishing.articles set status = 'archived' where id = (select id from tb);
select is((select articles from publishing_private.search_words where word = 'timbuktu'), 0::bigint,
  'archiving an article withdraws its title words from suggestions');
update publishing.articles set status = 'published' where id = (select id from tb);
select is((select articles from publishing_private.search_words where word = 'timbuktu'), 1::bigint,
  'publishing it again counts them again');
delete from publishing.articles where id = (select id from tb);
select is((select articles from publishing_private.search_words where word = 'timbuktu'), 0::bigint,
  'deleting it withdraws them');

select * from finish();
rollback;
