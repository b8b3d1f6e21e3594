-- Verify platform:schema/journal/authors on pg

begin;

select user_id, display_name, bio, avatar_url, timezone, public_entries, created_at, updated_at
  from journal.authors where false;
select 1 / (select relrowsecurity::int from pg_catalog.pg_class where oid = 'journal.authors'::regclass);
-- every account has its author row
select 1 / (not exists (select from auth.users u
                        where not exists (select from journal.authors a where a.user_id = u.id)))::int;

rollback;
