-- Deploy platform:rls/journal/tags to pg
-- requires: schema/journal/tags
-- requires: functions/core/auth_claims
-- requires: functions/core/unfiltered_writes
--
-- Tags and the tags on entries are their owner's alone (a tag name says a lot
-- about a diary): one policy per command, `to authenticated`, auth.uid() in a
-- sub-select, owner_id indexed (tags_owner_name_key, entry_tags_owner_id_idx).
-- Anonymous callers have no grant. Links are added and removed, never changed.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select, delete on journal.tags to authenticated;
grant insert (name), update (name) on journal.tags to authenticated;
grant select, delete on journal.entry_tags to authenticated;
grant insert (entry_id, tag_id) on journal.entry_tags to authenticated;

create policy "owners read their tags" on journal.tags
  for select to authenticated using (owner_id = (select auth.uid()));
create policy "signed-in users add their own tags" on journal.tags
  for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "owners rename their tags" on journal.tags
  for update to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "owners delete their tags" on journal.tags
  for delete to authenticated using (owner_id = (select auth.uid()));

create policy "owners read the tags on their entries" on journal.entry_tags
  for select to authenticated using (owner_id = (select auth.uid()));
create policy "owners tag their entries" on journal.entry_tags
  for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "owners untag their entries" on journal.entry_tags
  for delete to authenticated using (owner_id = (select auth.uid()));

select platform.refuse_unfiltered_writes('journal.tags');
select platform.refuse_unfiltered_writes('journal.entry_tags');

commit;
