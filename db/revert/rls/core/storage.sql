-- Revert platform:rls/core/storage from pg

begin;

select platform.allow_unfiltered_writes('storage.objects');
drop policy "owners delete their objects" on storage.objects;
drop policy "anyone reads public objects, owners read their own" on storage.objects;
revoke delete on storage.objects from authenticated;
revoke select on storage.objects from anon, authenticated;
drop policy "anyone reads bucket rules" on storage.buckets;
revoke select on storage.buckets from anon, authenticated;

commit;
