-- The article page view (publishing.article_pages): one row per article the caller may
-- read, with the comments, tags, author and category the caller may read, and no
-- search vector.
begin;
select plan(11);

select tests.create_user('paula', '{author}');
select tests.create_user('pete');
select tests.create_user('mona', '{moderator}');
insert into publishing.categories (id, name, slug) values (9301, 'Pages', 'pages');
insert into publishing.tags (id, name, slug) values (9302, 'Zeta', 'zeta'), (9303, 'Alpha', 'alpha');
select tests.remember('live', tests.make_article('paula', 'Page live'));
select tests.remember('draft', tests.make_article('paula', 'Page draft', 'draft'));
update publishing.articles set category_id = 9301 where id = tests.id('live');
insert into publishing.article_tags (article_id, tag_id)
values (tests.id('live'), 9302), (tests.id('live'), 9303);
with c as (insert into publishing.comments (article_id, body, status, author_id, created_at)
           values (tests.id('live'), 'Second approved', 'approved', tests.user_id('pete'), now() - interval '1 hour')
           returning id)
select tests.remember('second', id) from c;
with c as (insert into publishing.comments (article_id, body, status, author_id, created_at)
           values (tests.id('live'), 'First approved', 'approved', tests.user_id('pete'), now() - interval '2 hours')
           returning id)
select tests.remember('first', id) from c;
with c as (insert into publishing.comments (article_id, body, status, author_id)
           values (tests.id('live'), 'Pending', 'pending', tests.user_id('pete')) returning id)
select tests.remember('pending', id) from c;
with c as (insert into publishing.comments (article_id, body, status, author_id, deleted_at)
           values (tests.id('live'), 'Deleted', 'approved', tests.user_id('pete'), now()) returning id)
select tests.remember('deleted', id) from c;

create function pg_temp.page_comments(article bigint) returns text[] language sql as $$
  select coalesce(array_agg(i.name order by e.n), '{}')
    from publishing.article_pages p,
         json_array_elements(p.comments) with ordinality e (c, n)
    join tests.named_ids i on i.id = (e.c ->> 'id')::bigint
                          and i.name in ('first', 'second', 'pending', 'deleted')
   where p.id = article $$;
create function pg_temp.pages() returns text[] language sql as $$
  select coalesce(array_agg(i.name order by i.name), '{}')
    from publishing.article_pages p join tests.named_ids i on i.id = p.id
   where i.name in ('live', 'draft') $$;
grant execute on function pg_temp.page_comments(bigint), pg_temp.pages() to public;

select tests.act_as_anon();
select is(pg_temp.pages(), array['live'], 'anonymous readers get the page of the published article only');
select is(pg_temp.page_comments(tests.id('live')), array['first', 'second'],
  'with its approved comments, oldest first, and neither the pending nor the deleted one');
select is((select author::jsonb from publishing.article_pages where id = tests.id('live')),
  '{"username": "paula", "display_name": "paula"}'::jsonb,
  'the page carries its author''s username and display name');
select is((select category::jsonb from publishing.article_pages where id = tests.id('live')),
  '{"name": "Pages", "slug": "pages"}'::jsonb, 'and its category''s name and slug');
select is((select tags::jsonb from publishing.article_pages where id = tests.id('live')),
  '[{"name": "Alpha", "slug": "alpha"}, {"name": "Zeta", "slug": "zeta"}]'::jsonb,
  'and its tags by name');
select tests.act_as('pete');
select is(pg_temp.page_comments(tests.id('live')), array['first', 'second', 'pending'],
  'the commenter also sees their own pending comment, as on /comments');
select is(pg_temp.pages(), array['live'], 'and not someone else''s draft');
select tests.act_as('mona');
select is(pg_temp.page_comments(tests.id('live')), array['first', 'second', 'pending'],
  'moderators see the pending comment too; a deleted one stays off the page');
select tests.act_as('paula');
select is(pg_temp.pages(), array['draft', 'live'], 'authors get the pages of their own drafts');
select tests.act_as_owner();
select ok((select reloptions @> array['security_invoker=true'] from pg_class
            where oid = 'publishing.article_pages'::regclass),
  'the view reads as its caller (security_invoker), so every table''s policies apply');
select hasnt_column('publishing', 'article_pages', 'search', 'the page never carries the search vector');

select * from finish();
rollback;
