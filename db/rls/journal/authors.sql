-- Deploy platform:rls/journal/authors to pg
-- requires: schema/journal/authors
-- requires: functions/core/auth_claims
-- requires: functions/core/unfiltered_writes
--
-- Who reads and edits journal.authors (RLS is the only guard), one policy per command:
--   * an author reads and edits their own row (display_name, bio, avatar_url, timezone);
--   * everyone, anonymous included, reads the row of an author with at least one
--     public, live entry (public_entries > 0, kept by the database; the partial index
--     authors_listed_idx holds those rows): an author with only private entries is
--     invisible, even their existence;
--   * rows come and go with the account: nobody inserts or deletes them.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select on journal.authors to anon, authenticated;
grant update (display_name, bio, avatar_url, timezone) on journal.authors to authenticated;

create policy "anyone reads authors of public entries" on journal.authors
  for select to anon using (public_entries > 0);
-- One permissive policy for signed-in readers (not two stacked ones).
create policy "users read their own author row and authors of public entries" on journal.authors
  for select to authenticated
  using (user_id = (select auth.uid()) or public_entries > 0);
create policy "authors edit their own row" on journal.authors
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- A PATCH without a filter is refused (400 platform.filter_required).
select platform.refuse_unfiltered_writes('journal.authors');

commit;
