-- Analytics: refreshed concurrently, visible to editors (and authors for their own articles).
begin;
select plan(7);

select tests.create_user('amy', '{author}');
select tests.create_user('ezra', '{editor}');
select tests.create_user('ruth');
select tests.remember('hit', tests.make_article('amy', 'A hit'));
select tests.remember('miss', tests.make_article('amy', 'A miss'));

select tests.act_as_anon();
select publishing.record_view(tests.id('hit')) from generate_series(1, 3);
select publishing.record_view(tests.id('miss'));
select tests.act_as('ruth');
insert into publishing.article_likes (article_id) values (tests.id('hit'));
select tests.act_as_owner();
select lives_ok('select publishing_private.refresh_analytics()', 'the analytics refresh runs');
select results_eq(
  $$ select (c.relname::text || ' ' || l.mode) collate "default" from pg_locks l join pg_class c on c.oid = l.relation
      where l.pid = pg_backend_pid() and c.relname in ('article_stats', 'daily_stats')
        and l.mode in ('ExclusiveLock', 'AccessExclusiveLock') order by 1 $$,
  array['article_stats ExclusiveLock', 'daily_stats ExclusiveLock'],
  'it refreshes concurrently: an exclusive lock that lets readers read, never an access exclusive one');

select tests.act_as('ezra');
select results_eq($$ select title, views, likes from publishing.top_articles() $$,
  $$ values ('A hit', 3::bigint, 1::bigint), ('A miss', 1::bigint, 0::bigint) $$,
  'editors see the top articles by views');
select ok((select views >= 4 and likes >= 1 from publishing.daily_totals() where day = (now() at time zone 'UTC')::date),
  'editors see daily totals');
select tests.act_as('amy');
select is((select views from publishing.article_stats(tests.id('hit'))), 3::bigint,
  'an author sees their own article''s figures');
select throws_like('select * from publishing.top_articles()', '%publishing.editors_only%',
  'an author cannot see the editors'' top list');
select tests.act_as('ruth');
select throws_like(format('select * from publishing.article_stats(%s)', tests.id('hit')),
  '%publishing.forbidden%', 'a reader cannot see an article''s figures');

select * from finish();
rollback;
