-- Deploy platform:functions/publishing/comment_tree to pg
-- requires: rls/publishing/comments
--
-- A computed column of articles: `select=*,comment_tree` answers the
-- article's comments the caller may see (row-level security applies: for
-- readers, the approved ones) as a nested tree: [{id, author_id, body,
-- created_at, replies: [...]}], oldest first. A reply whose parent the caller
-- cannot see is not shown (its branch hangs on a hidden comment).

begin;

set local search_path = '';

create function publishing_private.comment_replies(parent bigint, nodes jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_agg(
           (n.node - 'parent_id') operator(pg_catalog.||) pg_catalog.jsonb_build_object('replies',
             publishing_private.comment_replies((n.node operator(pg_catalog.->>) 'id')::bigint, nodes))
           order by n.node operator(pg_catalog.->>) 'created_at', (n.node operator(pg_catalog.->>) 'id')::bigint), '[]')
    from pg_catalog.jsonb_array_elements(nodes) n (node)
   where (n.node operator(pg_catalog.->>) 'parent_id')::bigint is not distinct from parent
$$;

create function publishing.comment_tree(article publishing.articles) returns jsonb
language sql stable
set search_path = ''
as $$
  select publishing_private.comment_replies(null,
    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
       'id', c.id, 'parent_id', c.parent_id, 'author_id', c.author_id, 'body', c.body,
       'depth', c.depth, 'created_at', c.created_at)), '[]')
       from publishing.comments c
      where c.article_id = article.id and c.deleted_at is null))
$$;
comment on function publishing.comment_tree(publishing.articles) is
  'Computed column: the visible comments of the article as a nested tree.';

grant execute on function publishing_private.comment_replies(bigint, jsonb) to anon, authenticated;
revoke execute on function publishing.comment_tree(publishing.articles) from public;
grant execute on function publishing.comment_tree(publishing.articles) to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing_private.comment_replies(bigint, jsonb)',
  array['anon', 'authenticated'],
  'Recursion step of the comment_tree computed column, run as the caller.');
select platform.declare_api_function('publishing', 'publishing.comment_tree(publishing.articles)',
  array['anon', 'authenticated'],
  'Computed column comment_tree of GET /articles: visible comments nested, as the caller.');

commit;
