-- Realtime never shows a reader what they may no longer see (issue 19, finding 1):
-- withdrawal notices when a row leaves readers' sight, replays re-checked against each
-- row's current audience; and the one claims-to-principal rule PostgREST's pre-request
-- hook and the gateway share (finding 6).
begin;
select plan(21);

create temporary table people (name text primary key, id uuid, keys text[]);
grant all on people to public;
insert into people (name, id) values ('author', tests.create_user('wanda', '{author}')),
                                     ('editor', tests.create_user('eddie', '{editor}')),
                                     ('reader', tests.create_user('rhea')),
                                     ('moderator', tests.create_user('moira', '{moderator}'));
create function pg_temp.p(who text) returns uuid language sql as $$ select id from people where name = who $$;
grant execute on function pg_temp.p(text) to public;
-- Each person's delivery keys, as the gateway asks them (as that person).
create function pg_temp.take_keys(who text) returns void language sql as $$
  update people set keys = events.principal_keys(auth.claims()) where name = who $$;
grant execute on function pg_temp.take_keys(text) to public;
select tests.act_as(pg_temp.p('author')), pg_temp.take_keys('author');
select tests.act_as(pg_temp.p('editor')), pg_temp.take_keys('editor');
select tests.act_as(pg_temp.p('reader')), pg_temp.take_keys('reader');
select tests.act_as(pg_temp.p('moderator')), pg_temp.take_keys('moderator');
select tests.act_as_anon();
insert into people (name, keys) values ('anonymous', events.principal_keys(auth.claims()));
select tests.act_as_owner();

-- What a person resuming `topic` from 0 is sent, as the gateway's platform_jobs asks it.
create function pg_temp.replayed(who text, topic text) returns text[] language plpgsql as $$
declare
  types text[];
begin
  perform events.sequence_pending();
  perform set_config('role', 'platform_jobs', true);
  select coalesce(array_agg(r.message::jsonb ->> 'type' order by r.seq), '{}') into types
    from events.replay(0, 1000, topic, 9223372036854775807, (select keys from people where name = who)) r;
  perform set_config('role', 'none', true);
  return types;
end $$;
grant execute on function pg_temp.replayed(text, text) to public;

create temporary table ids (name text primary key, id bigint);
grant all on ids to public;
insert into ids values ('gone', tests.make_article(pg_temp.p('author'), 'Soon withdrawn')),
                       ('kept', tests.make_article(pg_temp.p('author'), 'Stays up')),
                       ('draft', tests.make_article(pg_temp.p('author'), 'Never out', 'draft'));
create function pg_temp.a(name text) returns bigint language sql as $$ select id from ids where ids.name = a.name $$;
grant execute on function pg_temp.a(text) to public;

select is(pg_temp.replayed('anonymous', 'publishing:article:' || pg_temp.a('gone')), array['article.created'],
  'while published, anonymous readers resuming are sent the article');

-- Archive it, and touch the other one.
update publishing.articles set status = 'archived' where id = pg_temp.a('gone');
update publishing.articles set title = 'Stays up, retitled' where id = pg_temp.a('kept');

select tests.act_as_anon();
select is((select count(*)::int from publishing.articles where id = pg_temp.a('gone')), 0,
  'anonymous readers can no longer read the archived article');
select tests.act_as_owner();

select events.sequence_pending();
select is((select array_agg(type order by id) from events.outbox where topic = 'publishing:articles'
            and (payload -> 'record' ->> 'id')::bigint = pg_temp.a('gone')),
  array['article.created', 'article.archived', 'article.withdrawn'],
  'archiving writes the archive event, then a withdrawal notice');
select is((select payload from events.outbox where type = 'article.withdrawn' and topic = 'publishing:articles'),
  jsonb_build_object('table', 'publishing.articles', 'op', 'withdraw', 'record', jsonb_build_object('id', pg_temp.a('gone'))),
  'the notice carries the id and nothing else: no title, no content, no actor');
select is((select audience from events.outbox where type = 'article.withdrawn' and topic = 'publishing:articles'),
  '{"public": true}'::jsonb, 'and is addressed to everyone who could read the article');
select is((select count(*)::int from events.outbox where type = 'article.withdrawn'
            and (payload -> 'record' ->> 'id')::bigint = pg_temp.a('gone')), 4,
  'one notice on each of the article''s four topics (list, article, review queue, author)');
select is((select count(*)::int from events.outbox where type = 'article.withdrawn'
            and (payload -> 'record' ->> 'id')::bigint = pg_temp.a('kept')), 0,
  'an edit that keeps an article public withdraws nothing');

