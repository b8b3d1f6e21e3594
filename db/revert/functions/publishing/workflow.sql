-- Revert platform:functions/publishing/workflow from pg

begin;

select platform.forget_api_function('publishing_private.updated_or_fail(publishing.articles, bigint)');
select platform.forget_api_function('publishing.submit_for_review(bigint)');
select platform.forget_api_function('publishing.publish_article(bigint)');
select platform.forget_api_function('publishing.schedule_article(bigint, timestamptz)');
select platform.forget_api_function('publishing.archive_article(bigint)');
select platform.forget_api_function('publishing.restore_revision(bigint)');

drop function publishing.publish_due_articles();
drop function publishing.restore_revision(bigint);
drop function publishing.archive_article(bigint);
drop function publishing.schedule_article(bigint, timestamptz);
drop function publishing.publish_article(bigint);
drop function publishing.submit_for_review(bigint);
drop function publishing_private.updated_or_fail(publishing.articles, bigint);

commit;
