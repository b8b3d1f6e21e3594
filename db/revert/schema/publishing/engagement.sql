-- Revert platform:schema/publishing/engagement from pg

begin;

select platform.forget_api_function('publishing.record_view(bigint)');

drop table publishing.site_settings;
drop function publishing.record_view(bigint);
drop function publishing_private.ensure_view_partitions(integer);
drop table publishing_private.article_views;
drop table publishing.article_likes;
drop function publishing_private.count_likes();

commit;
