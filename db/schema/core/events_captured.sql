-- Deploy platform:schema/core/events_captured to pg
-- requires: schema/core/events_outbox
--
-- Captured statements (issue 20, docs/decisions/0021): the capture trigger of a
-- published table writes ONE row here per statement, holding the rows the
-- statement changed as they were (jsonb, the excluded columns already left out),
-- and nothing else. The sequencer (events.sequence_pending, run by the gateway)
-- later turns each committed row into outbox events: it calls the table's describe
-- function, renders the topics, numbers the events and deletes the row. A writer's
-- transaction thus pays one small insert per statement instead of one outbox row
-- per changed row and topic, each with four index entries and a later update.
--
--   source       'schema.table' of the changed table (the payload's "table")
--   op           insert | update | delete
--   changed_rows a jsonb array in the order the statement changed them: an insert's
--                new rows, a delete's old rows, an update's [new, old] pairs
--   row_count    its length (the sequencer's batch limit, without reading the array)
--   actor        auth.uid() of the writer, read once per statement
--   transaction_id, created_at   copied to the events
--
-- Rows live here for milliseconds, between commit and the gateway's next read; the
-- array is stored with lz4 when the server has it (cheaper than pglz for the large
-- arrays of bulk statements; docs/decisions/0021 has the figures).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table events.captured (
  id bigint generated always as identity primary key,
  source text not null constraint captured_source_format check (source ~ '^[^.]+\.[^.]+$'),
  op text not null constraint captured_op check (op in ('insert', 'update', 'delete')),
  changed_rows jsonb not null constraint captured_rows_array check (pg_catalog.jsonb_typeof(changed_rows) = 'array'),
  row_count bigint not null constraint captured_row_count check (row_count > 0),
  actor uuid,
  transaction_id xid8 not null default pg_catalog.pg_current_xact_id(),
  created_at timestamptz not null default pg_catalog.now()
);
comment on table events.captured is
  'Statements captured by the event triggers, not yet expanded into events by events.sequence_pending().';
comment on column events.captured.changed_rows is
  'The changed rows in statement order: new rows (insert), old rows (delete), [new, old] pairs (update).';

do $$
begin
  alter table events.captured alter column changed_rows set compression lz4;
exception when feature_not_supported then
  raise notice 'events.captured: this server has no lz4; the changed rows are compressed with pglz';
end
$$;

alter table events.captured enable row level security;

commit;
