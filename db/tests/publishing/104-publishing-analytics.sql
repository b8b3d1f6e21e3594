-- Analytics: refreshed concurrently, visible to editors (and authors for their own articles).
begin;
select plan(7);

create temporary table people (name text primary key, id uuid);
grant all on people to public;
insert into people values ('author', tests.create_user('amy', '{author}')),
                          ('editor', tests.create_user('ezra', '{editor}')),
                          ('reader', tests.create_user('ruth'));
create function pg_temp.p(who text) returns uuid language sql as $$ select id from people where name = who $$;
grant execute on function pg_temp.p(text) to public;
create temporary table ids (name text primary key, id bigint);
grant all on ids to public;
insert into ids values ('hit', tests.make_article(pg_temp.p('author'), 'A hit')),
                       ('miss', tests.make_article(pg_temp.p('author'), 'A miss'));

select tests.act_as_anon();
select publishing.record_view((select id from ids where name = 'hit')) from generate_series(1, 3);
select publishing.record_view((select id from ids where name = 'miss'));
select tests.act_as(pg_temp.p('reader'));
insert into publishing.article_likes (article_id) select id from ids where name = 'hit';
select tests.act_as_owner();
select lives_ok('select publishing_private.refresh_analytics()', 'the analytics refresh runs');
select results_eq(
  $$ select (c.relname::text || ' ' || l.mode) collate "default" from pg_locks l join pg_class c on c.oid = l.relation
      where l.pid = pg_backend_pid() and c.relname in ('article_stats', 'daily_stats')
        and l.mode in ('ExclusiveLock', 'AccessExclusiveLock') order by 1 $$,
  array['article_stats ExclusiveLock', 'daily_stats ExclusiveLock'],
  'it refreshes concurrently: an exclusive lock that lets readers read, never an access exclusive one');

select tests.act_as(pg_temp.p('editor'));
select results_eq($$ select title, views, likes from publishing.top_articles() $$,
  $$ values ('A hit', 3::bigint, 1::bigint), ('A miss', 1::bigint, 0::bigint) $$,
  'editors see the top articles by views');
select ok((select views >= 4 and likes >= 1 from publishing.daily_totals() where day = (now() at time zone 'UTC')::date),
  'editors see daily totals');
select tests.act_as(pg_temp.p('author'));
select is((select views from publishing.article_stats((select id from ids where name = 'hit'))), 3::bigint,
  'an author sees their own article''s figures');
select throws_like('select * from publishing.top_articles()', '%publishing.editors_only%',
  'an author cannot see the editors'' top list');
select tests.act_as(pg_temp.p('reader'));
select throws_like(format('select * from publishing.article_stats(%s)', (select id from ids where name = 'hit')),
  '%publishing.forbidden%', 'a reader cannot see an article''s figures');

select * from finish();
rollback;
