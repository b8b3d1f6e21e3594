-- Revert platform:functions/publishing/comment_tree from pg

begin;

drop function publishing.comment_tree(publishing.articles);
drop function publishing_private.comment_replies(bigint, jsonb);

commit;
