-- Verify platform:schema/publishing/article_derived_columns on pg
-- Verify scripts raise: select ... where false, 1/count(*), has_*_privilege checks.

begin;

-- Plain columns now (a generated column is never dumped)...
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute a
 where a.attrelid = 'publishing.articles'::regclass
   and a.attname in ('search', 'reading_minutes') and a.attgenerated = '';
-- ...kept by the trigger.
select 1 / count(*)::int from pg_catalog.pg_trigger t
 where t.tgrelid = 'publishing.articles'::regclass and t.tgname = 'articles_derive'
   and t.tgfoid = 'publishing_private.derive_article_columns()'::regprocedure;
select 1 / (not pg_catalog.has_function_privilege('public', 'publishing_private.derive_article_columns()', 'execute'))::int;

rollback;
