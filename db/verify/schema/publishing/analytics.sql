-- Verify platform:schema/publishing/analytics on pg

begin;

select article_id, views, likes, comments from publishing_private.article_stats where false;
select day, views, likes, comments, published from publishing_private.daily_stats where false;
select 1 / (not pg_catalog.has_table_privilege('authenticated', 'publishing_private.article_stats', 'select'))::int;
select 1 / (not pg_catalog.has_function_privilege('anon', 'publishing.top_articles(timestamptz, integer)', 'execute'))::int;

rollback;
