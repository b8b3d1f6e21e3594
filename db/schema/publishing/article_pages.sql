-- Deploy platform:schema/publishing/article_pages to pg
-- requires: schema/publishing/article_cards
-- requires: schema/publishing/comments
-- requires: rls/publishing/comments
--
-- The article page in one row: the article's columns (never the search
-- vector), its author, category, tags and comments, the JSON built here.
-- Why a view next to /articles?select=*,author:...,comments(...): the same
-- page by embeds sent the 1.7 KB search vector to every reader (select=*
-- renders the tsvector as text: tsvectorout was the largest single cost
-- of the statement), and PostgREST spent about 3 ms of its own CPU per page
-- resolving and rendering four embeds (bench.peers, issue 20). Here
-- PostgreSQL builds the whole document with json_build_object/json_agg
-- (text JSON: nothing downstream reads into it, so jsonb's binary form
-- would be built only to be printed again), and PostgREST passes it on.
-- security_invoker: every caller reads articles, profiles, categories,
-- tags and comments through their own policies, exactly as through the
-- embeds: anon sees approved comments of visible articles, a signed-in
-- user also their own pending ones, moderators all; nothing new to
-- authorize. Filter it by slug or id (both indexed on articles).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create view publishing.article_pages with (security_invoker = true) as
select a.id, a.slug, a.title, a.excerpt, a.content, a.cover_image_url,
       a.reading_minutes, a.status, a.featured, a.publish_at, a.published_at,
       a.author_id, a.category_id, a.view_count, a.like_count, a.comment_count,
       a.version, a.created_at, a.updated_at,
       (select pg_catalog.json_build_object('username', p.username, 'display_name', p.display_name)
          from publishing.profiles p where p.user_id = a.author_id) as author,
       (select pg_catalog.json_build_object('name', c.name, 'slug', c.slug)
          from publishing.categories c where c.id = a.category_id) as category,
       (select coalesce(
                 pg_catalog.json_agg(pg_catalog.json_build_object('name', t.name, 'slug', t.slug)
                                     order by t.name),
                 '[]'::json)
          from publishing.article_tags at
          join publishing.tags t on t.id = at.tag_id
         where at.article_id = a.id) as tags,
       (select coalesce(
                 pg_catalog.json_agg(pg_catalog.json_build_object(
                   'id', m.id, 'parent_id', m.parent_id, 'depth', m.depth,
                   'body', m.body, 'status', m.status, 'created_at', m.created_at)
                   order by m.created_at, m.id),
                 '[]'::json)
          from publishing.comments m
         where m.article_id = a.id and m.deleted_at is null) as comments
  from publishing.articles a;

comment on view publishing.article_pages is
  'The article page: an article''s columns with author {username, display_name}, category {name, slug}, tags [{name, slug}] and the comments the caller may read [{id, parent_id, depth, body, status, created_at}], oldest first; the policies of every table apply. Filter by slug or id.';

grant select on publishing.article_pages to anon, authenticated;

commit;
