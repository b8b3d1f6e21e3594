-- The copies of an article's visibility on its comments and tags (article_visible_from):
-- one definition, kept in step through every change of the article, invisible as a change.
begin;
select plan(26);

select tests.create_user('vera', '{author}');
select tests.create_user('vic');
select tests.create_user('vlad', '{editor}');
select tests.create_user('val');
select tests.create_user('vince');

-- The one definition agrees with publishing.is_visible for every state an article can be in.
select is(
  (select count(*)::int
     from unnest(array['draft', 'in_review', 'published', 'archived']) status,
          unnest(array[null, now() - interval '1 day', now() + interval '1 day']::timestamptz[]) published_at,
          unnest(array[null, now()]::timestamptz[]) deleted_at,
          lateral (select jsonb_populate_record(null::publishing.articles,
                     jsonb_build_object('status', status, 'published_at', published_at, 'deleted_at', deleted_at)) a) r
    where coalesce(publishing_private.visible_from(r.a) <= now(), false)
          is distinct from coalesce(publishing.is_visible(r.a), false)),
  0, 'visible_from(article) <= now() is publishing.is_visible(article), in all 24 states');

select tests.remember('article', tests.make_article('vera', 'Visibility copied'));
select tests.remember('draft', tests.make_article('vera', 'Visibility draft', 'draft'));
with c as (insert into publishing.comments (article_id, body, status, author_id)
           values (tests.id('article'), 'On a live article', 'approved', tests.user_id('vic')) returning id)
select tests.remember('comment', id) from c;
with c as (insert into publishing.comments (article_id, body, status, author_id)
           values (tests.id('draft'), 'On a draft', 'approved', tests.user_id('vic')) returning id)
select tests.remember('draft_comment', id) from c;
insert into publishing.tags (id, name, slug) values (9201, 'Copied', 'copied');
insert into publishing.article_tags (article_id, tag_id) values (tests.id('article'), 9201), (tests.id('draft'), 9201);
create function pg_temp.tagged() returns text[] language sql as $$
  select coalesce(array_agg(i.name order by i.name), '{}')
    from publishing.article_tags t join tests.named_ids i on i.id = t.article_id and i.name in ('article', 'draft')
   where t.tag_id = 9201 $$;
grant execute on function pg_temp.tagged() to public;

select is((select article_visible_from from publishing.comments where id = tests.id('comment')),
          (select published_at from publishing.articles where id = tests.id('article')),
  'a new comment copies its published article''s publish time');
select is((select article_visible_from from publishing.comments where id = tests.id('draft_comment')), null,
  'a comment on a draft copies nothing: the draft is not visible');
select is((select array_agg(article_visible_from is not null order by article_id) from publishing.article_tags where tag_id = 9201),
  array[true, false], 'tags copy it too: the published article''s, not the draft''s');

-- A past edit time, so that a bump by the guard trigger (now()) would show.
alter table publishing.comments disable trigger comments_guard;
update publishing.comments set updated_at = '2001-01-01' where id = tests.id('comment');
alter table publishing.comments enable trigger comments_guard;
select events.sequence_pending();
create temporary table before_sync as
  select (select updated_at from publishing.comments where id = tests.id('comment')) as updated_at,
         (select count(*) from audit.log where table_name in ('comments', 'article_tags') and operation = 'UPDATE') as audited,
         (select count(*) from events.outbox where type like 'comment.%') as events;

select tests.act_as_anon();
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 1,
  'anonymous readers see the approved comment of a visible article');
select is(pg_temp.tagged(), array['article'], 'and the tags of the visible article, not of the draft');

select tests.act_as('vlad');
select publishing.archive_article(tests.id('article'));
select tests.act_as_owner();
select is((select article_visible_from from publishing.comments where id = tests.id('comment')), null,
  'archiving the article clears the copy on its comments');
select tests.act_as_anon();
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 0,
  'so anonymous readers no longer see the comment');
select is(pg_temp.tagged(), '{}'::text[], 'nor the archived article''s tags');
select tests.act_as('vera');
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 1,
  'the article''s author, who still reads the archived article, still sees its approved comment');
select is(pg_temp.tagged(), array['article', 'draft'], 'and the tags of both their articles');
select tests.act_as('vlad');
select is((select count(*)::int from publishing.comments where id in (tests.id('comment'), tests.id('draft_comment'))), 2,
  'editors, who read every article, see the approved comments of unpublished ones');
insert into publishing.article_authors (article_id, user_id) values (tests.id('draft'), tests.user_id('val'));
select tests.act_as('val');
select is((select count(*)::int from publishing.comments where id = tests.id('draft_comment')), 1,
  'a co-author sees the approved comments of the draft they co-write');
select is(pg_temp.tagged(), array['draft'], 'and its tags, not those of the archived article they do not write');
select tests.act_as('vince');
select is((select count(*)::int from publishing.comments where id in (tests.id('comment'), tests.id('draft_comment'))), 0,
  'another signed-in user sees neither');
select is(pg_temp.tagged(), '{}'::text[], 'nor their tags');

select tests.act_as_owner();
update publishing.articles set status = 'published' where id = tests.id('article');
select tests.act_as_anon();
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 1,
  'publishing it again makes the comment public again');
select is(pg_temp.tagged(), array['article'], 'and its tags');

select tests.act_as_owner();
update publishing.articles set published_at = now() + interval '1 hour' where id = tests.id('article');
select tests.act_as_anon();
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 0,
  'moving the publish time into the future hides the comment until then');

select tests.act_as_owner();
update publishing.articles set published_at = now() - interval '1 hour', deleted_at = now() where id = tests.id('article');
select tests.act_as_anon();
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 0,
  'soft-deleting the article hides its comments');
select tests.act_as('vic');
select is((select count(*)::int from publishing.comments where id = tests.id('comment')), 1,
  'except from their own author, as before');

select tests.act_as_owner();
select is((select updated_at from publishing.comments where id = tests.id('comment')),
          (select updated_at from before_sync),
  'keeping the copy in step is not an edit of the comment: updated_at is unchanged');
select is((select count(*) from audit.log where table_name in ('comments', 'article_tags') and operation = 'UPDATE'),
          (select audited from before_sync),
  'nor an audited change of a comment or tag (the article''s own changes are)');
select events.sequence_pending();
select is((select count(*) from events.outbox where type like 'comment.%'),
          (select events from before_sync),
  'nor a comment event');

select tests.act_as('vic');
select throws_ok(format('update publishing.comments set article_visible_from = now() where id = %s', tests.id('draft_comment')),
  '42501', null, 'a commenter cannot write the copy (no column privilege)');
select throws_ok(format('insert into publishing.comments (article_id, body, article_visible_from) values (%s, %L, now())',
                        tests.id('draft'), 'sneaky'),
  '42501', null, 'nor set it on a new comment');

select * from finish();
rollback;
