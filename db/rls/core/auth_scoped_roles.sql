-- Deploy platform:rls/core/auth_scoped_roles to pg
-- requires: schema/core/auth_scoped_roles
-- requires: functions/core/auth_claims
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

commit;
