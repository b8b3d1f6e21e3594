-- A table with a describe function gets its own capture trigger function
-- (functions/core/events_capture): same events as the generic trigger.
begin;
select plan(10);

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
select ok((select prosecdef and proconfig @> array['search_path=""'] from pg_proc where oid = 'events."capture public.pairs"()'::regprocedure),
  'the written function is SECURITY DEFINER with an empty search_path');
select ok(not has_function_privilege('authenticated', 'events."capture public.pairs"()', 'execute')
          and not has_function_privilege('authenticated', 'events.capture_sql(text, text[], text, text[], text, text)', 'execute'),
  'API roles cannot call the trigger function nor the statement builder');

-- The same changes, once through the written function, once through the generic one.
create temporary table seen (path text, topic text, type text, payload jsonb, audience jsonb) on commit drop;
select set_config('test.paula', tests.create_user('paula')::text, true);
select tests.act_as(current_setting('test.paula')::uuid);
insert into public.pairs values (1, auth.uid(), 'first', 's1');
update public.pairs set body = 'second' where id = 1;
insert into public.pairs values (2, auth.uid(), 'skip', 's2');
delete from public.pairs where id = 1;
select tests.act_as_owner();
insert into seen select 'direct', topic, type, payload - 'actor', audience from events.outbox order by id;
delete from events.outbox;
delete from public.pairs;
delete from events.outbox;
create or replace trigger events_insert after insert on public.pairs referencing new table as new_rows
  for each statement execute function events.capture('{demo:pairs,"demo:pair:{id}"}', 'public.describe_pair', '{secret}');
create or replace trigger events_update after update on public.pairs referencing old table as old_rows new table as new_rows
  for each statement execute function events.capture('{demo:pairs,"demo:pair:{id}"}', 'public.describe_pair', '{secret}');
create or replace trigger events_delete after delete on public.pairs referencing old table as old_rows
  for each statement execute function events.capture('{demo:pairs,"demo:pair:{id}"}', 'public.describe_pair', '{secret}');
select tests.act_as(current_setting('test.paula')::uuid);
insert into public.pairs values (1, auth.uid(), 'first', 's1');
update public.pairs set body = 'second' where id = 1;
insert into public.pairs values (2, auth.uid(), 'skip', 's2');
delete from public.pairs where id = 1;
select tests.act_as_owner();
insert into seen select 'generic', topic, type, payload - 'actor', audience from events.outbox order by id;

select is((select count(*) from seen where path = 'direct'), 6::bigint,
  'two topics for each of three changes; the described-away row gives none');
select results_eq($$ select topic, type, payload, audience from seen where path = 'direct' $$,
  $$ select topic, type, payload, audience from seen where path = 'generic' $$,
  'the written function writes exactly the events the generic trigger writes');
select ok((select bool_and(not (payload -> 'record' ? 'secret')) from seen), 'excluded columns stay out of payloads');

-- enable() again without a describe function, and disable(), leave no written function behind.
select events.enable('public.pairs', array['demo:pairs'], 'public.describe_pair(text, jsonb, jsonb)');
select events.enable('public.pairs', array['demo:pairs']);
select is((select array_agg(distinct tgfoid::regprocedure::text) from pg_trigger
            where tgrelid = 'public.pairs'::regclass and tgname in ('events_insert', 'events_update', 'events_delete')),
  array['events.capture()'], 'without a describe function the generic trigger runs');
select is(to_regprocedure('events."capture public.pairs"()'), null, 'and the written function is dropped');
select events.enable('public.pairs', array['demo:pairs'], 'public.describe_pair(text, jsonb, jsonb)');
select events.disable('public.pairs');
select is(to_regprocedure('events."capture public.pairs"()'), null, 'disable() drops the written function with the trigger');
select is((select count(*) from pg_trigger where tgrelid = 'public.pairs'::regclass and not tgisinternal), 0::bigint,
  'disable() drops the triggers');

select * from finish();
rollback;
