-- Revert platform:functions/publishing/legacy_links from pg

begin;

select platform.forget_api_function('publishing.legacy_article(bigint)');
drop function publishing.legacy_article(bigint);

commit;
