-- Deploy platform:functions/publishing/category_tree to pg
-- requires: rls/publishing/taxonomy
--
-- GET /rpc/category_tree (Accept-Profile: publishing): the whole category
-- hierarchy in one request, nested: [{id, name, slug, description,
-- sort_order, children: [...]}], siblings in sort order. Runs as the caller.

begin;

set local search_path = '';

create function publishing_private.category_subtree(root bigint, nodes jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_agg(
           (n.node - 'parent_id') operator(pg_catalog.||)
             pg_catalog.jsonb_build_object('children',
               publishing_private.category_subtree((n.node operator(pg_catalog.->>) 'id')::bigint, nodes))
           order by (n.node operator(pg_catalog.->>) 'sort_order')::int, n.node operator(pg_catalog.->>) 'name'), '[]')
    from pg_catalog.jsonb_array_elements(nodes) n (node)
   where (n.node operator(pg_catalog.->>) 'parent_id')::bigint is not distinct from root
$$;

create function publishing.category_tree() returns jsonb
language sql stable
set search_path = ''
as $$
  select publishing_private.category_subtree(null,
    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
       'id', c.id, 'parent_id', c.parent_id, 'name', c.name, 'slug', c.slug,
       'description', c.description, 'sort_order', c.sort_order)), '[]')
       from publishing.categories c))
$$;
comment on function publishing.category_tree() is 'The category hierarchy, nested, in one request.';

grant usage on schema publishing_private to anon, authenticated;
grant execute on function publishing_private.category_subtree(bigint, jsonb) to anon, authenticated;
revoke execute on function publishing.category_tree() from public;
grant execute on function publishing.category_tree() to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing_private.category_subtree(bigint, jsonb)',
  array['anon', 'authenticated'],
  'Recursion step of publishing.category_tree(), run as the caller.');
select platform.declare_api_function('publishing', 'publishing.category_tree()',
  array['anon', 'authenticated'],
  'GET /rpc/category_tree: the public category hierarchy, as the caller.');

commit;
