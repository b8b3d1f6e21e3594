-- Publishing change events: types and audiences computed next to the policies; audit trail.
begin;
select plan(9);

create temporary table people (name text primary key, id uuid);
grant all on people to public;
insert into people values ('author', tests.create_user('ann', '{author}')),
                          ('editor', tests.create_user('eve', '{editor}')),
                          ('reader', tests.create_user('rob'));
create function pg_temp.p(who text) returns uuid language sql as $$ select id from people where name = who $$;
grant execute on function pg_temp.p(text) to public;
create temporary table ids (name text primary key, id bigint);
grant all on ids to public;

select tests.act_as(pg_temp.p('author'));
with a as (insert into publishing.articles (title, content) values ('Evented', 'words') returning id)
insert into ids select 'article', id from a;
select tests.act_as_owner();

select results_eq($$ select topic from events.outbox order by id $$,
  array['publishing:articles', 'publishing:article:' || (select id from ids), 'publishing:review',
        'user:' || pg_temp.p('author')],
  'a new article is announced on the list, its own topic, the review queue and its author''s topic');
select is((select type from events.outbox order by id limit 1), 'article.created', 'as article.created');
select is((select audience from events.outbox order by id limit 1),
  jsonb_build_object('users', jsonb_build_array(pg_temp.p('author')), 'privileges', jsonb_build_array('editor')),
  'a draft''s events go to its authors and editors only');

select tests.act_as(pg_temp.p('editor'));
select publishing.publish_article((select id from ids));
select tests.act_as_owner();
select is((select audience from events.outbox where type = 'article.published' limit 1), '{"public": true}'::jsonb,
  'a published article''s events go to everyone');

delete from events.outbox;
select tests.act_as(pg_temp.p('reader'));
insert into publishing.article_likes (article_id) select id from ids;
select tests.act_as_owner();
select is((select count(*)::int from events.outbox), 0, 'a like (a counter change) is not an article event');
select tests.act_as(pg_temp.p('reader'));
insert into publishing.comments (article_id, body) select id, 'Nice' from ids;
select tests.act_as_owner();
select is((select type || ' ' || (audience -> 'privileges' ->> 0) from events.outbox where topic like 'publishing:%'),
  'comment.created moderator',
  'a new (pending) comment is announced to its author and moderators only');

select is((select payload -> 'record' ? 'search' from events.outbox limit 1), false, 'no search vector in payloads');
select ok(exists (select from audit.log where table_name = 'articles' and operation = 'UPDATE'
                   and actor_id = pg_temp.p('editor') and 'status' = any (changed_columns)),
  'publishing is audited with the acting user and the changed columns');
select ok((select bool_and(not (new_record ? 'search')) from audit.log where table_name = 'articles'),
  'the search vector is kept out of the audit log');

select * from finish();
rollback;
