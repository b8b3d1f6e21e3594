-- Deploy platform:rls/core/auth_scoped_roles to pg
-- requires: schema/core/auth_scoped_roles
-- requires: functions/core/auth_claims
-- requires: schema/core/modules
--
-- A signed-in user reads their own scoped roles (a module's function may list
-- them for the user's menus); grants and revocations go through the owner's
-- functions only.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select on auth.scoped_roles to authenticated;
create policy "users read their own scoped roles" on auth.scoped_roles
  for select to authenticated using (user_id = (select auth.uid()));
-- auth is not exposed: no request reaches the table; a module's caller-run
-- function may list the caller's own grants, which the policy above limits.
select platform.declare_lint_exception('core', 'private_relation_api_access', 'auth.scoped_roles',
  'Modules'' caller-run functions list the caller''s own scoped roles; RLS limits each user to their rows.');

commit;