-- Replays, re-checked against who may see the article now.
select is(pg_temp.replayed('anonymous', 'publishing:articles'),
  array['article.created', 'article.withdrawn', 'article.updated'],
  'an anonymous replay from 0 skips the archived article''s content and gets its withdrawal (the other article stays)');
select is((select array_agg((r.message::jsonb -> 'data' -> 'record' ->> 'id')::bigint order by r.seq)
             from events.replay(0, 2, 'publishing:articles', 9223372036854775807,
                                (select keys from people where name = 'anonymous')) r),
  array[pg_temp.a('kept'), pg_temp.a('gone')],
  'a batch of 2 counts only what is sent: the filtered event before them does not cut the replay short');
select is(pg_temp.replayed('reader', 'publishing:article:' || pg_temp.a('gone')), array['article.withdrawn'],
  'a signed-in reader resuming the article is told only that it was withdrawn');
select is(pg_temp.replayed('author', 'publishing:article:' || pg_temp.a('gone')),
  array['article.created', 'article.archived', 'article.withdrawn'],
  'its author, who may still read it, is sent its whole history');
select is(pg_temp.replayed('editor', 'publishing:review'),
  array['article.created', 'article.created', 'article.created', 'article.archived', 'article.withdrawn', 'article.updated'],
  'editors still see every article on the review queue');

-- A draft deleted outright: only those who could read it are told, and only its id.
delete from publishing.articles where id = pg_temp.a('draft');
select events.sequence_pending();
select is((select audience from events.outbox where type = 'article.withdrawn'
            and topic = 'publishing:article:' || pg_temp.a('draft')),
  jsonb_build_object('users', jsonb_build_array(pg_temp.p('author')), 'privileges', jsonb_build_array('editor')),
  'deleting a draft withdraws it from its authors and editors, not from the public');
select is(pg_temp.replayed('author', 'publishing:article:' || pg_temp.a('draft')), array['article.withdrawn'],
  'a replay of a deleted draft sends its author the withdrawal, none of its content');

-- Comments: approved, then removed by a moderator.
insert into publishing.comments (article_id, author_id, body, status)
values (pg_temp.a('kept'), pg_temp.p('reader'), 'A remark later removed', 'approved');
update publishing.comments set status = 'removed' where body = 'A remark later removed';
select is(pg_temp.replayed('anonymous', 'publishing:article:' || pg_temp.a('kept')),
  array['article.created', 'article.updated', 'comment.withdrawn'],
  'a removed comment is not replayed to the public; they are told it was withdrawn');
select is(pg_temp.replayed('moderator', 'publishing:article:' || pg_temp.a('kept')),
  array['article.created', 'article.updated', 'comment.created', 'comment.moderated', 'comment.withdrawn'],
  'moderators, who may still read it, are sent the comment''s history');

-- The claims-to-principal rule (PostgREST's pre-request hook and the gateway).
select is(array[auth.claims_principal('{}'), auth.claims_principal('{"role": "anon"}'),
                auth.claims_principal('{"role": "authenticated", "sub": "u1"}'),
                auth.claims_principal('{"sub": "u1", "sid": "s1"}'),
                auth.claims_principal('{"role": "anon", "sub": "u1", "sid": "s1"}')],
  array['anonymous', 'anonymous', 'user', 'invalid', 'invalid'],
  'a token is anonymous, a user''s, or invalid: a sub under role anon or no role is not half signed in');
select is(events.principal_keys(jsonb_build_object('role', 'anon', 'sub', pg_temp.p('reader'))), array['public'],
  'the gateway gives a sub under role anon no user keys');
create function pg_temp.check_as_anon_with(claims jsonb) returns void language plpgsql as $$
begin
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('role', 'anon', true);
  perform auth.check_request();
end $$;
grant execute on function pg_temp.check_as_anon_with(jsonb) to public;
select throws_like(format('select pg_temp.check_as_anon_with(%L)',
    tests.claims_for(pg_temp.p('reader')) - 'role' || '{"role": "anon"}'),
  '%auth.token_incomplete%', 'PostgREST''s pre-request hook refuses a live session''s token under role anon');
select tests.act_as_owner();
select throws_like(format('select pg_temp.check_as_anon_with(%L)', tests.claims_for(pg_temp.p('reader')) - 'role'),
  '%auth.token_incomplete%', 'and one without a role');
select tests.act_as_owner();
select lives_ok($$ select pg_temp.check_as_anon_with('{"role": "anon"}') $$,
  'a token naming only the anon role stays anonymous');
select tests.act_as_owner();

select * from finish();
rollback;
