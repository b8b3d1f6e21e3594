-- Deploy platform:rls/publishing/profiles to pg
-- requires: schema/publishing/profiles
-- requires: functions/core/auth_claims
--
-- Everyone reads public profile fields; a signed-in user updates only their
-- own, and only the presentation columns (column grants: username and the
-- timestamps are not writable). Profiles are created and deleted with the
-- account, never through the API.

begin;

set local search_path = '';

grant select on publishing.profiles to anon, authenticated;
grant update (display_name, bio, avatar_url, preferences, timezone, location, last_active_at)
  on publishing.profiles to authenticated;

create policy "anyone reads profiles" on publishing.profiles
  for select to anon, authenticated using (true);
create policy "users update their own profile" on publishing.profiles
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

commit;
