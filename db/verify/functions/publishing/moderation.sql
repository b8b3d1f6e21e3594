-- Verify platform:functions/publishing/moderation on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated',
  'publishing.moderate_comment(bigint, text, text)', 'execute')::int;

rollback;
