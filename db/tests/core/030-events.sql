-- The change-event trigger, the commit-ordered sequencer and the audience rule.
begin;
select plan(15);

create table public.notes (id int primary key, owner uuid, body text, published boolean not null default false, token text);
grant select, insert, update, delete on public.notes to authenticated;

-- A describe function as a module writes it: audience from the same facts as its policies.
create function public.describe_note(op text, new jsonb, old jsonb) returns jsonb
language sql immutable as $$
  select case when (coalesce(new, old) ->> 'body') = 'skip' then null else jsonb_strip_nulls(jsonb_build_object(
    'type', case when op = 'update' and (new ->> 'published')::boolean and not (old ->> 'published')::boolean
                 then 'published' end,
    'audience', case when (coalesce(new, old) ->> 'published')::boolean then '{"public": true}'::jsonb
                     else jsonb_build_object('users', jsonb_build_array(coalesce(new, old) ->> 'owner')) end)) end
$$;
select events.enable('public.notes', array['demo:notes', 'demo:note:{id}'], 'public.describe_note(text, jsonb, jsonb)', '{token}');

select tests.act_as(tests.create_user('nora'));
insert into public.notes (id, owner, body, token) values (1, auth.uid(), 'draft', 'tok');
update public.notes set published = true where id = 1;
insert into public.notes (id, owner, body) values (2, auth.uid(), 'skip');
select tests.act_as_owner();

select results_eq($$ select op, row_count from events.captured order by id $$,
  $$ values ('insert', 1::bigint), ('update', 1::bigint), ('insert', 1::bigint) $$,
  'the writer''s transaction records each statement once, raw: no event is built before the sequencer runs');
select ok((select bool_and(not jsonb_path_exists(changed_rows, '$.**.token')) from events.captured),
  'excluded columns never reach the captured rows');
select ok(not exists (select from events.outbox), 'nothing is in the outbox until the sequencer runs');

select is(events.sequence_pending(), 4::bigint, 'the sequencer expands the captured statements and returns the last seq');
select results_eq($$ select topic, type from events.outbox order by seq $$,
  $$ values ('demo:notes', 'created'), ('demo:note:1', 'created'), ('demo:notes', 'published'), ('demo:note:1', 'published') $$,
  'one event per topic template, {id} filled in, typed by the describe function; a null description skips');
select is((select audience from events.outbox order by seq limit 1),
  jsonb_build_object('users', jsonb_build_array((select id from auth.users where username::text = 'nora'))),
  'a draft''s audience is its owner only');
select is((select audience from events.outbox where type = 'published' limit 1), '{"public": true}'::jsonb,
  'a published note''s audience is everyone');
select ok((select bool_and(not (payload -> 'record' ? 'token')) from events.outbox), 'excluded columns stay out of payloads');
select is((select payload -> 'changed' from events.outbox where type = 'published' limit 1), '["published"]'::jsonb,
  'an update''s payload lists the changed columns');
select results_eq($$ select seq from events.outbox order by id $$, array[1, 2, 3, 4]::bigint[],
  'numbering is dense and follows the statements, rows and topics in order');
select ok(not exists (select from events.captured), 'expanded statements leave events.captured');
select is(events.sequence_pending(), 4::bigint, 'a second run with nothing pending numbers nothing');

select ok(events.audience_allows('{"users": ["u1"]}', '{"role": "authenticated", "sub": "u1"}') and not events.audience_allows('{"users": ["u1"]}', '{"role": "authenticated", "sub": "u2"}'),
  'a users audience reaches those users only');
select ok(events.audience_allows('{"privileges": ["editor"]}', '{"role": "authenticated", "sub": "x", "privileges": ["reader", "author", "editor"]}')
          and not events.audience_allows('{"privileges": ["editor"]}', '{"role": "authenticated", "sub": "x", "privileges": ["reader"]}'),
  'a privileges audience reaches holders of any listed privilege only');
select ok(events.audience_allows('{"public": true}', '{}') and not events.audience_allows('{"authenticated": true}', '{}'),
  'public reaches anonymous connections, authenticated does not');

select * from finish();
rollback;
