-- Deploy platform:functions/core/unfiltered_writes to pg
-- requires: functions/core/platform_errors
--
-- PATCH and DELETE through PostgREST need a filter (security finding 5 of
-- issue 19: an editor's one `PATCH /articles` rewrote every article).
-- PostgREST 12.0.2 has no `max-affected`, and its pre-request hook sees the
-- method and path but not the query string (request.method, request.path;
-- no GUC carries the filters). So a statement-level BEFORE trigger reads
-- the statement PostgREST sent (current_query()) and looks for the filter
-- where PostgREST 12 writes it:
--   UPDATE ... ) pgrst_body  WHERE ...        PATCH with filters
--   DELETE FROM "s"."t"  WHERE ...             DELETE with filters
--   pgrst_affected_rows AS (SELECT ... FROM "s"."t" WHERE ...
--                                              PATCH/DELETE with limit/order
-- Filter values travel as parameters ($1...), so no client text is in the
-- statement: only quoted identifiers and PostgREST's own SQL.
-- It applies only to the statement of a PostgREST PATCH or DELETE request
-- (request.method), at trigger depth 1: RPC calls (GET/POST), triggers'
-- own writes, jobs and ops are never affected. A PATCH or DELETE whose SQL
-- has a shape this does not know (a PostgREST upgrade) is refused too, so
-- an upgrade cannot silently drop the guard: tests/test_api_hardening.py
-- runs every shape through the real binary. Why this and not the
-- pre-request hook: docs/decisions/0013-unfiltered-writes.md.
-- Modules enable it per table with platform.refuse_unfiltered_writes(table);
-- the lint unfiltered_writes_unguarded (db/lints) fails on any exposed table that
-- API roles may update or delete without it.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create function platform.refuse_unfiltered_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  method text := pg_catalog.current_setting('request.method', true);
  statement text;
  ident constant text := '"(?:[^"]|"")*"';
begin
  if method is null or method not in ('PATCH', 'DELETE') or pg_catalog.pg_trigger_depth() <> 1 then
    return null;
  end if;
  statement := pg_catalog.current_query();
  if statement ~ ('^WITH pgrst_source AS \(DELETE FROM ' || ident || '\.' || ident || '\s+WHERE\s')
     or statement ~ ('^WITH pgrst_source AS \(UPDATE ' || ident || '\.' || ident
                     || ' SET .*\) pgrst_body\s+WHERE\s')
     or statement ~ ('^WITH pgrst_source AS \(WITH (?:pgrst_update_body AS \(.*\), )?'
                     || 'pgrst_affected_rows AS \(SELECT (?:' || ident || '|[.,\s])+ FROM '
                     || ident || '\.' || ident || '\s+WHERE\s') then
    return null;
  end if;
  perform platform.raise_error(400, 'platform.filter_required',
    pg_catalog.format('%s needs a filter: it would change every row of %s you may change',
                      method, tg_table_name),
    null, pg_catalog.format('add a filter to the query string, e.g. %s /%s?id=eq.42', method, tg_table_name));
  return null;
end
$$;
comment on function platform.refuse_unfiltered_write() is
  'Statement trigger: refuse a PostgREST PATCH or DELETE without a filter (400 platform.filter_required).';
revoke execute on function platform.refuse_unfiltered_write() from public;

-- Enable the guard on a table (from the module's own change); idempotent.
create function platform.refuse_unfiltered_writes(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists refuse_unfiltered_write on %s', target);
  execute pg_catalog.format(
    'create trigger refuse_unfiltered_write before update or delete on %s'
    ' for each statement execute function platform.refuse_unfiltered_write()', target);
end
$$;
comment on function platform.refuse_unfiltered_writes(regclass) is
  'Make PATCH and DELETE through PostgREST on this table require a filter (revert: platform.allow_unfiltered_writes).';
revoke execute on function platform.refuse_unfiltered_writes(regclass) from public;

create function platform.allow_unfiltered_writes(target regclass) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop trigger if exists refuse_unfiltered_write on %s', target);
end
$$;
revoke execute on function platform.allow_unfiltered_writes(regclass) from public;

commit;
