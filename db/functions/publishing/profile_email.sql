-- Deploy platform:functions/publishing/profile_email to pg
-- requires: rls/publishing/profiles
--
-- A computed column: GET /profiles?select=username,email answers the email
-- only on the caller's own profile, or to admins; null otherwise.
-- SECURITY DEFINER because only the owner reads auth.users.

begin;

set local search_path = '';

create function publishing.email(profile publishing.profiles) returns text
language sql stable
security definer
set search_path = ''
as $$
  select u.email::text from auth.users u
   where u.id = profile.user_id
     and (profile.user_id = auth.uid() or auth.has_privilege('admin'))
$$;
comment on function publishing.email(publishing.profiles) is
  'Computed column: the profile''s email, for its owner and admins only.';

revoke execute on function publishing.email(publishing.profiles) from public;
grant execute on function publishing.email(publishing.profiles) to anon, authenticated;
select platform.declare_api_function('publishing', 'publishing.email(publishing.profiles)',
  array['anon', 'authenticated'],
  'Computed column email of GET /profiles: the address for its owner and admins, null for anyone else (definer).');

commit;
