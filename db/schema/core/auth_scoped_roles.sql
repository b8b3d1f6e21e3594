-- Deploy platform:schema/core/auth_scoped_roles to pg
-- requires: schema/core/auth_users
-- requires: schema/core/audit_log
--
-- Scoped roles: "user U has role R on group G", where a group is whatever a
-- module groups people by (a location, a coalition, a team), beside the global
-- app privileges of auth.user_privileges. The module names the kind of group
-- ('team') and the roles ('admin', 'member'); core only stores the grants and
-- answers policies (auth.scopes_with_role, functions/core/auth_scoped_roles).
-- A group is keyed by a bigint (the module's identity key).

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table auth.scoped_roles (
  user_id uuid not null references auth.users (id) on delete cascade,
  -- the module's word for the group, as it writes it in its policies
  scope_kind text not null
    constraint scoped_roles_scope_kind_format check (scope_kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  scope_id bigint not null,
  role text not null
    constraint scoped_roles_role_format check (role ~ '^[a-z][a-z0-9_]{0,39}$'),
  granted_at timestamptz not null default pg_catalog.now(),
  -- the policy helper reads (user_id, scope_kind, role): the key's prefix serves it
  primary key (user_id, scope_kind, role, scope_id)
);
-- who holds a role on a group (revoking a group, listing its members)
create index scoped_roles_scope_idx on auth.scoped_roles (scope_kind, scope_id);
comment on table auth.scoped_roles is
  'Roles users hold on groups (a team, a location, a coalition): read by auth.scopes_with_role() in policies.';
alter table auth.scoped_roles enable row level security;

select audit.enable('auth.scoped_roles');

commit;
