-- Revert platform:rls/publishing/profiles from pg

begin;

drop policy "users update their own profile" on publishing.profiles;
drop policy "anyone reads profiles" on publishing.profiles;
revoke all on publishing.profiles from anon, authenticated;

commit;
