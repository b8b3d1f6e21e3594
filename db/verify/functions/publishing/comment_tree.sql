-- Verify platform:functions/publishing/comment_tree on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon', 'publishing.comment_tree(publishing.articles)', 'execute')::int;

rollback;
