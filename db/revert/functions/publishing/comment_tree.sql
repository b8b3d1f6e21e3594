-- Revert platform:functions/publishing/comment_tree from pg

begin;

select platform.forget_api_function('publishing_private.comment_replies(bigint, jsonb)');
select platform.forget_api_function('publishing.comment_tree(publishing.articles)');

drop function publishing.comment_tree(publishing.articles);
drop function publishing_private.comment_replies(bigint, jsonb);

commit;
