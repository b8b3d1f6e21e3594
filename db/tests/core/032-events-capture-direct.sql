-- Every published table gets its own two functions (functions/core/events_capture):
-- the capture trigger, which records each statement in events.captured, and the
-- expander, which the sequencer runs to turn those into events.
begin;
select plan(13);

create table public.pairs (id int primary key, owner uuid, body text, secret text);
grant select, insert, update, delete on public.pairs to authenticated;
create function public.describe_pair(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$
  select case when (coalesce(new, old) ->> 'body') = 'skip' then null
              else jsonb_build_object('type', 'pair.' || op,
                     'audience', jsonb_build_object('users', jsonb_build_array(coalesce(new, old) ->> 'owner'))) end
$$;
select events.enable('public.pairs', array['demo:pairs', 'demo:pair:{id}'], 'public.describe_pair(text, jsonb, jsonb)', '{secret}');

select results_eq($$ select tgname::text collate "default", tgfoid::regprocedure::text from pg_trigger
                     where tgrelid = 'public.pairs'::regclass and not tgisinternal order by tgname $$,
  $$ values ('events_delete', 'events."capture public.pairs"()'), ('events_insert', 'events."capture public.pairs"()'),
            ('events_update', 'events."capture public.pairs"()') $$,
  'enable() gives the table its own trigger function, named after it, on one statement trigger per event');
select ok((select bool_and(prosecdef and proconfig @> array['search_path=""']) from pg_proc
            where oid in ('events."capture public.pairs"()'::regprocedure,
                          'events."expand public.pairs"(bigint, bigint[])'::regprocedure)),
  'the written capture and expand functions are SECURITY DEFINER with an empty search_path');
select ok(not has_function_privilege('authenticated', 'events."capture public.pairs"()', 'execute')
          and not has_function_privilege('authenticated', 'events."expand public.pairs"(bigint, bigint[])', 'execute')
          and not has_function_privilege('authenticated', 'events.capture_sql(text, text[])', 'execute')
          and not has_function_privilege('authenticated', 'events.expand_sql(text[], regprocedure)', 'execute'),
  'API roles can call neither the written functions nor their builders');

select set_config('test.paula', tests.create_user('paula')::text, true);
select tests.act_as(current_setting('test.paula')::uuid);
insert into public.pairs values (1, auth.uid(), 'first', 's1');
update public.pairs set body = 'second' where id = 1;
insert into public.pairs values (2, auth.uid(), 'skip', 's2');
delete from public.pairs where id = 1;
select tests.act_as_owner();

select results_eq($$ select source, op, row_count, actor from events.captured order by id $$,
  $$ values ('public.pairs', 'insert', 1::bigint, current_setting('test.paula')::uuid),
            ('public.pairs', 'update', 1::bigint, current_setting('test.paula')::uuid),
            ('public.pairs', 'insert', 1::bigint, current_setting('test.paula')::uuid),
            ('public.pairs', 'delete', 1::bigint, current_setting('test.paula')::uuid) $$,
  'each statement is recorded once, with its table, operation, row count and actor');
select is((select changed_rows from events.captured where op = 'update'),
  jsonb_build_array(jsonb_build_array(
    jsonb_build_object('id', 1, 'owner', current_setting('test.paula'), 'body', 'second'),
    jsonb_build_object('id', 1, 'owner', current_setting('test.paula'), 'body', 'first'))),
  'an update is recorded as [new, old] pairs, without the excluded column');

select events.sequence_pending();
select results_eq($$ select topic, type, payload ->> 'op', payload -> 'record' ->> 'body', audience ->> 'users' from events.outbox order by seq $$,
  $$ values ('demo:pairs', 'pair.insert', 'insert', 'first', jsonb_build_array(current_setting('test.paula'))::text),
            ('demo:pair:1', 'pair.insert', 'insert', 'first', jsonb_build_array(current_setting('test.paula'))::text),
            ('demo:pairs', 'pair.update', 'update', 'second', jsonb_build_array(current_setting('test.paula'))::text),
            ('demo:pair:1', 'pair.update', 'update', 'second', jsonb_build_array(current_setting('test.paula'))::text),
            ('demo:pairs', 'pair.delete', 'delete', 'second', jsonb_build_array(current_setting('test.paula'))::text),
            ('demo:pair:1', 'pair.delete', 'delete', 'second', jsonb_build_array(current_setting('test.paula'))::text) $$,
  'the expander writes two topics for each of three changes, in order; the described-away row gives none');
select ok((select bool_and(not (payload -> 'record' ? 'secret') and payload ->> 'actor' = current_setting('test.paula')
                           and payload ->> 'table' = 'public.pairs') from events.outbox),
  'payloads name the table and the actor, and leave the excluded column out');

-- enable() without a describe function: the table's own functions, default type and audience.
delete from events.outbox;
select events.enable('public.pairs', array['demo:pairs']);
insert into public.pairs values (3, null, 'third', 's3');
select events.sequence_pending();
select results_eq($$ select topic, type, audience from events.outbox $$,
  $$ values ('demo:pairs', 'created', '{"privileges": ["admin"]}'::jsonb) $$,
  'without a describe function: the default type, addressed to admins');
select is((select array_agg(distinct tgfoid::regprocedure::text) from pg_trigger
            where tgrelid = 'public.pairs'::regclass and tgname in ('events_insert', 'events_update', 'events_delete')),
  array['events."capture public.pairs"()'], 'and still the table''s own trigger function');

-- disable() drops the triggers and the capture function; what the table captured before
-- becomes events, then its expander goes.
delete from events.outbox;
insert into public.pairs values (4, null, 'fourth', 's4');
select events.disable('public.pairs');
select is((select count(*) from pg_trigger where tgrelid = 'public.pairs'::regclass and not tgisinternal), 0::bigint,
  'disable() drops the triggers');
select is(to_regprocedure('events."capture public.pairs"()'), null, 'and the capture function');
select is((select payload -> 'record' ->> 'body' from events.outbox), 'fourth',
  'a statement captured before disable() became its event');
select ok(to_regprocedure('events."expand public.pairs"(bigint, bigint[])') is null
          and not exists (select from events.captured where source = 'public.pairs'),
  'then the expander is dropped, and nothing of the table is left captured');

select * from finish();
rollback;
