-- Verify platform:functions/publishing_moderation on pg

begin;

select 1 / pg_catalog.has_function_privilege('authenticated',
  'publishing.moderate_comment(bigint, text, text)', 'execute')::int;

rollback;
