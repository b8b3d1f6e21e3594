-- Scoped roles: "user U has role R on group G", read by policies once per statement.
begin;
select plan(23);
-- count the policy helper's calls in this transaction (pg_stat_get_xact_function_calls)
set local track_functions = 'all';

-- Structure
select has_table('auth', 'scoped_roles', 'scoped roles live in auth.scoped_roles');
select col_is_pk('auth', 'scoped_roles', array['user_id', 'scope_kind', 'role', 'scope_id'],
  'a grant is keyed by user, kind of group, role and group, the helper''s lookup first');
select ok((select relrowsecurity from pg_class where oid = 'auth.scoped_roles'::regclass),
  'the grants table has row-level security on');
select ok(not has_function_privilege('anon', 'auth.scopes_with_role(text, text[])', 'execute'),
  'anonymous callers cannot run the policy helper');
select ok(has_function_privilege('authenticated', 'auth.scopes_with_role(text, text[])', 'execute'),
  'signed-in callers run the policy helper');
select ok(not has_function_privilege('authenticated', 'auth.grant_scoped_role(text, text, bigint, text)', 'execute'),
  'only the owner grants scoped roles');

-- A module's table using the helper: team members read, team admins write.
create table public.team_notes (
  id bigint generated always as identity primary key,
  team_id bigint not null,
  body text not null
);
create index team_notes_team_id_idx on public.team_notes (team_id);
alter table public.team_notes enable row level security;
create policy "team members read their teams' notes" on public.team_notes for select to authenticated
  using (team_id in (select auth.scopes_with_role('team', '{admin,member}')));
create policy "team admins add notes" on public.team_notes for insert to authenticated
  with check (team_id in (select auth.scopes_with_role('team', '{admin}')));
grant select, insert on public.team_notes to authenticated;
insert into public.team_notes (team_id, body) values (1, 'team A plan'), (1, 'team A budget'), (2, 'team B secret');
insert into public.team_notes (team_id, body) select 1 + i % 2, 'filler ' || i from generate_series(1, 1000) i;

-- The plan of a query, and how often a query calls a function (run as the caller).
create function public.explain_lines(query text) returns setof text
language plpgsql as $$
begin
  return query execute 'explain (costs off) ' || query;
end
$$;
create function public.helper_calls(query text, helper regprocedure) returns bigint
language plpgsql as $$
declare
  before bigint := coalesce(pg_stat_get_xact_function_calls(helper), 0);
begin
  execute query;
  return coalesce(pg_stat_get_xact_function_calls(helper), 0) - before;
end
$$;
grant execute on function public.explain_lines(text), public.helper_calls(text, regprocedure) to authenticated;

select tests.create_user('ann');
select tests.create_user('bob');
select tests.create_user('carl');

select ok(auth.grant_scoped_role('ann@example.test', 'team', 1, 'member'), 'a new grant answers true');
select is(auth.grant_scoped_role('ann@example.test', 'team', 1, 'member'), false,
  'granting twice is harmless and says nothing was added');
select ok(auth.grant_scoped_role('bob@example.test', 'team', 2, 'admin'), 'a second user gets a role on another team');
select is((select count(*)::int from audit.log where table_name = 'scoped_roles' and operation = 'INSERT'), 2,
  'each grant is audited');
select throws_like($$ select auth.grant_scoped_role('ann@example.test', 'Team!', 1, 'member') $$,
  '%"code" : "auth.invalid_scope_kind"%', 'a malformed kind of group is refused naming the field');

-- Crossing attempts
select tests.act_as('ann');
select is((select count(*)::int from public.team_notes where body like 'team%'), 2,
  'a member of team A reads team A''s notes');
select is_empty($$ select id from public.team_notes where team_id = 2 $$,
  'a member of team A cannot read team B''s rows');
select throws_ok($$ insert into public.team_notes (team_id, body) values (1, 'member wrote') $$, '42501', null,
  'a member (not admin) of team A cannot add a note to it');
select results_eq($$ select scope_kind, scope_id, role from auth.scoped_roles $$,
  $$ values ('team'::text, 1::bigint, 'member'::text) $$,
  'a user reads their own scoped roles and nobody else''s');
select throws_ok($$ select auth.grant_scoped_role('ann@example.test', 'team', 2, 'admin') $$, '42501', null,
  'a signed-in user cannot grant themselves a role');

select tests.act_as('bob');
select lives_ok($$ insert into public.team_notes (team_id, body) values (2, 'admin wrote') $$,
  'an admin of team B adds a note to team B');
select throws_ok($$ insert into public.team_notes (team_id, body) values (1, 'admin crossed') $$, '42501', null,
  'an admin of team B cannot add a note to team A');

select tests.act_as('carl');
select is_empty($$ select id from public.team_notes $$, 'a user without a scoped role reads nothing');

-- Evaluated once per statement, not once per row
select tests.act_as('ann');
select matches(
  (select string_agg(line, e'\n') from public.explain_lines('select * from public.team_notes') line),
  'hashed SubPlan|InitPlan',
  'the plan runs the helper in a (hashed) sub-plan, once per statement');
select is(
  public.helper_calls('select count(*) from public.team_notes', 'auth.scopes_with_role(text, text[])'), 1::bigint,
  'reading 1,000 rows calls the helper once');

-- A revoked role loses access at once, with the same token
select set_config('role', 'none', true);
select ok(auth.revoke_scoped_role('ann@example.test', 'team', 1, 'member'), 'revoking answers true');
select set_config('role', 'authenticated', true);
select is_empty($$ select id from public.team_notes $$,
  'the next statement of the same session no longer reads team A''s rows');

select * from finish();
rollback;
