-- Revert platform:functions/publishing/realtime from pg

begin;

select platform.forget_api_function('publishing_private.may_follow_articles(text)');
select platform.forget_api_function('publishing_private.may_follow_article(text)');
select platform.forget_api_function('publishing_private.may_follow_review(text)');

select events.unregister_topic('publishing:review');
select events.unregister_topic('publishing:article:*');
select events.unregister_topic('publishing:articles');

select events.disable('publishing.comments');
select events.disable('publishing.articles');
drop function publishing_private.describe_comment(text, jsonb, jsonb);
drop function publishing_private.describe_article(text, jsonb, jsonb);

delete from events.replay_audiences where source in ('publishing.articles', 'publishing.comments');
drop function publishing_private.current_comment_audiences(text[]);
drop function publishing_private.current_article_audiences(text[]);
revoke usage on schema publishing_private from platform_jobs;
drop function publishing_private.comment_audience(jsonb, boolean);
drop function publishing_private.may_follow_review(text);
drop function publishing_private.may_follow_article(text);
drop function publishing_private.may_follow_articles(text);
drop function publishing_private.article_audience(publishing.articles, boolean);

commit;
