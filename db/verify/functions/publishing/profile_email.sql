-- Verify platform:functions/publishing/profile_email on pg

begin;

select 1 / pg_catalog.has_function_privilege('anon', 'publishing.email(publishing.profiles)', 'execute')::int;

rollback;
