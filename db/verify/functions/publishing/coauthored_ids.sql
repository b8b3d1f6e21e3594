-- Verify platform:functions/publishing/coauthored_ids on pg

begin;

select 1 / count(*)
  from pg_catalog.pg_proc p join pg_catalog.pg_language l on l.oid = p.prolang
 where p.oid = 'publishing_private.coauthored_article_ids()'::regprocedure
   and l.lanname = 'plpgsql'
   and p.prosecdef
   and p.proconfig = array['search_path=""'];

rollback;
