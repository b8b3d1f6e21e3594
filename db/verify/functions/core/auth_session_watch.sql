-- Verify platform:functions/core/auth_session_watch on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_trigger
             where tgname = 'sessions_notify_ended' and tgrelid = 'auth.sessions'::regclass)::int;
select 1 / (select pg_catalog.count(*) = 1 from auth.ended_sessions(array[pg_catalog.gen_random_uuid()]))::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'auth.ended_sessions(uuid[])', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'auth.ended_sessions(uuid[])', 'execute'))::int;

rollback;
