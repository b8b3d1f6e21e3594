-- Revert platform:rls/journal/authors from pg

begin;

select platform.allow_unfiltered_writes('journal.authors');
drop policy "authors edit their own row" on journal.authors;
drop policy "users read their own author row and authors of public entries" on journal.authors;
drop policy "anyone reads authors of public entries" on journal.authors;
revoke all on journal.authors from anon, authenticated;

commit;
