-- Revert platform:functions/publishing/search_articles from pg
-- (USAGE on publishing_private stays: functions/publishing/category_tree grants it too.)

begin;

select platform.forget_api_function('publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer)');
select platform.forget_api_function('publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer)');

drop function publishing.search_articles(text, bigint, text, uuid, timestamptz, timestamptz, integer, integer);
drop function publishing_private.search_hits(tsquery, text, bigint[], bigint, uuid, timestamptz, timestamptz, integer, integer);
drop function publishing_private.search_tags(bigint);
drop function publishing_private.search_correction(text);
drop function publishing_private.search_ranked(tsquery, bigint[], bigint, uuid, timestamptz, timestamptz, integer);
drop function publishing_private.search_filters_pass(bigint, bigint, uuid, timestamptz, bigint[], bigint, uuid, timestamptz, timestamptz);

commit;
