-- Deploy platform:rls/core/storage to pg
-- requires: schema/core/storage_objects
-- requires: functions/core/auth_claims
-- requires: functions/core/unfiltered_writes
--
-- Who reads and deletes storage rows through PostgREST (Accept-Profile: storage):
--   buckets   everyone reads the rules (they are documented, not secret).
--   objects   a ready object of a public bucket is readable by anyone; every object
--             by its owner (pending ones too). The owner deletes their objects
--             (DELETE /objects?id=eq...): the files follow through the deletion
--             queue. Nobody inserts or updates rows here: the gateway does, through
--             storage_private functions that apply the bucket's rules.
-- A private object may also be readable by others when its bucket declares a read
-- rule (storage.buckets.authorize_read): that rule opens the file
-- (storage_private.authorize_read), not the listing.

begin;

set local search_path = '';
set local lock_timeout = '5s';
set local statement_timeout = '5min';

grant select on storage.buckets to anon, authenticated;
create policy "anyone reads bucket rules" on storage.buckets
  for select to anon, authenticated using (true);

grant select on storage.objects to anon, authenticated;
grant delete on storage.objects to authenticated;

create policy "anyone reads public objects, owners read their own" on storage.objects
  for select to anon, authenticated
  using ((public and status = 'ready') or owner_id = (select auth.uid()));
create policy "owners delete their objects" on storage.objects
  for delete to authenticated
  using (owner_id = (select auth.uid()));

-- A DELETE without a filter is refused (400 platform.filter_required).
select platform.refuse_unfiltered_writes('storage.objects');

commit;
