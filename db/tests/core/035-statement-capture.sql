-- Audit and change events are captured by statement triggers (transition tables):
-- a statement that changes several rows writes one audit row and one event per topic
-- for each of them, in the order the statement changed them, with each row's own old
-- and new values and audience; an UPDATE that changes the primary key pairs each old
-- row with its own new row.
begin;
select plan(23);

create table public.widgets (id int primary key, owner uuid, label text, secret text, shade text);
grant select, insert, update, delete on public.widgets to authenticated;
create function public.describe_widget(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$
  select case when coalesce(new, old) ->> 'label' = 'skip' then null else jsonb_build_object(
    'type', 'widget.' || op,
    'audience', jsonb_build_object('users', jsonb_build_array(coalesce(new, old) ->> 'owner')),
    'withdrawn', case when op = 'update' then events.withdrawn('widget.withdrawn',
                   jsonb_build_object('users', jsonb_build_array(old ->> 'owner')),
                   jsonb_build_object('users', jsonb_build_array(new ->> 'owner'))) end) end
$$;
select audit.enable('public.widgets', '{secret}', '{shade}');
select events.enable('public.widgets', array['demo:widgets', 'demo:widget:{id}'],
                     'public.describe_widget(text, jsonb, jsonb)', '{secret}');

select results_eq(
  $$ select tgname::text collate "default", (tgtype::int & 1 = 0) and tgoldtable is not distinct from
            (case when tgname::text like any ('{%insert,%truncate}') then null else 'old_rows' end)
            and tgnewtable is not distinct from (case when tgname::text like any ('{%delete,%truncate}') then null else 'new_rows' end)
       from pg_trigger where tgrelid = 'public.widgets'::regclass and not tgisinternal order by tgname $$,
  $$ values ('audit_delete', true), ('audit_insert', true), ('audit_truncate', true), ('audit_update', true),
            ('events_delete', true), ('events_insert', true), ('events_update', true) $$,
  'audit.enable and events.enable write one statement trigger per event, with its transition tables');

select tests.create_user('wally');
select tests.create_user('olga');
select set_config('test.wally', tests.user_id('wally')::text, true);
select set_config('test.olga', tests.user_id('olga')::text, true);

-- INSERT of four rows in one statement, in an order that is not the key order.
select tests.act_as('wally');
insert into public.widgets (id, owner, label, secret, shade) values
  (3, auth.uid(), 'c', 's3', 'red'), (1, auth.uid(), 'a', 's1', 'red'),
  (4, auth.uid(), 'skip', 's4', 'red'), (2, auth.uid(), 'b', 's2', 'red');
select tests.act_as_owner();

select results_eq(
  $$ select record_pk, new_record ->> 'label', old_record from audit.log where table_name = 'widgets' order by id $$,
  $$ values ('{"id": 3}'::jsonb, 'c', null::jsonb), ('{"id": 1}', 'a', null), ('{"id": 4}', 'skip', null), ('{"id": 2}', 'b', null) $$,
  'a multi-row INSERT writes one audit row per row, in the statement''s row order');
select ok((select bool_and(operation = 'INSERT' and actor_id = current_setting('test.wally')::uuid
                           and actor_role = 'authenticated' and not new_record ? 'secret' and not new_record ? 'shade'
                           and changed_columns is null)
             from audit.log where table_name = 'widgets'),
  'each carries the actor and role of the statement, without excluded and derived columns');
select events.sequence_pending();
select results_eq(
  $$ select topic, type, payload ->> 'op', payload -> 'record' ->> 'label' from events.outbox order by id $$,
  $$ values ('demo:widgets', 'widget.insert', 'insert', 'c'), ('demo:widget:3', 'widget.insert', 'insert', 'c'),
            ('demo:widgets', 'widget.insert', 'insert', 'a'), ('demo:widget:1', 'widget.insert', 'insert', 'a'),
            ('demo:widgets', 'widget.insert', 'insert', 'b'), ('demo:widget:2', 'widget.insert', 'insert', 'b') $$,
  'a multi-row INSERT writes one event per topic for each row, row by row and topic by topic; a described-away row none');
select ok((select bool_and(audience = jsonb_build_object('users', jsonb_build_array(current_setting('test.wally')))
                           and payload -> 'actor' = to_jsonb(current_setting('test.wally'))
                           and payload ? 'changed' and payload -> 'changed' = 'null'::jsonb
                           and payload ->> 'table' = 'public.widgets'
                           and not payload -> 'record' ? 'secret' and payload -> 'record' ? 'shade')
             from events.outbox),
  'each event has its row''s audience and the actor, and no excluded column');

-- UPDATE of every row in one statement: one changes only a derived column, one changes owner.
select events.sequence_pending();
delete from events.outbox;
create temporary table touched (n serial, id int);
grant all on touched, touched_n_seq to public;
select tests.act_as('wally');
with changed as (
  update public.widgets
     set label = case when id = 1 then label else label || '!' end,
         shade = 'blue',
         owner = case when id = 2 then current_setting('test.olga')::uuid else owner end
  returning id)
insert into touched (id) select id from changed;
select tests.act_as_owner();

select results_eq(
  $$ select (record_pk ->> 'id')::int, old_record ->> 'label', new_record ->> 'label', changed_columns
       from audit.log where table_name = 'widgets' and operation = 'UPDATE' order by id $$,
  $$ select t.id, w.label, w.label || '!', case when t.id = 2 then '{label,owner}'::text[] else '{label}' end
       from touched t, (values (2, 'b'), (3, 'c'), (4, 'skip')) as w (id, label) where w.id = t.id order by t.n $$,
  'a multi-row UPDATE writes one audit row per changed row, in row order, each with its own old and new values');
select is((select count(*) from audit.log where table_name = 'widgets' and operation = 'UPDATE' and record_pk = '{"id": 1}'),
  0::bigint, 'a row whose derived columns alone changed writes no audit row');
select events.sequence_pending();
select results_eq(
  $$ select (payload -> 'record' ->> 'id')::int, count(*) filter (where type = 'widget.update'),
            count(*) filter (where type = 'widget.withdrawn') from events.outbox
      group by 1 order by min(id) $$,
  $$ select id, 2::bigint, case when id = 2 then 2::bigint else 0::bigint end from touched order by n $$,
  'a multi-row UPDATE writes each row''s events in row order, with a withdrawal per topic where the audience shrank');
select results_eq(
  $$ select topic, type, audience from events.outbox where (payload -> 'record' ->> 'id') = '2' order by id $$,
  $$ values ('demo:widgets', 'widget.update', jsonb_build_object('users', jsonb_build_array(current_setting('test.olga')))),
            ('demo:widgets', 'widget.withdrawn', jsonb_build_object('users', jsonb_build_array(current_setting('test.wally')))),
            ('demo:widget:2', 'widget.update', jsonb_build_object('users', jsonb_build_array(current_setting('test.olga')))),
            ('demo:widget:2', 'widget.withdrawn', jsonb_build_object('users', jsonb_build_array(current_setting('test.wally')))) $$,
  'the new audience gets the update, the old one its withdrawal notice right after it, topic by topic');
select is((select payload -> 'record' from events.outbox where type = 'widget.withdrawn' limit 1), '{"id": 2}'::jsonb,
  'a withdrawal notice carries only the row''s id');
select results_eq(
  $$ select (payload -> 'record' ->> 'id')::int, payload -> 'changed' from events.outbox
      where type = 'widget.update' and topic = 'demo:widgets' order by id $$,
  $$ select id, case id when 1 then '["shade"]'::jsonb when 2 then '["label", "owner", "shade"]' else '["label", "shade"]' end
       from touched order by n $$,
  'each update event lists its own row''s changed columns (derived ones included: they are not excluded from events)');

-- DELETE of three rows in one statement.
select events.sequence_pending();
delete from events.outbox;
truncate touched;
with gone as (delete from public.widgets where id <> 4 returning id)
insert into touched (id) select id from gone;
select results_eq(
  $$ select (record_pk ->> 'id')::int, old_record ->> 'label', new_record from audit.log
      where table_name = 'widgets' and operation = 'DELETE' order by id $$,
  $$ select t.id, w.label, null::jsonb from touched t, (values (1, 'a'), (2, 'b!'), (3, 'c!')) as w (id, label)
      where w.id = t.id order by t.n $$,
  'a multi-row DELETE writes one audit row per row, in row order, with its old values');
select events.sequence_pending();
select results_eq(
  $$ select topic, type, payload -> 'record' ->> 'label', audience ->> 'users' from events.outbox order by id $$,
  $$ select x.topic, 'widget.delete', w.label, jsonb_build_array(w.owner)::text
       from touched t
       join (values (1, 'a', current_setting('test.wally')), (2, 'b!', current_setting('test.olga')),
                    (3, 'c!', current_setting('test.wally'))) as w (id, label, owner) on w.id = t.id
       cross join lateral (values (1, 'demo:widgets'), (2, 'demo:widget:' || t.id)) as x (k, topic)
      order by t.n, x.k $$,
  'a multi-row DELETE writes each row''s events in row order, to each row''s own audience');
select is((select count(*) from events.outbox where payload ->> 'op' = 'delete' and payload -> 'changed' = 'null'::jsonb),
  6::bigint, 'delete events carry no changed columns');

-- An UPDATE that swaps primary keys (composite, deferrable): each old row is paired with
-- its own new row, not with the new row that took its key. No describe function.
create table public.slots (shelf int, pos int, label text,
                           primary key (shelf, pos) deferrable initially immediate);
select audit.enable('public.slots');
select events.enable('public.slots', array['demo:shelf:{shelf}']);
insert into public.slots values (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z');
select events.sequence_pending();
delete from events.outbox;
update public.slots set pos = 3 - pos where shelf = 1;
select results_eq(
  $$ select record_pk, old_record, new_record, changed_columns from audit.log
      where table_name = 'slots' and operation = 'UPDATE' order by id $$,
  $$ values ('{"shelf": 1, "pos": 2}'::jsonb, '{"shelf": 1, "pos": 1, "label": "x"}'::jsonb,
             '{"shelf": 1, "pos": 2, "label": "x"}'::jsonb, '{pos}'::text[]),
            ('{"shelf": 1, "pos": 1}', '{"shelf": 1, "pos": 2, "label": "y"}', '{"shelf": 1, "pos": 1, "label": "y"}', '{pos}') $$,
  'an UPDATE that swaps primary keys records each row''s own old and new values and its new key');
select events.sequence_pending();
select results_eq(
  $$ select topic, type, payload -> 'record', payload -> 'changed', audience from events.outbox order by id $$,
  $$ values ('demo:shelf:1', 'updated', '{"shelf": 1, "pos": 2, "label": "x"}'::jsonb, '["pos"]'::jsonb, '{"privileges": ["admin"]}'::jsonb),
            ('demo:shelf:1', 'updated', '{"shelf": 1, "pos": 1, "label": "y"}', '["pos"]', '{"privileges": ["admin"]}') $$,
  'so do its events (no describe function: default type and audience)');
select is((select tgfoid::regprocedure::text from pg_trigger where tgrelid = 'public.slots'::regclass and tgname = 'events_update'),
  'events."capture public.slots"()', 'a table without a describe function gets its own trigger function too');

-- Column names of the audited table never shadow the capture's own names (its variables,
-- the transition tables' aliases n and o).
create table public.odd (id int primary key, n int, o int, actor text, label text, derived text, excluded text);
select audit.enable('public.odd');
select events.enable('public.odd', array['demo:odd:{id}'], 'public.describe_widget(text, jsonb, jsonb)');
select events.sequence_pending();
delete from events.outbox;
insert into public.odd values (1, 2, 3, 'a', 'l', 'd', 'e');
update public.odd set n = 20, o = 30;
select is((select array_agg(new_record order by id) from audit.log where table_name = 'odd'),
  array['{"id": 1, "n": 2, "o": 3, "actor": "a", "label": "l", "derived": "d", "excluded": "e"}'::jsonb,
        '{"id": 1, "n": 20, "o": 30, "actor": "a", "label": "l", "derived": "d", "excluded": "e"}'],
  'a table with columns named n, o, actor, label, derived and excluded is audited whole');
select events.sequence_pending();
select is((select array_agg(payload -> 'record' ->> 'n' order by id) from events.outbox where topic = 'demo:odd:1'),
  array['2', '20'], 'and published whole');

-- Statements that change nothing write nothing; TRUNCATE is audited once.
select events.sequence_pending();
delete from events.outbox;
update public.slots set label = label where false;
delete from public.slots where false;
select is((select count(*) from events.captured), 0::bigint, 'a statement that changes no row records nothing, so no event');
select is((select count(*) from audit.log where table_name = 'slots' and operation in ('UPDATE', 'DELETE')), 2::bigint,
  'nor an audit row');
truncate public.slots;
select results_eq($$ select operation, record_pk from audit.log where table_name = 'slots' and id > (
                      select max(id) from audit.log where table_name = 'slots' and operation = 'UPDATE') order by id $$,
  $$ values ('TRUNCATE', null::jsonb) $$, 'a TRUNCATE is one audit row, as before');

-- events.topic_sql renders exactly what events.render_topic renders.
create function pg_temp.render(template text) returns text language plpgsql as $f$
declare
  result text;
begin
  execute 'select ' || events.topic_sql(template, '$1') into result using '{"id": 7, "kind": "k"}'::jsonb;
  return result;
end
$f$;
select results_eq(
  $$ select t.template, events.render_topic(t.template, '{"id": 7, "kind": "k"}')
       from (values (1, 'a:b'), (2, 'a:{id}'), (3, '{kind}:{id}:x'), (4, 'a:{Id}:{id}'), (5, 'a:{id'), (6, 'a:}{id}'),
                    (7, 'a:{missing}'), (8, 'a:{}:{id}'), (9, '{{id}}')) as t (n, template) order by t.n $$,
  $$ select t.template, pg_temp.render(t.template)
       from (values (1, 'a:b'), (2, 'a:{id}'), (3, '{kind}:{id}:x'), (4, 'a:{Id}:{id}'), (5, 'a:{id'), (6, 'a:}{id}'),
                    (7, 'a:{missing}'), (8, 'a:{}:{id}'), (9, '{{id}}')) as t (n, template) order by t.n $$,
  'events.topic_sql compiles a template to SQL that renders what events.render_topic renders');

select * from finish();
rollback;
