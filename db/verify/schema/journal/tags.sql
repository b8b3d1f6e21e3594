-- Verify platform:schema/journal/tags on pg

begin;

select id, owner_id, name, created_at from journal.tags where false;
select entry_id, tag_id, owner_id, created_at from journal.entry_tags where false;
select 1 / (select (relrowsecurity)::int from pg_catalog.pg_class where oid = 'journal.tags'::regclass);
select 1 / (select (relrowsecurity)::int from pg_catalog.pg_class where oid = 'journal.entry_tags'::regclass);

rollback;
