-- Deploy platform:functions/core/auth_scoped_roles to pg
-- requires: schema/core/auth_scoped_roles
-- requires: functions/core/auth_claims
-- requires: functions/core/auth_admin
-- requires: schema/core/modules
--
-- The policy helpers of scoped roles, and their administration (owner only:
-- `inv users.grant-scope`, `inv users.revoke-scope`).
--
-- In a policy, use the set form inside a sub-select, so that it runs once per
-- statement (an InitPlan / hashed SubPlan), not once per row:
--   using (team_id in (select auth.scopes_with_role('team', '{admin,member}')))
-- and index the column it filters (team_id).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

-- Definer: the caller's policies need the caller's grants, which RLS on
-- auth.scoped_roles would also allow, but the helper must not depend on the
-- caller holding select on auth (a module's role may not).
create function auth.scopes_with_role(scope_kind text, roles text[] default null)
returns setof bigint
language sql stable security definer
set search_path = ''
as $$
  select distinct s.scope_id
    from auth.scoped_roles s
   where s.user_id = auth.uid()
     and s.scope_kind = scopes_with_role.scope_kind
     and (scopes_with_role.roles is null or s.role = any (scopes_with_role.roles))
$$;
comment on function auth.scopes_with_role(text, text[]) is
  'Ids of the groups of this kind on which the caller holds one of the roles (any role when null). '
  'In policies: col in (select auth.scopes_with_role(kind, roles)).';
revoke execute on function auth.scopes_with_role(text, text[]) from public;
grant execute on function auth.scopes_with_role(text, text[]) to authenticated, platform_jobs;
select platform.declare_api_function('core', 'auth.scopes_with_role(text, text[])', array['authenticated'],
  'Policy helper: the caller''s own scoped roles, nothing about other users.');

create function auth.has_scoped_role(scope_kind text, scope_id bigint, roles text[] default null)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select from auth.scoped_roles s
     where s.user_id = auth.uid()
       and s.scope_kind = has_scoped_role.scope_kind
       and s.scope_id = has_scoped_role.scope_id
       and (has_scoped_role.roles is null or s.role = any (has_scoped_role.roles)))
$$;
comment on function auth.has_scoped_role(text, bigint, text[]) is
  'Whether the caller holds one of the roles (any role when null) on one group. For functions and '
  'checks on one known group; policies over many rows use auth.scopes_with_role().';
revoke execute on function auth.has_scoped_role(text, bigint, text[]) from public;
grant execute on function auth.has_scoped_role(text, bigint, text[]) to authenticated, platform_jobs;
select platform.declare_api_function('core', 'auth.has_scoped_role(text, bigint, text[])', array['authenticated'],
  'Policy helper: whether the caller holds a role on one group, nothing about other users.');

-- Owner only (ops): grant by email; true when the grant is new.
create function auth.grant_scoped_role(email text, scope_kind text, scope_id bigint, role text)
returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
  target uuid;
  added integer;
begin
  select u.id into target from auth.users u
   where u.email operator(extensions.=) pg_catalog.btrim(grant_scoped_role.email)::extensions.citext;
  if target is null then
    perform platform.raise_error(404, 'auth.unknown_user', 'email does not belong to any account',
      null, 'create the account first: inv users.create EMAIL');
  end if;
  if scope_kind is null or scope_kind !~ '^[a-z][a-z0-9_]{0,39}$' then
    perform platform.raise_error(400, 'auth.invalid_scope_kind',
      'scope_kind must be a lower-case identifier (a team, a location...)', scope_kind);
  end if;
  if role is null or role !~ '^[a-z][a-z0-9_]{0,39}$' then
    perform platform.raise_error(400, 'auth.invalid_scope_role', 'role must be a lower-case identifier', role);
  end if;
  if scope_id is null then
    perform platform.raise_error(400, 'auth.invalid_scope_id', 'scope_id is required');
  end if;
  insert into auth.scoped_roles (user_id, scope_kind, scope_id, role)
  values (target, scope_kind, scope_id, role)
  on conflict do nothing;
  get diagnostics added = row_count;
  return added > 0;
end
$$;
comment on function auth.grant_scoped_role(text, text, bigint, text) is
  'Grant a role on a group (ops: inv users.grant-scope); it applies to the user''s next statement.';

-- Owner only (ops): true when there was such a grant. Applies at once: the
-- policy helper reads the table on every statement, no token carries it.
create function auth.revoke_scoped_role(email text, scope_kind text, scope_id bigint, role text)
returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
  target uuid;
  removed integer;
begin
  select u.id into target from auth.users u
   where u.email operator(extensions.=) pg_catalog.btrim(revoke_scoped_role.email)::extensions.citext;
  if target is null then
    perform platform.raise_error(404, 'auth.unknown_user', 'email does not belong to any account');
  end if;
  delete from auth.scoped_roles s
   where s.user_id = target and s.scope_kind = revoke_scoped_role.scope_kind
     and s.scope_id = revoke_scoped_role.scope_id and s.role = revoke_scoped_role.role;
  get diagnostics removed = row_count;
  return removed > 0;
end
$$;
comment on function auth.revoke_scoped_role(text, text, bigint, text) is
  'Withdraw a role on a group (ops: inv users.revoke-scope); it applies to the user''s next statement.';

revoke execute on function auth.grant_scoped_role(text, text, bigint, text),
  auth.revoke_scoped_role(text, text, bigint, text) from public;

commit;
