-- Verify platform:schema/journal/entry_views on pg

begin;

select entry_id, owner_id, view_count, last_viewed_at from journal.entry_views where false;
select 1 / (select (relrowsecurity)::int from pg_catalog.pg_class where oid = 'journal.entry_views'::regclass);

rollback;
