-- Verify platform:functions/journal/markdown on pg

begin;

-- PostgREST's text/markdown handler for entries: an aggregate over the table
-- returning the domain named after the media type.
select 1 / pg_catalog.count(*)::int
  from pg_catalog.pg_aggregate a
  join pg_catalog.pg_proc p on p.oid = a.aggfnoid
 where a.aggfnoid = 'journal.markdown_agg(journal.entries)'::regprocedure
   and p.prorettype = 'journal."text/markdown"'::regtype;
select 1 / pg_catalog.has_function_privilege('anon', 'journal.markdown_agg(journal.entries)', 'execute')::int;
select 1 / (not pg_catalog.has_function_privilege('public', 'journal_private.md_inline(text, boolean)', 'execute'))::int;
select 1 / (journal_private.md_block('{"type": "header", "data": {"text": "a <b>b</b>", "level": 2}}') = '## a **b**')::int;

rollback;
