-- Every remaining publishing table, crossed by someone who should not get through.
begin;
select plan(9);

create temporary table people (name text primary key, id uuid);
grant all on people to public;
insert into people values ('author', tests.create_user('abe', '{author}')),
                          ('intruder', tests.create_user('ivan', '{author}')),
                          ('reader', tests.create_user('rita2'));
create function pg_temp.p(who text) returns uuid language sql as $$ select id from people where name = who $$;
grant execute on function pg_temp.p(text) to public;
create temporary table ids (name text primary key, id bigint);
grant all on ids to public;
insert into ids values ('draft', tests.make_article(pg_temp.p('author'), 'Private draft', 'draft')),
                       ('live', tests.make_article(pg_temp.p('author'), 'Public piece'));
insert into publishing.tags (id, name, slug) values (9001, 'Crossing', 'crossing');
update publishing.articles set title = 'Private draft, edited' where id = (select id from ids where name = 'draft');
insert into publishing.article_likes (article_id, user_id) select id, pg_temp.p('reader') from ids where name = 'live';
insert into publishing.article_authors (article_id, user_id) select id, pg_temp.p('reader') from ids where name = 'draft';

select tests.act_as(pg_temp.p('intruder'));
select throws_ok($$ insert into publishing.article_authors (article_id, user_id)
                    select id, (select id from people where name = 'intruder') from ids where name = 'draft' $$,
  '42501', null, 'nobody makes themselves co-author of someone else''s article');
select throws_ok($$ insert into publishing.article_tags (article_id, tag_id) select id, 9001 from ids where name = 'live' $$,
  '42501', null, 'nobody tags someone else''s article');
select is((select count(*)::int from publishing.article_revisions), 0, 'nobody reads the revisions of someone else''s article');
select is((select count(*)::int from publishing.article_likes), 0, 'nobody sees who else liked what');
select is(tests.rows_affected($$ delete from publishing.article_likes $$), 0, 'nor removes someone else''s like');
select throws_ok($$ insert into publishing.article_likes (article_id, user_id)
                    select id, (select id from people where name = 'reader') from ids where name = 'live' $$,
  '42501', null, 'nor likes in someone else''s name');
select tests.act_as_anon();
select throws_ok('select * from publishing.article_revisions', '42501', null, 'anonymous callers cannot read revisions');
select throws_ok('select * from publishing.article_likes', '42501', null, 'anonymous callers cannot read likes');
select is((select count(*)::int from publishing.article_authors), 0,
  'co-authorships of unpublished articles stay hidden from anonymous readers');

select * from finish();
rollback;
