-- Deploy platform:rls/publishing/taxonomy to pg
-- requires: schema/publishing/taxonomy
-- requires: functions/core/auth_claims
--
-- Everyone reads categories and tags. Editors manage categories; authors may
-- create tags (while writing), editors rename and delete them.

begin;

set local search_path = '';

grant select on publishing.categories, publishing.tags to anon, authenticated;
grant insert, update, delete on publishing.categories, publishing.tags to authenticated;

create policy "anyone reads categories" on publishing.categories
  for select to anon, authenticated using (true);
create policy "editors create categories" on publishing.categories
  for insert to authenticated with check ((select auth.has_privilege('editor')));
create policy "editors update categories" on publishing.categories
  for update to authenticated using ((select auth.has_privilege('editor')))
  with check ((select auth.has_privilege('editor')));
create policy "editors delete categories" on publishing.categories
  for delete to authenticated using ((select auth.has_privilege('editor')));

create policy "anyone reads tags" on publishing.tags
  for select to anon, authenticated using (true);
create policy "authors create tags" on publishing.tags
  for insert to authenticated with check ((select auth.has_privilege('author')));
create policy "editors update tags" on publishing.tags
  for update to authenticated using ((select auth.has_privilege('editor')))
  with check ((select auth.has_privilege('editor')));
create policy "editors delete tags" on publishing.tags
  for delete to authenticated using ((select auth.has_privilege('editor')));

commit;
