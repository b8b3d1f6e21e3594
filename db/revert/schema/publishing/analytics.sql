-- Revert platform:schema/publishing/analytics from pg

begin;

select platform.forget_api_function('publishing.top_articles(timestamptz, integer)');
select platform.forget_api_function('publishing.daily_totals(date, date)');
select platform.forget_api_function('publishing.article_stats(bigint)');

drop function publishing.article_stats(bigint);
drop function publishing.daily_totals(date, date);
drop function publishing.top_articles(timestamptz, integer);
drop function publishing_private.refresh_analytics();
drop materialized view publishing_private.daily_stats;
drop materialized view publishing_private.article_stats;

commit;
