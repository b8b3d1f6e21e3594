-- Verify platform:schema/publishing/revisions on pg

begin;

select id, article_id, version, title, excerpt, content, replaced_by, replaced_at
  from publishing.article_revisions where false;
select 1 / (not pg_catalog.has_table_privilege('anon', 'publishing.article_revisions', 'select'))::int;

rollback;
