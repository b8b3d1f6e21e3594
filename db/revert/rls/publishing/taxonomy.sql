-- Revert platform:rls/publishing/taxonomy from pg

begin;

drop policy "editors delete tags" on publishing.tags;
drop policy "editors update tags" on publishing.tags;
drop policy "authors create tags" on publishing.tags;
drop policy "anyone reads tags" on publishing.tags;
drop policy "editors delete categories" on publishing.categories;
drop policy "editors update categories" on publishing.categories;
drop policy "editors create categories" on publishing.categories;
drop policy "anyone reads categories" on publishing.categories;
revoke all on publishing.categories, publishing.tags from anon, authenticated;

commit;
