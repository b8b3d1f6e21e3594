-- Verify platform:functions/core/events_sequence_no_row_lock on pg

begin;

select 1 / (select pg_catalog.count(*) from pg_catalog.pg_proc
             where oid = 'events.sequence_pending(integer)'::regprocedure
               and prosecdef and proconfig @> array['search_path=""']
               and prosrc not like '%for update%' and prosrc like '%transaction_isolation%')::int;
select 1 / pg_catalog.has_function_privilege('platform_jobs', 'events.sequence_pending(integer)', 'execute')::int;

rollback;
