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

drop function publishing_private.may_follow_review(text);
drop function publishing_private.may_follow_article(text);
drop function publishing_private.may_follow_articles(text);
drop function publishing_private.article_audience(publishing.articles, boolean);

commit;
